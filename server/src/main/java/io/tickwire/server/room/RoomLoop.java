package io.tickwire.server.room;

import io.tickwire.protocol.CloseCodes;
import io.tickwire.protocol.delta.WorldState;
import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;
import org.agrona.concurrent.Agent;
import org.agrona.concurrent.MessageHandler;
import org.agrona.concurrent.NanoClock;
import org.agrona.concurrent.UnsafeBuffer;
import org.agrona.concurrent.ringbuffer.ManyToOneRingBuffer;
import org.agrona.concurrent.ringbuffer.RingBuffer;
import org.agrona.concurrent.ringbuffer.RingBufferDescriptor;

import java.nio.ByteBuffer;
import java.util.concurrent.locks.LockSupport;

/**
 * One room loop: an Agrona {@link Agent} hosting many rooms. Each duty cycle reads the clock once,
 * drains a bounded batch of inbound records (joins, inputs, acks, leaves) from its
 * {@link ManyToOneRingBuffer}, runs one fixed tick of every room whose absolute deadline has
 * passed (or is less than {@link #COALESCE_NS} away): each player's oldest queued input, the game tick,
 * capture into the snapshot history, send into the event loops' {@link Outbox}es; and at the end
 * signals each outbox it wrote to once.
 * <p>
 * Deadlines advance by exactly one period per tick, so a late tick does not shift later ones: the
 * loop catches up by running due ticks back to back. A tick that takes longer than the tick period
 * is an overrun; a room more than {@code maxCatchUpTicks} behind drops the missed tick slots and
 * counts them as skipped. Everything is counted in {@link LoopCounters}.
 * <p>
 * The jobs around the schedule live in their own classes: {@link LoopRooms} (which rooms, their
 * start and removal), {@link Membership} (joins, resumes, leaves, detached players, closing a room),
 * {@link SnapshotSender} (encode once per baseline, write per connection).
 * <p>
 * Thread: the agent thread of its {@code AgentRunner} (or a test calling {@link #doWork()}).
 * Other threads only offer records into {@link #inbound()} and read counters.
 */
public final class RoomLoop implements Agent
{
    /** Most records drained per duty cycle, so ticks are never starved by a flood of inputs. */
    static final int MAX_RECORDS_PER_CYCLE = 4096;
    /**
     * A room due within this much of now ticks in this duty cycle instead of after one more park: a
     * park that short costs a wake-up and, on a busy machine, a freshly parked thread may wait
     * milliseconds for its core, so rooms with nearby deadlines would queue up behind each other.
     * Deadlines still advance by exactly one period: the rate and the grid do not change, a tick
     * starts at most this much early.
     */
    static final long COALESCE_NS = 1_000_000L;
    /** How far ahead the next deadline of a loop without rooms lies: beyond any idle park. */
    private static final long NO_DEADLINE_NS = 3_600_000_000_000L;

    private final int index;
    private final NanoClock clock;
    private final int maxCatchUpTicks;
    private final ManyToOneRingBuffer inbound;
    private final LoopCounters counters;
    private final LoopObserver observer;
    private final LoopRooms rooms;
    private final Membership membership;
    private final SnapshotSender sender;
    private final TouchedOutboxes touched = new TouchedOutboxes();
    private final GameMessages messages;
    private final MessageHandler recordHandler = this::onRecord;
    private final UnsafeBuffer inputView = new UnsafeBuffer(new byte[0]);
    private long nowNs;
    private long nextDeadlineNs;
    private volatile Thread agentThread;
    private volatile boolean stopping;
    private volatile int publishedRooms;
    private volatile int publishedConnections;

