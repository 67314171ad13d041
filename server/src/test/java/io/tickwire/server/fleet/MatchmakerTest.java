package io.tickwire.server.fleet;

import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.api.sync.RedisCommands;
import io.netty.channel.DefaultEventLoop;
import io.tickwire.protocol.ticket.JoinTicket;
import io.tickwire.protocol.ticket.JoinTickets;
import io.tickwire.server.fleet.matchmaker.Matchmaker;
import io.tickwire.server.fleet.matchmaker.MatchmakingException;
import io.tickwire.server.fleet.matchmaker.Placement;
import io.tickwire.server.fleet.redis.FleetKeys;
import io.tickwire.server.fleet.redis.RedisConnector;
import io.tickwire.server.fleet.redis.RedisRoomRegistry;
import io.tickwire.server.game.arena.ArenaGame;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;

import static io.tickwire.server.support.Await.awaitTrue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Placement and seat reservation against a real redis-server, with two matchmakers (each its own
 * Redis connection) racing, and servers that are real {@code RoomDirectory}s behind real
 * {@link RedisRoomRegistry}s (heartbeats and room-create requests over Redis).
 */
class MatchmakerTest
{
    private static final String SECRET = "fleet-test-secret-0123456789abcdef";
    private static final int SEATS = 4;

    private RedisProcess redis;
    private final List<RedisRoomRegistry> registries = new ArrayList<>();
    private final List<RedisClient> clients = new ArrayList<>();
    private final DefaultEventLoop scheduler = new DefaultEventLoop();

    @BeforeEach
    void startRedis() throws Exception
    {
        redis = RedisProcess.start();
    }

    @AfterEach
    void stop() throws Exception
    {
        registries.forEach(RedisRoomRegistry::close);
        clients.forEach(c -> c.shutdown(Duration.ZERO, Duration.ofSeconds(1)));
        scheduler.shutdownGracefully(0, 1, TimeUnit.SECONDS);
        redis.close();
    }

    private RedisRoomRegistry register(final DirectoryFleetServer server, final String serverId)
    {
        // The test thread is the fleet thread: arrivals are told to Redis as the seat is taken.
        final RedisRoomRegistry registry = new RedisRoomRegistry(server, redis.url(), serverId,
            "ws://" + serverId + ":7350/ws", 5_000, Runnable::run);
        registries.add(registry);
        server.gate = registry;
        assertTrue(registry.heartbeat());
        return registry;
    }

    private Matchmaker matchmaker(final long reservationTtlMs)
    {
        final RedisURI uri = RedisURI.create(redis.url());
        final RedisClient client = RedisClient.create(uri);
        client.setOptions(RedisRoomRegistry.clientOptions());
        clients.add(client);
        return new Matchmaker(new RedisConnector(client, uri), JoinTickets.ofSecret(SECRET), scheduler,
            Clock.systemUTC(), reservationTtlMs, 30);
    }

    private static int status(final CompletableFuture<Placement> placement)
    {
        try
        {
            placement.join();
            return 200;
        }
        catch (final CompletionException ex)
        {
            return ((MatchmakingException)ex.getCause()).httpStatus();
        }
    }

    @Test
    @Timeout(30)
    void shouldGrantTheLastSeatToExactlyOneOfTwoRacingMatchmakers() throws Exception
    {
        final DirectoryFleetServer server = new DirectoryFleetServer(10, SEATS);
        server.directory.create(ArenaGame.TYPE, "last-seat");
        for (int i = 0; i < SEATS - 1; i++)
        {
            server.arrive("last-seat", "early-" + i);
        }
        register(server, "s1");
        final Matchmaker a = matchmaker(15_000);
        final Matchmaker b = matchmaker(15_000);
        for (int round = 0; round < 5; round++)
        {
            final List<CompletableFuture<Placement>> racing = new ArrayList<>();
            for (int i = 0; i < 20; i++)
            {
                racing.add((i % 2 == 0 ? a : b).joinById("last-seat", "racer-" + round + "-" + i));
            }
            final Map<Integer, Integer> statuses = new HashMap<>();
            for (final CompletableFuture<Placement> placement : racing)
            {
                statuses.merge(status(placement), 1, Integer::sum);
            }
            assertEquals(Map.of(200, 1, 409, 19), statuses, "round " + round + ": one winner, the rest told full");
            // The winner never arrives; free the seat for the next round.
            redis.redis().del(FleetKeys.room("last-seat") + ":res");
            assertTrue(registries.get(0).heartbeat());
        }
    }

