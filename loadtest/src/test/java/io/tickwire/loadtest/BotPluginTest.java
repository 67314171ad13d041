package io.tickwire.loadtest;

import io.tickwire.protocol.ticket.JoinTickets;
import io.tickwire.server.ServerOptions;
import io.tickwire.server.TickwireServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A game's own bot behaviour from a {@code --bot-jar}, and join tickets from a secret or a file, against the
 * real server on loopback.
 */
class BotPluginTest
{
    private static final String SECRET = "a-load-test-secret-of-at-least-32-bytes";

    @TempDir
    Path dir;

    private final ByteArrayOutputStream stdout = new ByteArrayOutputStream();
    private final ByteArrayOutputStream stderr = new ByteArrayOutputStream();

    @Test
    @Timeout(60)
    void shouldDriveTheGameWithABehaviourFromABotJarAndCountMessagesPerBot() throws Exception
    {
        final CountingGame game = new CountingGame();
        try (TickwireServer server = start(game, null))
        {
            final int bots = 3;
            final int exitCode = run("--url", server.webSocketUri().toString(), "--bots", "" + bots,
                "--duration", "1s", "--ramp-up", "0", "--room-type", CountingGame.TYPE, "--quiet",
                "--out", dir.toString(), "--bot-jar", botJar().toString(), "--behaviour", "ECHO");
            assertEquals(LoadTest.EXIT_OK, exitCode, printed());
            final long expectedSent = (long)bots * EchoBehaviourFactory.MESSAGES_PER_BOT;
            assertEquals(expectedSent, game.messages.get());

            final Object json = MiniJson.parse(Files.readString(dir.resolve(JsonReport.FILE_NAME)));
            assertEquals(EchoBehaviourFactory.NAME, MiniJson.path(json, "config", "behaviour"));
            assertEquals((double)expectedSent, MiniJson.path(json, "messages", "sent"));
            // One hello per bot, then one echo per message.
            assertEquals((double)expectedSent + bots, MiniJson.path(json, "messages", "received"));
            final List<?> perBot = (List<?>)MiniJson.path(json, "messages", "perBot");
            assertEquals(bots, perBot.size());
            for (final Object one : perBot)
            {
                assertEquals((double)EchoBehaviourFactory.MESSAGES_PER_BOT, MiniJson.path(one, "sent"), one.toString());
                assertEquals(EchoBehaviourFactory.MESSAGES_PER_BOT + 1.0, MiniJson.path(one, "received"),
                    one.toString());
            }
            assertTrue(printed().contains("9 sent, 12 received"), printed());
        }
    }

    @Test
    void shouldRefuseAGameBehaviourWithoutItsJarNamingTheKnownOnes()
    {
        assertEquals(LoadTest.EXIT_USAGE, run("--behaviour", EchoBehaviourFactory.NAME, "--bots", "1"));
        assertTrue(errors().contains("'echo'") && errors().contains("burst, idle, walk"), errors());
    }

    @Test
    void shouldRefuseATicketFileWithFewerTicketsThanBotsNamingBoth() throws IOException
    {
        final Path file = Files.writeString(dir.resolve("tickets.txt"), "t1\n\nt2\n");
        assertEquals(LoadTest.EXIT_USAGE, run("--bots", "5", "--ticket-file", file.toString(), "--quiet",
            "--out", dir.toString()));
        assertTrue(errors().contains("holds 2 tickets") && errors().contains("for 5 bots"), errors());
    }

    @Test
    @Timeout(60)
    void shouldAdmitEveryBotWithTicketsMintedFromTheSecret() throws Exception
    {
        final CountingGame game = new CountingGame();
        try (TickwireServer server = start(game, SECRET))
        {
            final int exitCode = run("--url", server.webSocketUri().toString(), "--bots", "4", "--duration", "500ms",
                "--ramp-up", "0", "--room-type", CountingGame.TYPE, "--behaviour", "idle", "--quiet",
                "--out", dir.toString(), "--ticket-secret", SECRET, "--ticket-claim", "team=red", "--max-errors", "0");
            assertEquals(LoadTest.EXIT_OK, exitCode, printed());
            final Object json = MiniJson.parse(Files.readString(dir.resolve(JsonReport.FILE_NAME)));
            assertEquals(0.0, MiniJson.path(json, "errors", "total"));
            assertEquals(4.0, MiniJson.path(json, "bots", "joined"));
            assertEquals(Set.of("bot-0", "bot-1", "bot-2", "bot-3"), game.playerIds);
            assertEquals(Set.of("red"), game.teams);
        }
    }

    @Test
    @Timeout(60)
    void shouldJoinWithTicketsFromAFileInOrderAndFailWithoutThem() throws Exception
    {
        final CountingGame game = new CountingGame();
        try (TickwireServer server = start(game, SECRET))
        {
            final JoinTickets tickets = JoinTickets.ofSecret(SECRET);
            final Instant expiresAt = Instant.now().plusSeconds(300);
            final Path file = Files.write(dir.resolve("tickets.txt"), List.of(
                tickets.mintForType("alice", CountingGame.TYPE, expiresAt),
                tickets.mintForType("bob", CountingGame.TYPE, expiresAt)));
            final String url = server.webSocketUri().toString();
            assertEquals(LoadTest.EXIT_OK, run("--url", url, "--bots", "2", "--duration", "500ms", "--ramp-up", "0",
                "--room-type", CountingGame.TYPE, "--behaviour", "idle", "--quiet", "--out", dir.toString(),
                "--ticket-file", file.toString()), printed());
            assertEquals(Set.of("alice", "bob"), game.playerIds);

            assertEquals(LoadTest.EXIT_FAILURE, run("--url", url, "--bots", "2", "--duration", "500ms",
                "--ramp-up", "0", "--room-type", CountingGame.TYPE, "--behaviour", "idle", "--quiet",
                "--out", dir.toString()), printed());
        }
    }

    private static TickwireServer start(final CountingGame game, final String secret)
    {
        final ServerOptions.Builder b = ServerOptions.builder().host("127.0.0.1").port(0).adminPort(-1)
            .roomType(CountingGame.TYPE, game.factory());
        if (secret != null)
        {
            b.ticketSecret(secret);
        }
        return TickwireServer.start(b.build());
    }

    /**
     * A jar holding only the service entry: the class itself comes from the test class path, the parent of the
     * jar's loader, so the behaviour is found through the jar or not at all.
     */
    private Path botJar() throws IOException
    {
        final Path jar = dir.resolve("echo-bot.jar");
        try (OutputStream file = Files.newOutputStream(jar); JarOutputStream out = new JarOutputStream(file))
        {
            out.putNextEntry(new JarEntry("META-INF/services/io.tickwire.loadtest.spi.BotBehaviourFactory"));
            out.write((EchoBehaviourFactory.class.getName() + "\n").getBytes(StandardCharsets.UTF_8));
            out.closeEntry();
        }
        return jar;
    }

    private int run(final String... args)
    {
        stdout.reset();
        stderr.reset();
        return LoadTestMain.execute(args, new PrintStream(stdout, true, StandardCharsets.UTF_8),
            new PrintStream(stderr, true, StandardCharsets.UTF_8));
    }

    private String printed()
    {
        return stdout.toString(StandardCharsets.UTF_8) + stderr.toString(StandardCharsets.UTF_8);
    }

    private String errors()
    {
        return stderr.toString(StandardCharsets.UTF_8);
    }
}