    /**
     * @param index         this loop's index.
     * @param settings      tick rate, history, timeouts, grace.
     * @param directory     the server's rooms.
     * @param links         finds the connection behind a ring record's connection id.
     * @param resumes       the server's resume tokens.
     * @param detachedSeats players in grace per address, shared by every loop.
     * @param clock         time source; tests inject a {@code CachedNanoClock}.
     * @param counters      where this loop counts (read by metrics).
     * @param observer      receives tick durations and encode sizes on this loop's thread.
     */
    public RoomLoop(
        final int index,
        final RoomLoopSettings settings,
        final RoomDirectory directory,
        final ClientLinks links,
        final ResumeRegistry resumes,
        final DetachedSeats detachedSeats,
        final NanoClock clock,
        final LoopCounters counters,
        final LoopObserver observer)
    {
        this.index = index;
        this.clock = clock;
        this.counters = counters;
        this.observer = observer;
        this.maxCatchUpTicks = settings.maxCatchUpTicks();
        this.inbound = new ManyToOneRingBuffer(new UnsafeBuffer(
            ByteBuffer.allocateDirect(settings.ringCapacityBytes() + RingBufferDescriptor.TRAILER_LENGTH)));
        this.messages = new GameMessages(counters, touched);
        this.rooms = new LoopRooms(index, directory, settings, counters, messages);
        this.membership = new Membership(links, rooms, resumes, detachedSeats, counters, touched, messages, settings);
        this.sender = new SnapshotSender(settings.slowClientTimeoutMs() * 1_000_000L,
            settings.ackTimeoutMs() * 1_000_000L, counters, observer, touched);
        this.nowNs = clock.nanoTime();
        this.nextDeadlineNs = nowNs + NO_DEADLINE_NS;
    }

    @Override
    public String roleName()
    {
        return "tickwire-room-loop-" + index;
    }

    /**
     * @return the ring event loops offer records into.
     */
    public RingBuffer inbound()
    {
        return inbound;
    }

    /**
     * @return this loop's counters (written by the loop thread only).
     */
    public LoopCounters counters()
    {
        return counters;
    }

    /**
     * @return rooms hosted, as of the last duty cycle.
     */
    public int roomCount()
    {
        return publishedRooms;
    }

    /**
     * @return connections in this loop's rooms, as of the last duty cycle.
     */
    public int connectionCount()
    {
        return publishedConnections;
    }

    /**
     * Wake the loop now instead of at its next tick deadline: for inbound records that cannot wait
     * for the next tick (join, resume, create, close). Any thread, after the record was offered.
     * Cheap, but not free: do not call it for inputs or acks.
     */
    public void wake()
    {
        final Thread thread = agentThread;
        if (thread != null)
        {
            LockSupport.unpark(thread);
        }
    }

    /**
     * Stop parking: the loop is about to be closed, and its runner should not wait for a park to end
     * to see that. Any thread.
     */
    public void stopParking()
    {
        stopping = true;
        wake();
    }

    /**
     * @return true once {@link #stopParking()} was called.
     */
    boolean isStopping()
    {
        return stopping;
    }

    /**
     * @return the earliest tick deadline of this loop's rooms as of the last duty cycle, in the
     * loop clock's nanoseconds; an hour after the last cycle with no rooms. Agent thread only.
     */
    long nextDeadlineNs()
    {
        return nextDeadlineNs;
    }

    @Override
    public void onStart()
    {
        agentThread = Thread.currentThread();
    }

    @Override
    public int doWork()
    {
        nowNs = clock.nanoTime();
        int work = inbound.read(recordHandler, MAX_RECORDS_PER_CYCLE);
        long nextNs = nowNs + NO_DEADLINE_NS;
        for (int i = 0; i < rooms.count(); i++)
        {
            final Room room = rooms.at(i);
            if (room.deadlineNs - nowNs < COALESCE_NS)
            {
                work += runDueTick(room);
            }
            if (room.deadlineNs - nextNs < 0)
            {
                nextNs = room.deadlineNs;
            }
        }
        nextDeadlineNs = nextNs;
        work += rooms.removeClosedAndIdle(nowNs);
        touched.signalAll();
        publishedRooms = rooms.count();
        publishedConnections = membership.connectionCount();
        return work;
    }

