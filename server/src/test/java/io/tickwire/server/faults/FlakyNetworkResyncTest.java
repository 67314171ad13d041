package io.tickwire.server.faults;

import io.tickwire.server.e2e.RecordingGame;

import io.tickwire.client.ClientOptions;
import io.tickwire.client.DeliveryMode;
import io.tickwire.client.Predictor;
import io.tickwire.client.RoomSession;
import io.tickwire.client.SessionListener;
import io.tickwire.client.SnapshotInfo;
import io.tickwire.client.TickwireClient;
import io.tickwire.protocol.arena.ArenaStep;
import io.tickwire.protocol.delta.WorldState;
import io.tickwire.server.ServerOptions;
import io.tickwire.server.TickwireServer;
import io.tickwire.server.game.arena.ArenaGame;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;

import static io.tickwire.server.support.Await.awaitTrue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A player on a bad network: 20 ms &plusmn; 10 ms each way, a stall, resets, connections cut in the middle
 * of a frame in either direction, and a stall long enough for the SDK to give the connection up. The SDK
 * resumes each time; afterwards the client's mirror equals the server's state at the same tick, the
 * server applied every input the client sent exactly once and in order, and prediction stayed exact.
 * The game loop is a 60 Hz thread in poll mode driving a {@link Predictor}, as a real game's would.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class FlakyNetworkResyncTest
{
    private static final long SILENCE_TIMEOUT_MS = 700;

    private final ConcurrentMap<String, ConcurrentMap<Integer, WorldState>> recorded = new ConcurrentHashMap<>();
    private final Map<String, List<Integer>> appliedInputs = new ConcurrentHashMap<>();
    private TickwireServer server;
    private FaultProxy proxy;
    private TickwireClient client;
    private volatile boolean running = true;
    private volatile boolean steering = true;
    private Thread gameLoop;

    @AfterEach
    void tearDown() throws InterruptedException
    {
        running = false;
        if (gameLoop != null)
        {
            gameLoop.join(5000);
        }
        if (client != null)
        {
            client.close();
        }
        if (proxy != null)
        {
            proxy.close();
        }
        if (server != null)
        {
            server.close();
        }
    }

    /** Copies the polled mirror at the first snapshot after each resume and at every 5th snapshot. */
    private static final class MirrorSampler implements SessionListener
    {
        final List<WorldState> samples = new CopyOnWriteArrayList<>();
        final List<Integer> resyncTicks = new CopyOnWriteArrayList<>();
        private boolean resynced;
        private int count;

        @Override
        public void onSnapshot(final RoomSession session, final SnapshotInfo info)
        {
            if (resynced || count++ % 5 == 0)
            {
                if (resynced)
                {
                    resyncTicks.add(info.tick());
                }
                resynced = false;
                samples.add(session.mirror().copyState());
            }
        }

        @Override
        public void onReconnected(final RoomSession session)
        {
            resynced = true;
        }
    }

    @Test
    void shouldKeepMirrorEqualToServerAndApplyEachInputOnceThroughLatencyJitterFreezesAndCuts() throws Exception
    {
        server = TickwireServer.start(ServerOptions.builder().host("127.0.0.1").port(0).adminPort(-1).roomLoops(1)
            .roomType(ArenaGame.TYPE, RecordingGame.recording(ArenaGame.factory(6), recorded, appliedInputs, 1200))
            .build());
        proxy = FaultProxy.start(server.port());
        proxy.latency(20, 10);
        final SessionEvents events = new SessionEvents();
        final MirrorSampler sampler = new MirrorSampler();
        client = new TickwireClient(ClientOptions.builder().uri(proxy.uri(server.webSocketUri()))
            .deliveryMode(DeliveryMode.POLL).silenceTimeoutMs((int)SILENCE_TIMEOUT_MS).build());
        client.addListener(events);
        client.addListener(sampler);
        final RoomSession session = client.joinByType(ArenaGame.TYPE).get(5, TimeUnit.SECONDS);
        final int entityId = session.playerEntityId();
        final Predictor predictor = session.predictor(new ArenaStep(session.schema(), session.tickRateHz()));
        final AtomicReference<Throwable> loopFailure = new AtomicReference<>();
        gameLoop = new Thread(() -> runGameLoop(session, predictor, loopFailure), "game-loop");
        gameLoop.start();
        awaitTrue(() -> session.clock().isSynchronized() && predictor.inputsSent() > 20, 5000, "playing");

        proxy.latest().freeze(400);                                    // a stall the session rides out
        Thread.sleep(1000);
        assertNull(events.next(0), "a 400 ms stall is no disconnect");

        proxy.latest().cut();                                          // reset
        awaitResume(events, "1006");
        proxy.latest().cutAfter(FaultProxy.Direction.DOWNSTREAM, 7);   // server frame cut mid-way
        awaitResume(events, "1006");
        proxy.latest().cutAfter(FaultProxy.Direction.UPSTREAM, 3);     // client frame cut mid-way
        awaitResume(events, "1006");
        proxy.latest().freeze(SILENCE_TIMEOUT_MS * 2);                 // the SDK gives this connection up
        awaitResume(events, "1006 true no data from the server");
        proxy.latest().cut();
        awaitResume(events, "1006");

        steering = false;
        awaitTrue(() -> predictor.pendingInputs() == 0 && predictor.lastProcessedSeq() > 0 &&
            predictor.lastProcessedSeq() == session.lastProcessedInputSeq() &&
            RecordingGame.applied(appliedInputs, session.sessionId()).size() == predictor.lastProcessedSeq(), 5000,
            () -> "every input is processed: " + predictor + ", loopFailure=" + loopFailure.get() + ", " +
                session.stats() + ", applied=" + RecordingGame.applied(appliedInputs, session.sessionId()).size() +
                ", pipes=" + proxy.pipes() + ", inputsStale=" + ServerProbe.loops(server, c -> c.inputsStale) +
                ", inputsQueueFull=" + ServerProbe.loops(server, c -> c.inputsQueueFull));
        running = false;
        gameLoop.join(5000);
        assertNull(loopFailure.get(), () -> "game loop failed: " + loopFailure.get());

        // Every input exactly once, in order, no gaps.
        final List<Integer> applied = RecordingGame.applied(appliedInputs, session.sessionId());
        final int sent = (int)predictor.inputsSent();
        assertEquals(sent, applied.size(), "inputs applied: " + applied.size() + ", sent: " + sent);
        for (int i = 0; i < applied.size(); i++)
        {
            assertEquals(i + 1, (int)applied.get(i), "the server applies input " + (i + 1) + " once, in order");
        }
        assertTrue(session.stats().inputsResent() > 0, "some inputs were resent: " + session.stats());
        assertEquals(0, session.stats().inputsRefused());

        // The mirror equals the server's state at the same tick, after every resync and in between.
        assertEquals(5, sampler.resyncTicks.size(), "a sample after each resume: " + sampler.resyncTicks);
        final ConcurrentMap<Integer, WorldState> serverStates = recorded.get(session.roomId());
        assertNotNull(serverStates);
        for (final WorldState mirror : sampler.samples)
        {
            final WorldState expected = serverStates.get(mirror.tick());
            assertNotNull(expected, "server state of tick " + mirror.tick());
            assertNull(expected.firstDifference(mirror), "mirror differs from the server at tick " + mirror.tick() +
                (sampler.resyncTicks.contains(mirror.tick()) ? " (first snapshot after a resume)" : ""));
        }
        assertTrue(sampler.samples.size() > 20, "samples: " + sampler.samples.size());

        assertEquals(5, session.stats().reconnects());
        assertEquals(5, ServerProbe.loops(server, c -> c.resumes));
        assertEquals(entityId, session.playerEntityId());
        assertEquals(1, ServerProbe.players(server, session.roomId()));
        assertEquals(0, predictor.mispredictions(), "prediction stayed exact: " + predictor);
        assertTrue(session.isOpen());
    }

    private static void awaitResume(final SessionEvents events, final String disconnectPrefix)
        throws InterruptedException
    {
        final String disconnected = events.next(SILENCE_TIMEOUT_MS + 3000);
        assertNotNull(disconnected, "disconnected");
        assertTrue(disconnected.startsWith("disconnected " + disconnectPrefix), disconnected);
        assertTrue(disconnected.startsWith("disconnected 1006 true"), disconnected);
        assertEquals("reconnected", events.next(3000));
        Thread.sleep(500);   // play a little on the new connection
    }

    private void runGameLoop(final RoomSession session, final Predictor predictor,
        final AtomicReference<Throwable> failure)
    {
        try
        {
            final long startNs = System.nanoTime();
            while (running)
            {
                final long now = System.nanoTime();
                session.poll();
                final double t = (now - startNs) / 1e9;
                if (steering)
                {
                    predictor.update(now, ArenaGame.input(Math.cos(t), Math.sin(t)));
                }
                else
                {
                    predictor.reconcile();   // the player stopped: no more inputs, wait for the server
                }
                LockSupport.parkNanos(16_000_000L);
            }
            session.poll();
            predictor.reconcile();
        }
        catch (final Throwable t)
        {
            failure.set(t);
        }
    }
}
