package io.tickwire.server.fleet;

import io.tickwire.client.ClientOptions;
import io.tickwire.client.Matchmaker;
import io.tickwire.client.RoomSession;
import io.tickwire.client.SessionListener;
import io.tickwire.client.TickwireClient;
import io.tickwire.protocol.CloseCodes;
import io.tickwire.server.ServerOptions;
import io.tickwire.server.TickwireServer;
import io.tickwire.server.config.FleetSettings;
import io.tickwire.server.fleet.matchmaker.MatchmakerServer;
import io.tickwire.server.fleet.matchmaker.MatchmakerSettings;
import io.tickwire.server.fleet.redis.FleetKeys;
import io.tickwire.server.game.arena.ArenaGame;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static io.tickwire.server.support.Await.awaitTrue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * One real server with join tickets, one matchmaker over HTTP, a real redis-server, and the SDK's
 * {@link Matchmaker}: players join in one call with room-bound tickets the server honours, their
 * reservations become seats, an admin drain tells them to rejoin through the matchmaker, and the
 * matchmaker answers 503 with a reason when it has nowhere to send them or Redis is down.
 */
class FleetEndToEndTest
{
    private static final String SECRET = "fleet-e2e-secret-0123456789abcdef!";
    private static final String ADMIN_TOKEN = "admin-token-for-tests";

    private RedisProcess redis;
    private TickwireServer server;
    private MatchmakerServer matchmakerServer;
    private final List<TickwireClient> clients = new ArrayList<>();
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    @BeforeEach
    void start() throws Exception
    {
        redis = RedisProcess.start();
        server = TickwireServer.start(ServerOptions.builder().host("127.0.0.1").port(0).adminHost("127.0.0.1")
            .adminPort(0).adminToken(ADMIN_TOKEN).roomLoops(1).maxPlayersPerRoom(4).ticketSecret(SECRET)
            .shutdownTimeoutMs(3_000).roomType(ArenaGame.TYPE, ArenaGame.factory(2)).build());
        Fleet.start(server, new FleetSettings(redis.url(), null, "e2e", 100, 1_000, 0));
        matchmakerServer = MatchmakerServer.start(new MatchmakerSettings("127.0.0.1", 0, redis.url(), SECRET, null,
            15_000, 30));
        awaitTrue(() -> redis.redis().exists(FleetKeys.server("e2e")) == 1, "server registered");
    }

    @AfterEach
    void stop() throws Exception
    {
        clients.forEach(TickwireClient::close);
        server.close();
        matchmakerServer.close();
        redis.close();
    }

    private URI matchmakerUri()
    {
        return URI.create("http://127.0.0.1:" + matchmakerServer.port());
    }

