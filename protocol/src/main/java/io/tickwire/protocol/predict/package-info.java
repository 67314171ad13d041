/**
 * One movement step for both sides of a predicted game: an {@link io.tickwire.protocol.predict.EntityStep}
 * is written once against an {@link io.tickwire.protocol.predict.EntityView} and runs in the server's game
 * (over a view of one entity of its {@code World}) and in the client SDK's {@code Predictor} (over the
 * predicted {@code EntityState}). Both views quantize on write through the schema's own
 * {@link io.tickwire.protocol.schema.SchemaField}s, so the two sides compute bit for bit the same state.
 * <p>
 * Inputs are byte arrays (the client's payloads already are; the server's game copies the few bytes it
 * keeps out of its input buffer), so this module and the client SDK need no Agrona.
 * <p>
 * Threads: a step runs on the thread that owns the view it is given (a room loop on the server, the game
 * thread driving the predictor on the client); the interfaces hold no state of their own.
 */
package io.tickwire.protocol.predict;
