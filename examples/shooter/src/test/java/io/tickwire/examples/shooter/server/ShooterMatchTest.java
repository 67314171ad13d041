package io.tickwire.examples.shooter.server;

import io.tickwire.client.ClientOptions;
import io.tickwire.client.JoinRequest;
import io.tickwire.client.RoomSession;
import io.tickwire.client.TickwireClient;
import io.tickwire.client.TickwireException;
import io.tickwire.examples.shooter.Match;
import io.tickwire.examples.shooter.Shooter;
import io.tickwire.examples.shooter.ShooterMessages;
import io.tickwire.examples.shooter.bot.ShooterBot;
import io.tickwire.protocol.CloseCodes;
import io.tickwire.protocol.ticket.JoinTickets;
import io.tickwire.server.ServerOptions;
import io.tickwire.server.TickwireServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Short shooter matches of bots against an embedded server on loopback: the match is played to its kill limit
 * and its outcome checked, joins are refused with the game's codes while the match plays on, names and teams
 * come from ticket claims, and the room options are the factory's.
 */
@Timeout(60)
class ShooterMatchTest
{
    private static final String SECRET = "0123456789abcdef0123456789abcdef";
    private TickwireServer server;

    private void startServer(final String ticketSecret)
    {
        final ServerOptions.Builder options = ServerOptions.builder().host("127.0.0.1").port(0).adminPort(-1)
            .roomLoops(1).roomType(Shooter.TYPE, new ShooterFactory());
        if (ticketSecret != null)
        {
            options.ticketSecret(ticketSecret);
        }
        server = TickwireServer.start(options.build());
    }

    @AfterEach
    void stop()
    {
        if (server != null)
        {
            server.close();
        }
    }

    @Test
    void shouldPlayATeamMatchToItsKillLimit() throws Exception
    {
        startServer(null);
        final Map<String, String> roomOptions = Map.of("mode", "tdm", "map", "30", "kills", "3");
        try (Match match = Match.start(server.webSocketUri(), 4, roomOptions))
        {
            final String roomId = match.sessionsRoomId();
            assertEquals(roomOptions, server.directory().byId(roomId).options(),
                "name and team are the players' options, not the room's");
            match.awaitMatchOver(40_000);
            final List<ShooterMessages.Event> events = match.assertOutcome(3);
            match.assertViews();
            for (final ShooterBot bot : match.bots())
            {
                assertTrue(bot.awaitClose(10, TimeUnit.SECONDS), "the room closes after the match");
                assertEquals(CloseCodes.ROOM_CLOSED, bot.closeCode(), bot.closeReason());
            }
            System.out.println("shooter tdm 2v2 to 3 kills: " + match.summary() + " events after the last join=" +
                events.size());
        }
    }

    @Test
    void shouldHideEnemiesOutsideTheInterestGridOnABigMap() throws Exception
    {
        startServer(null);
        // Map 100: the two spawn at opposite sides, ~90 units apart, four 20-unit cells; each sees the 3x3 cells
        // around it, so the other is out of view until they close in (the bots head for the middle meanwhile).
        try (Match match = Match.start(server.webSocketUri(), 2, Map.of("mode", "duel", "map", "100", "kills", "2")))
        {
            match.awaitMatchOver(40_000);
            match.assertOutcome(2);
            final double window = 2 * ShooterFactory.CELL_SIZE;
            for (final ShooterBot bot : match.bots())
            {
                assertTrue(bot.snapshotsWithoutEnemy() > 0, "the enemy started out of view: " + match.summary());
                assertTrue(bot.farthestEnemySeen() > 0 && bot.farthestEnemySeen() < window,
                    "an enemy is only in view within the cells around: farthest=" + bot.farthestEnemySeen());
                assertTrue(bot.typesSeen().contains(Shooter.TYPE_SCOREBOARD), "the scoreboard is global");
            }
            System.out.println("shooter duel on map 100: blind snapshots=" + match.bots().stream()
                .map(b -> b.snapshotsWithoutEnemy() + " (farthest enemy seen " + b.farthestEnemySeen() + ")").toList());
        }
    }

    @Test
    void shouldRefuseBadAndFullTeamsWithTheGamesCodesWhileTheMatchPlaysOn() throws Exception
    {
        startServer(null);
        final Map<String, String> duel = Map.of("mode", "duel", "kills", "50");
        try (Match match = Match.start(server.webSocketUri(), 2, duel))
        {
            assertEquals(Shooter.CODE_TEAM_FULL, refusal(JoinRequest.byType(Shooter.TYPE).options(with(duel, "red", "carol"))));
            assertEquals(Shooter.CODE_BAD_TEAM, refusal(JoinRequest.byType(Shooter.TYPE).options(with(duel, "green", "dave"))));
            assertEquals(Shooter.CODE_BAD_NAME, refusal(JoinRequest.byType(Shooter.TYPE).options(with(duel, "blue", "eve!"))));
            assertEquals(CloseCodes.INVALID_ROOM_OPTIONS, refusal(JoinRequest.byType(Shooter.TYPE)
                .options(Map.of("mode", "ctf"))), "the factory refuses a mode it does not have");
            assertEquals(1, server.directory().rooms().size(), "every refused joiner knocked on the duel's room");

            final int hitsBefore = match.bots().get(0).events(ShooterMessages.Hit.class).size();
            awaitTrue(() -> match.bots().get(0).events(ShooterMessages.Hit.class).size() >= hitsBefore + 3,
                "the duel plays on after the refusals: " + match.summary());
            for (final RoomSession session : match.sessions())
            {
                assertTrue(session.isOpen());
            }
            assertTrue(match.bots().get(0).events(ShooterMessages.Left.class).isEmpty());
            assertEquals(2, server.directory().byId(match.sessionsRoomId()).seatsTaken(), "refused seats given back");
        }
    }

