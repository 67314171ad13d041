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
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code --players-per-room}: the first bot of a group joins by type, the rest join its room by id.
 */
class PlayersPerRoomTest
{
    @TempDir
    Path out;

    private Object run(final TickwireServer server, final int bots, final int playersPerRoom) throws Exception
    {
        final ByteArrayOutputStream stdout = new ByteArrayOutputStream();
        final int exitCode = LoadTestMain.execute(new String[]{
            "--url", server.webSocketUri().toString(),
            "--bots", Integer.toString(bots),
            "--players-per-room", Integer.toString(playersPerRoom),
            "--duration", "1s",
            "--ramp-up", "0",
            "--out", out.toString(),
            "--quiet",
            "--max-errors", "0"
        }, new PrintStream(stdout, true, StandardCharsets.UTF_8), new PrintStream(stdout, true, StandardCharsets.UTF_8));
        assertEquals(LoadTest.EXIT_OK, exitCode, stdout.toString(StandardCharsets.UTF_8));
        return MiniJson.parse(Files.readString(out.resolve(JsonReport.FILE_NAME)));
    }

    @Test
    @Timeout(60)
    void shouldFillEachRoomWithExactlyThePlayersPerRoomWhenTheServerSeatsThatMany() throws Exception
    {
        try (TickwireServer server = TestServers.start(5))
        {
            final Object json = run(server, 20, 5);
            assertEquals(20.0, MiniJson.path(json, "bots", "connectedAtEnd"));
            assertEquals(4.0, MiniJson.path(json, "rooms", "count"));
            assertEquals(5.0, MiniJson.path(json, "rooms", "minBots"));
            assertEquals(5.0, MiniJson.path(json, "rooms", "maxBots"));
            assertEquals(4.0, MiniJson.path(json, "rooms", "groups"));
            assertEquals(0.0, MiniJson.path(json, "rooms", "sharedGroups"));
            assertEquals(List.of(), MiniJson.path(json, "warnings"));
        }
    }

    @Test
    @Timeout(60)
    void shouldFallBackToJoinByTypeWithoutErrorsWhenTheServerSeatsMorePlayers() throws Exception
    {
        try (TickwireServer server = TestServers.start())
        {
            final Object json = run(server, 30, 10);
            assertEquals(30.0, MiniJson.path(json, "bots", "connectedAtEnd"));
            assertEquals(0.0, MiniJson.path(json, "errors", "total"));
            assertTrue((Double)MiniJson.path(json, "rooms", "sharedGroups") >= 1, "a group shared a 16-seat room");
            assertFalse(((List<?>)MiniJson.path(json, "warnings")).isEmpty(), "the tester is told why");
        }
    }
}
