package io.tickwire.server.room;

import io.netty.buffer.ByteBufAllocator;
import io.tickwire.protocol.CloseCodes;
import io.tickwire.protocol.ProtocolVersion;
import io.tickwire.protocol.delta.WorldState;
import io.tickwire.protocol.v1.ServerMessage;
import io.tickwire.protocol.v1.Welcome;
import io.tickwire.server.game.GameLogic;
import io.tickwire.server.game.Player;
import io.tickwire.server.game.RoomContext;
import io.tickwire.server.transport.Session;
import io.tickwire.server.transport.SessionRegistry;
import org.agrona.DirectBuffer;
import org.agrona.collections.Int2ObjectHashMap;
import org.agrona.collections.Long2ObjectHashMap;
import org.agrona.concurrent.Agent;
import org.agrona.concurrent.MessageHandler;
import org.agrona.concurrent.NanoClock;
import org.agrona.concurrent.UnsafeBuffer;
import org.agrona.concurrent.ringbuffer.ManyToOneRingBuffer;
import org.agrona.concurrent.ringbuffer.RingBuffer;
import org.agrona.concurrent.ringbuffer.RingBufferDescriptor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * One room loop: an Agrona {@link Agent} hosting many rooms. Each duty cycle reads the clock once,
 * drains a bounded batch of inbound records (joins, inputs, acks, leaves) from its
 * {@link ManyToOneRingBuffer}, then runs one fixed tick of every room whose absolute deadline has
 * passed ({@code deadlineNs - nowNs <= 0}): each player's oldest queued input, the game tick,
 * capture into the snapshot history, send.
 * <p>
 * Deadlines advance by exactly one period per tick, so a late tick does not shift later ones: the
 * loop catches up by running due ticks back to back. A tick that takes longer than the tick period
 * is an overrun; a room more than {@code maxCatchUpTicks} behind drops the missed tick slots and
 * counts them as skipped. Everything is counted in {@link LoopCounters}.
 * <p>
 * Thread: the agent thread of its {@code AgentRunner} (or a test calling {@link #doWork()}).
 * Other threads only offer records into {@link #inbound()} and read counters.
 */
public final class RoomLoop implements Agent
{
    /** Most records drained per duty cycle, so ticks are never starved by a flood of inputs. */
    static final int MAX_RECORDS_PER_CYCLE = 4096;
    private static final Logger LOG = LoggerFactory.getLogger(RoomLoop.class);

    private final int index;
    private final RoomDirectory directory;
    private final SessionRegistry sessions;
    private final NanoClock clock;
    private final long tickPeriodNs;
    private final int historyLength;
    private final int tickRateHz;
    private final int maxCatchUpTicks;
    private final long roomLingerNs;
    private final ManyToOneRingBuffer inbound;
    private final LoopCounters counters;
    private final SnapshotSender sender;
    private final LoopObserver observer;
    private final Int2ObjectHashMap<Room> roomsByKey = new Int2ObjectHashMap<>();
    private final Long2ObjectHashMap<Connection> connections = new Long2ObjectHashMap<>();
    private final Long2ObjectHashMap<Connection> byPlayerKey = new Long2ObjectHashMap<>();
    private final ResumeRegistry resumes;
    private final long resumeGraceNs;
    private final MessageHandler recordHandler = this::onRecord;
    private final UnsafeBuffer inputView = new UnsafeBuffer(new byte[0]);
    private Room[] rooms = new Room[8];
    private int roomCount;
    private long nowNs;
    private volatile int publishedRooms;
    private volatile int publishedConnections;

    /**
     * @param index               this loop's index.
     * @param directory           the server's rooms.
     * @param sessions            the server's sessions.
     * @param clock               time source; tests inject a {@code CachedNanoClock}.
     * @param allocator           buffers for encoded snapshots.
     * @param tickRateHz          ticks per second.
     * @param historyLength       snapshots kept per room.
     * @param maxCatchUpTicks     lateness in ticks after which missed ticks are skipped.
     * @param roomLingerMs        how long an empty room stays open.
     * @param slowClientTimeoutMs unwritable time after which a client is closed.
     * @param ackTimeoutMs        time without an ack after which a client is closed.
     * @param ringCapacityBytes   inbound ring capacity (a power of two).
     * @param counters            where this loop counts (read by metrics).
     * @param observer            receives tick durations and encode sizes on this loop's thread.
     * @param resumes             the server's resume tokens.
     * @param resumeGraceMs       how long a player whose connection was lost is kept for a resume.
     */
    public RoomLoop(
        final int index,
        final RoomDirectory directory,
        final SessionRegistry sessions,
        final NanoClock clock,
        final ByteBufAllocator allocator,
        final int tickRateHz,
        final int historyLength,
        final int maxCatchUpTicks,
        final long roomLingerMs,
        final long slowClientTimeoutMs,
        final long ackTimeoutMs,
        final int ringCapacityBytes,
        final LoopCounters counters,
        final LoopObserver observer,
        final ResumeRegistry resumes,
        final long resumeGraceMs)
    {
        this.resumes = resumes;
        this.resumeGraceNs = resumeGraceMs * 1_000_000L;
        this.counters = counters;
        this.observer = observer;
        this.index = index;
        this.directory = directory;
        this.sessions = sessions;
        this.clock = clock;
        this.tickRateHz = tickRateHz;
        this.tickPeriodNs = 1_000_000_000L / tickRateHz;
        this.historyLength = historyLength;
        this.maxCatchUpTicks = maxCatchUpTicks;
        this.roomLingerNs = roomLingerMs * 1_000_000L;
        this.inbound = new ManyToOneRingBuffer(new UnsafeBuffer(
            ByteBuffer.allocateDirect(ringCapacityBytes + RingBufferDescriptor.TRAILER_LENGTH)));
        this.sender = new SnapshotSender(
            allocator, slowClientTimeoutMs * 1_000_000L, ackTimeoutMs * 1_000_000L, counters, observer);
        this.nowNs = clock.nanoTime();
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

    @Override
    public int doWork()
    {
        nowNs = clock.nanoTime();
        int work = inbound.read(recordHandler, MAX_RECORDS_PER_CYCLE);
        for (int i = 0; i < roomCount; i++)
        {
            final Room room = rooms[i];
            if (room.deadlineNs - nowNs <= 0)
            {
                work += runDueTick(room);
            }
        }
        work += closeIdleRooms();
        publishedRooms = roomCount;
        publishedConnections = connections.size();
        return work;
    }

    private int runDueTick(final Room room)
    {
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
        final int tick = room.tick + 1;
        if (!applyQueuedInputs(room))
        {
            return;
        }
        try
        {
            room.logic.onTick(room.world, tick);
        }
        catch (final RuntimeException ex)
        {
            failRoom(room, "onTick", ex);
            return;
        }
        room.tick = tick;
        expireDetached(room);
        final WorldState state = room.history.slotFor(tick);
        room.world.captureInto(state, tick, (nowNs - room.startNs) / 1_000_000L);
        room.handle.publish(tick, room.connectionCount);
        sender.send(room, state, nowNs);
    }

    private int closeIdleRooms()
    {
        int work = 0;
        for (int i = roomCount - 1; i >= 0; i--)
        {
            final Room room = rooms[i];
            if (room.closed ||
                (room.connectionCount == 0 && nowNs - room.emptySinceNs >= roomLingerNs &&
                room.handle.tryRetireIfEmpty()))
            {
                removeRoom(i);
                work++;
            }
        }
        return work;
    }

    private void removeRoom(final int i)
    {
        final Room room = rooms[i];
        rooms[i] = rooms[--roomCount];
        rooms[roomCount] = null;
        roomsByKey.remove(room.handle.key());
        directory.remove(room.handle);
        room.closed = true;
        counters.roomsClosed++;
        LOG.info("room closed: room={} type={} ticks={}", room.handle.id(), room.handle.type(), room.tick);
    }

    private void onRecord(final int msgTypeId, final org.agrona.MutableDirectBuffer buffer, final int offset,
        final int length)
    {
        switch (msgTypeId)
        {
            case InboundRecords.INPUT:
                onInput(buffer, offset, length);
                break;
            case InboundRecords.ACK:
                onAck(buffer, offset);
                break;
            case InboundRecords.JOIN:
                onJoin(buffer.getLong(offset + InboundRecords.CONNECTION_ID_OFFSET),
                    buffer.getInt(offset + InboundRecords.JOIN_ROOM_KEY_OFFSET));
                break;
            case InboundRecords.LEAVE:
                onLeave(buffer.getLong(offset + InboundRecords.CONNECTION_ID_OFFSET),
                    buffer.getInt(offset + InboundRecords.LEAVE_CODE_OFFSET));
                break;
            case InboundRecords.CLOSE_ROOM:
                onCloseRoom(buffer.getInt(offset + InboundRecords.ROOM_KEY_OFFSET),
                    buffer.getInt(offset + InboundRecords.CLOSE_ROOM_CODE_OFFSET));
                break;
            case InboundRecords.RESUME:
                onResume(buffer.getLong(offset + InboundRecords.CONNECTION_ID_OFFSET),
                    buffer.getLong(offset + InboundRecords.RESUME_PLAYER_KEY_OFFSET));
                break;
            case InboundRecords.CREATE_ROOM:
                ensureRoom(buffer.getInt(offset + InboundRecords.ROOM_KEY_OFFSET));
                break;
            default:
                counters.recordsOrphaned++;
                break;
        }
    }

    private void onInput(final DirectBuffer buffer, final int offset, final int length)
    {
        final Connection c = connections.get(buffer.getLong(offset + InboundRecords.CONNECTION_ID_OFFSET));
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
        if (!c.offerInput(seq, buffer, offset + InboundRecords.INPUT_PAYLOAD_OFFSET,
            length - InboundRecords.INPUT_PAYLOAD_OFFSET))
        {
            counters.inputsQueueFull++;
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
                    room.logic.onInput(room.world, c.player, c.lastInputSeq, inputView, 0, length);
                    counters.inputsApplied++;
                }
                catch (final RuntimeException ex)
                {
                    failRoom(room, "onInput", ex);
                    return false;
                }
            }
        }
        return true;
    }

    private void onAck(final DirectBuffer buffer, final int offset)
    {
        final Connection c = connections.get(buffer.getLong(offset + InboundRecords.CONNECTION_ID_OFFSET));
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

    private void onJoin(final long connectionId, final int roomKey)
    {
        final Session session = sessions.byConnectionId(connectionId);
        final Room room = ensureRoom(roomKey);
        if (room == null || room.closed)
        {
            // The handle was reserved by the event loop, so the room must exist unless it failed.
            final RoomHandle handle = directory.byKey(roomKey);
            if (handle != null)
            {
                handle.releaseSeat();
            }
            if (session != null)
            {
                session.closeWith(CloseCodes.ROOM_NOT_FOUND, "room closed before the join completed");
            }
            counters.recordsOrphaned++;
            return;
        }
        if (session == null || !session.channel().isActive())
        {
            // The connection closed before its join reached us; its leave record follows or came first.
            room.handle.releaseSeat();
            counters.recordsOrphaned++;
            return;
        }
        final Player player = new Player(session.sessionId(), session.remoteAddress(), session.playerId());
        final Connection c = new Connection(session, player, room, nowNs);
        try
        {
            room.logic.onJoin(room.world, player);
        }
        catch (final RuntimeException ex)
        {
            room.handle.releaseSeat();
            session.closeWith(CloseCodes.INTERNAL_ERROR, "game failed to add the player");
            failRoom(room, "onJoin", ex);
            return;
        }
        room.add(c);
        connections.put(connectionId, c);
        byPlayerKey.put(c.playerKey, c);
        resumes.put(c.resumeToken, new ResumeRegistry.Target(room.handle, c.playerKey));
        counters.joins++;
        room.handle.publish(room.tick, room.connectionCount);
        sendWelcome(c, false);
        LOG.info("player joined: session={} player={} room={} entity={} remote={}",
            session.sessionId(), player.playerId(), room.handle.id(), player.entityId(), session.remoteAddress());
    }

    private void sendWelcome(final Connection c, final boolean resumed)
    {
        final Room room = c.room;
        c.session.send(ServerMessage.newBuilder().setWelcome(Welcome.newBuilder()
            .setSessionId(c.player.sessionId())
            .setResumeToken(c.resumeToken)
            .setRoomId(room.handle.id())
            .setRoomType(room.handle.type())
            .setEntityId(c.player.entityId())
            .setTickRateHz(tickRateHz)
            .setServerTick(room.tick)
            .setSchema(room.schemaProto)
            .setProtocolVersion(ProtocolVersion.CURRENT)
            .setLastInputSeq(c.lastInputSeq)
            .setResumed(resumed)
            .setPlayerId(c.player.playerId() == null ? "" : c.player.playerId()))
            .build());
    }

    private void onResume(final long connectionId, final long playerKey)
    {
        final Session session = sessions.byConnectionId(connectionId);
        final Connection c = byPlayerKey.get(playerKey);
        if (session == null || !session.channel().isActive())
        {
            counters.recordsOrphaned++;
            return;
        }
        if (c == null || c.room.closed)
        {
            session.closeWith(CloseCodes.RESUME_REJECTED, "resume failed: the player is gone (grace period over)");
            return;
        }
        if (c.session != null)
        {
            // The old connection is half-open or still alive: the resuming client wins.
            connections.remove(c.session.connectionId());
            c.session.closeWith(CloseCodes.SESSION_REPLACED, "player resumed on another connection");
        }
        resumes.remove(c.resumeToken);
        c.session = session;
        c.resumeToken = session.resumeToken();
        c.detachedSinceNs = 0;
        c.closing = false;
        c.unwritableSinceNs = 0;
        c.lastAckNs = nowNs;
        connections.put(connectionId, c);
        resumes.put(c.resumeToken, new ResumeRegistry.Target(c.room.handle, c.playerKey));
        counters.resumes++;
        sendWelcome(c, true);
        LOG.info("player resumed: session={} player={} room={} entity={} ackedTick={} lastInputSeq={} remote={}",
            c.player.sessionId(), c.player.playerId(), c.room.handle.id(), c.player.entityId(), c.ackedTick,
            c.lastInputSeq, session.remoteAddress());
    }

    private void expireDetached(final Room room)
    {
        for (int i = room.connectionCount - 1; i >= 0; i--)
        {
            final Connection c = room.connections[i];
            if (c.session == null && nowNs - c.detachedSinceNs > resumeGraceNs)
            {
                LOG.info("resume grace over: session={} room={}", c.player.sessionId(), room.handle.id());
                removeConnection(c, 0);
            }
        }
    }

    private void onLeave(final long connectionId, final int closeCode)
    {
        final Connection c = connections.remove(connectionId);
        if (c == null)
        {
            counters.recordsOrphaned++;
            return;
        }
        if (isLostConnection(closeCode) && resumeGraceNs > 0 && !c.room.closed)
        {
            // Lost, or timed out (what a dead path looks like): keep the player for a resume.
            LOG.info("player detached: session={} room={} graceMs={}",
                c.player.sessionId(), c.room.handle.id(), resumeGraceNs / 1_000_000);
            c.session = null;
            c.detachedSinceNs = nowNs;
            counters.detaches++;
            return;
        }
        removeConnection(c, closeCode);
    }

    /**
     * @return true for a connection that ended without a close from either side (code 0) or was
     * closed by the ack or idle timeout: the client may never have seen the close frame (dead
     * path, suspended app), so it may come back with its resume token.
     */
    static boolean isLostConnection(final int closeCode)
    {
        return closeCode == 0 || closeCode == CloseCodes.ACK_TIMEOUT || closeCode == CloseCodes.IDLE_TIMEOUT;
    }

    private void removeConnection(final Connection c, final int closeCode)
    {
        final Room room = c.room;
        byPlayerKey.remove(c.playerKey);
        resumes.remove(c.resumeToken);
        if (c.session != null)
        {
            connections.remove(c.session.connectionId());
        }
        room.remove(c, nowNs);
        room.handle.releaseSeat();
        counters.leaves++;
        if (!room.closed)
        {
            try
            {
                room.logic.onLeave(room.world, c.player);
            }
            catch (final RuntimeException ex)
            {
                failRoom(room, "onLeave", ex);
            }
        }
        room.handle.publish(room.tick, room.connectionCount);
        LOG.info("player left: session={} room={} code={} remote={}",
            c.player.sessionId(), room.handle.id(), closeCode, c.player.remoteAddress());
    }

    private void onCloseRoom(final int roomKey, final int closeCode)
    {
        final Room room = roomsByKey.get(roomKey);
        if (room == null)
        {
            counters.recordsOrphaned++;
            return;
        }
        closeRoom(room, closeCode, "room closed by the operator");
    }

    private Room ensureRoom(final int roomKey)
    {
        final Room existing = roomsByKey.get(roomKey);
        if (existing != null)
        {
            return existing;
        }
        final RoomHandle handle = directory.byKey(roomKey);
        if (handle == null || handle.isRetired())
        {
            return null;
        }
        final RoomContext context = new RoomContext(
            handle.id(), handle.type(), tickRateHz, seedOf(handle.id()));
        final GameLogic logic;
        final Room room;
        try
        {
            logic = handle.factory().create(context);
            room = new Room(handle, context, logic, historyLength, nowNs, tickPeriodNs);
            logic.onStart(room.world);
        }
        catch (final RuntimeException ex)
        {
            LOG.error("room failed to start: room={} type={}", handle.id(), handle.type(), ex);
            counters.gameErrors++;
            handle.retire();
            directory.remove(handle);
            return null;
        }
        if (roomCount == rooms.length)
        {
            rooms = Arrays.copyOf(rooms, roomCount * 2);
        }
        rooms[roomCount++] = room;
        roomsByKey.put(roomKey, room);
        handle.started();
        counters.roomsCreated++;
        LOG.info("room created: room={} type={} loop={}", handle.id(), handle.type(), index);
        return room;
    }

    private static long seedOf(final String roomId)
    {
        long h = 1125899906842597L;
        for (int i = 0; i < roomId.length(); i++)
        {
            h = 31 * h + roomId.charAt(i);
        }
        return h;
    }

    private void failRoom(final Room room, final String callback, final RuntimeException ex)
    {
        counters.gameErrors++;
        LOG.error("game logic failed, closing room: room={} type={} callback={} tick={}",
            room.handle.id(), room.handle.type(), callback, room.tick, ex);
        closeRoom(room, CloseCodes.INTERNAL_ERROR, "game logic failed in " + callback);
    }

    private void closeRoom(final Room room, final int closeCode, final String reason)
    {
        if (room.closed)
        {
            return;
        }
        room.closed = true;
        room.handle.retire();
        for (int i = room.connectionCount - 1; i >= 0; i--)
        {
            final Connection c = room.connections[i];
            c.closing = true;
            if (c.session != null)
            {
                c.session.closeWith(closeCode, reason);
            }
            else
            {
                removeConnection(c, closeCode);
            }
        }
        // Attached connections stay mapped until their leave records arrive; closeIdleRooms drops the room.
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
        for (int i = 0; i < roomCount; i++)
        {
            closeRoom(rooms[i], closeCode, reason);
        }
    }

    @Override
    public void onClose()
    {
        closeAll(CloseCodes.GOING_AWAY, "server shutting down");
    }
}
