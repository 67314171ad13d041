package io.tickwire.client;

import io.tickwire.protocol.delta.WorldState;
import io.tickwire.protocol.v1.ClientMessage;
import io.tickwire.protocol.v1.Pong;
import io.tickwire.protocol.v1.ServerMessage;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Entity events, poll mode and automatic pings, against the scripted WebSocket server on loopback.
 */
@Timeout(value = 20, unit = TimeUnit.SECONDS)
class SessionEventsTest
{
    private static final long WAIT_S = 5;

    private ScriptedServer server;
    private TickwireClient client;
    private final TestWorlds worlds = new TestWorlds(29);

    @BeforeEach
    void start() throws InterruptedException
    {
        server = new ScriptedServer();
    }

    @AfterEach
    void stop()
    {
        if (client != null)
        {
            client.close();
        }
        server.close();
    }

    @AfterAll
    static void noLeaks() throws InterruptedException
    {
        CountingLeakDetector.assertNoLeaks();
    }

    private RoomSession join(final ClientOptions.Builder options, final SessionListener listener) throws Exception
    {
        // Each tick's Ack is the test's barrier: ack every snapshot in a frame of its own.
        client = new TickwireClient(options.uri(server.uri()).connectTimeoutMs(2000).ackIntervalMs(0).build());
        if (listener != null)
        {
            client.addListener(listener);
        }
        final CompletableFuture<RoomSession> join = client.joinByType("arena");
        server.awaitJoin();
        server.sendWelcome(1);
        return join.get(WAIT_S, TimeUnit.SECONDS);
    }

    private WorldState[] states(final int count)
    {
        final WorldState[] states = new WorldState[count + 1];
        states[1] = worlds.initial(1);
        for (int t = 2; t <= count; t++)
        {
            states[t] = worlds.next(states[t - 1], t);
        }
        return states;
    }

    /** The events a brute-force comparison of two states gives, in id order, then the snapshot. */
    private static List<String> expectedEvents(final WorldState previous, final WorldState next)
    {
        final List<String> events = new ArrayList<>();
        for (int id = 1; id <= TestWorlds.MAX_ID; id++)
        {
            final int before = previous == null ? -1 : previous.indexOf(id);
            final int after = next.indexOf(id);
            if (before < 0 && after >= 0)
            {
                events.add("added " + id);
            }
            else if (before >= 0 && after < 0)
            {
                events.add("removed " + id);
            }
            else if (before >= 0)
            {
                for (int s = 0; s < next.slotCount(); s++)
                {
                    if (previous.valueAt(before, s) != next.valueAt(after, s))
                    {
                        events.add("changed " + id);
                        break;
                    }
                }
            }
        }
        events.add("snapshot " + next.tick());
        return events;
    }

    /** Records events; checks the mirror agrees with each event where it may be read. */
    private static final class EventRecorder implements SessionListener
    {
        final List<String> events = new CopyOnWriteArrayList<>();
        final List<String> threads = new CopyOnWriteArrayList<>();
        final List<WorldState> mirrored = new CopyOnWriteArrayList<>();
        final List<String> mirrorErrors = new CopyOnWriteArrayList<>();

        @Override
        public void onEntityAdded(final RoomSession session, final int entityId)
        {
            events.add("added " + entityId);
            if (!session.mirror().contains(entityId))
            {
                mirrorErrors.add("added but not in mirror: " + entityId);
            }
        }

        @Override
        public void onEntityChanged(final RoomSession session, final int entityId)
        {
            events.add("changed " + entityId);
        }

        @Override
        public void onEntityRemoved(final RoomSession session, final int entityId)
        {
            events.add("removed " + entityId);
            if (session.mirror().contains(entityId))
            {
                mirrorErrors.add("removed but still in mirror: " + entityId);
            }
        }

