package io.tickwire.examples.shooter;

import io.tickwire.client.JoinRequest;
import io.tickwire.examples.shooter.bot.ShooterBot;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The shooter as an operator runs it: the stock shaded server jar as a process, the game jar given with
 * {@code --game-jar} (or found in {@code TICKWIRE_PLUGINS_DIR}), bots on the SDK playing a match over loopback.
 * Needs {@code server/target/tickwire-server.jar} and this module's jar, so it runs in {@code verify}.
 */
@Timeout(90)
class ShooterPluginIT
{
    private static final Pattern WEBSOCKET_LINE =
        Pattern.compile("tickwire-server: WebSocket (ws://\\S+) \\(room types \\[([^]]*)]");

    /** The server jar as a process, with the start-up line's URI and room types. */
    private static final class ServerProcess implements AutoCloseable
    {
        final Process process;
        final List<String> output = new CopyOnWriteArrayList<>();
        final CompletableFuture<String[]> started = new CompletableFuture<>();

        ServerProcess(final Map<String, String> env, final String... args) throws IOException
        {
            final List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx256m",
                "--add-exports", "java.base/jdk.internal.misc=ALL-UNNAMED", "-jar", jar("tickwire.server.jar").toString(),
                "--host", "127.0.0.1", "--port", "0", "--admin-port", "-1"));
            command.addAll(List.of(args));
            final ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
            builder.environment().keySet().removeIf(k -> k.startsWith("TICKWIRE_"));
            builder.environment().putAll(env);
            process = builder.start();
            final Thread reader = new Thread(this::read, "server-output");
            reader.setDaemon(true);
            reader.start();
        }

        private void read()
        {
            try (BufferedReader in = new BufferedReader(new InputStreamReader(process.getInputStream(),
                StandardCharsets.UTF_8)))
            {
                String line;
                while ((line = in.readLine()) != null)
                {
                    output.add(line);
                    final Matcher m = WEBSOCKET_LINE.matcher(line);
                    if (m.find())
                    {
                        started.complete(new String[]{ m.group(1), m.group(2) });
                    }
                }
            }
            catch (final IOException ignored)
            {
                // The process ended.
            }
            started.completeExceptionally(new AssertionError("server exited before start-up: " + output));
        }

        URI webSocketUri() throws Exception
        {
            return URI.create(started.get(30, TimeUnit.SECONDS)[0]);
        }

        String roomTypes() throws Exception
        {
            return started.get(30, TimeUnit.SECONDS)[1];
        }

        @Override
        public void close() throws InterruptedException
        {
            process.destroy();
            if (!process.waitFor(15, TimeUnit.SECONDS))
            {
                process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            }
        }
    }

    private static Path jar(final String property)
    {
        final Path jar = Path.of(System.getProperty(property, "missing"));
        if (!Files.isRegularFile(jar))
        {
            throw new IllegalStateException("not built: " + property + "=" + jar.toAbsolutePath() +
                " (run mvn verify over server and examples/shooter)");
        }
        return jar;
    }

    @Test
    void shouldPlayADuelOnTheStockServerWithTheGameJar() throws Exception
    {
        try (ServerProcess server = new ServerProcess(Map.of(), "--game-jar", jar("shooter.jar").toString()))
        {
            assertEquals("shooter", server.roomTypes());
            final URI ws = server.webSocketUri();
            try (Match match = Match.start(ws, 2, Map.of("mode", "duel", "map", "24", "kills", "2")))
            {
                final String roomId = match.sessionsRoomId();
                final HttpResponse<String> list = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(
                    "http://" + ws.getHost() + ":" + ws.getPort() + "/rooms?type=shooter&meta.mode=duel")).build(),
                    HttpResponse.BodyHandlers.ofString());
                assertEquals(200, list.statusCode());
                assertTrue(list.body().contains("\"id\":\"" + roomId + "\"") && list.body().contains("\"maxPlayers\":8"),
                    list.body());
                match.awaitMatchOver(60_000);
                match.assertOutcome(2);
                match.assertViews();
                System.out.println("shooter duel to 2 kills on the stock server jar: " + match.summary());
            }
        }
    }

    @Test
    void shouldLoadTheGameFromThePluginsFolderOfTheEnvironment(@TempDir final Path dir) throws Exception
    {
        final Path plugins = Files.createDirectory(dir.resolve("plugins"));
        Files.copy(jar("shooter.jar"), plugins.resolve("tickwire-shooter.jar"));
        try (ServerProcess server = new ServerProcess(Map.of("TICKWIRE_PLUGINS_DIR", plugins.toString()));
            ShooterBot bot = new ShooterBot(7))
        {
            assertEquals("shooter", server.roomTypes());
            bot.join(server.webSocketUri(), JoinRequest.byType(Shooter.TYPE).options(Map.of("name", "solo")))
                .get(10, TimeUnit.SECONDS);
            final long deadlineNs = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (bot.events(ShooterMessages.Hello.class).isEmpty() && System.nanoTime() - deadlineNs < 0)
            {
                Thread.sleep(10);
            }
            assertEquals("solo", bot.events(ShooterMessages.Hello.class).get(0).name());
        }
    }
}
