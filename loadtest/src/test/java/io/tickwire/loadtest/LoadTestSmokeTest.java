package io.tickwire.loadtest;

import io.tickwire.server.TickwireServer;
import io.tickwire.server.config.LifecycleSettings;
import io.tickwire.server.config.LoopSettings;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The real server in-process on an ephemeral loopback port and a swarm of 50 bots for 4 seconds, run
 * through the CLI entry point exactly as {@code java -jar tickwire-loadtest.jar} runs it.
 */
class LoadTestSmokeTest
{
    private static final int BOTS = 50;
    private static final double RATE_TOLERANCE = 0.10;

    @TempDir
    Path out;

    private TickwireServer server;

    @BeforeEach
    void startServer()
    {
        server = TestServers.start();
    }

    @AfterEach
    void stopServer()
    {
        server.close();
    }

    @Test
    @Timeout(90)
    void shouldConnectEveryBotWithoutErrorsAtTheTickRateAndWriteSelfContainedReports() throws Exception
    {
        final ByteArrayOutputStream stdout = new ByteArrayOutputStream();
        final ByteArrayOutputStream stderr = new ByteArrayOutputStream();
        final int exitCode = LoadTestMain.execute(new String[]{
            "--url", server.webSocketUri().toString(),
            "--bots", Integer.toString(BOTS),
            "--warmup", "2s",
            "--duration", "4s",
            "--ramp-up", "250",
            "--out", out.toString(),
            "--max-errors", "0",
            "--min-connected-ratio", "1"
        }, new PrintStream(stdout, true, StandardCharsets.UTF_8), new PrintStream(stderr, true, StandardCharsets.UTF_8));
        final String printed = stdout.toString(StandardCharsets.UTF_8);

        assertEquals(LoadTest.EXIT_OK, exitCode, printed + stderr.toString(StandardCharsets.UTF_8));
        assertTrue(printed.contains("bots " + BOTS + "/" + BOTS), printed);

        final Object json = MiniJson.parse(Files.readString(out.resolve(JsonReport.FILE_NAME)));
        assertEquals(BOTS, number(json, "bots", "joined"));
        assertEquals(BOTS, number(json, "bots", "connectedAtEnd"));
        assertEquals(0, number(json, "bots", "joinFailures"));
        assertEquals(0, number(json, "errors", "total"), printed);
        assertEquals(List.of(), MiniJson.path(json, "errors", "byKind"));
        assertEquals("passed", MiniJson.path(json, "verdict", "status"));

        final double tickRateHz = number(json, "tickRateHz");
        assertEquals(LoopSettings.DEFAULT_TICK_RATE_HZ, tickRateHz);
        assertEquals(BOTS, number(json, "snapshots", "perBotHz", "bots"));
        final double min = number(json, "snapshots", "perBotHz", "min");
        final double max = number(json, "snapshots", "perBotHz", "max");
        assertTrue(Math.abs(min - tickRateHz) <= RATE_TOLERANCE * tickRateHz, "slowest bot: " + min + " Hz\n" + printed);
        assertTrue(Math.abs(max - tickRateHz) <= RATE_TOLERANCE * tickRateHz, "fastest bot: " + max + " Hz\n" + printed);
        assertEquals(0, number(json, "snapshots", "perBotHz", "outsideTenPercent"));
        assertTrue(number(json, "inputRttMs", "count") > 0, "input round trips measured");
        assertTrue(number(json, "pingRttMs", "count") > 0, "ping round trips measured");
        final int seats = LifecycleSettings.DEFAULT_MAX_PLAYERS_PER_ROOM;
        assertEquals((BOTS + seats - 1) / seats, number(json, "rooms", "count"), "join by type fills rooms");

        final Path html = out.resolve(HtmlReport.FILE_NAME);
        assertTrue(Files.size(html) > 0);
        final String page = Files.readString(html);
        assertTrue(page.contains("<svg"), "inline SVG charts");
        assertFalse(page.contains("http://"), "no http reference");
        assertFalse(page.contains("https://"), "no https reference");
        assertFalse(page.contains("<script src") || page.contains("<link"), "nothing loaded from outside");
    }

    @Test
    @Timeout(90)
    void shouldRunLeanBotsWithoutErrorsAndCarryTheirAcksOnInputs() throws Exception
    {
        final ByteArrayOutputStream stdout = new ByteArrayOutputStream();
        final ByteArrayOutputStream stderr = new ByteArrayOutputStream();
        final int exitCode = LoadTestMain.execute(new String[]{
            "--url", server.webSocketUri().toString(),
            "--bots", Integer.toString(BOTS),
            "--lean",
            "--input-rate", "30",
            "--warmup", "1s",
            "--duration", "3s",
            "--ramp-up", "250",
            "--out", out.toString(),
            "--max-errors", "0",
            "--min-connected-ratio", "1"
        }, new PrintStream(stdout, true, StandardCharsets.UTF_8), new PrintStream(stderr, true, StandardCharsets.UTF_8));
        final String printed = stdout.toString(StandardCharsets.UTF_8);

        assertEquals(LoadTest.EXIT_OK, exitCode, printed + stderr.toString(StandardCharsets.UTF_8));
        final Object json = MiniJson.parse(Files.readString(out.resolve(JsonReport.FILE_NAME)));
        assertEquals(Boolean.TRUE, MiniJson.path(json, "config", "lean"));
        assertEquals(BOTS, number(json, "bots", "connectedAtEnd"));
        assertEquals(0, number(json, "errors", "total"), printed);
        assertEquals(0, number(json, "errors", "protocolErrors"), "no baseline the lean bots dropped: " + printed);
        final double snapshots = number(json, "snapshots", "received");
        final double acks = number(json, "traffic", "acksSent");
        assertTrue(snapshots > BOTS * 30, printed);
        // An input per tick carries the ack: Ack frames only for each bot's first snapshot and the odd gap.
        assertTrue(acks < snapshots / 4, "acks=" + acks + ", snapshots=" + snapshots);
    }

    private static double number(final Object json, final String... path)
    {
        final Object value = MiniJson.path(json, path);
        assertTrue(value instanceof Double, String.join(".", path) + " is a number: " + value);
        return (Double)value;
    }
}
