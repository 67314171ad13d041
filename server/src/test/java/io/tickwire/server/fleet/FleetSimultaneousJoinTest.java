package io.tickwire.server.fleet;

import io.lettuce.core.api.sync.RedisCommands;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.tickwire.client.ClientOptions;
import io.tickwire.client.Matchmaker;
import io.tickwire.client.ReconnectPolicy;
import io.tickwire.client.TickwireClient;
import io.tickwire.server.ServerOptions;
import io.tickwire.server.TickwireServer;
import io.tickwire.server.config.FleetSettings;
import io.tickwire.server.fleet.matchmaker.MatchmakerServer;
import io.tickwire.server.fleet.matchmaker.MatchmakerSettings;
import io.tickwire.server.fleet.redis.FleetKeys;
import io.tickwire.server.game.arena.ArenaGame;
import io.tickwire.server.room.RoomHandle;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import static io.tickwire.server.support.Await.awaitTrue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The strict fleet test, in one JVM: three real servers registered in a real redis-server,
 * one HTTP matchmaker, and 300 SDK clients that ask the matchmaker and join the server it names all
 * at once, with no spacing. Rooms of four seats, so that every fourth placement decides a room's
 * last seat while earlier players of that room are taking their seats, and heartbeats every 50 ms,
 * so that many of them land in the middle of arrivals. Every room must be full before another
 * opens (exactly 75 rooms of four), no seat may be granted twice (no join refused as full, every
 * client welcomed into the room it was placed in, no room over four), and the directory must end
 * with every seat taken and no reservation left. Prints the join latency (p50/p99) and the Redis
 * operations per join.
 */
class FleetSimultaneousJoinTest
{
    private static final String SECRET = "fleet-simultaneous-secret-0123456789";
    private static final int SERVERS = 3;
    private static final int SEATS = 4;
    private static final int PLAYERS = 300;

    private RedisProcess redis;
    private final List<TickwireServer> servers = new ArrayList<>();
    private final List<Fleet> fleets = new ArrayList<>();
    private MatchmakerServer matchmakerServer;
    private EventLoopGroup clientGroup;
    private final List<TickwireClient> clients = new CopyOnWriteArrayList<>();

    @AfterEach
    void stop() throws Exception
    {
        clients.forEach(TickwireClient::close);
        servers.forEach(TickwireServer::close);
        if (matchmakerServer != null)
        {
            matchmakerServer.close();
        }
        if (clientGroup != null)
        {
            clientGroup.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly();
        }
        if (redis != null)
        {
            redis.close();
        }
    }

    @Test
    @Timeout(120)
    void shouldFillEveryRoomBeforeOpeningAnotherWhenThreeHundredJoinAtOnce() throws Exception
    {
        redis = RedisProcess.start();
        for (int i = 0; i < SERVERS; i++)
        {
            final TickwireServer server = TickwireServer.start(ServerOptions.builder().host("127.0.0.1").port(0)
                .adminPort(-1).roomLoops(1).maxPlayersPerRoom(SEATS).tickRateHz(10).ticketSecret(SECRET)
                .ackTimeoutMs(30_000).shutdownTimeoutMs(1_000).roomType(ArenaGame.TYPE, ArenaGame.factory(0)).build());
            servers.add(server);
            fleets.add(Fleet.start(server, new FleetSettings(redis.url(), null, "s" + i, 50, 2_000, 0)));
        }
        matchmakerServer = MatchmakerServer.start(new MatchmakerSettings("127.0.0.1", 0, redis.url(), SECRET, null,
            15_000, 30));
        final RedisCommands<String, String> r = redis.redis();
        awaitTrue(() -> r.zcard(FleetKeys.servers()) == SERVERS, "servers registered");
        clientGroup = new MultiThreadIoEventLoopGroup(2, NioIoHandler.newFactory());
        final Matchmaker matchmaker = new Matchmaker(URI.create("http://127.0.0.1:" + matchmakerServer.port()), null,
            Duration.ofSeconds(30));
        // Warm the matchmaker's path (HTTP, JSON, Lua, Lettuce) without taking a seat.
        final List<CompletableFuture<?>> warmUp = new ArrayList<>();
        for (int i = 0; i < 100; i++)
        {
            warmUp.add(matchmaker.requestJoinById("warm-up-" + i, null).handle((p, ex) -> null));
        }
        CompletableFuture.allOf(warmUp.toArray(new CompletableFuture[0])).get(30, TimeUnit.SECONDS);

        r.configResetstat();
        final long[] placedNs = new long[PLAYERS];
        final long[] joinedNs = new long[PLAYERS];
        final Map<Integer, String> placedIn = new ConcurrentHashMap<>();
        final Map<Integer, String> welcomedIn = new ConcurrentHashMap<>();
        final List<String> failures = new CopyOnWriteArrayList<>();
        final List<CompletableFuture<Void>> joins = new ArrayList<>();
        final long startNs = System.nanoTime();
        for (int i = 0; i < PLAYERS; i++)
        {
            final int index = i;
            joins.add(matchmaker.requestJoinOrCreate(ArenaGame.TYPE, "player-" + i).thenCompose(placement ->
            {
                placedNs[index] = System.nanoTime() - startNs;
                placedIn.put(index, placement.roomId());
                return Matchmaker.join(placement, url -> ClientOptions.builder().uri(url).eventLoopGroup(clientGroup)
                    .reconnect(ReconnectPolicy.disabled()).connectTimeoutMs(20_000).silenceTimeoutMs(20_000).build());
            }).handle((client, ex) ->
            {
                joinedNs[index] = System.nanoTime() - startNs;
                if (ex != null)
                {
                    failures.add("player-" + index + ": " + (ex.getCause() != null ? ex.getCause() : ex));
                }
                else
                {
                    clients.add(client);
                    welcomedIn.put(index, client.session().roomId());
                }
                return null;
            }));
        }
        CompletableFuture.allOf(joins.toArray(new CompletableFuture[0])).get(90, TimeUnit.SECONDS);
        final long burstMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNs);
        final Map<String, Long> burstCalls = redis.commandCalls();

