package io.tickwire.client;

/**
 * Events of a {@link RoomSession}. Every method has a no-op default; implement what you need.
 * <p>
 * Thread, by {@link ClientOptions#deliveryMode()}:
 * <ul>
 * <li>{@link DeliveryMode#CALLBACKS} (default): the connection's event loop thread, or the
 * {@link ClientOptions#callbackExecutor()} when one is configured. On the event loop a callback must not
 * block: the connection reads nothing while it runs; there the {@link EntityMirror} shows the state of
 * the snapshot being reported.</li>
 * <li>{@link DeliveryMode#POLL}: the thread calling {@link RoomSession#poll()}, inside that call; there the
 * mirror shows the state of the snapshot being reported.</li>
 * </ul>
 * Callbacks of one session are delivered in order (given a one-thread executor). For one snapshot the
 * entity callbacks come first, in ascending id order, then {@link #onSnapshot}. Events start with the
 * {@code Welcome}; a failure before it fails the join future instead. An exception thrown by a listener
 * is logged and does not affect the session or other listeners.
 * <p>
 * The entity callbacks cost a diff of consecutive states (one merge walk over the sorted ids and an
 * array comparison per entity); the SDK computes it only while some registered listener overrides one
 * of them.
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
     * An entity exists in this snapshot's state and did not in the previous one delivered; the mirror
     * shows it (except off the event loop with a callback executor, where the mirror cannot be read). With an
     * interest policy this also means "entered this client's view" (a creation with every field). Its type is
     * {@code session.mirror().typeOf(entityId)}.
     *
     * @param session  the session.
     * @param entityId the new entity.
     */
    default void onEntityAdded(final RoomSession session, final int entityId)
    {
    }

    /**
     * An entity exists in this and the previous state delivered and at least one of its fields changed: a
     * number, or the text of a STRING field (texts are compared, not the SDK's local handles). Owner-only fields
     * change for this client only while it owns the entity, and when ownership moves (back to 0 / "").
     *
     * @param session  the session.
     * @param entityId the changed entity.
     */
    default void onEntityChanged(final RoomSession session, final int entityId)
    {
    }

    /**
     * An entity of the previous state delivered is gone from this snapshot's state (so from the mirror). With
     * an interest policy this may mean it left this client's view rather than that it was destroyed: the two
     * cannot be told apart, by design; if it comes back it is added again with every field.
     *
     * @param session  the session.
     * @param entityId the removed entity.
     */
    default void onEntityRemoved(final RoomSession session, final int entityId)
    {
    }

    /**
     * A game message from the room: reliable and ordered (each message the room sent this player while
     * connected arrives once, in the order sent; messages sent while the player was detached are lost). It
     * is delivered in line with the snapshots: a message the game sent during tick {@code t} arrives before
     * the snapshot of tick {@code t}.
     *
     * @param session the session.
     * @param type    game-defined type (at least 1).
     * @param payload the bytes; the listener may keep them (each message has its own array, shared by the
     *                session's listeners: do not modify).
     * @param tick    the server tick the message belongs to (see {@code RoomContext.tick()} on the server).
     */
    default void onMessage(final RoomSession session, final int type, final byte[] payload, final int tick)
    {
    }

    /**
     * A {@code Pong} answered a {@link RoomSession#ping()} or an automatic ping; the
     * {@link RoomSession#clock()} has already taken the sample.
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
     * The session's connection ended and the client did not close it. {@code willReconnect} says whether
     * the SDK now tries to resume the player (see {@link ReconnectPolicy}: only a connection lost without a
     * close frame, 1006, is resumed); when false, {@link #onClosed} follows at once with the same code.
     * While reconnecting the session stays the same object, the mirror keeps the last state, inputs sent
     * meanwhile are kept for after the resume, and {@link RoomSession#isReconnecting()} is true. Then comes
     * either {@link #onReconnected} or {@link #onClosed} (resume refused: 4012; attempts exhausted: this
     * loss's code). Thread: as every callback, see the class comment.
     *
     * @param session       the session.
     * @param closeCode     the server's close code, or {@link TickwireException#ABNORMAL_CLOSURE} when the
     *                      connection was lost without one (including {@link ClientOptions#silenceTimeoutMs()}).
     * @param reason        what happened, possibly empty.
     * @param willReconnect true when the SDK tries to resume.
     */
    default void onDisconnected(final RoomSession session, final int closeCode, final String reason,
        final boolean willReconnect)
    {
    }

    /**
     * The session was resumed on a new connection after {@link #onDisconnected}: same player, entity and
     * session id, a new {@link RoomSession#resumeToken()}. The SDK has already resent the inputs the server
     * had not processed (paced by {@link ReconnectPolicy#resendWindowInputs()}); the next snapshot is a delta
     * from the tick this client acknowledged last (or full). Thread: as every callback, see the class comment.
     *
     * @param session the same session object as before the loss.
     */
    default void onReconnected(final RoomSession session)
    {
    }

    /**
     * The session ended; called once per session. With reconnection this is the final end: after a
     * close code that does not reconnect, a refused resume ({@link io.tickwire.protocol.CloseCodes#RESUME_REJECTED})
     * or when the {@link ReconnectPolicy} gave up (the code of the loss, 1006).
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
