package io.tickwire.server.transport;

import io.netty.channel.Channel;

/**
 * Opens a {@link Session} on a channel the test owns (an {@code EmbeddedChannel}) and registers it,
 * as the WebSocket handler does after the handshake, so that room-loop tests can join a player
 * without a socket and read what the loop writes to it. Thread: the test's.
 */
public final class TestSessions
{
    private TestSessions()
    {
    }

    /**
     * @param sessions the registry the room loop looks sessions up in.
     * @param channel  receives the session's frames.
     * @return the registered session; its {@link Session#connectionId()} goes into ring records.
     */
    public static Session open(final SessionRegistry sessions, final Channel channel)
    {
        final long connectionId = sessions.nextConnectionId();
        final Session session = new Session(connectionId, "test-session-" + connectionId,
            "test-resume-" + connectionId, channel, "embedded", new TransportCounters());
        sessions.add(session);
        return session;
    }
}
