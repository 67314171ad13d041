package io.tickwire.server.fleet;

import io.lettuce.core.api.sync.RedisCommands;
import io.tickwire.client.ClientOptions;
import io.tickwire.client.RoomSession;
import io.tickwire.client.TickwireClient;
import io.tickwire.server.ServerOptions;
import io.tickwire.server.TickwireServer;
import io.tickwire.server.config.FleetSettings;
import io.tickwire.server.fleet.matchmaker.MatchmakerServer;
import io.tickwire.server.fleet.matchmaker.MatchmakerSettings;
import io.tickwire.server.fleet.redis.FleetKeys;
import io.tickwire.server.fleet.redis.RedisRoomRegistry;
import io.tickwire.server.game.ScriptedGame;
import io.tickwire.server.game.arena.ArenaGame;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static io.tickwire.server.support.Await.awaitTrue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The server side of the Redis room directory against a real redis-server: registration,
 * heartbeat refresh, room metadata and locked flag in every server's fleet listing, removal on close,
 * expiry after a crash, and surviving a Redis restart.
 */
class RedisRoomRegistryTest
{
    private RedisProcess redis;
    private TickwireServer server;
    private TickwireClient client;

    @BeforeEach
    void startRedis() throws Exception
    {
        redis = RedisProcess.start();
    }

    @AfterEach
    void stop() throws Exception
    {
        if (client != null)
        {
            client.close();
        }
        if (server != null)
        {
            server.close();
        }
        redis.close();
    }

    private Fleet startServer(final String serverId)
    {
        server = TickwireServer.start(ServerOptions.builder().host("127.0.0.1").port(0).adminHost("127.0.0.1")
            .adminPort(0).roomLoops(1).maxPlayersPerRoom(4).roomType(ArenaGame.TYPE, ArenaGame.factory(2)).build());
        return Fleet.start(server, new FleetSettings(redis.url(), null, serverId, 100, 1_000, 0));
    }

    @Test
    @Timeout(30)
    void shouldRegisterServerAndRoomsAndLeaveOnClose() throws Exception
    {
        final Fleet fleet = startServer("server-a");
        client = new TickwireClient(ClientOptions.builder().uri(server.webSocketUri()).build());
        final RoomSession session = client.joinByType(ArenaGame.TYPE).get(5, TimeUnit.SECONDS);
        final String roomKey = FleetKeys.room(session.roomId());
        final RedisCommands<String, String> r = redis.redis();
        awaitTrue(() -> "1".equals(r.hget(roomKey, "taken")), "room registered with one seat taken: " + roomKey);
        final Map<String, String> serverEntry = r.hgetall(FleetKeys.server("server-a"));
        assertEquals(server.webSocketUri().toString(), serverEntry.get("url"), serverEntry.toString());
        assertEquals("0", serverEntry.get("draining"), serverEntry.toString());
        assertEquals("4", r.hget(roomKey, "max"));
        assertEquals("server-a", r.hget(roomKey, "server"));
        assertEquals(ArenaGame.TYPE, r.hget(roomKey, "type"));
        final long ttlMs = r.pttl(roomKey);
        assertTrue(ttlMs > 0 && ttlMs <= 1_000, "room entry is TTL-guarded: pttl=" + ttlMs);
        assertEquals(3.0, r.zscore(FleetKeys.PREFIX + "open:" + ArenaGame.TYPE, session.roomId()),
            "ranked by free seats");

        final HttpResponse<String> listing = HttpClient.newHttpClient().send(
            HttpRequest.newBuilder(server.adminUri().resolve("/fleet/rooms")).build(),
            HttpResponse.BodyHandlers.ofString());
        assertEquals(200, listing.statusCode(), listing.body());
        assertTrue(listing.body().contains("\"id\":\"" + session.roomId() + "\"") &&
            listing.body().contains("\"server\":\"server-a\""), listing.body());
        assertEquals("server-a", fleet.serverId());

        client.close();
        client = null;
        server.close();
        assertEquals(0, r.exists(roomKey, FleetKeys.server("server-a")), "entries deleted on close, not at TTL");
        assertEquals(0, r.zcard(FleetKeys.servers()));
    }

    @Test
    @Timeout(30)
    void shouldExpireEntriesOfAServerThatStopsHeartbeating() throws Exception
    {
        final DirectoryFleetServer crashed = new DirectoryFleetServer(10, 4);
        crashed.directory.create(ArenaGame.TYPE, "room-1");
        final RedisRoomRegistry registry = new RedisRoomRegistry(crashed, redis.url(), "crashed", "ws://x:1/ws", 1_000,
            Runnable::run);
        try
        {
            assertTrue(registry.heartbeat());
            final RedisCommands<String, String> r = redis.redis();
            assertEquals(2, r.exists(FleetKeys.room("room-1"), FleetKeys.server("crashed")));
            // No more heartbeats, no close: the process is gone as far as the directory can tell.
            awaitTrue(() -> r.exists(FleetKeys.room("room-1"), FleetKeys.server("crashed")) == 0, 3_000,
                "entries expire within the TTL of the last heartbeat");
        }
        finally
        {
            registry.close();
        }
    }