    private int runDueTick(final Room room)
    {
        final long tickPeriodNs = room.tickPeriodNs;
        final long latenessNs = nowNs - room.deadlineNs;
        if (latenessNs >= maxCatchUpTicks * tickPeriodNs)
        {
            final long missed = latenessNs / tickPeriodNs;
            counters.ticksSkipped += missed;
            room.deadlineNs += missed * tickPeriodNs;
        }
        final long startNs = nowNs;
        tick(room);
        room.deadlineNs += tickPeriodNs;
        final long endNs = clock.nanoTime();
        final long durationNs = endNs - startNs;
        counters.ticks++;
        counters.tickDurationTotalNs += durationNs;
        if (durationNs > counters.tickDurationMaxNs)
        {
            counters.tickDurationMaxNs = durationNs;
        }
        if (durationNs > tickPeriodNs)
        {
            counters.tickOverruns++;
        }
        room.recordTickDuration(durationNs);
        room.publishStats(endNs);
        observer.onTick(durationNs);
        return 1;
    }

    private void tick(final Room room)
    {
        if (room.closed)
        {
            return;
        }
        if (room.closeRequestCode != 0)
        {
            membership.closeRoom(room, room.closeRequestCode, room.closeRequestReason, nowNs);
            return;
        }
        final int tick = room.tick + 1;
        room.inTick = true;
        try
        {
            if (!applyQueuedInputs(room))
            {
                return;
            }
            room.logic.onTick(room.control, tick);
        }
        catch (final RuntimeException ex)
        {
            membership.failRoom(room, "onTick", ex, nowNs, null);
            return;
        }
        finally
        {
            room.inTick = false;
        }
        room.tick = tick;
        membership.expireDetached(room, nowNs);
        final WorldState state = room.history.slotFor(tick);
        room.world.captureInto(state, tick, (nowNs - room.startNs) / 1_000_000L);
        room.handle.publish(tick, room.connectionCount);
        sender.send(room, state, nowNs);
        if (room.closeRequestCode != 0)
        {
            membership.closeRoom(room, room.closeRequestCode, room.closeRequestReason, nowNs);
        }
    }

    private void onRecord(final int msgTypeId, final MutableDirectBuffer buffer, final int offset, final int length)
    {
        switch (msgTypeId)
        {
            case InboundRecords.INPUT:
                onInput(buffer, offset, length);
                break;
            case InboundRecords.MESSAGE:
                onMessage(buffer, offset, length);
                break;
            case InboundRecords.ACK:
                onAck(buffer, offset);
                break;
            case InboundRecords.JOIN:
                membership.onJoin(buffer.getLong(offset + InboundRecords.CONNECTION_ID_OFFSET),
                    buffer.getInt(offset + InboundRecords.JOIN_ROOM_KEY_OFFSET), nowNs);
                break;
            case InboundRecords.LEAVE:
                membership.onLeave(buffer.getLong(offset + InboundRecords.CONNECTION_ID_OFFSET),
                    buffer.getInt(offset + InboundRecords.LEAVE_CODE_OFFSET), nowNs);
                break;
            case InboundRecords.CLOSE_ROOM:
                onCloseRoom(buffer.getInt(offset + InboundRecords.ROOM_KEY_OFFSET),
                    buffer.getInt(offset + InboundRecords.CLOSE_ROOM_CODE_OFFSET));
                break;
            case InboundRecords.RESUME:
                membership.onResume(buffer.getLong(offset + InboundRecords.CONNECTION_ID_OFFSET),
                    buffer.getLong(offset + InboundRecords.RESUME_PLAYER_KEY_OFFSET), nowNs);
                break;
            case InboundRecords.CREATE_ROOM:
                rooms.ensure(buffer.getInt(offset + InboundRecords.ROOM_KEY_OFFSET), nowNs);
                break;
            default:
                counters.recordsOrphaned++;
                break;
        }
    }

    private void onInput(final DirectBuffer buffer, final int offset, final int length)
    {
        final Connection c = membership.connection(buffer.getLong(offset + InboundRecords.CONNECTION_ID_OFFSET));
        if (c == null || c.closing)
        {
            counters.recordsOrphaned++;
            return;
        }
        final int seq = buffer.getInt(offset + InboundRecords.INPUT_SEQ_OFFSET);
        final int ackTick = buffer.getInt(offset + InboundRecords.INPUT_ACK_TICK_OFFSET);
        if (ackTick != 0)
        {
            c.onAck(ackTick, c.room.tick, nowNs);
        }
        if (Integer.compareUnsigned(seq, c.lastQueuedSeq) <= 0)
        {
            counters.inputsStale++;
            return;
        }
        if (!c.offerInput(seq, buffer.getInt(offset + InboundRecords.INPUT_VIEW_TICK_OFFSET), buffer,
            offset + InboundRecords.INPUT_PAYLOAD_OFFSET, length - InboundRecords.INPUT_PAYLOAD_OFFSET))
        {
            counters.inputsQueueFull++;
        }
    }

