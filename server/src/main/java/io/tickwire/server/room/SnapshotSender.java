package io.tickwire.server.room;

import com.google.protobuf.CodedOutputStream;
import io.tickwire.protocol.CloseCodes;
import io.tickwire.protocol.delta.DeltaEncoder;
import io.tickwire.protocol.delta.WorldState;
import org.agrona.ExpandableArrayBuffer;
import org.agrona.MutableDirectBuffer;
import org.agrona.collections.Int2IntHashMap;

import java.io.IOException;
import java.util.Arrays;

/**
 * Sends one tick's snapshot to every connection of a room: the delta from each connection's
 * acked baseline to the tick. Connections with the same baseline share one encoded body (encode
 * once per distinct baseline, not once per client); each frame is the connection's few bytes of
 * its own (envelope tag and length, {@code last_input_seq}) followed by a copy of the body,
 * written straight into the {@link Outbox} of the connection's event loop. Unwritable connections
 * are skipped: the next delta against their ack is still correct. A client whose acks lag more than
 * half the history gets a snapshot only every 2nd or 4th tick ({@link #sendStride}).
 * <p>
 * Thread: the owning room loop. The path (diff, size, encode into a reused buffer through a reused
 * {@link CodedOutputStream}, copy into the outbox) allocates nothing in steady state.
 */
final class SnapshotSender
{
    private static final int ENCODE_BUFFER_SIZE = 4096;

    private final BufferSink sink = new BufferSink();
    private final CodedOutputStream out = CodedOutputStream.newInstance(sink, ENCODE_BUFFER_SIZE);
    private final ExpandableArrayBuffer bodies = new ExpandableArrayBuffer(ENCODE_BUFFER_SIZE);
    private final Int2IntHashMap slotByBaseline = new Int2IntHashMap(-1);
    private int[] bodyOffsets = new int[8];
    private int[] bodyLengths = new int[8];
    private int bodyCount;
    private int bodiesEnd;
    private final long slowClientTimeoutNs;
    private final long ackTimeoutNs;
    private final LoopCounters counters;
    private final LoopObserver observer;
    private final TouchedOutboxes touched;

    SnapshotSender(
        final long slowClientTimeoutNs,
        final long ackTimeoutNs,
        final LoopCounters counters,
        final LoopObserver observer,
        final TouchedOutboxes touched)
    {
        this.observer = observer;
        this.slowClientTimeoutNs = slowClientTimeoutNs;
        this.ackTimeoutNs = ackTimeoutNs;
        this.counters = counters;
        this.touched = touched;
    }

