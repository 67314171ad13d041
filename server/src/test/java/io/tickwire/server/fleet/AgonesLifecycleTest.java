package io.tickwire.server.fleet;

import com.sun.net.httpserver.HttpServer;
import io.tickwire.client.ClientOptions;
import io.tickwire.client.JoinRequest;
import io.tickwire.client.RoomSession;
import io.tickwire.client.SessionListener;
import io.tickwire.client.TickwireClient;
import io.tickwire.protocol.CloseCodes;
import io.tickwire.protocol.ticket.JoinTickets;
import io.tickwire.server.ServerOptions;
import io.tickwire.server.TickwireServer;
import io.tickwire.server.config.FleetSettings;
import io.tickwire.server.game.arena.ArenaGame;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import static io.tickwire.server.support.Await.awaitTrue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The server against an in-test Agones SDK sidecar that implements the REST paths and JSON bodies
 * of Agones 1.57's {@code sdk.proto} / {@code alpha.proto} gateway and records every call: Ready
 * after listening, Health, allocation noticed, players connecting and disconnecting by their
 * ticket's player id, labels, and Shutdown after the SIGTERM drain.
 */
class AgonesLifecycleTest
{
    private static final String SECRET = "agones-test-secret-0123456789abcdef";

    private final List<String> calls = new CopyOnWriteArrayList<>();
    private volatile String state = "Scheduled";
    private volatile boolean playerTracking = true;
    private HttpServer sidecar;
    private TickwireServer server;

    @AfterEach
    void stop()
    {
        if (server != null)
        {
            server.close();
        }
        if (sidecar != null)
        {
            sidecar.stop(0);
        }
    }

    private void startSidecar() throws IOException
    {
        sidecar = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        sidecar.createContext("/", exchange ->
        {
            final String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            final String path = exchange.getRequestURI().getPath();
            final String method = exchange.getRequestMethod();
            calls.add(method + " " + path + (body.isEmpty() || "{}".equals(body) ? "" : " " + body));
            if ("POST".equals(method) && "/ready".equals(path))
            {
                state = "Ready";
            }
            else if ("POST".equals(method) && "/allocate".equals(path))
            {
                state = "Allocated";
            }
            final String reply;
            if (path.startsWith("/alpha/") && !playerTracking)
            {
                final byte[] refusal = "{\"error\":\"PlayerTracking feature gate disabled\"}".getBytes(StandardCharsets.UTF_8);
                exchange.sendResponseHeaders(400, refusal.length);
                try (OutputStream out = exchange.getResponseBody())
                {
                    out.write(refusal);
                }
                return;
            }
            if ("GET".equals(method) && "/gameserver".equals(path))
            {
                reply = "{\"object_meta\":{\"name\":\"gs-1\",\"namespace\":\"default\"},\"status\":{\"state\":\"" + state +
                    "\",\"address\":\"203.0.113.7\",\"ports\":[{\"name\":\"default\",\"port\":7234}]}}";
            }
            else if (path.startsWith("/alpha/player/") && "POST".equals(method))
            {
                reply = "{\"bool\":true}";
            }
            else
            {
                reply = "{}";
            }
            final byte[] bytes = reply.getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", "application/json");
            exchange.sendResponseHeaders(200, bytes.length);
            try (OutputStream out = exchange.getResponseBody())
            {
                out.write(bytes);
            }
        });
        sidecar.start();
    }

    private List<String> callsStartingWith(final String prefix)
    {
        return calls.stream().filter(c -> c.startsWith(prefix)).toList();
    }

