/**
 * Snapshot delta codec: {@link io.tickwire.protocol.delta.WorldState} (a captured world: entity
 * ids and quantized slots in flat arrays), {@link io.tickwire.protocol.delta.DeltaEncoder} (server:
 * baseline and current state to {@code Snapshot} bytes, no allocation in steady state) and
 * {@link io.tickwire.protocol.delta.DeltaDecoder} (client: baseline plus {@code Snapshot} to the
 * new state, rejecting anything inconsistent).
 * <p>
 * Encoders and decoders are single-threaded: the server's room loop and the client's I/O thread
 * each own theirs. A {@code WorldState} is written by one thread while it is captured and is
 * read-only afterwards, so it may then be shared.
 */
package io.tickwire.protocol.delta;
