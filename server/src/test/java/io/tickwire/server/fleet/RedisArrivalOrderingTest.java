package io.tickwire.server.fleet;

import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.api.sync.RedisCommands;
import io.netty.channel.DefaultEventLoop;
import io.tickwire.protocol.ticket.JoinTickets;
import io.tickwire.server.fleet.matchmaker.Matchmaker;
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
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The orderings of arrivals, heartbeats and reservations, with the fleet thread driven by hand: a
 * real redis-server and matchmaker, a server that is a real {@code RoomDirectory} behind a real
 * {@link RedisRoomRegistry} whose fleet-thread tasks the test runs when it chooses. After every
 * step the directory must count each player exactly once: seats taken plus reservations equal the
 * seats the server holds plus the placements whose player has not arrived, and every such placement
 * still holds its reservation (no player counted both as seated and as reserved, none counted
 * nowhere).
 */
class RedisArrivalOrderingTest
{
    private static final String SECRET = "arrival-ordering-secret-0123456789";
    private static final int SEATS = 4;

    private RedisProcess redis;
    private RedisRoomRegistry registry;
    private RedisClient client;
    private final DefaultEventLoop scheduler = new DefaultEventLoop();
    private final ArrayDeque<Runnable> fleetTasks = new ArrayDeque<>();
    private DirectoryFleetServer server;
    private Matchmaker matchmaker;

    @BeforeEach
    void start() throws Exception
    {
        redis = RedisProcess.start();
        server = new DirectoryFleetServer(1_000, SEATS);
        registry = new RedisRoomRegistry(server, redis.url(), "s1", "ws://s1:7350/ws", 30_000, fleetTasks::add);
        server.gate = registry;
        assertTrue(registry.heartbeat());
        final RedisURI uri = RedisURI.create(redis.url());
        client = RedisClient.create(uri);
        client.setOptions(RedisRoomRegistry.clientOptions());
        matchmaker = new Matchmaker(new RedisConnector(client, uri), JoinTickets.ofSecret(SECRET), scheduler,
            Clock.systemUTC(), 120_000, 30);
    }

    @AfterEach
    void stop() throws Exception
    {
        registry.close();
        client.shutdown(Duration.ZERO, Duration.ofSeconds(1));
        scheduler.shutdownGracefully(0, 1, TimeUnit.SECONDS);
        redis.close();
    }

    private void runFleetTasks()
    {
        while (!fleetTasks.isEmpty())
        {
            fleetTasks.poll().run();
        }
    }

    @Test
    @Timeout(30)
    void shouldCountAPlayerOnceWhenAHeartbeatRunsBeforeItsArrivalIsReported() throws Exception
    {
        final RedisCommands<String, String> r = redis.redis();
        final Placement first = matchmaker.joinOrCreate(ArenaGame.TYPE, "p0").get(5, TimeUnit.SECONDS);
        final String room = first.roomId();
        final String roomKey = FleetKeys.room(room);
        server.arrive(room, "p0");
        assertEquals(1, fleetTasks.size(), "the arrival is handed to the fleet thread");
        assertEquals("0", r.hget(roomKey, "taken"), "not told yet: counted once, as reserved");
        assertEquals(1, r.zcard(roomKey + ":res"));

        // The heartbeat runs first (it was already queued): it carries the arrival with the seat it counts.
        assertTrue(registry.heartbeat());
        assertEquals("1", r.hget(roomKey, "taken"));
        assertEquals(0, r.zcard(roomKey + ":res"), "the seat and its reservation's removal in one write");
        runFleetTasks();
        assertEquals("1", r.hget(roomKey, "taken"));
        assertEquals(0, r.zcard(roomKey + ":res"));

        // Without a heartbeat: the arrival alone turns the reservation into a taken seat, at once.
        for (int i = 1; i < SEATS; i++)
        {
            assertEquals(room, matchmaker.joinOrCreate(ArenaGame.TYPE, "p" + i).get(5, TimeUnit.SECONDS).roomId());
        }
        server.arrive(room, "p1");
        runFleetTasks();
        assertEquals("2", r.hget(roomKey, "taken"));
        assertEquals(2, r.zcard(roomKey + ":res"));
        assertTrue(registry.arrivalWrites() >= 1);
        assertEquals(0, r.zcard(FleetKeys.PREFIX + "open:" + ArenaGame.TYPE), "full: two seated, two reserved");
    }