    void send(final Room room, final WorldState current, final long nowNs)
    {
        final Connection[] connections = room.connections;
        final int count = room.connectionCount;
        try
        {
            for (int i = 0; i < count; i++)
            {
                final Connection c = connections[i];
                if (c.closing || c.link == null)
                {
                    continue;
                }
                final ClientLink link = c.link;
                if (!link.isOpen())
                {
                    continue;
                }
                if (nowNs - c.lastAckNs > ackTimeoutNs)
                {
                    close(c, CloseCodes.ACK_TIMEOUT, "no snapshot acknowledged for " +
                        (nowNs - c.lastAckNs) / 1_000_000 + " ms, ackTimeoutMs=" + ackTimeoutNs / 1_000_000);
                    continue;
                }
                if (!link.isWritable())
                {
                    counters.snapshotsSkippedUnwritable++;
                    if (c.unwritableSinceNs == 0)
                    {
                        c.unwritableSinceNs = nowNs;
                    }
                    else if (nowNs - c.unwritableSinceNs > slowClientTimeoutNs)
                    {
                        close(c, CloseCodes.SLOW_CONSUMER, "not reading: unwritable for " +
                            (nowNs - c.unwritableSinceNs) / 1_000_000 + " ms, slowClientTimeoutMs=" +
                            slowClientTimeoutNs / 1_000_000);
                    }
                    continue;
                }
                c.unwritableSinceNs = 0;
                if (c.ackedTick != 0)
                {
                    final int stride = sendStride(room.tick - c.ackedTick, room.history.capacity());
                    if (stride > 1 && Integer.remainderUnsigned(room.tick, stride) != 0)
                    {
                        counters.snapshotsThrottled++;
                        continue;
                    }
                }

                final WorldState baseline = room.history.get(c.ackedTick);
                final int baselineTick = baseline == null ? 0 : baseline.tick();
                int slot = slotByBaseline.get(baselineTick);
                if (slot < 0)
                {
                    slot = encodeBody(room.encoder, baseline, current);
                    slotByBaseline.put(baselineTick, slot);
                }
                final int bodyOffset = bodyOffsets[slot];
                final int bodySize = bodyLengths[slot];
                final int headerSize = DeltaEncoder.envelopeHeaderSize(c.lastInputSeq, bodySize);
                final Outbox outbox = link.outbox();
                final int offset = outbox.claim(link.connectionId(), Outbox.SNAPSHOT, headerSize + bodySize);
                if (offset < 0)
                {
                    counters.outboxFull++;
                    continue;
                }
                boolean committed = false;
                try
                {
                    final MutableDirectBuffer frame = outbox.buffer();
                    sink.wrap(frame, offset);
                    DeltaEncoder.writeEnvelopeHeader(out, c.lastInputSeq, bodySize);
                    out.flush();
                    frame.putBytes(offset + headerSize, bodies, bodyOffset, bodySize);
                    outbox.commit(offset);
                    committed = true;
                }
                finally
                {
                    if (!committed)
                    {
                        // An uncommitted claim would stall the event loop's drain behind it.
                        outbox.abort(offset);
                    }
                }
                touched.add(outbox);

                counters.snapshotBytesOut += headerSize + bodySize;
                room.bytesOutTotal += headerSize + bodySize;
                counters.snapshotsSent++;
                if (baselineTick == 0)
                {
                    counters.snapshotsFull++;
                }
                else
                {
                    counters.snapshotsDelta++;
                }
            }
        }
        catch (final IOException ex)
        {
            throw new IllegalStateException("snapshot encode failed: room=" + room.handle.id(), ex);
        }
        finally
        {
            sink.wrap(null, 0);
            slotByBaseline.clear();
            bodyCount = 0;
            bodiesEnd = 0;
        }
    }

    /**
     * Every how many ticks a client gets a snapshot, from how far its acks lag: a client that cannot
     * keep up gets fewer snapshots rather than bigger ones. Past half the history it gets every 2nd
     * tick, past three quarters every 4th, so its acked baseline stays in the history (deltas) instead
     * of falling out of it (a full snapshot every tick, which makes it fall further behind). Once it
     * acks a recent tick it is back to every tick.
     *
     * @param ackLagTicks   room tick minus the client's acked tick.
     * @param historyLength snapshots the room keeps.
     * @return 1, 2 or 4.
     */
    static int sendStride(final int ackLagTicks, final int historyLength)
    {
        if (ackLagTicks > historyLength * 3 / 4)
        {
            return 4;
        }
        return ackLagTicks > historyLength / 2 ? 2 : 1;
    }

    private int encodeBody(final DeltaEncoder encoder, final WorldState baseline, final WorldState current)
        throws IOException
    {
        final int size = encoder.prepare(baseline, current);
        if (bodyCount == bodyOffsets.length)
        {
            bodyOffsets = Arrays.copyOf(bodyOffsets, bodyCount * 2);
            bodyLengths = Arrays.copyOf(bodyLengths, bodyCount * 2);
        }
        final int slot = bodyCount++;
        bodyOffsets[slot] = bodiesEnd;
        bodyLengths[slot] = size;
        sink.wrap(bodies, bodiesEnd);
        encoder.writeBody(out);
        out.flush();
        bodiesEnd += size;
        counters.encodes++;
        observer.onEncode(size);
        return slot;
    }

    private void close(final Connection c, final int code, final String reason)
    {
        c.closing = true;
        if (code == CloseCodes.SLOW_CONSUMER)
        {
            counters.slowConsumerCloses++;
        }
        else
        {
            counters.ackTimeoutCloses++;
        }
        c.link.close(code, reason);
    }
}
