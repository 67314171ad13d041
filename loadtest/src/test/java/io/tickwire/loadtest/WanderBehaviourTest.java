package io.tickwire.loadtest;

import io.tickwire.server.TickwireServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code --behaviour wander} against the real arena on loopback: every bot joins, steers from its own
 * mirrored position, and the server processes its inputs, without errors.
 */
class WanderBehaviourTest
{
    @TempDir
    Path out;

    @Test
    @Timeout(60)
    void shouldDriveArenaBotsFromTheirMirroredPositionWithoutErrors() throws Exception
    {
        final ByteArrayOutputStream stdout = new ByteArrayOutputStream();
        try (TickwireServer server = TestServers.start())
        {
            final int exitCode = LoadTestMain.execute(new String[]{
                "--url", server.webSocketUri().toString(), "--bots", "4", "--warmup", "2s", "--duration", "1500ms",
                "--ramp-up", "0",
                "--input-rate", "20", "--behaviour", "WANDER", "--out", out.toString(), "--quiet", "--max-errors", "0"
            }, new PrintStream(stdout, true, StandardCharsets.UTF_8), new PrintStream(stdout, true, StandardCharsets.UTF_8));
            final String printed = stdout.toString(StandardCharsets.UTF_8);
            assertEquals(LoadTest.EXIT_OK, exitCode, printed);

            final Object json = MiniJson.parse(Files.readString(out.resolve(JsonReport.FILE_NAME)));
            assertEquals("wander", MiniJson.path(json, "config", "behaviour"));
            assertEquals(4.0, MiniJson.path(json, "bots", "joined"));
            assertEquals(0.0, MiniJson.path(json, "errors", "total"));
            final double sent = (Double)MiniJson.path(json, "inputs", "sent");
            // 4 bots at 20 Hz for 1.5 s: about 120 inputs.
            assertTrue(sent >= 60, "inputs sent: " + sent);
            final double answered = (Double)MiniJson.path(json, "inputRttMs", "count");
            assertTrue(answered > 0, "inputs processed by the server: " + answered);
        }
    }
}