    @Test
    @Timeout(120)
    void shouldCountEveryPlayerExactlyOnceWhateverTheOrderOfArrivalsHeartbeatsAndReservations() throws Exception
    {
        final long seed = Long.getLong("tickwire.fleet.orderings.seed", System.nanoTime());
        final int steps = Integer.getInteger("tickwire.fleet.orderings.steps", 400);
        final Random random = new Random(seed);
        final RedisCommands<String, String> r = redis.redis();
        final Map<String, Set<String>> waiting = new HashMap<>();
        final List<String> trace = new ArrayList<>();
        int players = 0;
        for (int step = 0; step < steps; step++)
        {
            final int action = random.nextInt(10);
            final int step0 = step;
            if (action < 4)
            {
                final String player = "p" + players++;
                final Placement p = random.nextInt(4) == 0 && !waiting.isEmpty() ?
                    matchmaker.joinById(new ArrayList<>(waiting.keySet()).get(random.nextInt(waiting.size())), player)
                        .handle((placement, ex) -> placement).get(5, TimeUnit.SECONDS) :
                    matchmaker.joinOrCreate(ArenaGame.TYPE, player).handle((placement, ex) ->
                    {
                        if (ex != null)
                        {
                            throw new AssertionError("seed=" + seed + " step=" + step0 + " " + ex + " server=" +
                                r.hgetall(FleetKeys.server("s1")) + " load=" + r.zrangeWithScores(FleetKeys.PREFIX +
                                "load", 0, -1) + " servers=" + r.zrangeWithScores(FleetKeys.servers(), 0, -1));
                        }
                        return placement;
                    }).get(5, TimeUnit.SECONDS);
                if (p != null)
                {
                    waiting.computeIfAbsent(p.roomId(), k -> new HashSet<>()).add(player);
                    trace.add("reserve " + player + "@" + p.roomId());
                }
            }
            else if (action < 7)
            {
                final List<String> rooms = waiting.entrySet().stream().filter(e -> !e.getValue().isEmpty())
                    .map(Map.Entry::getKey).sorted().toList();
                if (!rooms.isEmpty())
                {
                    final String room = rooms.get(random.nextInt(rooms.size()));
                    final String player = waiting.get(room).stream().sorted().findFirst().orElseThrow();
                    waiting.get(room).remove(player);
                    server.arrive(room, player);
                    trace.add("arrive " + player + "@" + room);
                }
            }
            else if (action < 9)
            {
                if (!fleetTasks.isEmpty())
                {
                    fleetTasks.poll().run();
                    trace.add("fleet task");
                }
            }
            else
            {
                assertTrue(registry.heartbeat());
                trace.add("heartbeat");
            }
            for (final String room : waiting.keySet())
            {
                final String roomKey = FleetKeys.room(room);
                final int taken = Integer.parseInt(r.hget(roomKey, "taken"));
                final List<String> reserved = r.zrange(roomKey + ":res", 0, -1);
                final int seated = server.directory.byId(room) == null ? 0 : server.directory.byId(room).seatsTaken();
                final String where = "seed=" + seed + " step=" + step + " room=" + room + " taken=" + taken +
                    " reserved=" + reserved + " seated=" + seated + " waiting=" + waiting.get(room) + " last steps=" +
                    trace.subList(Math.max(0, trace.size() - 8), trace.size());
                assertTrue(reserved.containsAll(waiting.get(room)), "a waiting player lost its reservation: " + where);
                assertEquals(seated + waiting.get(room).size(), taken + reserved.size(),
                    "every player counted exactly once: " + where);
                assertTrue(taken + reserved.size() <= SEATS, "never more than the room's seats: " + where);
            }
        }
        System.out.printf("arrival orderings: seed=%d steps=%d players=%d rooms=%d arrival writes=%d%n", seed, steps,
            players, waiting.size(), registry.arrivalWrites());
    }
}
