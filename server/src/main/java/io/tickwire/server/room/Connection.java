package io.tickwire.server.room;

import io.tickwire.server.game.Player;
import io.tickwire.server.transport.Session;

/**
 * A connection's sync state as its room loop keeps it: the tick its client acknowledged (the
 * connection-scoped cache is the history entry for that tick), the last input sequence the game
 * processed, and the clocks behind the slow-client and ack timeouts. It outlives its session
 * while the player is detached: a client that lost its connection can resume it within the grace
 * period, with its baseline and input sequence intact.
 * <p>
 * Thread: the owning room loop.
 */
final class Connection
{
    final Player player;
    final Room room;
    /** Stable across resumes: the connection id the player first joined with. */
    final long playerKey;
    /** The live session, or null while the player is detached (connection lost, grace running). */
    Session session;
    String resumeToken;
    long detachedSinceNs;
    int ackedTick;
    int lastInputSeq;
    long lastAckNs;
    long unwritableSinceNs;
    boolean closing;

    Connection(final Session session, final Player player, final Room room, final long nowNs)
    {
        this.session = session;
        this.playerKey = session.connectionId();
        this.resumeToken = session.resumeToken();
        this.player = player;
        this.room = room;
        this.lastAckNs = nowNs;
    }

    /**
     * Take an ack from the client: only newer ticks the room actually produced move the baseline.
     */
    void onAck(final int tick, final int roomTick, final long nowNs)
    {
        lastAckNs = nowNs;
        if (tick > ackedTick && tick <= roomTick)
        {
            ackedTick = tick;
        }
    }

    /**
     * The client lost its baseline: forget the ack so the next snapshot is full.
     */
    void onRequestFull(final long nowNs)
    {
        lastAckNs = nowNs;
        ackedTick = 0;
    }
}
