package io.tickwire.server.transport;

/**
 * The per-connection limits a {@link ClientFrameHandler} enforces.
 *
 * @param maxInputsPerSecond inputs per second; excess dropped, sustained excess closes (1008).
 * @param maxPingsPerSecond  pings (WebSocket and protobuf together) per second; excess gets no
 *                           pong, sustained excess closes (1008).
 * @param joinTimeoutMs      time after the handshake to send {@code Join} (else 4014).
 * @param closeGraceMs       how long a close frame may wait for the client's answer before TCP is
 *                           closed whatever is queued.
 */
public record SessionLimits(int maxInputsPerSecond, int maxPingsPerSecond, long joinTimeoutMs, long closeGraceMs)
{
    /** Pings per second: the SDK sends 10 per second for its first second, then one. */
    public static final int DEFAULT_MAX_PINGS_PER_SECOND = 20;
    /** Time to send {@code Join} after the handshake. */
    public static final long DEFAULT_JOIN_TIMEOUT_MS = 10_000;
    /** Longest a close frame waits for the client's answer before TCP is closed. */
    public static final long DEFAULT_CLOSE_GRACE_MS = 1_000;
    /** Bytes the server may queue for one connection; a write past it closes the connection. */
    public static final int DEFAULT_MAX_OUTBOUND_BYTES = 256 * 1024;
    /** Capacity of each event loop's outbox (frames from room loops waiting for the event loop). */
    public static final int DEFAULT_OUTBOX_CAPACITY_BYTES = 2 * 1024 * 1024;
}
