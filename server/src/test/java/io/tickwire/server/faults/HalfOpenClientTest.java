package io.tickwire.server.faults;

import io.tickwire.client.ClientOptions;
import io.tickwire.client.ReconnectPolicy;
import io.tickwire.client.RoomSession;
import io.tickwire.client.TickwireClient;
import io.tickwire.protocol.CloseCodes;
import io.tickwire.server.ServerOptions;
import io.tickwire.server.TickwireServer;
import io.tickwire.server.config.LimitSettings;
import io.tickwire.server.game.arena.ArenaGame;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static io.tickwire.server.support.Await.awaitTrue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A half-open connection: the path between client and server dies without a reset, so each side still
 * believes it is connected (the proxy swallows every byte and every close). The server closes it by its
 * ack timeout; an SDK that notices the silence first resumes on a new connection, which replaces the
 * half-open one.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class HalfOpenClientTest
{
    private TickwireServer server;
    private FaultProxy proxy;
    private final List<TickwireClient> clients = new ArrayList<>();

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

    private void start(final ServerOptions.Builder options)
    {
        server = TickwireServer.start(options.host("127.0.0.1").port(0).adminPort(-1).roomLoops(1)
            .roomType(ArenaGame.TYPE, ArenaGame.factory(2)).build());
        proxy = FaultProxy.start(server.port());
    }

    private RoomSession join(final ClientOptions.Builder options, final SessionEvents events) throws Exception
    {
        final TickwireClient client = new TickwireClient(options.uri(proxy.uri(server.webSocketUri())).build());
        client.addListener(events);
        clients.add(client);
        final RoomSession session = client.joinByType(ArenaGame.TYPE).get(5, TimeUnit.SECONDS);
        awaitTrue(() -> events.snapshots() > 3, 3000, "snapshots flow");
        return session;
    }

    @Test
    void shouldCloseHalfOpenClientByAckTimeout() throws Exception
    {
        final long ackTimeoutMs = 800;
        final long graceMs = 1000;
        start(ServerOptions.builder().ackTimeoutMs(ackTimeoutMs).idleTimeoutMs(1500).resumeGraceMs(graceMs));
        final SessionEvents events = new SessionEvents();
        // A client that cannot tell: no silence detection, no reconnection.
        final RoomSession session = join(ClientOptions.builder().silenceTimeoutMs(0)
            .reconnect(ReconnectPolicy.disabled()), events);

        proxy.awaitPipe(0).blackhole();
        final long deadNs = System.nanoTime();

        awaitTrue(() -> ServerProbe.loops(server, c -> c.ackTimeoutCloses) == 1, ackTimeoutMs + 2000,
            "the server closes the silent connection by its ack timeout");
        final long tookMs = (System.nanoTime() - deadNs) / 1_000_000;
        assertTrue(tookMs >= ackTimeoutMs - 100, "not before the ack timeout: " + tookMs + " ms");
        // Counted when TCP closes: the close frame is never answered, so after the close grace (1 s).
        awaitTrue(() -> ServerProbe.disconnects(server, CloseCodes.ACK_TIMEOUT) == 1,
            LimitSettings.DEFAULT_CLOSE_GRACE_MS + 1000, "counted as 4007");
        assertEquals(0, server.sessions().size(), "the server holds no session for it");
        // A timeout is what a dead path looks like, so the player is kept for a resume...
        awaitTrue(() -> ServerProbe.loops(server, c -> c.detaches) == 1, 1000, "the player is detached");
        assertEquals(1, ServerProbe.players(server, session.roomId()), "its seat and entity are kept");
        // ...and removed once the grace period is over.
        awaitTrue(() -> ServerProbe.players(server, session.roomId()) == 0, graceMs + 2000, "the player is gone");
        assertTrue(session.isOpen(), "the client never heard of it: its side is still open (half-open)");
        assertNull(events.next(0), "no event reached the client");
    }

    @Test
    void shouldResumeHalfOpenConnectionWhenSdkDetectsSilence() throws Exception
    {
        start(ServerOptions.builder());   // default ack and idle timeouts: far longer than the client's silence
        final SessionEvents events = new SessionEvents();
        final RoomSession session = join(ClientOptions.builder().silenceTimeoutMs(500), events);
        final int entityId = session.playerEntityId();
        final int seq = session.sendInput(ArenaGame.input(1, 0));
        awaitTrue(() -> session.lastProcessedInputSeq() == seq, 3000, "input processed");

        proxy.awaitPipe(0).blackhole();
        final long deadNs = System.nanoTime();

        final String disconnected = events.next(3000);
        assertNotNull(disconnected);
        assertTrue(disconnected.startsWith("disconnected 1006 true no data from the server"), disconnected);
        final long detectedMs = (System.nanoTime() - deadNs) / 1_000_000;
        assertTrue(detectedMs >= 400 && detectedMs < 1500, "detected after " + detectedMs + " ms");
        assertEquals("reconnected", events.next(3000));
        assertEquals(entityId, session.playerEntityId());
        assertEquals(1, ServerProbe.loops(server, c -> c.resumes));
        awaitTrue(() -> ServerProbe.disconnects(server, CloseCodes.SESSION_REPLACED) == 1, 2000,
            "the server closed the half-open connection as replaced");
        assertEquals(0, ServerProbe.loops(server, c -> c.detaches), "replaced, never detached");
        assertEquals(1, ServerProbe.players(server, session.roomId()));
        assertEquals(1, server.sessions().size());
        final int next = session.sendInput(ArenaGame.input(0, 1));
        awaitTrue(() -> session.lastProcessedInputSeq() == next, 3000, "inputs flow on the new connection");
    }
}
