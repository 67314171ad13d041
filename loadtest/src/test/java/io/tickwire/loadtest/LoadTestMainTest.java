package io.tickwire.loadtest;

import io.tickwire.server.TickwireServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The command line: help, usage errors with exit code 2 naming the value, the gate exit code, and the
 * failure exit code when no bot can join.
 */
class LoadTestMainTest
{
    @TempDir
    Path out;

    private final ByteArrayOutputStream stdout = new ByteArrayOutputStream();
    private final ByteArrayOutputStream stderr = new ByteArrayOutputStream();

    private int run(final String... args)
    {
        return LoadTestMain.execute(args, new PrintStream(stdout, true, StandardCharsets.UTF_8),
            new PrintStream(stderr, true, StandardCharsets.UTF_8));
    }

    private String printed()
    {
        return stdout.toString(StandardCharsets.UTF_8);
    }

    private String errors()
    {
        return stderr.toString(StandardCharsets.UTF_8);
    }

    @Test
    void shouldPrintHelpAndExitZero()
    {
        assertEquals(0, run("--help"));
        for (final String option : new String[]{ "--url", "--bots", "--duration", "--out", "--room-type", "--room-ids",
            "--players-per-room", "--ramp-up", "--input-rate", "--behaviour", "--max-errors", "--max-p99-input-rtt-ms",
            "--min-connected-ratio" })
        {
            assertTrue(printed().contains(option), option + " in\n" + printed());
        }
    }

    @Test
    void shouldRefuseBadDurationWithUsageExitCodeNamingTheValue()
    {
        assertEquals(LoadTest.EXIT_USAGE, run("--duration", "5parsecs"));
        assertTrue(errors().contains("--duration"), errors());
        assertTrue(errors().contains("'5parsecs'"), errors());
    }

    @Test
    void shouldRefuseBadBehaviourAndOutOfRangeValuesNamingThem()
    {
        assertEquals(LoadTest.EXIT_USAGE, run("--behaviour", "jog"));
        assertTrue(errors().contains("'jog'"), errors());
        assertEquals(LoadTest.EXIT_USAGE, run("--bots", "0"));
        assertTrue(errors().contains("bots=0"), errors());
        assertEquals(LoadTest.EXIT_USAGE, run("--url", "http://127.0.0.1:1/ws"));
        assertTrue(errors().contains("ws://"), errors());
        assertEquals(LoadTest.EXIT_USAGE, run("--room-ids", "a,b", "--players-per-room", "4"));
        assertTrue(errors().contains("playersPerRoom=4"), errors());
    }

    @Test
    @Timeout(60)
    void shouldReturnGateExitCodeWhenP99InputRoundTripIsAboveTheThreshold() throws Exception
    {
        try (TickwireServer server = TestServers.start())
        {
            final int exitCode = run("--url", server.webSocketUri().toString(), "--bots", "4", "--duration", "1500ms",
                "--input-rate", "20", "--out", out.toString(), "--quiet", "--max-p99-input-rtt-ms", "0");
            assertEquals(LoadTest.EXIT_GATE_BREACHED, exitCode, printed() + errors());
            assertTrue(printed().contains("BREACHED"), printed());
            final Object json = MiniJson.parse(Files.readString(out.resolve(JsonReport.FILE_NAME)));
            assertEquals("gate breached", MiniJson.path(json, "verdict", "status"));
            assertEquals((double)LoadTest.EXIT_GATE_BREACHED, MiniJson.path(json, "verdict", "exitCode"));
        }
    }

    @Test
    @Timeout(60)
    void shouldExitWithFailureWhenNoBotCanJoin() throws Exception
    {
        final int closedPort;
        try (ServerSocket probe = new ServerSocket(0))
        {
            closedPort = probe.getLocalPort();
        }
        final int exitCode = run("--url", "ws://127.0.0.1:" + closedPort + "/ws", "--bots", "3", "--duration", "30s",
            "--out", out.toString(), "--quiet");
        assertEquals(LoadTest.EXIT_FAILURE, exitCode, printed() + errors());
        final Object json = MiniJson.parse(Files.readString(out.resolve(JsonReport.FILE_NAME)));
        assertEquals(3.0, MiniJson.path(json, "errors", "total"));
        assertEquals("no bot joined", MiniJson.path(json, "verdict", "status"));
    }
}
