package io.tickwire.client;

/**
 * Events of a {@link RoomSession}. Every method has a no-op default; implement what you need.
 * <p>
 * Thread: the connection's event loop thread, or the {@link ClientOptions#callbackExecutor()} when
 * one is configured. Callbacks of one session are delivered in order (given a one-thread executor).
 * On the event loop a callback must not block: the connection reads nothing while it runs. Events
 * start with the {@code Welcome}; a failure before it fails the join future instead. An exception
 * thrown by a listener is logged and does not affect the session or other listeners.
 */
public interface SessionListener
{
    /**
     * A snapshot was applied: the mirror now shows its tick (and, when auto-ack is on, the ack has
     * been written).
     *
     * @param session the session.
     * @param info    what the snapshot carried.
     */
    default void onSnapshot(final RoomSession session, final SnapshotInfo info)
    {
    }

    /**
     * A {@code Pong} answered a {@link RoomSession#ping()}.
     *
     * @param session    the session.
     * @param rttNanos   round-trip time in nanoseconds.
     * @param serverTick the server's tick when it answered.
     */
    default void onPong(final RoomSession session, final long rttNanos, final int serverTick)
    {
    }

    /**
     * The server sent an {@code Error}, or the SDK found a protocol error (code 0): an unknown
     * baseline, a snapshot that does not fit its baseline, an unparseable or unexpected message.
     * After a snapshot error the SDK has already asked for a full snapshot; the mirror is unchanged.
     *
     * @param session the session.
     * @param code    the server's error code (a {@link io.tickwire.protocol.CloseCodes} value), 0 for local errors.
     * @param message what went wrong.
     */
    default void onError(final RoomSession session, final int code, final String message)
    {
    }

    /**
     * The connection closed; called once per session.
     *
     * @param session   the session.
     * @param closeCode the server's close code, {@link io.tickwire.protocol.CloseCodes#NORMAL} when the client
     *                  closed, {@link TickwireException#ABNORMAL_CLOSURE} when the connection was lost.
     * @param reason    the close reason, possibly empty.
     */
    default void onClosed(final RoomSession session, final int closeCode, final String reason)
    {
    }
}
