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
    long handshakeTimeoutMs)
{
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
    }
}
