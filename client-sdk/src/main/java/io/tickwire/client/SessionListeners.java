package io.tickwire.client;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;
import java.util.function.Consumer;

/**
 * A joined session's listeners as the {@link EventDispatcher}'s target: calls every registered
 * {@link SessionListener} with the {@link RoomSession}; one that throws is logged and does not stop the
 * others. It sits beside {@link RoomSession}, above the connection, so that the connection and its parts
 * never hold the public session object.
 * <p>
 * Thread: the one the dispatcher delivers on (event loop, callback executor, or the polling thread).
 */
final class SessionListeners implements EventDispatcher.Target
{
    private static final Logger LOG = LoggerFactory.getLogger(SessionListeners.class);

    /** Whether a listener class overrides one of the entity callbacks; computed once per class. */
    private static final ClassValue<Boolean> WANTS_ENTITY_EVENTS = new ClassValue<>()
    {
        @Override
        protected Boolean computeValue(final Class<?> type)
        {
            try
            {
                return type.getMethod("onEntityAdded", RoomSession.class, int.class).getDeclaringClass() !=
                    SessionListener.class ||
                    type.getMethod("onEntityChanged", RoomSession.class, int.class).getDeclaringClass() !=
                    SessionListener.class ||
                    type.getMethod("onEntityRemoved", RoomSession.class, int.class).getDeclaringClass() !=
                    SessionListener.class;
            }
            catch (final NoSuchMethodException ex)
            {
                return Boolean.TRUE;
            }
        }
    };

    private final RoomSession session;
    private final List<SessionListener> listeners;

    /**
     * @param listeners the client's live listener list (listeners added later see later events).
     */
    SessionListeners(final RoomSession session, final List<SessionListener> listeners)
    {
        this.session = session;
        this.listeners = listeners;
    }

    @Override
    public boolean hasListeners()
    {
        return !listeners.isEmpty();
    }

    @Override
    public boolean wantsEntityEvents()
    {
        for (final SessionListener l : listeners)
        {
            if (WANTS_ENTITY_EVENTS.get(l.getClass()))
            {
                return true;
            }
        }
        return false;
    }

    @Override
    public void onSnapshot(final SnapshotInfo info)
    {
        for (final SessionListener l : listeners)
        {
            try
            {
                l.onSnapshot(session, info);
            }
            catch (final Throwable t)
            {
                LOG.warn("listener failed in onSnapshot: listener={}", l, t);
            }
        }
    }

    @Override
    public void onEntity(final int event, final int entityId)
    {
        for (final SessionListener l : listeners)
        {
            try
            {
                switch (event)
                {
                    case EntityDiff.ADDED:
                        l.onEntityAdded(session, entityId);
                        break;
                    case EntityDiff.CHANGED:
                        l.onEntityChanged(session, entityId);
                        break;
                    default:
                        l.onEntityRemoved(session, entityId);
                        break;
                }
            }
            catch (final Throwable t)
            {
                LOG.warn("listener failed in entity callback: listener={}, entityId={}", l, entityId, t);
            }
        }
    }

    @Override
    public void onMessage(final int type, final byte[] payload, final int tick)
    {
        forEach("onMessage", l -> l.onMessage(session, type, payload, tick));
    }

    @Override
    public void onPong(final long rttNanos, final int serverTick)
    {
        forEach("onPong", l -> l.onPong(session, rttNanos, serverTick));
    }

    @Override
    public void onError(final int code, final String message)
    {
        forEach("onError", l -> l.onError(session, code, message));
    }

    @Override
    public void onDisconnected(final int code, final String reason, final boolean willReconnect)
    {
        forEach("onDisconnected", l -> l.onDisconnected(session, code, reason, willReconnect));
    }

    @Override
    public void onReconnected()
    {
        forEach("onReconnected", l -> l.onReconnected(session));
    }

    @Override
    public void onClosed(final int code, final String reason)
    {
        forEach("onClosed", l -> l.onClosed(session, code, reason));
    }

    /**
     * Call every listener for a rare event; per-snapshot events have their own loops that allocate nothing.
     */
    private void forEach(final String callback, final Consumer<SessionListener> call)
    {
        for (final SessionListener l : listeners)
        {
            try
            {
                call.accept(l);
            }
            catch (final Throwable t)
            {
                LOG.warn("listener failed in {}: listener={}", callback, l, t);
            }
        }
    }
}