        @Override
        public void onSnapshot(final RoomSession session, final SnapshotInfo info)
        {
            events.add("snapshot " + info.tick());
            threads.add(Thread.currentThread().getName());
            mirrored.add(session.mirror().copyState());
            if (session.mirror().tick() != info.tick())
            {
                mirrorErrors.add("mirror at tick " + session.mirror().tick() + " during snapshot " + info.tick());
            }
        }

        @Override
        public void onPong(final RoomSession session, final long rttNanos, final int serverTick)
        {
            events.add("pong " + serverTick);
        }
    }

    @Test
    void shouldReportEntityEventsAsDiffOfConsecutiveStatesBeforeOnSnapshot() throws Exception
    {
        final EventRecorder recorder = new EventRecorder();
        join(ClientOptions.builder().pingIntervalMs(0), recorder);
        final WorldState[] states = states(12);

        final List<String> expected = new ArrayList<>();
        for (int t = 1; t < states.length; t++)
        {
            server.sendSnapshot(t == 1 ? null : states[t - 1], states[t], 0);
            server.awaitAck(t);
            expected.addAll(expectedEvents(t == 1 ? null : states[t - 1], states[t]));
        }
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(WAIT_S);
        while (recorder.events.size() < expected.size() && System.nanoTime() < deadline)
        {
            Thread.sleep(5);
        }

        assertEquals(expected, recorder.events);
        assertTrue(recorder.mirrorErrors.isEmpty(), recorder.mirrorErrors.toString());
        assertTrue(expected.stream().anyMatch(e -> e.startsWith("removed")), "the script removes entities");
    }

    @Test
    void shouldRunCallbacksOnlyInPollOnThePollingThreadWithThatSnapshotsMirror() throws Exception
    {
        final EventRecorder recorder = new EventRecorder();
        final RoomSession session = join(
            ClientOptions.builder().deliveryMode(DeliveryMode.POLL).pingIntervalMs(0), recorder);
        final WorldState[] states = states(3);
        for (int t = 1; t < states.length; t++)
        {
            server.sendSnapshot(t == 1 ? null : states[t - 1], states[t], 0);
            server.awaitAck(t);
        }
        final ClientMessage ping = pingAndWait(session);
        server.send(ServerMessage.newBuilder().setPong(Pong.newBuilder()
            .setClientTime(ping.getPing().getClientTime()).setServerTick(4)).build());
        while (client.stats().pongsReceived() == 0)
        {
            Thread.sleep(2);
        }
        assertTrue(recorder.events.isEmpty(), "nothing runs before poll: " + recorder.events);
        assertThrows(IllegalStateException.class, () -> session.mirror().count(), "not the polling thread yet");

        final int delivered = client.poll();

        assertEquals(4, delivered, "three snapshots and a pong");
        final List<String> expected = new ArrayList<>();
        for (int t = 1; t < states.length; t++)
        {
            expected.addAll(expectedEvents(t == 1 ? null : states[t - 1], states[t]));
        }
        expected.add("pong 4");
        assertEquals(expected, recorder.events);
        assertTrue(recorder.mirrorErrors.isEmpty(), recorder.mirrorErrors.toString());
        final String me = Thread.currentThread().getName();
        assertEquals(List.of(me, me, me), recorder.threads);
        for (int t = 1; t < states.length; t++)
        {
            assertNull(states[t].firstDifference(recorder.mirrored.get(t - 1)), "mirror during snapshot " + t);
        }
        assertEquals(3, session.mirror().tick());
        assertEquals(states[3].count(), session.mirror().count(), "readable on the polling thread");
        final CompletableFuture<Throwable> elsewhere = CompletableFuture.supplyAsync(() ->
        {
            try
            {
                session.mirror().count();
                return null;
            }
            catch (final Throwable t)
            {
                return t;
            }
        });
        assertTrue(elsewhere.get(WAIT_S, TimeUnit.SECONDS) instanceof IllegalStateException);
        assertEquals(0, session.poll(), "nothing left");
    }

    private ClientMessage pingAndWait(final RoomSession session) throws InterruptedException
    {
        session.ping();
        return ScriptedServer.next(server.pings);
    }

