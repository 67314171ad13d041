package io.tickwire.protocol.predict;

import io.tickwire.protocol.schema.SchemaField;

/**
 * A game's movement rule for one entity and one input, written once and run on both sides: the server's
 * game calls it for the input it applies in a tick, the client SDK's predictor calls it for each input it
 * predicts and replays. Because both sides run the same code over views that quantize the same way, a
 * prediction is bit-exact to the server's state whenever the server applies one input per tick.
 * <p>
 * Pure: the result depends only on the entity's state and the input; no clock, no randomness, no other
 * entities. It must not allocate (it runs on the server's tick path and on every replay).
 * <p>
 * Thread: whichever thread owns the view (see {@link EntityView}); implementations are usually stateless
 * and shared.
 */
public interface EntityStep
{
    /**
     * Advance the entity by one tick with one input, in place.
     *
     * @param entity the entity's state before the tick; the state after it is written into it.
     * @param input  holds the input payload; read only, do not keep.
     * @param offset index of the payload's first byte in {@code input}.
     * @param length bytes of the payload.
     */
    void step(EntityView entity, byte[] input, int offset, int length);

    /**
     * The fields this step writes: the client predicts these, and a misprediction is a difference in one of
     * them. Fields only the server writes (health, score, ...) are taken from the server as they come and
     * never count as mispredictions.
     *
     * @return the predicted fields of the schema the step is built for; the same array on every call, do not
     * modify.
     */
    SchemaField[] predictedFields();
}
