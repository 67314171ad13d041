package io.tickwire.server.room;

import com.google.protobuf.CodedOutputStream;
import io.tickwire.protocol.CloseCodes;
import io.tickwire.protocol.delta.DeltaEncoder;
import io.tickwire.protocol.delta.WorldState;
import io.tickwire.server.room.view.ConnectionView;
import io.tickwire.server.room.view.RoomViews;
import io.tickwire.server.room.view.ViewFrame;
import org.agrona.ExpandableArrayBuffer;
import org.agrona.MutableDirectBuffer;
import org.agrona.collections.Int2IntHashMap;
import org.agrona.collections.Long2LongHashMap;

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
 * A room with views ({@link RoomViews}: an interest grid, owner or audience fields, a snapshot budget) takes
 * {@link #sendViews} instead: baselines are the frames each connection was sent, bodies are shared per distinct
 * (baseline frame, target frame) pair, and each connection's owner section follows its body.
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
    /** Encoded bodies of this tick by baseline tick (or frame serials), one map per changed-section form. */
    private final Int2IntHashMap slotByBaseline = new Int2IntHashMap(-1);
    private final Int2IntHashMap packedSlotByBaseline = new Int2IntHashMap(-1);
    private final Long2LongHashMap slotByFrames = new Long2LongHashMap(-1);
    private final Long2LongHashMap packedSlotByFrames = new Long2LongHashMap(-1);
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
        if (room.views != null)
        {
            sendViews(room, current, nowNs);
            return;
        }
        final Connection[] connections = room.connections;
        final int count = room.connectionCount;
        try
        {
            for (int i = 0; i < count; i++)
            {
                final Connection c = connections[i];
                if (!due(room, c, nowNs))
                {
                    continue;
                }
                final WorldState baseline = room.history.get(c.ackedTick);
                final int baselineTick = baseline == null ? 0 : baseline.tick();
                final Int2IntHashMap slots = c.packedChanges ? packedSlotByBaseline : slotByBaseline;
                int slot = slots.get(baselineTick);
                if (slot < 0)
                {
                    slot = encodeBody(room.encoder, baseline, current, c.packedChanges);
                    slots.put(baselineTick, slot);
                }
                write(room, c, slot, null, null, baselineTick);
            }
        }
        catch (final IOException ex)
        {
            throw new IllegalStateException("snapshot encode failed: room=" + room.handle.id(), ex);
        }
        finally
        {
            forgetBodies();
        }
    }

    /**
     * The view path: each connection gets the delta from the frame it acknowledged to its frame of this tick
     * (its interest cells, its audience's fields, under its budget), plus its owner section. Connections whose
     * baseline and target frames are the same objects share one encoded body.
     */
    private void sendViews(final Room room, final WorldState current, final long nowNs)
    {
        final RoomViews views = room.views;
        final Connection[] connections = room.connections;
        final int count = room.connectionCount;
        views.beginTick(current, room.world);
        try
        {
            for (int i = 0; i < count; i++)
            {
                final Connection c = connections[i];
                if (c.view == null || !due(room, c, nowNs))
                {
                    continue;
                }
                final ConnectionView view = c.view;
                final ViewFrame baseline = views.baseline(view, c.ackedTick);
                final ViewFrame shared = views.target(view, c.player);
                final ViewFrame target = room.snapshotBudgetBytes > 0 ?
                    views.budgeted(view, c.player, baseline, shared, room.snapshotBudgetBytes) : shared;
                final long key = ((long)(baseline == null ? 0 : baseline.serial()) << 32) |
                    (target.serial() & 0xFFFF_FFFFL);
                final Long2LongHashMap slots = c.packedChanges ? packedSlotByFrames : slotByFrames;
                int slot = (int)slots.get(key);
                if (slot < 0)
                {
                    slot = encodeBody(room.encoder, baseline == null ? null : baseline.state(), target.state(),
                        c.packedChanges);
                    slots.put(key, slot);
                }
                final WorldState owned = views.ownedRows(view, target);
                if (write(room, c, slot, owned, target.state(), baseline == null ? 0 : baseline.state().tick()))
                {
                    views.commit(view, target);
                }
                views.discard(target);
                if (target != shared)
                {
                    views.discard(shared);
                }
            }
        }
        catch (final IOException ex)
        {
            throw new IllegalStateException("snapshot encode failed: room=" + room.handle.id(), ex);
        }
        finally
        {
            counters.viewFramesShared += views.framesBuiltThisTick();
            counters.viewFramesPrivate += views.framesPrivateThisTick();
            counters.viewChangesDeferred += views.deferredThisTick();
            views.endTick();
            forgetBodies();
        }
    }

    /**
     * End of a room's send: this tick's bodies, in either form, are not reused by the next room or tick.
     */
    private void forgetBodies()
    {
        sink.wrap(null, 0);
        slotByBaseline.clear();
        packedSlotByBaseline.clear();
        slotByFrames.clear();
        packedSlotByFrames.clear();
        bodyCount = 0;
        bodiesEnd = 0;
    }

    /**
     * Whether connection {@code c} gets a snapshot this tick; closes it when it stopped acking or reading.
     */
    private boolean due(final Room room, final Connection c, final long nowNs)
    {
        if (c.closing || c.link == null)
        {
            return false;
        }
        final ClientLink link = c.link;
        if (!link.isOpen())
        {
            return false;
        }
        if (nowNs - c.lastAckNs > ackTimeoutNs)
        {
            close(c, CloseCodes.ACK_TIMEOUT, "no snapshot acknowledged for " +
                (nowNs - c.lastAckNs) / 1_000_000 + " ms, ackTimeoutMs=" + ackTimeoutNs / 1_000_000);
            return false;
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
            return false;
        }
        c.unwritableSinceNs = 0;
        if (c.ackedTick != 0)
        {
            final int stride = sendStride(room.tick - c.ackedTick, room.history.capacity());
            if (stride > 1 && Integer.remainderUnsigned(room.tick, stride) != 0)
            {
                counters.snapshotsThrottled++;
                return false;
            }
        }
        return true;
    }

    /**
     * Write one connection's frame into its outbox: its envelope header, the shared body, and its owner
     * section when {@code owned} is given (the encoder's owner columns are prepared here, per connection).
     *
     * @return true when the frame went into the outbox.
     */
    private boolean write(final Room room, final Connection c, final int slot, final WorldState owned,
        final WorldState view, final int baselineTick) throws IOException
    {
        final int bodyOffset = bodyOffsets[slot];
        final int bodySize = bodyLengths[slot];
        int ownerSize = 0;
        if (owned != null)
        {
            ownerSize = room.encoder.prepareOwner(
                baselineTick == 0 ? null : room.views.ownedBaseline(c.view, baselineTick), owned, view);
        }
        final int headerSize = DeltaEncoder.envelopeHeaderSize(c.lastInputSeq, bodySize + ownerSize);
        final ClientLink link = c.link;
        final Outbox outbox = link.outbox();
        final int total = headerSize + bodySize + ownerSize;
        final int offset = outbox.claim(link.connectionId(), Outbox.SNAPSHOT, total);
        if (offset < 0)
        {
            counters.outboxFull++;
            return false;
        }
        boolean committed = false;
        try
        {
            final MutableDirectBuffer frame = outbox.buffer();
            sink.wrap(frame, offset);
            DeltaEncoder.writeEnvelopeHeader(out, c.lastInputSeq, bodySize + ownerSize);
            out.flush();
            frame.putBytes(offset + headerSize, bodies, bodyOffset, bodySize);
            if (ownerSize > 0)
            {
                sink.wrap(frame, offset + headerSize + bodySize);
                room.encoder.writeOwner(out);
                out.flush();
            }
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

        counters.snapshotBytesOut += total;
        room.bytesOutTotal += total;
        counters.snapshotsSent++;
        if (baselineTick == 0)
        {
            counters.snapshotsFull++;
        }
        else
        {
            counters.snapshotsDelta++;
        }
        return true;
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

    private int encodeBody(
        final DeltaEncoder encoder, final WorldState baseline, final WorldState current, final boolean packed)
        throws IOException
    {
        final int size = encoder.prepare(baseline, current, packed);
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
