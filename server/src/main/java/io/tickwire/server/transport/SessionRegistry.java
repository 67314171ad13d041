package io.tickwire.server.transport;

import io.tickwire.server.room.ClientLinks;

import java.util.Collection;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Every open session by connection id and by session id. Event loops add and remove; room loops
 * look a session up once, when its join record arrives; the admin side reads. Thread-safe.
 */
public final class SessionRegistry implements ClientLinks
{
    private final ConcurrentHashMap<Long, Session> byConnectionId = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, Session> bySessionId = new ConcurrentHashMap<>();
    private final AtomicLong nextConnectionId = new AtomicLong(1);

    long nextConnectionId()
    {
        return nextConnectionId.getAndIncrement();
    }

    void add(final Session session)
    {
        byConnectionId.put(session.connectionId(), session);
        bySessionId.put(session.sessionId(), session);
    }

    void remove(final Session session)
    {
        byConnectionId.remove(session.connectionId(), session);
        bySessionId.remove(session.sessionId(), session);
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
        return bySessionId.get(sessionId);
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