    @Test
    @Timeout(60)
    void shouldKeepRoomsTickingWhileRedisIsDownAndReRegisterWhenItIsBack() throws Exception
    {
        final Fleet fleet = startServer("server-b");
        client = new TickwireClient(ClientOptions.builder().uri(server.webSocketUri()).build());
        final RoomSession session = client.joinByType(ArenaGame.TYPE).get(5, TimeUnit.SECONDS);
        final String roomKey = FleetKeys.room(session.roomId());
        awaitTrue(() -> redis.redis().exists(roomKey) == 1, "registered");

        redis.kill();
        awaitTrue(() -> fleet.registry().failedHeartbeats() > 2, "heartbeats fail while redis is down");
        final int tickBefore = server.room(session.roomId()).currentTick();
        awaitTrue(() -> server.room(session.roomId()).currentTick() > tickBefore + 10, "room keeps ticking");
        assertTrue(server.isReady());

        redis.launch();
        awaitTrue(() -> redis.redis().exists(roomKey) == 1, "room re-registered in the restarted (empty) redis");
        assertEquals("1", redis.redis().hget(roomKey, "taken"));
        // The flag is set when the heartbeat's reply reaches the fleet thread, just after Redis has the keys.
        awaitTrue(() -> fleet.registry().isRegistered(), "the registry knows it is registered again");
    }

    @Test
    @Timeout(60)
    void shouldListMetadataAndLockFromAnyServerAndKeepLockedRoomsOutOfJoinOrCreate() throws Exception
    {
        final String secret = "fleet-registry-secret-0123456789abcdef";
        server = TickwireServer.start(ServerOptions.builder().host("127.0.0.1").port(0).adminHost("127.0.0.1")
            .adminPort(0).roomLoops(1).maxPlayersPerRoom(4).roomType(ScriptedGame.TYPE, ScriptedGame.factory(4, 20))
            .build());
        Fleet.start(server, new FleetSettings(redis.url(), null, "server-meta", 100, 1_000, 0));
        final TickwireServer other = TickwireServer.start(ServerOptions.builder().host("127.0.0.1").port(0)
            .adminHost("127.0.0.1").adminPort(0).roomLoops(1).roomType(ArenaGame.TYPE, ArenaGame.factory(2)).build());
        final MatchmakerServer matchmaker = MatchmakerServer.start(
            new MatchmakerSettings("127.0.0.1", 0, redis.url(), secret, null, 15_000, 30));
        try
        {
            Fleet.start(other, new FleetSettings(redis.url(), null, "server-other", 100, 1_000, 0));
            client = new TickwireClient(ClientOptions.builder().uri(server.webSocketUri()).build());
            final RoomSession session = client.joinByType(ScriptedGame.TYPE).get(5, TimeUnit.SECONDS);
            final String roomKey = FleetKeys.room(session.roomId());
            final String open = FleetKeys.PREFIX + "open:" + ScriptedGame.TYPE;
            final RedisCommands<String, String> r = redis.redis();
            awaitTrue(() -> "1".equals(r.hget(roomKey, "taken")), "registered");
            assertEquals("0", r.hget(roomKey, "locked"));
            assertEquals("{}", r.hget(roomKey, "meta"));

            session.send(10, "lobby \"west\"".getBytes(StandardCharsets.UTF_8));
            session.send(8, new byte[0]);
            awaitTrue(() -> "1".equals(r.hget(roomKey, "locked")) &&
                "{\"phase\":\"lobby \\\"west\\\"\"}".equals(r.hget(roomKey, "meta")), "metadata and lock reported: " +
                r.hgetall(roomKey));
            assertNull(r.zscore(open, session.roomId()), "a locked room is out of the open-seat index");

            final String listing = get(other.adminUri().resolve("/fleet/rooms"));
            final String expectedEntry = "\"id\":\"" + session.roomId() + "\",\"type\":\"" + ScriptedGame.TYPE +
                "\",\"server\":\"server-meta\"";
            assertTrue(listing.contains(expectedEntry) && listing.contains("\"locked\":true") &&
                listing.contains("\"metadata\":{\"phase\":\"lobby \\\"west\\\"\"}"),
                "the other server's admin API lists the room with its metadata and lock: " + listing);

            final URI matchmakerUri = URI.create("http://127.0.0.1:" + matchmaker.port());
            final HttpResponse<String> placed = post(matchmakerUri.resolve("/v1/join-or-create"),
                "{\"roomType\":\"" + ScriptedGame.TYPE + "\"}");
            assertEquals(200, placed.statusCode(), placed.body());
            assertNotEquals(session.roomId(), field(placed.body(), "roomId"),
                "join-or-create skips the locked room although it has 3 free seats");
            final HttpResponse<String> byId = post(matchmakerUri.resolve("/v1/join-by-id"),
                "{\"roomId\":\"" + session.roomId() + "\"}");
            assertEquals(200, byId.statusCode(), "join-by-id still reaches a locked room: " + byId.body());
            assertNull(r.zscore(open, session.roomId()), "a join by id does not put a locked room back: " +
                r.zscore(open, session.roomId()));

            session.send(9, new byte[0]);
            awaitTrue(() -> "0".equals(r.hget(roomKey, "locked")) && r.zscore(open, session.roomId()) != null,
                "unlocked: back in the open-seat index");
            assertTrue(get(server.adminUri().resolve("/fleet/rooms")).contains("\"locked\":false"));
        }
        finally
        {
            matchmaker.close();
            other.close();
        }
    }

    private static String get(final URI uri) throws Exception
    {
        final HttpResponse<String> response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(uri).build(),
            HttpResponse.BodyHandlers.ofString());
        assertEquals(200, response.statusCode(), response.body());
        return response.body();
    }

    private static HttpResponse<String> post(final URI uri, final String body) throws Exception
    {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(uri).timeout(java.time.Duration.ofSeconds(5))
            .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private static String field(final String json, final String name)
    {
        final int at = json.indexOf("\"" + name + "\":\"");
        assertTrue(at >= 0, name + " in " + json);
        final int start = at + name.length() + 4;
        return json.substring(start, json.indexOf('"', start));
    }
}
