package io.tickwire.server.it;

import io.tickwire.client.ClientOptions;
import io.tickwire.client.RoomSession;
import io.tickwire.client.SessionListener;
import io.tickwire.client.TickwireClient;
import io.tickwire.protocol.CloseCodes;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.net.http.HttpResponse;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static io.tickwire.server.it.MetricsIT.awaitTrue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The admin API over real HTTP against the server process, with and without a token, and the
 * start-up refusal of invalid options.
 */
class AdminApiIT
{
    private static final String TOKEN = "it-admin-token-1234";

    @Test
    @Timeout(60)
    void shouldServeRoomsAndRequireTokenForMutations() throws Exception
    {
        try (ServerProcess server = ServerProcess.start(Map.of("TICKWIRE_ADMIN_TOKEN", TOKEN),
            "--host", "127.0.0.1", "--port", "0", "--admin-port", "0", "--room-loops", "1"))
        {
            assertEquals("{\"status\":\"UP\"}", server.get("/health").body());
            assertEquals(200, server.get("/ready").statusCode());
            assertEquals(401, server.send("POST", "/rooms?type=arena&id=lobby", null).statusCode());
            assertEquals(401, server.send("POST", "/rooms?type=arena&id=lobby", "wrong-token").statusCode());
            final HttpResponse<String> created = server.send("POST", "/rooms?type=arena&id=lobby", TOKEN);
            assertEquals(201, created.statusCode(), created.body());
            assertTrue(created.body().contains("\"id\":\"lobby\""), created.body());
            assertEquals(409, server.send("POST", "/rooms?type=arena&id=lobby", TOKEN).statusCode());
            final HttpResponse<String> unknownType = server.send("POST", "/rooms?type=chess", TOKEN);
            assertEquals(400, unknownType.statusCode());
            assertTrue(unknownType.body().contains("chess"), unknownType.body());

            try (TickwireClient client = new TickwireClient(
                ClientOptions.builder().uri(server.webSocketUri()).build()))
            {
                final RoomSession session = client.joinById("lobby").get(5, TimeUnit.SECONDS);
                final CompletableFuture<Integer> closeCode = new CompletableFuture<>();
                session.addListener(new SessionListener()
                {
                    @Override
                    public void onClosed(final RoomSession s, final int code, final String reason)
                    {
                        closeCode.complete(code);
                    }
                });
                awaitTrue(() -> server.get("/rooms/lobby").body().contains("\"players\":1"));
                final String rooms = server.get("/rooms").body();
                assertTrue(rooms.contains("\"id\":\"lobby\"") && rooms.contains("\"type\":\"arena\""), rooms);
                awaitTrue(() -> !server.get("/rooms/lobby").body().contains("\"bytesOutPerSecond\":0,"));

                assertEquals(401, server.send("DELETE", "/rooms/lobby", null).statusCode());
                assertEquals(200, server.send("DELETE", "/rooms/lobby", TOKEN).statusCode());
                assertEquals(CloseCodes.ROOM_CLOSED, closeCode.get(5, TimeUnit.SECONDS));
            }
            awaitTrue(() -> server.get("/rooms/lobby").statusCode() == 404);
            assertEquals(404, server.send("DELETE", "/rooms/lobby", TOKEN).statusCode());
            assertEquals(404, server.get("/no-such-endpoint").statusCode());
            assertEquals(405, server.send("PUT", "/health", null).statusCode());
            final String page = server.get("/").body();
            assertTrue(page.contains("<title>Tickwire monitor</title>") && page.contains("app.js"), page);
        }
    }

    @Test
    @Timeout(60)
    void shouldDisableMutationsWithoutToken() throws Exception
    {
        try (ServerProcess server = ServerProcess.start(Map.of(),
            "--host", "127.0.0.1", "--port", "0", "--admin-port", "0", "--room-loops", "1"))
        {
            final HttpResponse<String> response = server.send("POST", "/rooms?type=arena", "anything");
            assertEquals(403, response.statusCode());
            assertTrue(response.body().contains("--admin-token"), response.body());
            assertEquals(403, server.send("DELETE", "/rooms/x", "anything").statusCode());
            assertEquals(200, server.get("/rooms").statusCode());
        }
    }

    @Test
    @Timeout(60)
    void shouldRefuseInvalidOptionsNamingOptionAndValue() throws Exception
    {
        assertRefused(Map.of(), "tickRateHz=0", "--tick-rate", "0", "--admin-port", "-1");
        assertRefused(Map.of("TICKWIRE_PORT", "seventy"), "seventy", "--admin-port", "-1");
        assertRefused(Map.of(), "log-level=LOUD", "--log-level", "LOUD", "--admin-port", "-1");
        assertRefused(Map.of(), "adminToken", "--admin-token", "short", "--admin-port", "-1");
        assertRefused(Map.of(), "tlsCertificate=/nonexistent/cert.pem (not a readable file)",
            "--tls-cert", "/nonexistent/cert.pem", "--tls-key", "/nonexistent/key.pem", "--admin-port", "-1");
    }

    private static void assertRefused(final Map<String, String> env, final String expected, final String... args)
        throws Exception
    {
        try (ServerProcess server = ServerProcess.start(env, args))
        {
            assertTrue(server.process().waitFor(20, TimeUnit.SECONDS), "refused at once");
            assertEquals(2, server.process().exitValue(), "exit code 2 for invalid options: " + server.output());
            Thread.sleep(100);
            assertTrue(server.output().stream().anyMatch(l -> l.contains(expected)),
                "message names " + expected + ": " + server.output());
            assertTrue(server.output().stream().noneMatch(l -> l.contains("listening")), "nothing started");
        }
    }
}
