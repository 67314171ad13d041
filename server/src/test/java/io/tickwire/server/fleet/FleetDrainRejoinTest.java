package io.tickwire.server.fleet;

import io.tickwire.client.ClientOptions;
import io.tickwire.client.Matchmaker;
import io.tickwire.client.ReconnectPolicy;
import io.tickwire.client.RoomSession;
import io.tickwire.client.SessionListener;
import io.tickwire.client.SnapshotInfo;
import io.tickwire.client.TickwireException;
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
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static io.tickwire.server.support.Await.awaitTrue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Draining end to end with the SDK's {@link Matchmaker.Seat}: players seated through the matchmaker on
 * one server, a second server joins the fleet, the first drains; every seat is told 4016, rejoins
 * through the matchmaker on its own, lands in a room on the second server with the same player id and
 * keeps receiving snapshots, and the game hears of it through the rejoin listener. Real Redis, real
 * servers, real matchmaker over HTTP.
 */
class FleetDrainRejoinTest
{
    private static final String SECRET = "fleet-drain-secret-0123456789abcdef!";
    private static final String ADMIN_TOKEN = "admin-token-for-drain-tests";
    private static final int PLAYERS = 6;

    private RedisProcess redis;
    private TickwireServer first;
    private TickwireServer second;
    private MatchmakerServer matchmakerServer;
    private final List<Matchmaker.Seat> seats = new ArrayList<>();

    private TickwireServer startServer(final String serverId) throws InterruptedException
    {
        final TickwireServer server = TickwireServer.start(ServerOptions.builder().host("127.0.0.1").port(0)
            .adminHost("127.0.0.1").adminPort(0).adminToken(ADMIN_TOKEN).roomLoops(1).maxPlayersPerRoom(4)
            .ticketSecret(SECRET).shutdownTimeoutMs(3_000).roomType(ArenaGame.TYPE, ArenaGame.factory(2)).build());
        Fleet.start(server, new FleetSettings(redis.url(), null, serverId, 100, 1_000, 0));
        awaitTrue(() -> redis.redis().exists(FleetKeys.server(serverId)) == 1, "registered: " + serverId);
        return server;
    }

    @BeforeEach
    void start() throws Exception
    {
        redis = RedisProcess.start();
        first = startServer("first");
        matchmakerServer = MatchmakerServer.start(new MatchmakerSettings("127.0.0.1", 0, redis.url(), SECRET, null,
            15_000, 30));
    }

    @AfterEach
    void stop() throws Exception
    {
        seats.forEach(Matchmaker.Seat::close);
        first.close();
        if (second != null)
        {
            second.close();
        }
        matchmakerServer.close();
        redis.close();
    }

