package io.tickwire.client;

import io.tickwire.protocol.schema.EntityTypes;
import io.tickwire.protocol.v1.Welcome;

/**
 * Told by {@link ClientConnection} how the join ends; implemented above it ({@link SessionJoin}), where
 * the public session object and the join future live.
 */
interface Joiner
{
    /**
     * {@code Welcome} accepted: create the session. Thread: the event loop, before any event of the session.
     *
     * @param connection the connection the session talks through.
     * @param types      the room's entity types, from the {@code Welcome}.
     * @param mirror     the session's mirror.
     * @return where the session's events go.
     */
    EventDispatcher.Target onWelcome(ClientConnection connection, Welcome welcome, EntityTypes types,
        EntityMirror mirror);

    /** The join succeeded. Thread: the callback thread, after {@link #onWelcome}. */
    void onJoined();

    /** The join failed. Thread: the callback thread. */
    void onJoinFailed(TickwireException failure);
}
