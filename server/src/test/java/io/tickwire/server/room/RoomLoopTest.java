package io.tickwire.server.room;

import io.tickwire.protocol.delta.DeltaDecoder;
import io.tickwire.protocol.delta.WorldState;
import io.tickwire.protocol.schema.EntitySchema;
import io.tickwire.protocol.schema.SchemaField;
import io.tickwire.protocol.v1.ServerMessage;
import io.tickwire.protocol.v1.Snapshot;
import io.tickwire.server.game.GameLogic;
import io.tickwire.server.game.GameLogicFactory;
import io.tickwire.server.game.Player;
import io.tickwire.server.game.RoomContext;
import io.tickwire.server.game.World;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.CachedNanoClock;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The room loop's scheduling with an injected clock and no threads: {@code doWork()} is called by
 * the test after moving the clock.
 */
class RoomLoopTest
{
    private static final int TICK_RATE_HZ = 10;
    private static final long PERIOD_NS = 100_000_000L;
    private static final long MS = 1_000_000L;
    private static final long T0 = 1_000_000_000_000L;
    private static final int MAX_CATCH_UP_TICKS = 5;
    private static final long LINGER_MS = 10_000;
    private static final int HISTORY_LENGTH = 8;
    private static final EntitySchema SCHEMA = EntitySchema.builder().intField("v", 0, 1000).build();
    private static final SchemaField V = SCHEMA.field("v");

    private final CachedNanoClock clock = new CachedNanoClock();
    private final RecordingLinks links = new RecordingLinks();
    private final List<Integer> ticks = new ArrayList<>();
    private final List<Long> tickTimesNs = new ArrayList<>();
    private long slowTickExtraNs;
    private int slowTick = -1;
    private String failingRoomId;
    private RoomDirectory directory;
    private RoomLoop loop;

    @BeforeEach
    void setUp()
    {
        clock.update(T0);
        final GameLogicFactory factory = new GameLogicFactory()
        {
            @Override
            public EntitySchema schema()
            {
                return SCHEMA;
            }

            @Override
            public GameLogic create(final RoomContext context)
            {
                return new RecordingGame(context.roomId().equals(failingRoomId));
            }
        };
        directory = new RoomDirectory(Map.of("test", factory), 1, 10, 4, TICK_RATE_HZ);
        final RoomLoopSettings settings = new RoomLoopSettings(
            TICK_RATE_HZ, HISTORY_LENGTH, MAX_CATCH_UP_TICKS, LINGER_MS, 5_000, 10_000, 64 * 1024, 10_000, 16);
        loop = new RoomLoop(0, settings, directory, links, new ResumeRegistry(),
            new DetachedSeats(settings.maxDetachedPerAddress()), clock, new LoopCounters(), LoopObserver.NOOP);
    }

    private void startRoom()
    {
        final RoomHandle handle = directory.create("test", "room-1");
        assertNotNull(handle);
        InboundRecords.offerCreateRoom(loop.inbound(), handle.key());
        loop.doWork();
        assertEquals(1, loop.roomCount());
    }

    private void at(final long offsetNs)
    {
        clock.update(T0 + offsetNs);
        loop.doWork();
    }

    @Test
    void shouldTickOnAbsoluteDeadlinesWithoutDrift()
    {
        startRoom();
        at(99 * MS);
        assertEquals(0, ticks.size());
        at(100 * MS);
        assertEquals(List.of(1), ticks);
        at(150 * MS);
        assertEquals(1, ticks.size());
        at(305 * MS);
        // Two deadlines passed (200, 300): caught up one tick per duty cycle.
        assertEquals(2, ticks.size());
        at(305 * MS);
        assertEquals(3, ticks.size());
        // The next deadline is 400, not 405: a late tick does not shift the grid.
        at(399 * MS);
        assertEquals(3, ticks.size());
        at(400 * MS);
        assertEquals(4, ticks.size());
        assertEquals(0, loop.counters().tickOverruns);
        assertEquals(0, loop.counters().ticksSkipped);
        assertEquals(4, loop.counters().ticks);
    }