    @Test
    void shouldOverwriteNewestQueuedSnapshotWhenPollQueueIsFull() throws Exception
    {
        final EventRecorder recorder = new EventRecorder();
        final RoomSession session = join(ClientOptions.builder()
            .deliveryMode(DeliveryMode.POLL).pollQueueSnapshots(2).pingIntervalMs(0), recorder);
        final WorldState[] states = states(6);
        for (int t = 1; t < states.length; t++)
        {
            server.sendSnapshot(t == 1 ? null : states[t - 1], states[t], 0);
            server.awaitAck(t);
        }

        session.poll();

        final List<String> expected = new ArrayList<>(expectedEvents(null, states[1]));
        expected.addAll(expectedEvents(states[1], states[6]));
        assertEquals(expected, recorder.events, "events diff the states poll delivers");
        assertEquals(4, client.stats().pollCoalesced());
        assertNull(states[6].firstDifference(session.mirror().copyState()));
    }

    @Test
    void shouldPingAutomaticallyFromFirstSnapshotAndSynchronizeTheClock() throws Exception
    {
        final RoomSession session = join(ClientOptions.builder().initialPingIntervalMs(20).pingIntervalMs(50), null);
        Thread.sleep(100);
        assertTrue(server.pings.isEmpty(), "no automatic ping before the first snapshot");

        server.sendSnapshot(null, worlds.initial(1), 0);

        final long offsetNs = 7_000_000_000L;
        final long[] sentAt = new long[8];
        for (int i = 0; i < sentAt.length; i++)
        {
            final ClientMessage ping = ScriptedServer.next(server.pings);
            sentAt[i] = ping.getPing().getClientTime();
            final long serverNs = System.nanoTime() + offsetNs;
            server.send(ServerMessage.newBuilder().setPong(Pong.newBuilder()
                .setClientTime(ping.getPing().getClientTime())
                .setServerTimeNs(serverNs)
                .setServerTick((int)(serverNs / 50_000_000L))).build());
        }
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(WAIT_S);
        while (session.clock().acceptedSamples() + session.clock().rejectedSamples() < sentAt.length &&
            System.nanoTime() < deadline)
        {
            Thread.sleep(2);
        }

        final ServerClock clock = session.clock();
        assertTrue(clock.isSynchronized(), clock.toString());
        assertTrue(Math.abs(clock.offsetNanos() - offsetNs) < 20_000_000L, "offset " + clock.offsetNanos());
        assertTrue(clock.rttNanos() > 0 && clock.rttNanos() < 100_000_000L, clock.toString());
        final double tick = clock.estimatedServerTick();
        final double expectedTick = (System.nanoTime() + offsetNs) / 50_000_000.0;
        assertEquals(expectedTick, tick, 1.0, "tick at 20 Hz");
        final long[] gaps = new long[sentAt.length - 1];
        for (int i = 1; i < sentAt.length; i++)
        {
            gaps[i - 1] = (sentAt[i] - sentAt[i - 1]) / 1_000_000L;
        }
        assertTrue(Arrays.stream(gaps).allMatch(g -> g >= 15), "initial interval of 20 ms: " + Arrays.toString(gaps));
        assertTrue(client.stats().pingsSent() >= sentAt.length);
        assertEquals(sentAt.length, client.stats().pongsReceived());
    }

    @Test
    void shouldRejectPollInCallbackModeAndPollWithCallbackExecutor()
    {
        assertThrows(IllegalArgumentException.class, () -> ClientOptions.builder().uri("ws://127.0.0.1:1/x")
            .deliveryMode(DeliveryMode.POLL).callbackExecutor(Runnable::run).build());
        final TickwireClient c = new TickwireClient(ClientOptions.builder().uri("ws://127.0.0.1:1/x").build());
        try
        {
            assertThrows(IllegalStateException.class, c::poll);
        }
        finally
        {
            c.close();
        }
    }
}