    @Test
    @Timeout(30)
    void shouldFillEveryRoomBeforeOpeningAnotherWhenManyJoinAtOnce() throws Exception
    {
        final DirectoryFleetServer s1 = new DirectoryFleetServer(100, SEATS);
        final DirectoryFleetServer s2 = new DirectoryFleetServer(100, SEATS);
        register(s1, "s1");
        register(s2, "s2");
        final Matchmaker a = matchmaker(15_000);
        final Matchmaker b = matchmaker(15_000);
        final int players = 40;
        final List<CompletableFuture<Placement>> joins = new ArrayList<>();
        for (int i = 0; i < players; i++)
        {
            joins.add((i % 2 == 0 ? a : b).joinOrCreate(ArenaGame.TYPE, "player-" + i));
        }
        final Map<String, Integer> seatsPerRoom = new HashMap<>();
        final Map<String, Integer> roomsPerServer = new HashMap<>();
        final JoinTickets verifier = JoinTickets.ofSecret(SECRET);
        for (final CompletableFuture<Placement> join : joins)
        {
            final Placement p = join.get(10, TimeUnit.SECONDS);
            seatsPerRoom.merge(p.roomId(), 1, Integer::sum);
            if (p.createdRoom())
            {
                roomsPerServer.merge(p.serverId(), 1, Integer::sum);
            }
            final JoinTicket ticket = verifier.verify(p.ticket(), Instant.now());
            assertEquals(p.roomId(), ticket.roomId(), "ticket bound to the room");
            assertEquals(p.playerId(), ticket.playerId());
            assertEquals("ws://" + p.serverId() + ":7350/ws", p.url());
        }
        assertEquals(players / SEATS, seatsPerRoom.size(), "rooms opened: " + seatsPerRoom);
        seatsPerRoom.forEach((room, seats) -> assertEquals(SEATS, seats, "room " + room + " filled exactly"));
        assertEquals(Map.of("s1", 5, "s2", 5), roomsPerServer, "new rooms go to the least loaded server");
        assertEquals(players / SEATS, s1.createRequests.size() + s2.createRequests.size(),
            "each new room created once, by its server");
        assertEquals(s1.createRequests.size() + s2.createRequests.size(), s1.directory.roomCount() +
            s2.directory.roomCount());
    }

    @Test
    @Timeout(30)
    void shouldCountArrivedPlayersOnceAndReleaseSeatsOfPlayersWhoNeverArrive() throws Exception
    {
        final DirectoryFleetServer server = new DirectoryFleetServer(10, SEATS);
        final RedisRoomRegistry registry = register(server, "s1");
        final Matchmaker matchmaker = matchmaker(1_000);
        final List<Placement> placements = new ArrayList<>();
        for (int i = 0; i < SEATS; i++)
        {
            placements.add(matchmaker.joinOrCreate(ArenaGame.TYPE, "p" + i).get(5, TimeUnit.SECONDS));
        }
        final String room = placements.get(0).roomId();
        placements.forEach(p -> assertEquals(room, p.roomId()));
        assertEquals(409, status(matchmaker.joinById(room, "late")), "full while four seats are reserved");

        // Two arrive; the heartbeat turns their reservations into taken seats (not both).
        server.arrive(room, "p0");
        server.arrive(room, "p1");
        assertTrue(registry.heartbeat());
        final RedisCommands<String, String> r = redis.redis();
        assertEquals("2", r.hget(FleetKeys.room(room), "taken"));
        assertEquals(2, r.zcard(FleetKeys.room(room) + ":res"));
        assertEquals(409, status(matchmaker.joinById(room, "late")));

        // p2 and p3 never come: their seats come back after the reservation TTL.
        Thread.sleep(1_100);
        assertTrue(registry.heartbeat());
        assertEquals(0, r.zcard(FleetKeys.room(room) + ":res"));
        final Placement late = matchmaker.joinById(room, "late").get(5, TimeUnit.SECONDS);
        assertEquals(room, late.roomId());
        assertEquals(room, matchmaker.joinOrCreate(ArenaGame.TYPE, "later").get(5, TimeUnit.SECONDS).roomId(),
            "join-or-create picks the partly filled room");
    }

