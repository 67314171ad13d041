package io.tickwire.server.faults;

import io.tickwire.server.e2e.RecordingGame;

import io.tickwire.client.ClientOptions;
import io.tickwire.client.ReconnectPolicy;
import io.tickwire.client.RoomSession;
import io.tickwire.client.TickwireClient;
import io.tickwire.client.TickwireException;
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
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

import static io.tickwire.server.support.Await.awaitTrue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A client whose connection is reset in the middle of a WebSocket frame (the process killed, the
 * network path reset): the server keeps ticking for the other players, detaches the lost one (it sees
 * no close code), keeps its seat for the grace period and then removes it; or, when the SDK reconnects,
 * resumes it.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class ClientKilledMidFrameTest
{
    private static final long GRACE_MS = 1000;

    private TickwireServer server;
    private FaultProxy proxy;
    private final List<TickwireClient> clients = new ArrayList<>();
    private final Map<String, List<Integer>> appliedInputs = new ConcurrentHashMap<>();

    @AfterEach
    void tearDown()
    {
        clients.forEach(TickwireClient::close);
        if (proxy != null)
        {
            proxy.close();
        }
        if (server != null)
        {
            server.close();
        }
    }

    private void start()
    {
        server = TickwireServer.start(ServerOptions.builder().host("127.0.0.1").port(0).adminPort(-1).roomLoops(1)
            .resumeGraceMs(GRACE_MS).roomType(ArenaGame.TYPE,
                RecordingGame.recording(ArenaGame.factory(4), new ConcurrentHashMap<>(), appliedInputs, 30)).build());
        proxy = FaultProxy.start(server.port());
    }

    private TickwireClient client(final ClientOptions.Builder options, final SessionEvents events)
    {
        final TickwireClient client = new TickwireClient(options.build());
        client.addListener(events);
        clients.add(client);
        return client;
    }

    @Test
    void shouldKeepTickingForOthersAndRemovePlayerAfterGraceWhenClientKilledMidFrame() throws Exception
    {
        start();
        final SessionEvents killedEvents = new SessionEvents();
        final RoomSession killed = client(ClientOptions.builder().uri(proxy.uri(server.webSocketUri()))
            .reconnect(ReconnectPolicy.disabled()), killedEvents).joinByType(ArenaGame.TYPE).get(5, TimeUnit.SECONDS);
        final SessionEvents otherEvents = new SessionEvents();
        final RoomSession other = client(ClientOptions.builder().uri(server.webSocketUri()), otherEvents)
            .joinById(killed.roomId()).get(5, TimeUnit.SECONDS);
        for (int i = 0; i < 5; i++)
        {
            killed.sendInput(ArenaGame.input(1, 0));
        }
        awaitTrue(() -> killed.lastProcessedInputSeq() == 5, 3000, "inputs processed");
        assertEquals(2, ServerProbe.players(server, killed.roomId()));

        // The next frame the client writes is cut after 3 bytes, then both sides are reset.
        proxy.awaitPipe(0).cutAfter(FaultProxy.Direction.UPSTREAM, 3);
        killed.sendInput(ArenaGame.input(0, 1));
        final long cutNs = System.nanoTime();

        final String disconnected = killedEvents.next(3000);
        assertTrue(disconnected != null && disconnected.startsWith("disconnected 1006 false"), disconnected);
        final String closed = killedEvents.next(3000);
        assertTrue(closed != null && closed.startsWith("closed " + TickwireException.ABNORMAL_CLOSURE), closed);
        awaitTrue(() -> ServerProbe.loops(server, c -> c.detaches) == 1, 2000, "the server detaches the player");
        assertEquals(2, ServerProbe.players(server, killed.roomId()), "its seat is kept for the grace period");
        assertEquals(1, ServerProbe.disconnects(server, 0), "the server saw no close code");

        final int from = otherEvents.snapshots();
        awaitTrue(() -> ServerProbe.players(server, killed.roomId()) == 1, GRACE_MS + 3000,
            "the player is removed once the grace period is over");
        final long graceTookMs = (System.nanoTime() - cutNs) / 1_000_000;
        assertTrue(graceTookMs >= GRACE_MS - 50, "removed only after the grace: " + graceTookMs + " ms");
        assertEquals(1, ServerProbe.loops(server, c -> c.leaves));
        final int received = otherEvents.snapshots() - from;
        final long expected = graceTookMs * 30 / 1000;
        assertTrue(received >= expected * 0.75, "the other player keeps getting ~30 Hz: received=" + received +
            " in " + graceTookMs + " ms");
        assertTrue(otherEvents.maxGapMsSince(from) < 300, "longest gap " + otherEvents.maxGapMsSince(from) + " ms");
        awaitTrue(() -> other.mirror().copyState().indexOf(killed.playerEntityId()) < 0, 2000,
            "the removed player's entity is gone from the other's mirror");
        assertTrue(other.isOpen());
    }

    @Test
    void shouldResumePlayerAndApplyEveryInputOnceWhenSdkReconnectsAfterMidFrameCut() throws Exception
    {
        start();
        final SessionEvents events = new SessionEvents();
        final RoomSession session = client(ClientOptions.builder().uri(proxy.uri(server.webSocketUri())), events)
            .joinByType(ArenaGame.TYPE).get(5, TimeUnit.SECONDS);
        awaitTrue(() -> events.snapshots() > 3, 3000, "snapshots flow");
        final int entityId = session.playerEntityId();
        // A game thread sending raw inputs at the tick rate, through the loss and the resume.
        final AtomicBoolean sending = new AtomicBoolean(true);
        final AtomicInteger lastSeq = new AtomicInteger();
        final Thread sender = new Thread(() ->
        {
            while (sending.get())
            {
                final int seq = session.sendInput(ArenaGame.input(1, 1));
                if (seq != 0)
                {
                    lastSeq.set(seq);
                }
                LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(34));
            }
        }, "input-sender");
        sender.start();
        awaitTrue(() -> session.lastProcessedInputSeq() > 10, 3000, "inputs flow");

        // The server's next frame reaches the client only in part, then both sides are reset.
        proxy.awaitPipe(0).cutAfter(FaultProxy.Direction.DOWNSTREAM, 7);

        final String disconnected = events.next(3000);
        assertNotNull(disconnected);
        assertTrue(disconnected.startsWith("disconnected 1006 true"), disconnected);
        assertEquals("reconnected", events.next(3000));
        final int resumedAt = lastSeq.get();
        awaitTrue(() -> session.lastProcessedInputSeq() > resumedAt + 5, 3000, "inputs flow on the new connection");
        sending.set(false);
        sender.join(2000);
        final int last = lastSeq.get();
        awaitTrue(() -> session.lastProcessedInputSeq() == last, 5000, "every input processed");

        final List<Integer> applied = RecordingGame.applied(appliedInputs, session.sessionId());
        assertEquals(last, applied.size(), "applied " + applied.size() + " of " + last);
        for (int i = 0; i < applied.size(); i++)
        {
            assertEquals(i + 1, (int)applied.get(i), "input " + (i + 1) + " applied once, in order");
        }
        assertEquals(entityId, session.playerEntityId());
        assertEquals(1, ServerProbe.loops(server, c -> c.resumes));
        assertEquals(1, ServerProbe.loops(server, c -> c.detaches));
        assertEquals(1, ServerProbe.players(server, session.roomId()));
        final WorldState state = session.mirror().copyState();
        assertTrue(state.indexOf(entityId) >= 0, "the same entity is in the mirror");
        assertEquals(1, session.stats().reconnects());
        assertEquals(0, session.stats().inputsRefused());
    }
}