    private HttpResponse<String> post(final String path, final String body) throws Exception
    {
        return http.send(HttpRequest.newBuilder(matchmakerUri().resolve(path)).timeout(Duration.ofSeconds(5))
            .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    @Timeout(60)
    void shouldJoinThroughTheMatchmakerAndRejoinWhenTheServerDrains() throws Exception
    {
        final Matchmaker matchmaker = new Matchmaker(matchmakerUri());
        final Map<String, Integer> perRoom = new HashMap<>();
        final List<CompletableFuture<String>> closes = new ArrayList<>();
        for (int i = 0; i < 5; i++)
        {
            final TickwireClient client = matchmaker.joinOrCreate(ArenaGame.TYPE,
                url -> ClientOptions.builder().uri(url).build()).get(10, TimeUnit.SECONDS);
            clients.add(client);
            final RoomSession session = client.session();
            // No spacing: the next player asks as soon as this one is in (the server tells Redis about the arrival
            // at once, so the room never looks fuller than it is; docs/operations.md, "Arrivals and heartbeats").
            perRoom.merge(session.roomId(), 1, Integer::sum);
            final CompletableFuture<String> closed = new CompletableFuture<>();
            session.addListener(new SessionListener()
            {
                @Override
                public void onClosed(final RoomSession s, final int code, final String reason)
                {
                    closed.complete(code + " " + reason);
                }
            });
            closes.add(closed);
        }
        assertEquals(2, perRoom.size(), "first room filled (4 seats) before the second opened: " + perRoom);
        assertTrue(perRoom.containsValue(4) && perRoom.containsValue(1), perRoom.toString());
        for (final TickwireClient client : clients)
        {
            awaitTrue(() -> client.stats().snapshotsReceived() > 5, "every client gets snapshots");
        }
        for (final String room : perRoom.keySet())
        {
            awaitTrue(() -> Integer.toString(perRoom.get(room)).equals(redis.redis().hget(FleetKeys.room(room), "taken")) &&
                redis.redis().zcard(FleetKeys.room(room) + ":res") == 0, "reservations became seats in " + room);
        }

        // A forged room-bound ticket is refused by the server itself.
        final TickwireClient forger = new TickwireClient(ClientOptions.builder().uri(server.webSocketUri()).build());
        clients.add(forger);
        final String room = perRoom.keySet().iterator().next();
        final Throwable refused = forger.join(io.tickwire.client.JoinRequest.byId(room).ticket("v1.eA.eA"))
            .handle((s, ex) -> ex).get(5, TimeUnit.SECONDS);
        final Throwable cause = refused instanceof java.util.concurrent.CompletionException ? refused.getCause() : refused;
        assertTrue(cause instanceof io.tickwire.client.TickwireException &&
            ((io.tickwire.client.TickwireException)cause).closeCode() == CloseCodes.TICKET_REJECTED, String.valueOf(refused));

        final HttpResponse<String> drain = http.send(HttpRequest.newBuilder(server.adminUri().resolve("/drain"))
            .header("Authorization", "Bearer " + ADMIN_TOKEN).POST(HttpRequest.BodyPublishers.noBody()).build(),
            HttpResponse.BodyHandlers.ofString());
        assertEquals(202, drain.statusCode(), drain.body());
        for (final CompletableFuture<String> closed : closes)
        {
            final String close = closed.get(10, TimeUnit.SECONDS);
            assertTrue(close.startsWith(CloseCodes.SERVER_DRAINING + " ") && close.contains("matchmaker"), close);
        }
        server.awaitClosed();
        assertEquals(0, redis.redis().exists(FleetKeys.server("e2e")), "left the directory");

        final HttpResponse<String> nowhere = post("/v1/join-or-create", "{\"roomType\":\"arena\"}");
        assertEquals(503, nowhere.statusCode(), nowhere.body());
        assertTrue(nowhere.body().contains("no server can open a room"), nowhere.body());
    }

    @Test
    @Timeout(60)
    void shouldAnswer503WithTheReasonWhenRedisIsDown() throws Exception
    {
        assertEquals(200, post("/v1/join-or-create", "{\"roomType\":\"arena\"}").statusCode());
        assertEquals(400, post("/v1/join-or-create", "not json").statusCode());
        assertEquals(404, post("/v1/join-by-id", "{\"roomId\":\"nope\"}").statusCode());
        final HttpResponse<String> rooms = http.send(HttpRequest.newBuilder(matchmakerUri().resolve("/rooms")).build(),
            HttpResponse.BodyHandlers.ofString());
        assertTrue(rooms.statusCode() == 200 && rooms.body().contains("\"server\":\"e2e\""), rooms.body());

        redis.kill();
        final HttpResponse<String> down = post("/v1/join-or-create", "{\"roomType\":\"arena\"}");
        assertEquals(503, down.statusCode(), down.body());
        assertTrue(down.body().contains("redis"), down.body());
        final HttpResponse<String> ready = http.send(HttpRequest.newBuilder(matchmakerUri().resolve("/ready")).build(),
            HttpResponse.BodyHandlers.ofString());
        assertEquals(503, ready.statusCode(), ready.body());
        final HttpResponse<String> fleetRooms = http.send(
            HttpRequest.newBuilder(server.adminUri().resolve("/fleet/rooms")).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(503, fleetRooms.statusCode(), fleetRooms.body());

        redis.launch();
        awaitTrue(() -> redis.redis().exists(FleetKeys.server("e2e")) == 1, "server re-registered");
        awaitTrue(() ->
        {
            try
            {
                return post("/v1/join-or-create", "{\"roomType\":\"arena\"}").statusCode() == 200;
            }
            catch (final Exception ex)
            {
                return false;
            }
        }, "matchmaker places players again once redis is back");
    }
}