    @Test
    @Timeout(120)
    void shouldRejoinThroughTheMatchmakerOnAnotherServerWhenTheServerDrains() throws Exception
    {
        final Matchmaker matchmaker = new Matchmaker(URI.create("http://127.0.0.1:" + matchmakerServer.port()));
        final List<String> rejoinEvents = new CopyOnWriteArrayList<>();
        final Map<String, AtomicInteger> snapshotsByRoom = new ConcurrentHashMap<>();
        final Map<Matchmaker.Seat, String> firstPlayerIds = new ConcurrentHashMap<>();
        for (int i = 0; i < PLAYERS; i++)
        {
            final Matchmaker.Seat seat = matchmaker.seat(ArenaGame.TYPE, url -> ClientOptions.builder().uri(url).build())
                .rejoinPolicy(ReconnectPolicy.builder().initialDelayMs(50).maxDelayMs(500).maxAttempts(20)
                    .giveUpAfterMs(40_000).build());
            seats.add(seat);
            seat.addListener(new SessionListener()
            {
                @Override
                public void onSnapshot(final RoomSession session, final SnapshotInfo info)
                {
                    snapshotsByRoom.computeIfAbsent(session.roomId(), k -> new AtomicInteger()).incrementAndGet();
                }
            });
            seat.addRejoinListener(new Matchmaker.RejoinListener()
            {
                @Override
                public void onRejoining(final Matchmaker.Seat s, final int closeCode, final String reason,
                    final int attempt)
                {
                    rejoinEvents.add("rejoining " + closeCode + " attempt=" + attempt);
                }

                @Override
                public void onRejoined(final Matchmaker.Seat s, final RoomSession session)
                {
                    rejoinEvents.add("rejoined " + session.roomId());
                }

                @Override
                public void onRejoinFailed(final Matchmaker.Seat s, final TickwireException failure)
                {
                    rejoinEvents.add("failed " + failure.getMessage());
                }
            });
            seat.join().get(10, TimeUnit.SECONDS);
            assertEquals(first.webSocketUri(), seat.client().options().uri());
            firstPlayerIds.put(seat, seat.playerId());
        }
        for (final Matchmaker.Seat seat : seats)
        {
            awaitTrue(() -> seat.client().stats().snapshotsReceived() > 3 &&
                snapshotsByRoom.containsKey(seat.session().roomId()), "snapshots from the first server");
        }
        // Only once every seat had snapshots: a room whose first snapshot had not reached its listener yet would
        // otherwise look like a room of the second server later.
        final Set<String> firstRooms = Set.copyOf(snapshotsByRoom.keySet());

        second = startServer("second");
        final long drainNs = System.nanoTime();
        final HttpResponse<String> drain = HttpClient.newHttpClient().send(
            HttpRequest.newBuilder(first.adminUri().resolve("/drain")).header("Authorization", "Bearer " + ADMIN_TOKEN)
                .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(202, drain.statusCode(), drain.body());

        for (final Matchmaker.Seat seat : seats)
        {
            // Generous for a machine shared with other builds (the whole test took 22 s at a load average of 22).
            awaitTrue(() -> seat.rejoins() == 1 && seat.session() != null, 45_000,
                () -> "rejoined: " + seat + " events=" + rejoinEvents);
        }
        System.out.printf("drain to every seat rejoined on the other server: %d players, %d ms%n", PLAYERS,
            TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - drainNs));
        for (final Matchmaker.Seat seat : seats)
        {
            assertEquals(second.webSocketUri(), seat.client().options().uri(), "placed on the server that stays");
            assertEquals(firstPlayerIds.get(seat), seat.playerId(), "same player id after the rejoin");
            assertFalse(seat.isRejoining() || seat.isClosed(), seat.toString());
            final long before = seat.client().stats().snapshotsReceived();
            awaitTrue(() -> seat.client().stats().snapshotsReceived() > before + 3,
                "keeps receiving snapshots after the rejoin: " + seat);
            assertTrue(seat.session().isOpen());
        }
        for (final String room : snapshotsByRoom.keySet())
        {
            if (!firstRooms.contains(room))
            {
                assertTrue(second.room(room) != null, "new rooms are on the second server: " + room);
            }
        }
        assertTrue(snapshotsByRoom.keySet().stream().anyMatch(r -> !firstRooms.contains(r)),
            "the seat's own listener saw snapshots of the new rooms: " + snapshotsByRoom.keySet());
        assertEquals(PLAYERS, rejoinEvents.stream().filter(e -> e.startsWith("rejoining " +
            CloseCodes.SERVER_DRAINING + " attempt=1")).count(), rejoinEvents.toString());
        assertEquals(PLAYERS, rejoinEvents.stream().filter(e -> e.startsWith("rejoined ")).count(),
            rejoinEvents.toString());
        assertFalse(rejoinEvents.stream().anyMatch(e -> e.startsWith("failed")), rejoinEvents.toString());
        first.awaitClosed();
    }

    @Test
    @Timeout(60)
    void shouldGiveUpAfterTheRejoinPolicysAttemptsWhenNoServerIsLeft() throws Exception
    {
        final Matchmaker matchmaker = new Matchmaker(URI.create("http://127.0.0.1:" + matchmakerServer.port()));
        final Matchmaker.Seat seat = matchmaker.seat(ArenaGame.TYPE, url -> ClientOptions.builder().uri(url).build())
            .rejoinPolicy(ReconnectPolicy.builder().initialDelayMs(20).maxDelayMs(100).maxAttempts(3)
                .giveUpAfterMs(20_000).build());
        seats.add(seat);
        final List<String> events = new CopyOnWriteArrayList<>();
        seat.addRejoinListener(new Matchmaker.RejoinListener()
        {
            @Override
            public void onRejoining(final Matchmaker.Seat s, final int closeCode, final String reason, final int attempt)
            {
                events.add("rejoining " + attempt);
            }

            @Override
            public void onRejoinFailed(final Matchmaker.Seat s, final TickwireException failure)
            {
                events.add("failed " + failure.closeCode() + " " + failure.getMessage());
            }
        });
        seat.join().get(10, TimeUnit.SECONDS);

        first.close();
        awaitTrue(() -> events.stream().anyMatch(e -> e.startsWith("failed")), 20_000, () -> "gave up: " + events);
        assertEquals(List.of("rejoining 1", "rejoining 2", "rejoining 3"), events.subList(0, 3), events.toString());
        final String failed = events.get(3);
        assertTrue(failed.startsWith("failed " + CloseCodes.SERVER_DRAINING + " no rejoin after 3 attempts") &&
            failed.contains("503"), failed);
        assertTrue(seat.isClosed() && !seat.isRejoining(), seat.toString());
    }
}
