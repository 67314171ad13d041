package io.tickwire.server.transport;

import io.tickwire.server.room.ClientLinks;

import java.util.Collection;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Every open session by connection id. Event loops add and remove; room loops look a session up once,
 * when its join record arrives; the admin side reads. A lookup by session id scans (operators and tests
 * only): a second map would cost every connection a node and its session id text from the handshake on.
 * Thread-safe.
 */
public final class SessionRegistry implements ClientLinks
{
    private final ConcurrentHashMap<Long, Session> byConnectionId = new ConcurrentHashMap<>();
    private final AtomicLong nextConnectionId = new AtomicLong(1);

    long nextConnectionId()
    {
        return nextConnectionId.getAndIncrement();
    }

    void add(final Session session)
    {
        byConnectionId.put(session.connectionId(), session);
    }

    void remove(final Session session)
    {
        byConnectionId.remove(session.connectionId(), session);
    }

    /**
     * @param connectionId id from a ring record.
     * @return the session, or null when it already closed.
     */
    @Override
    public Session byConnectionId(final long connectionId)
    {
        return byConnectionId.get(connectionId);
    }

    /**
     * @param sessionId id sent in {@code Welcome}.
     * @return the session, or null.
     */
    public Session bySessionId(final String sessionId)
    {
        for (final Session session : byConnectionId.values())
        {
            if (session.sessionId().equals(sessionId))
            {
                return session;
            }
        }
        return null;
    }

    /**
     * @return the open sessions (a weakly consistent view).
     */
    public Collection<Session> sessions()
    {
        return byConnectionId.values();
    }

    /**
     * @return number of open sessions.
     */
    public int size()
    {
        return byConnectionId.size();
    }
}