    @Test
    void shouldCountSlowTickAsOverrunAndCatchUp()
    {
        startRoom();
        slowTick = 2;
        slowTickExtraNs = 250 * MS;
        at(100 * MS);
        at(200 * MS);
        // Tick 2 took 250 ms: it ended at 450 ms, after the deadlines of ticks 3 (300) and 4 (400).
        assertEquals(List.of(1, 2), ticks);
        assertEquals(1, loop.counters().tickOverruns);
        assertEquals(T0 + 450 * MS, clock.nanoTime());

        loop.doWork();
        loop.doWork();
        loop.doWork();
        assertEquals(List.of(1, 2, 3, 4), ticks, "catches up by running due ticks back to back");
        at(499 * MS);
        assertEquals(4, ticks.size());
        at(500 * MS);
        assertEquals(5, ticks.size(), "tick 5 lands on its original deadline: no drift");
        assertEquals(0, loop.counters().ticksSkipped);
    }

    @Test
    void shouldSkipMissedTicksWhenTooFarBehind()
    {
        startRoom();
        at(100 * MS);
        assertEquals(1, ticks.size());
        // The loop stalled for a second: deadline 200 ms is 1000 ms = 10 periods late (> 5).
        at(1_200 * MS);
        assertEquals(2, ticks.size());
        assertEquals(10, loop.counters().ticksSkipped);
        at(1_299 * MS);
        assertEquals(2, ticks.size());
        at(1_300 * MS);
        assertEquals(3, ticks.size());
        assertEquals(List.of(T0 + 100 * MS, T0 + 1_200 * MS, T0 + 1_300 * MS), tickTimesNs);
    }

    /**
     * A player on a recording link acks each snapshot two ticks late, so from tick 4 on every
     * snapshot is a delta against a tick the room captured three ticks earlier: the sender finds that
     * baseline in the room's history only if each tick was captured into it, and the client's
     * decoded state equals the game's world at every tick only if what was captured is that world.
     */
    @Test
    void shouldCaptureEachTickIntoHistoryAndSendDeltasAgainstIt() throws Exception
    {
        final int ackLag = 2;
        final int lastTick = 12;
        startRoom();
        final RoomHandle handle = directory.byId("room-1");
        final RecordingLinks.RecordingLink session = links.open();
        assertTrue(InboundRecords.offerJoin(loop.inbound(), session.connectionId(), handle.key()));
        loop.doWork();
        assertTrue(readMessage(session).hasWelcome());

        final DeltaDecoder decoder = new DeltaDecoder(SCHEMA);
        final Map<Integer, WorldState> received = new HashMap<>();
        for (int tick = 1; tick <= lastTick; tick++)
        {
            at(tick * PERIOD_NS);
            final ServerMessage message = readMessage(session);
            assertTrue(message.hasSnapshot(), message::toString);
            final Snapshot snapshot = message.getSnapshot();
            final int expectedBaselineTick = Math.max(0, tick - 1 - ackLag);
            assertEquals(tick, snapshot.getTick());
            assertEquals(expectedBaselineTick, snapshot.getBaselineTick(),
                "tick " + tick + " is a delta against the acked tick, found in the history");
            final WorldState state = new WorldState(SCHEMA, 4);
            decoder.apply(received.get(expectedBaselineTick), snapshot, state);
            final WorldState expected = expectedWorld(tick);
            final int t = tick;
            assertNull(expected.firstDifference(state), () -> "state captured at tick " + t + ": " + state);
            received.put(tick, state);
            assertNull(session.poll(), "one snapshot per tick");
            if (tick - ackLag >= 1)
            {
                assertTrue(InboundRecords.offerAck(loop.inbound(), session.connectionId(), tick - ackLag, 0));
            }
        }
        assertEquals(lastTick, handle.currentTick());
        assertEquals(ackLag + 1, loop.counters().snapshotsFull);
        assertEquals(lastTick - ackLag - 1, loop.counters().snapshotsDelta);
        assertEquals(0, session.closeCode(), "still open");
    }

