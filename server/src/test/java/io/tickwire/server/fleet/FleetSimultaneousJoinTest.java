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
    /** Each player's last placement (room id) and when it was answered. */
    private final Map<Integer, String> placements = new ConcurrentHashMap<>();
    private final Map<Integer, Long> placedAtNs = new ConcurrentHashMap<>();
    /** Matchmaker answers 503 that were retried, with their reasons. */
    private final List<String> retried = new CopyOnWriteArrayList<>();

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

    /**
     * Ask the matchmaker and join the room it names. A 503 is retried as a real client does (the
     * matchmaker gives up on a Redis command after one second: RedisRoomRegistry.COMMAND_TIMEOUT); any
     * other failure, a join refused by the server above all, is the test's failure.
     */
    private CompletableFuture<TickwireClient> join(final Matchmaker matchmaker, final int index, final int attempt)
    {
        return matchmaker.requestJoinOrCreate(ArenaGame.TYPE, "player-" + index).thenCompose(placement ->
        {
            placedAtNs.put(index, System.nanoTime());
            placements.put(index, placement.roomId());
            return Matchmaker.join(placement, url -> ClientOptions.builder().uri(url).eventLoopGroup(clientGroup)
                .reconnect(ReconnectPolicy.disabled()).connectTimeoutMs(20_000).silenceTimeoutMs(20_000).build());
        }).handle((client, ex) ->
        {
            final Throwable cause = ex != null && ex.getCause() != null ? ex.getCause() : ex;
            if (cause == null || attempt >= 10 || !String.valueOf(cause.getMessage()).contains("matchmaker refused: " +
                "status=503"))
            {
                return client != null ? CompletableFuture.completedFuture(client) :
                    CompletableFuture.<TickwireClient>failedFuture(cause);
            }
            retried.add(cause.getMessage());
            return CompletableFuture.supplyAsync(() -> null, CompletableFuture.delayedExecutor(100,
                TimeUnit.MILLISECONDS)).thenCompose(ignored -> join(matchmaker, index, attempt + 1));
        }).thenCompose(f -> f);
    }

    private static long gcTimeMs()
    {
        return java.lang.management.ManagementFactory.getGarbageCollectorMXBeans().stream()
            .mapToLong(java.lang.management.GarbageCollectorMXBean::getCollectionTime).sum();
    }

    /** PINGs Redis every 10 ms on a connection and thread of its own and keeps the longest round trip. */
    private static final class PingProbe extends Thread
    {
        private final String url;
        volatile long maxRoundTripMs;
        volatile boolean stop;

        PingProbe(final String url)
        {
            super("redis-ping-probe");
            this.url = url;
            setDaemon(true);
        }

        @Override
        public void run()
        {
            final io.lettuce.core.RedisClient client = io.lettuce.core.RedisClient.create(url);
            try (var connection = client.connect())
            {
                while (!stop)
                {
                    final long beforeNs = System.nanoTime();
                    connection.sync().ping();
                    maxRoundTripMs = Math.max(maxRoundTripMs,
                        TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - beforeNs));
                    Thread.sleep(10);
                }
            }
            catch (final InterruptedException ex)
            {
                Thread.currentThread().interrupt();
            }
            catch (final RuntimeException ex)
            {
                // No answer within Lettuce's default timeout (60 s): report it as unbounded.
                maxRoundTripMs = Long.MAX_VALUE;
            }
            finally
            {
                client.shutdown(Duration.ZERO, Duration.ofSeconds(1));
            }
        }
    }

    /** Sleeps 5 ms at a time and keeps the longest it overslept: how long a runnable thread waited for a core. */
    private static final class StallMeter extends Thread
    {
        volatile long maxStallMs;

        StallMeter()
        {
            super("stall-meter");
            setDaemon(true);
        }

        @Override
        public void run()
        {
            while (!isInterrupted())
            {
                final long beforeNs = System.nanoTime();
                try
                {
                    Thread.sleep(5);
                }
                catch (final InterruptedException ex)
                {
                    return;
                }
                maxStallMs = Math.max(maxStallMs, TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - beforeNs) - 5);
            }
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
        r.slowlogReset();
        final long gcBeforeMs = gcTimeMs();
        final StallMeter stalls = new StallMeter();
        stalls.start();
        final PingProbe ping = new PingProbe(redis.url());
        ping.start();
        final long[] placedNs = new long[PLAYERS];
        final long[] joinedNs = new long[PLAYERS];
        final Map<Integer, String> placedIn = new ConcurrentHashMap<>();
        placements.clear();
        final Map<Integer, String> welcomedIn = new ConcurrentHashMap<>();
        final List<String> failures = new CopyOnWriteArrayList<>();
        final List<CompletableFuture<Void>> joins = new ArrayList<>();
        final long startNs = System.nanoTime();
        for (int i = 0; i < PLAYERS; i++)
        {
            final int index = i;
            joins.add(join(matchmaker, index, 0).handle((client, ex) ->
            {
                joinedNs[index] = System.nanoTime() - startNs;
                if (ex != null)
                {
                    failures.add("player-" + index + ": " + (ex.getCause() != null ? ex.getCause() : ex));
                }
                else
                {
                    clients.add(client);
                    placedNs[index] = placedAtNs.get(index) - startNs;
                    placedIn.put(index, placements.get(index));
                    welcomedIn.put(index, client.session().roomId());
                }
                return null;
            }));
        }
        CompletableFuture.allOf(joins.toArray(new CompletableFuture[0])).get(90, TimeUnit.SECONDS);
        final long burstMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNs);
        final Map<String, Long> burstCalls = redis.commandCalls();
        stalls.interrupt();
        stalls.join();
        ping.stop = true;
        ping.join();
        // Why a burst can be slow on this machine: time the JVM spent in GC, the longest a thread that only sleeps
        // 5 ms was kept from running (CPU starvation: five builds share two cores), and Redis's own slowest commands.
        final String why = String.format("gc during the burst %d ms; longest scheduling stall %d ms; longest PING " +
                "on a connection of its own %d ms; redis slowlog (>10 ms) %d entries; redis usec per call: %s",
            gcTimeMs() - gcBeforeMs, stalls.maxStallMs, ping.maxRoundTripMs,
            r.slowlogLen(), Arrays.stream(r.info("commandstats").split("\r?\n"))
                .filter(l -> l.startsWith("cmdstat_evalsha") || l.startsWith("cmdstat_hget:"))
                .map(l -> l.replaceAll("cmdstat_(\\w+):calls=(\\d+),usec=\\d+,usec_per_call=([\\d.]+).*", "$1=$3"))
                .toList());
        System.out.println("simultaneous joins: " + why + "; matchmaker 503s retried: " + retried.size() + " " +
            retried.stream().limit(3).toList());

        assertEquals(List.of(), failures, "every join placed and admitted (a join refused as full would be a seat " +
            "granted twice); " + why);
        assertEquals(placedIn, welcomedIn, "every client welcomed into the room it was placed in");
        final Map<String, Integer> perRoom = new HashMap<>();
        welcomedIn.values().forEach(room -> perRoom.merge(room, 1, Integer::sum));
        final Set<String> serverRooms = new HashSet<>();
        for (final TickwireServer server : servers)
        {
            for (final RoomHandle room : server.rooms())
            {
                serverRooms.add(room.id());
                assertEquals((int)perRoom.getOrDefault(room.id(), 0), room.seatsTaken(),
                    "seats taken on the server are the players welcomed in " + room.id());
            }
        }
        assertTrue(serverRooms.containsAll(perRoom.keySet()), "the servers hold the rooms the players are in");
        // The directory once every arrival is told: seats taken are the players; a reservation is left only where a
        // matchmaker answered 503 after Redis had run the placement (the seat is held for the reservation TTL,
        // 15 s, for a client that will not come). Without retries there is none.
        awaitTrue(() -> perRoom.keySet().stream().allMatch(room ->
                Integer.toString(perRoom.get(room)).equals(r.hget(FleetKeys.room(room), "taken"))), 5_000,
            () -> "directory: seats taken equal the players in every room: " + perRoom);
        final Map<String, Long> leftReserved = new HashMap<>();
        for (final String room : r.zrange(FleetKeys.rooms(), 0, -1))
        {
            final long reserved = r.zcard(FleetKeys.room(room) + ":res");
            if (reserved > 0)
            {
                leftReserved.put(room, reserved);
            }
        }
        final long orphans = leftReserved.values().stream().mapToLong(Long::longValue).sum();
        assertTrue(orphans <= retried.size(), "reservations left " + leftReserved + " only for retried answers " +
            retried);
        // Every room full (players plus seats held for answers that never reached a client) before the next opened.
        final Set<String> allRooms = new HashSet<>(perRoom.keySet());
        allRooms.addAll(leftReserved.keySet());
        final Map<String, Long> filled = new HashMap<>();
        allRooms.forEach(room -> filled.put(room, perRoom.getOrDefault(room, 0) + leftReserved.getOrDefault(room, 0L)));
        filled.forEach((room, n) -> assertTrue(n <= SEATS, "room " + room + " over-granted: " + filled));
        assertEquals((PLAYERS + orphans + SEATS - 1) / SEATS, allRooms.size(), "rooms opened: every room full " +
            "before the next: " + filled + " " + why);
        assertTrue(filled.values().stream().filter(n -> n < SEATS).count() <= 1, "at most one room not full: " +
            filled);

        Arrays.sort(placedNs);
        Arrays.sort(joinedNs);
        final long scriptCalls = burstCalls.getOrDefault("evalsha", 0L) + burstCalls.getOrDefault("eval", 0L);
        final long ops = RedisProcess.total(burstCalls, List.of("config|resetstat", "info"));
        System.out.printf("simultaneous joins: %d players, %d servers, %d rooms of %d, in %d ms; matchmaker answer " +
                "p50=%.1f ms p99=%.1f ms; answer + WebSocket join p50=%.1f ms p99=%.1f ms max=%.1f ms%n",
            PLAYERS, SERVERS, allRooms.size(), SEATS, burstMs, placedNs[PLAYERS / 2] / 1e6,
            placedNs[PLAYERS * 99 / 100] / 1e6, joinedNs[PLAYERS / 2] / 1e6, joinedNs[PLAYERS * 99 / 100] / 1e6,
            joinedNs[PLAYERS - 1] / 1e6);
        final long arrivalWrites = fleets.stream().mapToLong(f -> f.registry().arrivalWrites()).sum();
        System.out.printf("simultaneous joins: redis during the burst (commandstats, heartbeats every 50 ms " +
                "included): %d commands, %.1f per join, %d script calls of which %d arrival writes (%.1f arrivals " +
                "each); %s%n", ops, ops / (double)PLAYERS, scriptCalls, arrivalWrites,
            PLAYERS / (double)Math.max(1, arrivalWrites), burstCalls);
    }
}
