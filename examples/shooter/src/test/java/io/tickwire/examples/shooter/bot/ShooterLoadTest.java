package io.tickwire.examples.shooter.bot;

import io.tickwire.examples.shooter.Shooter;
import io.tickwire.examples.shooter.server.ShooterFactory;
import io.tickwire.loadtest.LoadTestMain;
import io.tickwire.server.ServerOptions;
import io.tickwire.server.TickwireServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The load test's swarm playing the shooter through {@link ShooterBehaviourFactory}, found by its service
 * entry, against the real server on loopback.
 */
class ShooterLoadTest
{
    private static final Pattern MESSAGES = Pattern.compile("messages\\s+(\\d+) sent, (\\d+) received");

    @TempDir
    Path out;

    @Test
    @Timeout(60)
    void shouldPlayTheShooterWithTheLoadTestSwarmWithoutErrors()
    {
        final int bots = 4;
        try (TickwireServer server = TickwireServer.start(ServerOptions.builder().host("127.0.0.1").port(0)
            .adminPort(-1).roomLoops(1).roomType(Shooter.TYPE, new ShooterFactory()).build()))
        {
            final ByteArrayOutputStream printed = new ByteArrayOutputStream();
            final PrintStream stream = new PrintStream(printed, true, StandardCharsets.UTF_8);
            final int exitCode = LoadTestMain.execute(new String[] {
                "--url", server.webSocketUri().toString(), "--bots", "" + bots, "--duration", "1500ms",
                "--ramp-up", "0", "--room-type", Shooter.TYPE, "--behaviour", ShooterBehaviourFactory.NAME,
                "--quiet", "--out", out.toString(), "--max-errors", "0", "--min-connected-ratio", "1"},
                stream, stream);
            final String text = printed.toString(StandardCharsets.UTF_8);
            assertEquals(0, exitCode, text);
            assertTrue(text.contains(", " + ShooterBehaviourFactory.NAME + ", "), text);
            final Matcher m = MESSAGES.matcher(text);
            assertTrue(m.find(), text);
            // Every bot greets on its hello; each receives at least its hello and the greetings.
            assertTrue(Long.parseLong(m.group(1)) >= bots, text);
            assertTrue(Long.parseLong(m.group(2)) >= 2L * bots, text);
        }
    }
}