    /**
     * A client that acked tick 1 and then nothing: with an 8-deep history it gets every tick while its
     * lag is at most 4, every 2nd tick past 4, every 4th past 6, and each of those is still a delta
     * against tick 1 while tick 1 is in the history. An ack of a recent tick brings it back to every tick.
     */
    @Test
    void shouldSendFewerSnapshotsToAClientWhoseAcksLag()
    {
        startRoom();
        final RoomHandle handle = directory.byId("room-1");
        final RecordingLinks.RecordingLink session = links.open();
        assertTrue(InboundRecords.offerJoin(loop.inbound(), session.connectionId(), handle.key()));
        loop.doWork();
        assertTrue(readMessage(session).hasWelcome());
        at(PERIOD_NS);
        assertTrue(readMessage(session).hasSnapshot());
        assertTrue(InboundRecords.offerAck(loop.inbound(), session.connectionId(), 1, 0));
        final List<Integer> sent = new ArrayList<>();
        for (int tick = 2; tick <= 16; tick++)
        {
            at(tick * PERIOD_NS);
            final ServerMessage message = session.poll();
            if (message != null)
            {
                sent.add(message.getSnapshot().getTick());
                if (tick <= 8)
                {
                    assertEquals(1, message.getSnapshot().getBaselineTick(), "still a delta at tick " + tick);
                }
            }
        }
        assertEquals(List.of(2, 3, 4, 5, 6, 8, 12, 16), sent);
        assertEquals(15 - sent.size(), loop.counters().snapshotsThrottled);
        assertTrue(InboundRecords.offerAck(loop.inbound(), session.connectionId(), 16, 0));
        at(17 * PERIOD_NS);
        final Snapshot caughtUp = readMessage(session).getSnapshot();
        assertEquals(17, caughtUp.getTick(), "back to every tick");
        assertEquals(16, caughtUp.getBaselineTick());
    }

    @Test
    void shouldCloseEmptyRoomAfterLinger()
    {
        startRoom();
        final RoomHandle handle = directory.byId("room-1");
        for (int i = 1; i <= 10; i++)
        {
            at(i * 100 * MS);
        }
        assertEquals(10, ticks.size());
        assertEquals(10, handle.currentTick());
        assertEquals(0, loop.counters().roomsClosed);
        // The room has been empty since it was created at T0: it closes once the linger has passed.
        at(LINGER_MS * MS - 1);
        assertEquals(1, loop.roomCount());
        at(LINGER_MS * MS);
        assertNull(directory.byId("room-1"));
        assertTrue(handle.isRetired());
        assertEquals(1, loop.counters().roomsClosed);
        assertEquals(0, loop.roomCount());
    }

    /**
     * A room whose handle the directory retired while it was empty leaves its loop, whoever retired it:
     * {@link RoomDirectory#abandonCreate} (an operator create refused by a full ring) does not know whether a
     * joiner's record started the room meantime. Before, the loop only removed rooms it retired itself, which fails
     * on a retired handle: the room ticked for ever, gone from the directory and its counts.
     */
    @Test
    void shouldRemoveAStartedRoomWhoseHandleWasRetiredWhileEmpty()
    {
        // An operator's room is in the directory; a joiner by id starts it and leaves.
        final RoomHandle handle = directory.create("test", "room-1", Map.of(), RoomHandle.LINGER).handle();
        assertTrue(directory.joinById("room-1").isJoined());
        final RecordingLinks.RecordingLink link = links.open();
        InboundRecords.offerJoin(loop.inbound(), link.connectionId(), handle.key());
        loop.doWork();
        assertTrue(handle.isStarted());
        InboundRecords.offerLeave(loop.inbound(), link.connectionId(), 1000);
        loop.doWork();
        assertEquals(0, handle.seatsTaken());

        // The operator's create record did not fit the ring: the directory takes the (now empty) room back.
        assertTrue(directory.abandonCreate(handle));
        assertNull(directory.byId("room-1"));
        for (int i = 1; i <= 5; i++)
        {
            at(i * 100 * MS);
        }
        assertEquals(1, loop.counters().roomsClosed, "the loop closed the room whose handle was retired");
        assertEquals(0, loop.roomCount());
        final int tickAfterClose = handle.currentTick();
        for (int i = 6; i <= 10; i++)
        {
            at(i * 100 * MS);
        }
        assertEquals(tickAfterClose, handle.currentTick(), "a removed room does not tick");
    }

    private static ServerMessage readMessage(final RecordingLinks.RecordingLink link)
    {
        final ServerMessage message = link.poll();
        assertNotNull(message, "a frame was written");
        return message;
    }

