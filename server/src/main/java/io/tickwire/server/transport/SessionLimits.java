package io.tickwire.server.transport;

/**
 * The per-connection limits a {@link ClientFrameHandler} enforces.
 *
 * @param maxInputsPerSecond inputs per second; excess dropped, sustained excess closes (1008).
 * @param maxPingsPerSecond  pings (WebSocket and protobuf together) per second; excess gets no
 *                           pong, sustained excess closes (1008).
 * @param joinTimeoutMs      time after the handshake to send {@code Join} (else 4014).
 * @param idleTimeoutMs      time without a frame from a connection after its handshake (else 4010); 0: none.
 * @param closeGraceMs       how long a close frame may wait for the client's answer before TCP is
 *                           closed whatever is queued.
 * @param maxMessageBytes      largest game message payload (else 1009).
 * @param maxMessagesPerSecond game messages per second, burst of a quarter second's worth (else 1008).
 */
public record SessionLimits(int maxInputsPerSecond, int maxPingsPerSecond, long joinTimeoutMs, long idleTimeoutMs,
    long closeGraceMs, int maxMessageBytes, int maxMessagesPerSecond)
{
    /** Capacity of each event loop's outbox (frames from room loops waiting for the event loop). */
    public static final int DEFAULT_OUTBOX_CAPACITY_BYTES = 2 * 1024 * 1024;
}