        assertEquals(List.of(), failures, "every join placed and admitted (a join refused as full would be a seat " +
            "granted twice)");
        assertEquals(placedIn, welcomedIn, "every client welcomed into the room it was placed in");
        final Map<String, Integer> perRoom = new HashMap<>();
        welcomedIn.values().forEach(room -> perRoom.merge(room, 1, Integer::sum));
        assertEquals(PLAYERS / SEATS, perRoom.size(), "rooms opened (every room full before the next): " + perRoom);
        perRoom.forEach((room, n) -> assertEquals(SEATS, n, "room " + room + " filled exactly: " + perRoom));
        final Set<String> serverRooms = new HashSet<>();
        for (final TickwireServer server : servers)
        {
            for (final RoomHandle room : server.rooms())
            {
                serverRooms.add(room.id());
                assertEquals(SEATS, room.seatsTaken(), "seats taken on the server in " + room.id());
            }
        }
        assertEquals(perRoom.keySet(), serverRooms, "the servers hold exactly the rooms the players are in");
        awaitTrue(() -> perRoom.keySet().stream().allMatch(room ->
                Integer.toString(SEATS).equals(r.hget(FleetKeys.room(room), "taken")) &&
                r.zcard(FleetKeys.room(room) + ":res") == 0), 5_000,
            () -> "directory: every seat taken, no reservation left: " + perRoom.keySet().stream()
                .map(room -> room + "=" + r.hget(FleetKeys.room(room), "taken") + "/" +
                    r.zcard(FleetKeys.room(room) + ":res")).toList());

        Arrays.sort(placedNs);
        Arrays.sort(joinedNs);
        final long scriptCalls = burstCalls.getOrDefault("evalsha", 0L) + burstCalls.getOrDefault("eval", 0L);
        final long ops = RedisProcess.total(burstCalls, List.of("config|resetstat", "info"));
        System.out.printf("simultaneous joins: %d players, %d servers, %d rooms of %d, in %d ms; matchmaker answer " +
                "p50=%.1f ms p99=%.1f ms; answer + WebSocket join p50=%.1f ms p99=%.1f ms max=%.1f ms%n",
            PLAYERS, SERVERS, perRoom.size(), SEATS, burstMs, placedNs[PLAYERS / 2] / 1e6,
            placedNs[PLAYERS * 99 / 100] / 1e6, joinedNs[PLAYERS / 2] / 1e6, joinedNs[PLAYERS * 99 / 100] / 1e6,
            joinedNs[PLAYERS - 1] / 1e6);
        final long arrivalWrites = fleets.stream().mapToLong(f -> f.registry().arrivalWrites()).sum();
        System.out.printf("simultaneous joins: redis during the burst (commandstats, heartbeats every 50 ms " +
                "included): %d commands, %.1f per join, %d script calls of which %d arrival writes (%.1f arrivals " +
                "each); %s%n", ops, ops / (double)PLAYERS, scriptCalls, arrivalWrites,
            PLAYERS / (double)Math.max(1, arrivalWrites), burstCalls);
    }
}
