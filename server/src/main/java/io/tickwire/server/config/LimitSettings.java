package io.tickwire.server.config;

import static io.tickwire.server.config.OptionChecks.require;

/**
 * What one client, or all of them, may cost the server: message sizes, connection counts, input
 * rate and the timeouts that close a client that stalls.
 *
 * @param maxFrameLength           largest WebSocket message a client may send, in bytes, 64..16 MiB.
 * @param maxInputPayload          largest input payload a client may send, in bytes, below {@code maxFrameLength}.
 * @param maxConnections           most open connections.
 * @param maxConnectionsPerAddress most open connections from one remote address.
 * @param idleTimeoutMs            a joined client that sends nothing for this long is closed (4010).
 * @param maxInputsPerSecond       inputs per second a session may send; excess dropped, sustained excess closed (1008).
 * @param slowClientTimeoutMs      a client unwritable for longer is closed (4006).
 * @param ackTimeoutMs             a client that acks nothing for longer is closed (4007).
 * @param handshakeTimeoutMs       time allowed from TCP connect to a completed WebSocket upgrade.
 * @param maxOutboundBytes         bytes the server may queue for one connection; a write past it closes it.
 * @param maxPingsPerSecond        pings (WebSocket and protobuf together) per second per session; excess
 *                                 unanswered, sustained excess closed (1008).
 * @param joinTimeoutMs            time after the handshake to send {@code Join} (else 4014).
 * @param closeGraceMs             how long a close frame waits for the client's answer before TCP closes.
 * @param maxDetachedPerAddress    players in their resume grace one address may hold.
 * @param maxMessageBytes          largest game message payload a client may send, below
 *                                 {@code maxFrameLength}; larger closes with 1009.
 * @param maxMessagesPerSecond     game messages per second a session may send (burst: a quarter second's worth);
 *                                 more closes with 1008 (messages are reliable: never dropped).
 */
public record LimitSettings(
    int maxFrameLength,
    int maxInputPayload,
    int maxConnections,
    int maxConnectionsPerAddress,
    long idleTimeoutMs,
    int maxInputsPerSecond,
    long slowClientTimeoutMs,
    long ackTimeoutMs,
    long handshakeTimeoutMs,
    int maxOutboundBytes,
    int maxPingsPerSecond,
    long joinTimeoutMs,
    long closeGraceMs,
    int maxDetachedPerAddress,
    int maxMessageBytes,
    int maxMessagesPerSecond)
{
    /** Largest game message payload a client may send (else 1009). */
    public static final int DEFAULT_MAX_MESSAGE_BYTES = 1024;
    /** Game messages per second a session may send, with a burst of a quarter second's worth (else 1008). */
    public static final int DEFAULT_MAX_MESSAGES_PER_SECOND = 30;

    /** Largest WebSocket frame a client may send. */
    public static final int DEFAULT_MAX_FRAME_LENGTH = 4096;
    /** Largest input payload a client may send. */
    public static final int DEFAULT_MAX_INPUT_PAYLOAD = 1024;
    /** Most open connections. */
    public static final int DEFAULT_MAX_CONNECTIONS = 10_000;
    /** Most open connections from one remote address. */
    public static final int DEFAULT_MAX_CONNECTIONS_PER_ADDRESS = 1024;
    /** A joined client that sends nothing for this long is closed (4010). */
    public static final long DEFAULT_IDLE_TIMEOUT_MS = 30_000L;
    /** Inputs per second a session may send; excess is dropped, sustained excess closes (1008). */
    public static final int DEFAULT_MAX_INPUTS_PER_SECOND = 120;
    /** A client unwritable for longer is closed (4006). */
    public static final long DEFAULT_SLOW_CLIENT_TIMEOUT_MS = 5_000;
    /** A client that acks nothing for longer is closed (4007). */
    public static final long DEFAULT_ACK_TIMEOUT_MS = 10_000;
    /** Time allowed for the WebSocket handshake. */
    public static final long DEFAULT_HANDSHAKE_TIMEOUT_MS = 5_000;
    /** Bytes the server may queue for one connection (four times the default high-water mark). */
    public static final int DEFAULT_MAX_OUTBOUND_BYTES = 256 * 1024;
    /** Pings per second per session: the SDK sends 10 per second for its first second, then one. */
    public static final int DEFAULT_MAX_PINGS_PER_SECOND = 20;
    /** Time to send {@code Join} after the handshake. */
    public static final long DEFAULT_JOIN_TIMEOUT_MS = 10_000;
    /** Longest a close frame waits for the client's answer before TCP is closed. */
    public static final long DEFAULT_CLOSE_GRACE_MS = 1_000;
    /** Players in their resume grace one address may hold. */
    public static final int DEFAULT_MAX_DETACHED_PER_ADDRESS = 16;

    /**
     * @throws IllegalArgumentException naming the first invalid option and its value.
     */
    public LimitSettings
    {
        require(maxFrameLength >= 64 && maxFrameLength <= 16 * 1024 * 1024, "maxFrameLength", maxFrameLength);
        require(maxInputPayload >= 1 && maxInputPayload < maxFrameLength, "maxInputPayload", maxInputPayload);
        require(maxConnections >= 1, "maxConnections", maxConnections);
        require(maxConnectionsPerAddress >= 1, "maxConnectionsPerAddress", maxConnectionsPerAddress);
        require(idleTimeoutMs >= 100, "idleTimeoutMs", idleTimeoutMs);
        require(maxInputsPerSecond >= 1, "maxInputsPerSecond", maxInputsPerSecond);
        require(slowClientTimeoutMs >= 1, "slowClientTimeoutMs", slowClientTimeoutMs);
        require(ackTimeoutMs >= 1, "ackTimeoutMs", ackTimeoutMs);
        require(handshakeTimeoutMs >= 1, "handshakeTimeoutMs", handshakeTimeoutMs);
        require(maxOutboundBytes >= 4096, "maxOutboundBytes", maxOutboundBytes);
        require(maxPingsPerSecond >= 1, "maxPingsPerSecond", maxPingsPerSecond);
        require(joinTimeoutMs >= 1, "joinTimeoutMs", joinTimeoutMs);
        require(closeGraceMs >= 0, "closeGraceMs", closeGraceMs);
        require(maxDetachedPerAddress >= 0, "maxDetachedPerAddress", maxDetachedPerAddress);
        require(maxMessageBytes >= 0 && maxMessageBytes < maxFrameLength, "maxMessageBytes", maxMessageBytes);
        require(maxMessagesPerSecond >= 1, "maxMessagesPerSecond", maxMessagesPerSecond);
    }
}