    @Test
    void shouldKickForUnknownMessagesAndLongChat() throws Exception
    {
        startServer(null);
        try (Match match = Match.start(server.webSocketUri(), 2, Map.of("kills", "50")))
        {
            match.sessions().get(1).send(99, new byte[1]);
            awaitTrue(() -> match.bots().get(1).closeCode() == Shooter.CODE_UNKNOWN_MESSAGE,
                () -> "kicked: " + match.bots().get(1).closeCode());
            match.sessions().get(0).send(ShooterMessages.CHAT_SEND,
                "x".repeat(ShooterMessages.MAX_CHAT_BYTES + 1).getBytes(StandardCharsets.UTF_8));
            awaitTrue(() -> match.bots().get(0).closeCode() == Shooter.CODE_CHAT_TOO_LONG,
                () -> "kicked: " + match.bots().get(0).closeCode());
        }
    }

    @Test
    void shouldTakeNameAndTeamFromTicketClaimsOverJoinOptions() throws Exception
    {
        startServer(SECRET);
        final JoinTickets tickets = JoinTickets.ofSecret(SECRET);
        try (ShooterBot alice = new ShooterBot(1))
        {
            alice.join(server.webSocketUri(), JoinRequest.byType(Shooter.TYPE)
                .ticket(tickets.mintForType("p-alice", Shooter.TYPE, Instant.now().plusSeconds(60),
                    Map.of("name", "alice", "team", "blue")))
                .options(Map.of("name", "mallory", "team", "red"))).get(10, TimeUnit.SECONDS);
            awaitTrue(() -> !alice.events(ShooterMessages.Hello.class).isEmpty(), "hello");
            final ShooterMessages.Hello hello = alice.events(ShooterMessages.Hello.class).get(0);
            assertEquals("alice", hello.name());
            assertEquals(Shooter.TEAM_BLUE, hello.team());
            awaitTrue(() -> alice.events(ShooterMessages.Chat.class).stream().anyMatch(c -> c.name().equals("alice")),
                "chat carries the claimed name");
        }
        assertEquals(Shooter.CODE_BAD_TEAM, refusal(JoinRequest.byType(Shooter.TYPE).ticket(tickets.mintForType(
            "p-bob", Shooter.TYPE, Instant.now().plusSeconds(60), Map.of("name", "bob", "team", "purple")))));
    }

    @Test
    void shouldValidateRoomOptions()
    {
        final ShooterFactory factory = new ShooterFactory();
        assertNull(factory.validateOptions(Map.of()));
        assertNull(factory.validateOptions(Map.of("mode", "duel", "map", "100", "kills", "1")));
        assertEquals("mode must be tdm or duel: mode=ctf", factory.validateOptions(Map.of("mode", "ctf")));
        assertEquals("map must be 20..100: map=101", factory.validateOptions(Map.of("map", "101")));
        assertEquals("kills must be 1..50: kills=lots", factory.validateOptions(Map.of("kills", "lots")));
        assertEquals("unknown room option: ammo (known: mode, map, kills)", factory.validateOptions(Map.of("ammo", "9")));
        assertEquals(Map.of("mode", "duel"), factory.roomOptions(Map.of("mode", "duel", "name", "a", "team", "red")));
    }

    private static Map<String, String> with(final Map<String, String> room, final String team, final String name)
    {
        final Map<String, String> options = new HashMap<>(room);
        options.put(Shooter.PLAYER_TEAM, team);
        options.put(Shooter.PLAYER_NAME, name);
        return options;
    }

    private int refusal(final JoinRequest request) throws Exception
    {
        try (TickwireClient client = new TickwireClient(ClientOptions.builder().uri(server.webSocketUri()).build()))
        {
            final ExecutionException ex = assertThrows(ExecutionException.class,
                () -> client.join(request).get(10, TimeUnit.SECONDS));
            assertTrue(ex.getCause() instanceof TickwireException, "cause: " + ex.getCause());
            return ((TickwireException)ex.getCause()).closeCode();
        }
    }

    private static void awaitTrue(final java.util.function.BooleanSupplier condition, final String what)
        throws InterruptedException
    {
        awaitTrue(condition, () -> what);
    }

    private static void awaitTrue(final java.util.function.BooleanSupplier condition,
        final java.util.function.Supplier<String> what) throws InterruptedException
    {
        final long deadlineNs = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
        while (!condition.getAsBoolean())
        {
            if (System.nanoTime() - deadlineNs > 0)
            {
                throw new AssertionError("timed out waiting: " + what.get());
            }
            Thread.sleep(10);
        }
    }
}
