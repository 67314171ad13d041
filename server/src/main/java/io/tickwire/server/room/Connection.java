package io.tickwire.server.room;

import io.tickwire.server.game.Player;
import io.tickwire.server.transport.Session;

/**
 * A connection's sync state as its room loop keeps it: the tick its client acknowledged (the
 * connection-scoped cache is the history entry for that tick), the last input sequence the game
 * processed, and the clocks behind the slow-client and ack timeouts.
 * <p>
 * Thread: the owning room loop.
 */
final class Connection
{
    final Session session;
    final Player player;
    final Room room;
    int ackedTick;
    int lastInputSeq;
    long lastAckNs;
    long unwritableSinceNs;
    boolean closing;

    Connection(final Session session, final Player player, final Room room, final long nowNs)
    {
        this.session = session;
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