    @Test
    @Timeout(30)
    void shouldSendNoPlayerToADrainingServer() throws Exception
    {
        final DirectoryFleetServer draining = new DirectoryFleetServer(10, SEATS);
        draining.directory.create(ArenaGame.TYPE, "old-room");
        final RedisRoomRegistry registry = register(draining, "old");
        final DirectoryFleetServer fresh = new DirectoryFleetServer(10, SEATS);
        register(fresh, "new");
        registry.markDraining();
        final Matchmaker matchmaker = matchmaker(15_000);
        final Placement p = matchmaker.joinOrCreate(ArenaGame.TYPE, "p").get(5, TimeUnit.SECONDS);
        assertEquals("new", p.serverId());
        assertNotEquals("old-room", p.roomId());
        assertEquals(503, status(matchmaker.joinById("old-room", "q")));
        assertEquals(404, status(matchmaker.joinById("no-such-room", "q")));
        assertEquals(400, status(matchmaker.joinOrCreate("", "q")));
    }

    @Test
    @Timeout(30)
    void shouldFailFastWithTheReasonWhenRedisIsDown() throws Exception
    {
        final DirectoryFleetServer server = new DirectoryFleetServer(10, SEATS);
        register(server, "s1");
        final Matchmaker matchmaker = matchmaker(15_000);
        matchmaker.joinOrCreate(ArenaGame.TYPE, "p").get(5, TimeUnit.SECONDS);
        redis.kill();
        final CompletionException failure = assertThrows(CompletionException.class,
            () -> matchmaker.joinOrCreate(ArenaGame.TYPE, "q").orTimeout(5, TimeUnit.SECONDS).join());
        final MatchmakingException reason = (MatchmakingException)failure.getCause();
        assertEquals(503, reason.httpStatus());
        assertTrue(reason.getMessage().contains("redis"), reason.getMessage());
    }

    private static long usedMemoryBytes(final RedisCommands<String, String> r)
    {
        for (final String line : r.info("memory").split("\r?\n"))
        {
            if (line.startsWith("used_memory:"))
            {
                return Long.parseLong(line.substring("used_memory:".length()).trim());
            }
        }
        throw new IllegalStateException("no used_memory in INFO memory");
    }

    private long opsSinceReset(final List<String> exclude)
    {
        return RedisProcess.total(redis.commandCalls(), exclude);
    }

    @Test
    @Timeout(60)
    void shouldCostABoundedNumberOfRedisOperationsPerJoinAndPerHeartbeat() throws Exception
    {
        final List<String> notOurs = List.of("info", "config|resetstat");
        final DirectoryFleetServer server = new DirectoryFleetServer(1_000, 16);
        final RedisRoomRegistry registry = register(server, "s1");
        final Matchmaker matchmaker = matchmaker(15_000);
        final RedisCommands<String, String> r = redis.redis();
        String warmUpRoom = null;
        for (int i = 0; i < 16; i++)
        {
            warmUpRoom = matchmaker.joinOrCreate(ArenaGame.TYPE, "warm-up-" + i).get(5, TimeUnit.SECONDS).roomId();
        }
        // Redis learns arrive.lua on first use (NOSCRIPT, then EVAL): not part of a join's cost.
        server.arrive(warmUpRoom, "warm-up-0");

        // Fifty busier servers that take the type: opening a room must not read every one of them.
        for (int i = 0; i < 50; i++)
        {
            final String id = "busy-" + i;
            r.hset(FleetKeys.server(id), Map.of("url", "ws://" + id + "/ws", "load", "1000", "draining", "0",
                "maxRooms", "100", "maxPlayers", "16", "rooms", "60", "types", "," + ArenaGame.TYPE + ","));
            r.pexpire(FleetKeys.server(id), 30_000);
            r.zadd(FleetKeys.servers(), Double.MAX_VALUE, id);
            r.zadd(FleetKeys.PREFIX + "load", 1000, id);
        }
        r.configResetstat();
        final Placement opener = matchmaker.joinOrCreate(ArenaGame.TYPE, "opener").get(5, TimeUnit.SECONDS);
        assertEquals("s1", opener.serverId(), "the least loaded server");
        assertTrue(opener.createdRoom());
        final Map<String, Long> openCalls = redis.commandCalls();
        final long readyPolls = openCalls.getOrDefault("hget", 0L);
        final long openOps = RedisProcess.total(openCalls, notOurs) - readyPolls;

        r.configResetstat();
        final int joins = 14;
        for (int i = 0; i < joins; i++)
        {
            assertEquals(opener.roomId(), matchmaker.joinOrCreate(ArenaGame.TYPE, "p" + i).get(5, TimeUnit.SECONDS).roomId());
        }
        final double joinOps = opsSinceReset(notOurs) / (double)joins;
        final String joinScriptStats = java.util.Arrays.stream(r.info("commandstats").split("\r?\n"))
            .filter(l -> l.startsWith("cmdstat_evalsha")).findFirst().orElse("");

        // The first player arrives: the server tells Redis at once (arrive.lua, on the fleet thread; here the test's).
        r.configResetstat();
        server.arrive(opener.roomId(), "opener");
        final long arrivalOps = opsSinceReset(notOurs);
        final String arrivalScriptStats = java.util.Arrays.stream(r.info("commandstats").split("\r?\n"))
            .filter(l -> l.startsWith("cmdstat_evalsha")).findFirst().orElse("");
        assertEquals("1", r.hget(FleetKeys.room(opener.roomId()), "taken"));

        r.configResetstat();
        assertTrue(registry.heartbeat());
        final long heartbeatOps = opsSinceReset(notOurs);
        final int rooms = server.directory.roomCount();
        for (int i = 0; i < 50; i++)
        {
            server.directory.create(ArenaGame.TYPE, "extra-" + i);
        }
        final long memoryBeforeBytes = usedMemoryBytes(r);
        assertTrue(registry.heartbeat());
        final long bytesPerRoom = (usedMemoryBytes(r) - memoryBeforeBytes) / 50;
        r.configResetstat();
        assertTrue(registry.heartbeat());
        final double perRoomOps = (opsSinceReset(notOurs) - heartbeatOps) / 50.0;
        final String heartbeatScriptStats = java.util.Arrays.stream(r.info("commandstats").split("\r?\n"))
            .filter(l -> l.startsWith("cmdstat_evalsha")).findFirst().orElse("");
        System.out.printf("redis ops (commandstats, script call included): join into an open room %.1f; join that " +
                "opens a room %d + %d ready polls; the player's arrival %d; heartbeat %d with %d rooms, %.1f per " +
                "further room%n", joinOps, openOps, readyPolls, arrivalOps, heartbeatOps, rooms, perRoomOps);
        System.out.println("redis time per join script (commandstats): " + joinScriptStats);
        System.out.println("redis time per arrival script (commandstats): " + arrivalScriptStats);
        System.out.println("redis time per heartbeat script with " + server.directory.roomCount() + " rooms: " +
            heartbeatScriptStats + "; memory per room entry: " + bytesPerRoom + " bytes");
        assertTrue(joinOps <= 20, "a join is a constant number of operations, not a scan: " + joinOps);
        assertTrue(perRoomOps <= 8, "a heartbeat costs a constant number of operations per room: " + perRoomOps);
        assertTrue(openOps <= 30, "opening a room does not read every server: " + openOps);
        assertTrue(arrivalOps <= 10, "an arrival is a constant number of operations: " + arrivalOps);
    }