    @Test
    @Timeout(60)
    void shouldDriveTheGameServerFromReadyThroughAllocationAndPlayersToShutdown() throws Exception
    {
        startSidecar();
        server = TickwireServer.start(ServerOptions.builder().host("127.0.0.1").port(0).adminPort(-1).roomLoops(1)
            .maxRooms(10).maxPlayersPerRoom(4).ticketSecret(SECRET).shutdownTimeoutMs(3_000)
            .roomType(ArenaGame.TYPE, ArenaGame.factory(1)).build());
        final Fleet fleet = Fleet.start(server, new FleetSettings(null, null, "gs-1", 100, 1_000,
            sidecar.getAddress().getPort()), 0);
        assertEquals("ws://203.0.113.7:7234/ws", fleet.publicUrl(), "public URL from the GameServer's address");
        awaitTrue(() -> calls.contains("POST /ready"), 10_000, () -> "Ready sent: " + calls);
        awaitTrue(() -> calls.contains("PUT /alpha/player/capacity {\"count\":40}"), 10_000,
            () -> "capacity set: " + calls);
        assertEquals(List.of("GET /gameserver", "POST /ready"), calls.subList(0, 2),
            "the address read, then Ready once listening: " + calls);
        awaitTrue(() -> calls.contains("POST /health"), 10_000, () -> "Health sent: " + calls);

        awaitTrue(() -> "Ready".equals(fleet.agones().state()), 10_000, () -> "Ready noticed: " + calls);
        assertTrue(callsStartingWith("POST /allocate").isEmpty(), "no players, not allocated: " + calls);

        final JoinTickets tickets = JoinTickets.ofSecret(SECRET);
        final TickwireClient alice = client();
        final TickwireClient bob = client();
        final TickwireClient carol = client();
        try
        {
            join(alice, tickets, "alice");
            join(bob, tickets, "bob");
            awaitTrue(() -> calls.contains("POST /alpha/player/connect {\"playerID\":\"alice\"}") &&
                calls.contains("POST /alpha/player/connect {\"playerID\":\"bob\"}"), 10_000,
                () -> "players connected: " + calls);
            awaitTrue(() -> calls.contains("PUT /metadata/label {\"key\":\"players\",\"value\":\"2\"}") &&
                calls.contains("PUT /metadata/label {\"key\":\"rooms\",\"value\":\"1\"}"), 10_000, () -> "labels: " + calls);
            awaitTrue(() -> "Allocated".equals(fleet.agones().state()), 10_000,
                () -> "marked itself Allocated with players: " + calls);
            assertEquals(1, callsStartingWith("POST /allocate").size(), calls.toString());

            bob.close();
            awaitTrue(() -> calls.contains("POST /alpha/player/disconnect {\"playerID\":\"bob\"}"),
                10_000, () -> "bob disconnected: " + calls);
            assertEquals(1, callsStartingWith("POST /alpha/player/connect {\"playerID\":\"alice\"}").size(),
                "alice connected once: " + calls);
            alice.close();
            awaitTrue(() -> callsStartingWith("POST /ready").size() == 2, 10_000,
                () -> "empty again: marked itself Ready for the Fleet to scale down: " + calls);
            assertTrue(calls.indexOf("POST /alpha/player/disconnect {\"playerID\":\"alice\"}") <
                calls.lastIndexOf("POST /ready"), calls.toString());

            final RoomSession carolSession = join(carol, tickets, "carol");
            awaitTrue(() -> callsStartingWith("POST /allocate").size() == 2, 10_000,
                () -> "allocated again for carol: " + calls);
            final CompletableFuture<Integer> carolClosed = new CompletableFuture<>();
            carolSession.addListener(new SessionListener()
            {
                @Override
                public void onClosed(final RoomSession s, final int code, final String reason)
                {
                    carolClosed.complete(code);
                }
            });
            server.close();
            assertEquals(CloseCodes.SERVER_DRAINING, carolClosed.get(5, TimeUnit.SECONDS));
            assertEquals("POST /shutdown", calls.get(calls.size() - 1), "Shutdown is the last call: " + calls);
            assertEquals(1, callsStartingWith("POST /shutdown").size());
            assertTrue(calls.indexOf("POST /ready") < calls.indexOf("POST /health"), calls.toString());
        }
        finally
        {
            alice.close();
            bob.close();
            carol.close();
        }
    }

    private TickwireClient client()
    {
        return new TickwireClient(ClientOptions.builder().uri(server.webSocketUri()).build());
    }

    private static RoomSession join(final TickwireClient client, final JoinTickets tickets, final String player)
        throws Exception
    {
        return client.join(JoinRequest.byType(ArenaGame.TYPE).ticket(
            tickets.mintForType(player, ArenaGame.TYPE, Instant.now().plusSeconds(30)))).get(5, TimeUnit.SECONDS);
    }

    @Test
    @Timeout(60)
    void shouldKeepTheLifecycleGoingWhenPlayerTrackingIsDisabled() throws Exception
    {
        playerTracking = false;
        startSidecar();
        server = TickwireServer.start(ServerOptions.builder().host("127.0.0.1").port(0).adminPort(-1).roomLoops(1)
            .maxPlayersPerRoom(4).ticketSecret(SECRET).shutdownTimeoutMs(3_000)
            .roomType(ArenaGame.TYPE, ArenaGame.factory(1)).build());
        final Fleet fleet = Fleet.start(server, new FleetSettings(null, null, "gs-2", 100, 1_000,
            sidecar.getAddress().getPort()), 0);
        final TickwireClient dave = client();
        try
        {
            join(dave, JoinTickets.ofSecret(SECRET), "dave");
            awaitTrue(() -> "Allocated".equals(fleet.agones().state()) &&
                calls.contains("PUT /metadata/label {\"key\":\"players\",\"value\":\"1\"}"), 10_000,
                () -> "Ready, allocation and labels without player tracking: " + calls);
            assertTrue(calls.contains("POST /ready") && calls.contains("POST /health"), calls.toString());
        }
        finally
        {
            dave.close();
        }
        server.close();
        assertEquals("POST /shutdown", calls.get(calls.size() - 1), calls.toString());
    }
}