    /**
     * The world {@link RecordingGame} leaves at the end of {@code tick}: entity 1 from tick 1 to 7
     * with {@code v = 7 * tick}, entity 2 from tick 4 on with {@code v = tick}.
     */
    private static WorldState expectedWorld(final int tick)
    {
        final int[] ids = new int[2];
        final int[] values = new int[2];
        int count = 0;
        if (tick < 8)
        {
            ids[count] = 1;
            values[count++] = 7 * tick;
        }
        if (tick >= 4)
        {
            ids[count] = 2;
            values[count++] = tick;
        }
        final WorldState state = new WorldState(SCHEMA, 2);
        state.capture(tick, 0, count, ids, values);
        return state;
    }

    @Test
    void shouldCloseOnlyTheRoomWhoseGameThrows()
    {
        failingRoomId = "bad";
        final RoomHandle good = directory.create("test", "good");
        final RoomHandle bad = directory.create("test", "bad");
        InboundRecords.offerCreateRoom(loop.inbound(), good.key());
        InboundRecords.offerCreateRoom(loop.inbound(), bad.key());
        loop.doWork();
        assertEquals(2, loop.roomCount());
        for (int i = 1; i <= 5; i++)
        {
            at(i * 100 * MS);
        }
        assertEquals(1, loop.counters().gameErrors);
        assertTrue(bad.isRetired());
        assertNull(directory.byId("bad"));
        assertEquals(1, loop.roomCount());
        assertEquals(5, good.currentTick(), "the other room of the loop kept ticking");
    }

    @Test
    void shouldKeepHistoryOfLastTicksOnly()
    {
        final SnapshotHistory history = new SnapshotHistory(io.tickwire.protocol.schema.EntityTypes.single(EntitySchema.builder().bool("b").build()), 4, 1);
        for (int tick = 1; tick <= 6; tick++)
        {
            history.slotFor(tick).reset(tick, 0);
        }
        assertNull(history.get(0));
        assertNull(history.get(2), "tick 2 left a 4-deep history at tick 6");
        assertNotNull(history.get(3));
        assertEquals(6, history.get(6).tick());
        assertNull(history.get(7));
    }

    @Test
    void shouldWaitForTheEarliestRoomDeadlineWhenIdle()
    {
        at(0);
        assertTrue(loop.nextDeadlineNs() - (T0 + 60_000 * MS) > 0, "no rooms: nothing due for a long time");
        startRoom();
        at(30 * MS);
        final RoomHandle second = directory.create("test", "room-2");
        InboundRecords.offerCreateRoom(loop.inbound(), second.key());
        at(30 * MS);
        assertEquals(T0 + 100 * MS, loop.nextDeadlineNs());
        at(100 * MS);
        // room-1 ticked and is next due at 200; room-2 started at 30 is due at 130.
        assertEquals(T0 + 130 * MS, loop.nextDeadlineNs());
        at(130 * MS);
        assertEquals(T0 + 200 * MS, loop.nextDeadlineNs());
    }

    private final class RecordingGame implements GameLogic
    {
        private final boolean failAtTick2;

        RecordingGame(final boolean failAtTick2)
        {
            this.failAtTick2 = failAtTick2;
        }

        @Override
        public void onJoin(final RoomContext room, final Player player)
        {
        }

        @Override
        public void onInput(final RoomContext room, final Player player, final int seq, final DirectBuffer payload,
            final int offset, final int length)
        {
        }

        @Override
        public void onTick(final RoomContext room, final int tick)
        {
            if (failAtTick2 && tick == 2)
            {
                throw new IllegalStateException("game bug at tick 2");
            }
            ticks.add(tick);
            tickTimesNs.add(clock.nanoTime());
            changeWorld(room.world(), tick);
            if (tick == slowTick)
            {
                clock.advance(slowTickExtraNs);
            }
        }

        @Override
        public void onLeave(final RoomContext room, final Player player, final boolean consented)
        {
        }

        /**
         * Entity 1 lives from tick 1 to 7 with {@code v = 7 * tick}, entity 2 from tick 4 on with
         * {@code v = tick} (see {@link #expectedWorld}).
         */
        private void changeWorld(final World world, final int tick)
        {
            if (tick == 1)
            {
                assertEquals(1, world.createEntity());
            }
            if (tick == 4)
            {
                assertEquals(2, world.createEntity());
            }
            if (tick == 8)
            {
                assertTrue(world.destroyEntity(1));
            }
            if (tick < 8)
            {
                world.setInt(1, V, 7 * tick);
            }
            if (tick >= 4)
            {
                world.setInt(2, V, tick);
            }
        }
    }
}