    @Test
    @Timeout(60)
    void shouldPlaceThreeHundredSimultaneousJoinsWithoutOverbooking() throws Exception
    {
        final List<DirectoryFleetServer> servers = List.of(new DirectoryFleetServer(100, 16),
            new DirectoryFleetServer(100, 16), new DirectoryFleetServer(100, 16));
        for (int i = 0; i < servers.size(); i++)
        {
            register(servers.get(i), "s" + i);
        }
        final Matchmaker matchmaker = matchmaker(15_000);
        for (int i = 0; i < 50; i++)
        {
            status(matchmaker.joinById("warm-up-" + i, "w"));
        }
        final int players = 300;
        final Map<String, Integer> perRoom = new HashMap<>();
        for (int burst = 0; burst < 2; burst++)
        {
            final long[] latencyNs = new long[players];
            final List<CompletableFuture<Placement>> joins = new ArrayList<>();
            final long startNs = System.nanoTime();
            for (int i = 0; i < players; i++)
            {
                final int index = i;
                joins.add(matchmaker.joinOrCreate(ArenaGame.TYPE, "p" + burst + "-" + i)
                    .whenComplete((p, ex) -> latencyNs[index] = System.nanoTime() - startNs));
            }
            for (final CompletableFuture<Placement> join : joins)
            {
                perRoom.merge(join.get(20, TimeUnit.SECONDS).roomId(), 1, Integer::sum);
            }
            java.util.Arrays.sort(latencyNs);
            System.out.printf("matchmaker in-process, burst %d: %d simultaneous joins, 3 servers: p50=%.1f ms " +
                    "p99=%.1f ms max=%.1f ms, %d rooms%n", burst, players, latencyNs[players / 2] / 1e6,
                latencyNs[players * 99 / 100] / 1e6, latencyNs[players - 1] / 1e6, perRoom.size());
            assertEquals(((burst + 1) * players + 15) / 16, perRoom.size(), "every room filled first: " + perRoom);
        }
        perRoom.values().forEach(n -> assertTrue(n <= 16, perRoom.toString()));
    }
}
