package io.tickwire.client;

import io.tickwire.protocol.delta.DeltaEncoder;
import io.tickwire.protocol.delta.WorldState;
import io.tickwire.protocol.v1.ServerMessage;
import io.tickwire.protocol.v1.Snapshot;
import org.junit.jupiter.api.Test;

import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.Map;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SnapshotTrackerTest
{
    private final DeltaEncoder encoder = new DeltaEncoder(TestWorlds.SCHEMA);
    private final TestWorlds worlds = new TestWorlds(42);

    private Snapshot encode(final WorldState baseline, final WorldState current)
    {
        try
        {
            return ServerMessage.parseFrom(encoder.encodeServerMessage(baseline, current, 0)).getSnapshot();
        }
        catch (final Exception ex)
        {
            throw new AssertionError(ex);
        }
    }

    private static void assertState(final WorldState expected, final WorldState actual)
    {
        assertNotNull(actual, "no state applied");
        assertEquals(expected.tick(), actual.tick(), "tick");
        assertNull(expected.firstDifference(actual), "content");
    }

    @Test
    void shouldApplyFullSnapshotToEmptyWorld()
    {
        final SnapshotTracker tracker = new SnapshotTracker(TestWorlds.SCHEMA, 8);
        final WorldState s1 = worlds.initial(1);
        assertTrue(s1.count() > 0);

        assertEquals(SnapshotTracker.APPLIED, tracker.apply(encode(null, s1)));

        assertState(s1, tracker.newest());
        assertEquals(1, tracker.newestTick());
        assertEquals(1, tracker.retainedCount());
    }

    @Test
    void shouldApplyDeltasBitExact()
    {
        final SnapshotTracker tracker = new SnapshotTracker(TestWorlds.SCHEMA, 8);
        WorldState previous = worlds.initial(1);
        assertEquals(SnapshotTracker.APPLIED, tracker.apply(encode(null, previous)));
        for (int tick = 2; tick <= 20; tick++)
        {
            final WorldState current = worlds.next(previous, tick);
            assertEquals(SnapshotTracker.APPLIED, tracker.apply(encode(previous, current)), "tick " + tick);
            assertState(current, tracker.newest());
            previous = current;
        }
    }

    @Test
    void shouldIgnoreSnapshotNotAfterNewestTick()
    {
        final SnapshotTracker tracker = new SnapshotTracker(TestWorlds.SCHEMA, 8);
        final WorldState s1 = worlds.initial(1);
        final WorldState s3 = worlds.next(s1, 3);
        final WorldState s2 = worlds.next(s1, 2);
        tracker.apply(encode(null, s1));
        tracker.apply(encode(s1, s3));

        assertEquals(SnapshotTracker.STALE, tracker.apply(encode(s1, s2)));
        assertEquals(SnapshotTracker.STALE, tracker.apply(encode(s1, s3)));

        assertState(s3, tracker.newest());
    }

    @Test
    void shouldRefuseUnknownBaselineAndKeepNewestState()
    {
        final SnapshotTracker tracker = new SnapshotTracker(TestWorlds.SCHEMA, 8);
        final WorldState s1 = worlds.initial(1);
        final WorldState s2 = worlds.next(s1, 2);
        final WorldState unseen5 = worlds.next(s2, 5);
        final WorldState s6 = worlds.next(unseen5, 6);
        tracker.apply(encode(null, s1));
        tracker.apply(encode(s1, s2));
        final WorldState before = tracker.newest();

        assertEquals(SnapshotTracker.BASELINE_MISSING, tracker.apply(encode(unseen5, s6)));

        assertSame(before, tracker.newest());
        assertState(s2, tracker.newest());
        assertTrue(tracker.lastError().contains("baselineTick=5"), tracker.lastError());
        assertEquals(2, tracker.retainedCount());
    }

    @Test
    void shouldRefuseDeltaThatDoesNotFitAndReturnStateToPool()
    {
        final SnapshotTracker tracker = new SnapshotTracker(TestWorlds.SCHEMA, 8);
        final WorldState s1 = worlds.initial(1);
        final WorldState s2 = worlds.next(s1, 2);
        tracker.apply(encode(null, s1));
        final Snapshot wrongCount = encode(s1, s2).toBuilder().setEntityCount(s2.count() + 1).build();

        assertEquals(SnapshotTracker.INVALID, tracker.apply(wrongCount));
        assertState(s1, tracker.newest());
        assertTrue(tracker.lastError().contains("entity count mismatch"), tracker.lastError());
        final int allocated = tracker.allocatedCount();

        assertEquals(SnapshotTracker.APPLIED, tracker.apply(encode(s1, s2)));
        assertState(s2, tracker.newest());
        assertEquals(allocated, tracker.allocatedCount(), "the refused snapshot's state was reused");
    }

    @Test
    void shouldPruneStatesOlderThanBaselineUsed()
    {
        final SnapshotTracker tracker = new SnapshotTracker(TestWorlds.SCHEMA, 16);
        final WorldState[] states = new WorldState[8];
        states[1] = worlds.initial(1);
        tracker.apply(encode(null, states[1]));
        for (int tick = 2; tick <= 6; tick++)
        {
            states[tick] = worlds.next(states[tick - 1], tick);
            tracker.apply(encode(states[1], states[tick]));
        }
        assertEquals(6, tracker.retainedCount());

        states[7] = worlds.next(states[6], 7);
        assertEquals(SnapshotTracker.APPLIED, tracker.apply(encode(states[4], states[7])));

        assertEquals(4, tracker.retainedCount());
        assertEquals(4, tracker.retainedTickAt(0));
        assertEquals(7, tracker.retainedTickAt(3));
        assertNull(tracker.find(3));
        assertEquals(SnapshotTracker.BASELINE_MISSING, tracker.apply(encode(states[3], worlds.next(states[3], 8))));
    }

    @Test
    void shouldKeepOldBaselineWhileDeltasKeepUsingIt()
    {
        final SnapshotTracker tracker = new SnapshotTracker(TestWorlds.SCHEMA, 4);
        final WorldState s1 = worlds.initial(1);
        tracker.apply(encode(null, s1));
        WorldState previous = s1;
        for (int tick = 2; tick <= 12; tick++)
        {
            final WorldState current = worlds.next(previous, tick);
            assertEquals(SnapshotTracker.APPLIED, tracker.apply(encode(s1, current)), "tick " + tick);
            assertState(current, tracker.newest());
            assertNotNull(tracker.find(1), "baseline 1 kept at tick " + tick);
            assertTrue(tracker.retainedCount() <= 4, "retained " + tracker.retainedCount());
            previous = current;
        }
    }

    @Test
    void shouldReuseStatesFromPoolAndAllocateAtMostRetainedPlusOne()
    {
        final int retained = 4;
        final SnapshotTracker tracker = new SnapshotTracker(TestWorlds.SCHEMA, retained);
        final Map<WorldState, Boolean> seen = new IdentityHashMap<>();
        WorldState previous = worlds.initial(1);
        tracker.apply(encode(null, previous));
        seen.put(tracker.newest(), Boolean.TRUE);
        for (int tick = 2; tick <= 100; tick++)
        {
            final WorldState current = worlds.next(previous, tick);
            assertEquals(SnapshotTracker.APPLIED, tracker.apply(encode(previous, current)));
            seen.put(tracker.newest(), Boolean.TRUE);
            previous = current;
        }

        assertTrue(tracker.allocatedCount() <= retained + 1, "allocated " + tracker.allocatedCount());
        assertEquals(tracker.allocatedCount(), seen.size(), "every applied state came from the pool");
        assertTrue(seen.size() < 10, "pool reused: distinct states " + seen.size());
    }

    @Test
    void shouldEvictOldestButSpareBaselineInUseWhenFull()
    {
        final SnapshotTracker tracker = new SnapshotTracker(TestWorlds.SCHEMA, 3);
        final WorldState s1 = worlds.initial(1);
        final WorldState s2 = worlds.next(s1, 2);
        final WorldState s3 = worlds.next(s2, 3);
        final WorldState s4 = worlds.next(s3, 4);
        tracker.apply(encode(null, s1));
        tracker.apply(encode(s1, s2));
        tracker.apply(encode(s1, s3));

        assertEquals(SnapshotTracker.APPLIED, tracker.apply(encode(s1, s4)));

        assertEquals(3, tracker.retainedCount());
        assertEquals(1, tracker.retainedTickAt(0), "baseline in use spared");
        assertEquals(3, tracker.retainedTickAt(1));
        assertEquals(4, tracker.retainedTickAt(2));
    }

    @Test
    void shouldRejectTooFewRetainedStates()
    {
        final IllegalArgumentException ex = assertThrows(
            IllegalArgumentException.class, () -> new SnapshotTracker(TestWorlds.SCHEMA, 1));
        assertTrue(ex.getMessage().contains("retainedStates=1"), ex.getMessage());
    }

    /**
     * A server with a 64-tick history deltas each tick against the newest ack it has received; acks
     * reach it after a random delay and some ticks are not sent at all (an unwritable channel). The
     * client's state must equal the server's after every applied snapshot, and never miss a baseline.
     */
    @Test
    void shouldMatchServerStateUnderRandomSkipsAndAckDelays()
    {
        final int steps = Integer.getInteger("tickwire.property.steps", 3000);
        final int history = 64;
        final Random random = new Random(7);
        final SnapshotTracker tracker = new SnapshotTracker(TestWorlds.SCHEMA, ClientOptions.DEFAULT_RETAINED_STATES);
        final Map<Integer, WorldState> serverHistory = new HashMap<>();
        final ArrayDeque<int[]> acksInFlight = new ArrayDeque<>();
        int serverAcked = 0;
        int applied = 0;
        WorldState current = null;
        for (int tick = 1; tick <= steps; tick++)
        {
            current = current == null ? worlds.initial(tick) : worlds.next(current, tick);
            serverHistory.put(tick, current);
            serverHistory.remove(tick - history);
            while (!acksInFlight.isEmpty() && acksInFlight.peekFirst()[1] <= tick)
            {
                serverAcked = Math.max(serverAcked, acksInFlight.pollFirst()[0]);
            }
            if (random.nextInt(10) == 0)
            {
                continue;
            }
            final WorldState baseline = serverHistory.get(serverAcked);
            final int result = tracker.apply(encode(baseline, current));
            assertEquals(SnapshotTracker.APPLIED, result, "tick " + tick + ": " + tracker.lastError());
            assertState(current, tracker.newest());
            applied++;
            final int delay = random.nextInt(4) == 0 ? random.nextInt(40) : random.nextInt(3);
            acksInFlight.addLast(new int[]{ tick, tick + delay });
        }
        assertTrue(applied > steps / 2, "applied " + applied);
        assertTrue(tracker.allocatedCount() <= ClientOptions.DEFAULT_RETAINED_STATES + 1);
    }
}