    /**
     * A game message: handed to the game at once, in arrival order. A failing game closes the room.
     */
    private void onMessage(final DirectBuffer buffer, final int offset, final int length)
    {
        final Connection c = membership.connection(buffer.getLong(offset + InboundRecords.CONNECTION_ID_OFFSET));
        if (c == null || c.closing || c.room.closed)
        {
            counters.recordsOrphaned++;
            return;
        }
        final Room room = c.room;
        counters.messagesIn++;
        try
        {
            room.logic.onMessage(room.control, c.player, buffer.getInt(offset + InboundRecords.MESSAGE_TYPE_OFFSET),
                buffer, offset + InboundRecords.MESSAGE_PAYLOAD_OFFSET, length - InboundRecords.MESSAGE_PAYLOAD_OFFSET);
        }
        catch (final RuntimeException ex)
        {
            membership.failRoom(room, "onMessage", ex, nowNs, c.player);
        }
    }

    /**
     * Give each player's oldest queued input to the game: one input per player per tick, so the
     * server steps a player exactly as a client predicting one input per tick does, however the
     * inputs were bunched or spread by the network.
     */
    private boolean applyQueuedInputs(final Room room)
    {
        final Connection[] connections = room.connections;
        for (int i = 0; i < room.connectionCount; i++)
        {
            final Connection c = connections[i];
            if (c.hasQueuedInput())
            {
                final int length = c.pollInput(inputView);
                try
                {
                    room.logic.onInput(room.control, c.player, c.lastInputSeq, inputView, 0, length);
                    counters.inputsApplied++;
                }
                catch (final RuntimeException ex)
                {
                    membership.failRoom(room, "onInput", ex, nowNs, c.player);
                    return false;
                }
            }
        }
        return true;
    }

    private void onAck(final DirectBuffer buffer, final int offset)
    {
        final Connection c = membership.connection(buffer.getLong(offset + InboundRecords.CONNECTION_ID_OFFSET));
        if (c == null)
        {
            counters.recordsOrphaned++;
            return;
        }
        if ((buffer.getInt(offset + InboundRecords.ACK_FLAGS_OFFSET) & InboundRecords.ACK_FLAG_REQUEST_FULL) != 0)
        {
            c.onRequestFull(nowNs);
        }
        else
        {
            c.onAck(buffer.getInt(offset + InboundRecords.ACK_TICK_OFFSET), c.room.tick, nowNs);
        }
    }

    private void onCloseRoom(final int roomKey, final int closeCode)
    {
        final Room room = rooms.byKey(roomKey);
        if (room == null)
        {
            // A room created for a join is closable as soon as it is in the directory, before its creator's join
            // record is written: this close came first, and the room must not start when that join arrives.
            final RoomHandle handle = rooms.directory().byKey(roomKey);
            if (handle != null && !handle.isStarted())
            {
                handle.retire();
                rooms.directory().remove(handle);
                return;
            }
            counters.recordsOrphaned++;
            return;
        }
        membership.closeRoom(room, closeCode, "room closed by the operator", nowNs);
    }

    /**
     * Close every room, telling its players {@code closeCode}. Called on the loop thread at
     * shutdown (from {@link #onClose()}) or by tests.
     *
     * @param closeCode close code for every player.
     * @param reason    close reason.
     */
    void closeAll(final int closeCode, final String reason)
    {
        for (int i = 0; i < rooms.count(); i++)
        {
            membership.closeRoom(rooms.at(i), closeCode, reason, nowNs);
        }
        touched.signalAll();
    }

    @Override
    public void onClose()
    {
        closeAll(CloseCodes.GOING_AWAY, "server shutting down");
        // Closed rooms are removed (and their games disposed) here: no duty cycle follows.
        rooms.removeClosedAndIdle(nowNs);
    }
}
