package io.tickwire.server.faults;

import io.tickwire.client.ClientOptions;
import io.tickwire.client.RoomSession;
import io.tickwire.client.TickwireClient;
import io.tickwire.server.ServerOptions;
import io.tickwire.server.TickwireServer;
import io.tickwire.server.game.arena.ArenaGame;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static io.tickwire.server.support.Await.awaitTrue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A process that opens hundreds of TCP connections and never sends a byte (nor upgrades to WebSocket):
 * the per-address limit refuses those past it at once, the handshake deadline closes the rest, and a real
 * player on the same server keeps receiving its 30 snapshots a second meanwhile.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class IdleSocketFloodTest
{
    private static final int SOCKETS = 300;
    private static final int MAX_PER_ADDRESS = 200;
    private static final long HANDSHAKE_TIMEOUT_MS = 1000;

    private TickwireServer server;
    private TickwireClient client;
    private final List<Socket> sockets = new ArrayList<>();

    @AfterEach
    void tearDown() throws IOException
    {
        for (final Socket s : sockets)
        {
            s.close();
        }
        if (client != null)
        {
            client.close();
        }
        if (server != null)
        {
            server.close();
        }
    }

    @Test
    void shouldCloseIdleSocketsByLimitAndHandshakeDeadlineWhilePlayerKeeps30Hz() throws Exception
    {
        server = TickwireServer.start(ServerOptions.builder().host("127.0.0.1").port(0).adminPort(-1).roomLoops(1)
            .maxConnectionsPerAddress(MAX_PER_ADDRESS).handshakeTimeoutMs(HANDSHAKE_TIMEOUT_MS)
            .roomType(ArenaGame.TYPE, ArenaGame.factory(8)).build());
        final SessionEvents events = new SessionEvents();
        client = new TickwireClient(ClientOptions.builder().uri(server.webSocketUri()).build());
        client.addListener(events);
        final RoomSession player = client.joinByType(ArenaGame.TYPE).get(5, TimeUnit.SECONDS);
        awaitTrue(() -> events.snapshots() > 5, 3000, "snapshots flow");

        final int from = events.snapshots();
        final long startNs = System.nanoTime();
        for (int i = 0; i < SOCKETS; i++)
        {
            final Socket s = new Socket();
            s.connect(new InetSocketAddress("127.0.0.1", server.port()), 2000);
            s.setSoTimeout(1);
            sockets.add(s);
        }

        // The player holds one of the address's connections: 199 idle ones fit, 101 are refused.
        final int refused = SOCKETS - (MAX_PER_ADDRESS - 1);
        awaitTrue(() -> server.counters().connectionsRefusedPerAddress.sum() == refused, 3000,
            "connections past the per-address limit are refused");
        awaitTrue(() -> server.counters().handshakeTimeouts.sum() == MAX_PER_ADDRESS - 1,
            HANDSHAKE_TIMEOUT_MS + 3000, "the rest are closed by the handshake deadline");
        final long tookMs = (System.nanoTime() - startNs) / 1_000_000;
        assertTrue(tookMs >= HANDSHAKE_TIMEOUT_MS - 100, "not before the deadline: " + tookMs + " ms");
        for (final Socket s : sockets)
        {
            assertTrue(isClosedByPeer(s), "every idle socket was closed by the server: " + s);
        }

        final int received = events.snapshots() - from;
        final long elapsedMs = (System.nanoTime() - startNs) / 1_000_000;
        assertTrue(received >= elapsedMs * 30 / 1000 * 0.8, "the player kept ~30 Hz: " + received + " snapshots in " +
            elapsedMs + " ms");
        assertTrue(events.maxGapMsSince(from) < 300, "longest gap " + events.maxGapMsSince(from) + " ms");
        assertTrue(player.isOpen());
        assertEquals(1, server.sessions().size());
    }

    private static boolean isClosedByPeer(final Socket s)
    {
        try
        {
            final InputStream in = s.getInputStream();
            final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(2);
            while (System.nanoTime() < deadline)
            {
                try
                {
                    return in.read() == -1;
                }
                catch (final SocketTimeoutException ex)
                {
                    Thread.onSpinWait();
                }
            }
            return false;
        }
        catch (final IOException ex)
        {
            return true;   // reset by the peer
        }
    }
}
