package io.tickwire.client;

/**
 * The game's movement rule for the player's own entity, run by a {@link Predictor} once per input: it
 * must do exactly what the server's game logic does for one tick with that input, reading and writing
 * the entity through {@link EntityState}, whose setters quantize like the server's world does. Then a
 * prediction is bit-exact to the server's state and reconciliation never corrects anything.
 * <p>
 * Prefer an {@link io.tickwire.protocol.predict.EntityStep} shared with the server's game ({@link
 * RoomSession#predictor(io.tickwire.protocol.predict.EntityStep)}): one copy of the rule for both sides, and
 * only the fields it writes count as mispredictions. A {@code StepFunction} is a client-only copy; every
 * field of the schema counts as predicted.
 * <p>
 * Pure: the result depends only on {@code state} and {@code input}; no clock, no randomness, no other
 * entities (they are not predicted). It is called again for the same inputs when the predictor replays
 * them after a snapshot.
 * <p>
 * Thread: the thread that calls the {@link Predictor} (the game loop).
 */
@FunctionalInterface
public interface StepFunction
{
    /**
     * Advance the entity by one tick, in place.
     *
     * @param state the entity's state before the tick; write the state after it into the same object.
     * @param input the input payload as given to {@link Predictor#sendInput(byte[])}; do not modify.
     */
    void step(EntityState state, byte[] input);
}
