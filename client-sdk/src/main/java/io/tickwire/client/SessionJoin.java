package io.tickwire.client;

import io.tickwire.protocol.schema.EntityTypes;
import io.tickwire.protocol.v1.Welcome;

import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * The join of one {@link TickwireClient}: on {@code Welcome} creates the {@link RoomSession} over the
 * connection and its {@link SessionListeners}, then settles the join future. It sits beside
 * {@link RoomSession}, above the connection, which reports to it through {@link Joiner}.
 * <p>
 * Thread: {@link #onWelcome} on the event loop; {@link #onJoined} and {@link #onJoinFailed} on the callback
 * thread (the callback executor, else the event loop), after {@link #onWelcome}.
 */
final class SessionJoin implements Joiner
{
    private final CompletableFuture<RoomSession> future;
    private final List<SessionListener> listeners;
    private final ClientStats stats;
    private final Runnable closeClient;
    private volatile RoomSession session;

    /**
     * @param future      completes with the session, or fails with a {@link TickwireException}.
     * @param listeners   the client's live listener list.
     * @param closeClient what {@link RoomSession#close()} does: close the owning client.
     */
    SessionJoin(
        final CompletableFuture<RoomSession> future,
        final List<SessionListener> listeners,
        final ClientStats stats,
        final Runnable closeClient)
    {
        this.future = future;
        this.listeners = listeners;
        this.stats = stats;
        this.closeClient = closeClient;
    }

    @Override
    public EventDispatcher.Target onWelcome(
        final ClientConnection connection,
        final Welcome welcome,
        final EntityTypes types,
        final EntityMirror mirror)
    {
        final RoomSession s = new RoomSession(connection, closeClient, welcome, types, mirror, listeners, stats);
        session = s;
        return new SessionListeners(s, listeners);
    }

    @Override
    public void onJoined()
    {
        future.complete(session);
    }

    @Override
    public void onJoinFailed(final TickwireException failure)
    {
        future.completeExceptionally(failure);
    }
}
