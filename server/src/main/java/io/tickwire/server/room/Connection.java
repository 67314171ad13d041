package io.tickwire.server.room;

import io.tickwire.protocol.ProtocolVersion;
import io.tickwire.server.game.Player;

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
    /** The live connection, or null while the player is detached (connection lost, grace running). */
    ClientLink link;
    /** True when the live connection speaks protocol version 3 or later: its changed section is bit-packed. */
    boolean packedChanges;
    String resumeToken;
    long detachedSinceNs;
    int ackedTick;
    /** Sequence of the last input the game applied: what snapshots report as last_input_seq. */
    int lastInputSeq;
    /** Sequence of the last input accepted into the queue; older or equal ones are duplicates. */
    int lastQueuedSeq;
    private final int[] queuedSeqs = new int[MAX_QUEUED_INPUTS];
    private final int[] queuedViewTicks = new int[MAX_QUEUED_INPUTS];
    private final int[] queuedLengths = new int[MAX_QUEUED_INPUTS];
    private final byte[][] queuedPayloads = new byte[MAX_QUEUED_INPUTS][];
    private int queueHead;
    private int queueSize;
    long lastAckNs;
    long unwritableSinceNs;
    boolean closing;
    /** True once the client acknowledged a snapshot: only such players are kept for a resume. */
    boolean everAcked;
    /** True while the player is detached and counted in {@link DetachedSeats}. */
    boolean holdsDetachedSeat;
    /** True from the game's onJoin until the Welcome is written: messages wait in {@link #framesAfterWelcome}. */
    boolean welcomePending;
    /** Messages the game sent a joining player before its Welcome went out; null when none. */
    java.util.ArrayList<byte[]> framesAfterWelcome;
    /**
     * True once the game kicked this player: removed by its leave record, or at the next tick when detached; a
     * resume in between is refused.
     */
    boolean kicked;
    /** This connection's sent frames and owned rows when the room has views; null otherwise. */
    io.tickwire.server.room.view.ConnectionView view;

    /** Inputs a player may have waiting: at 30 Hz about half a second of one input per tick. */
    static final int MAX_QUEUED_INPUTS = 16;

    Connection(final ClientLink link, final Player player, final Room room, final long nowNs)
    {
        this.link = link;
        this.packedChanges = link.protocolVersion() >= ProtocolVersion.PACKED_CHANGES;
        this.playerKey = link.connectionId();
        this.resumeToken = link.resumeToken();
        this.player = player;
        this.room = room;
        this.lastAckNs = nowNs;
    }

    /**
     * Queue one input for a later tick. Copies the payload into a slot buffer that grows only
     * when a larger payload arrives.
     *
     * @return false when the queue is full (the input is dropped).
     */
    boolean offerInput(
        final int seq, final int viewTick, final org.agrona.DirectBuffer buffer, final int offset, final int length)
    {
        if (queueSize == MAX_QUEUED_INPUTS)
        {
            return false;
        }
        final int slot = (queueHead + queueSize) % MAX_QUEUED_INPUTS;
        byte[] payload = queuedPayloads[slot];
        if (payload == null || payload.length < length)
        {
            payload = new byte[Math.max(length, 16)];
            queuedPayloads[slot] = payload;
        }
        buffer.getBytes(offset, payload, 0, length);
        queuedSeqs[slot] = seq;
        queuedViewTicks[slot] = viewTick;
        queuedLengths[slot] = length;
        queueSize++;
        lastQueuedSeq = seq;
        return true;
    }

    boolean hasQueuedInput()
    {
        return queueSize > 0;
    }

    /**
     * Take the oldest queued input into {@code into} (wrapping its payload, no copy) and mark it applied.
     *
     * @return its length.
     */
    int pollInput(final org.agrona.concurrent.UnsafeBuffer into)
    {
        final int slot = queueHead;
        queueHead = (queueHead + 1) % MAX_QUEUED_INPUTS;
        queueSize--;
        lastInputSeq = queuedSeqs[slot];
        player.viewTick(queuedViewTicks[slot]);
        into.wrap(queuedPayloads[slot], 0, queuedLengths[slot]);
        return queuedLengths[slot];
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
            everAcked = true;
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
