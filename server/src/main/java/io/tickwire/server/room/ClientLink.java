package io.tickwire.server.room;

/**
 * The room side's view of one client connection: who it is, whether frames can reach it, the
 * {@link Outbox} its frames go through, and a way to close it. The transport implements it; the
 * room side never sees a channel or a buffer it would have to release.
 * <p>
 * Threads: every method is safe from any thread. A room loop calls them on its own thread.
 */
public interface ClientLink
{
    /**
     * @return the numeric id used in ring records; unique for the server's lifetime.
     */
    long connectionId();

    /**
     * @return the session id sent in {@code Welcome}.
     */
    String sessionId();

    /**
     * @return the secret resume token sent in {@code Welcome}.
     */
    String resumeToken();

    /**
     * @return the client's address, for logs and per-address limits.
     */
    String remoteAddress();

    /**
     * @return the player id from the verified join ticket, or null in open mode.
     */
    String playerId();

    /**
     * @return the options of the connection's {@code Join}; immutable, empty when none.
     */
    default java.util.Map<String, String> joinOptions()
    {
        return java.util.Map.of();
    }

    /**
     * @return the protocol version the client speaks (from its {@code Join}): what its {@code Welcome} says.
     */
    default int protocolVersion()
    {
        return io.tickwire.protocol.ProtocolVersion.CURRENT;
    }

    /**
     * @return the custom claims of the connection's verified join ticket; immutable, empty in open mode.
     */
    default java.util.Map<String, String> claims()
    {
        return java.util.Map.of();
    }

    /**
     * @return true while the connection is open and no close was decided.
     */
    boolean isOpen();

    /**
     * @return true while the connection's outbound buffer is under its high-water mark: a snapshot
     * offered now would be written rather than dropped.
     */
    boolean isWritable();

    /**
     * @return where frames for this connection go: the outbox of the event loop that owns it.
     */
    Outbox outbox();

    /**
     * Close the connection with a WebSocket close code and a reason. The transport tells the room
     * loop with a {@code LEAVE} record at once (the seat is released without waiting for TCP), tries
     * the close frame for a short grace, then closes TCP whatever is still queued. Only the first
     * call has an effect.
     *
     * @param code   a {@code CloseCodes} value.
     * @param reason human-readable reason, naming the values.
     */
    void close(int code, String reason);
}
