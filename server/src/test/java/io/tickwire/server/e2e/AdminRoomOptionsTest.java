package io.tickwire.server.e2e;

import io.tickwire.server.ServerOptions;
import io.tickwire.server.TickwireServer;
import io.tickwire.server.game.ScriptedGame;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code POST /rooms} with a JSON body: options validated by the room type and handed to {@code onCreate},
 * an operator's room that waits for its first player past the linger, and {@code GET /rooms} showing
 * options and the game's metadata.
 */
@Timeout(30)
class AdminRoomOptionsTest
{
    private static final String TOKEN = "test-token";

    private static HttpResponse<String> post(final TickwireServer server, final String query, final String body)
        throws Exception
    {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(server.adminUri() + "rooms?" + query))
            .header("Authorization", "Bearer " + TOKEN).POST(HttpRequest.BodyPublishers.ofString(body)).build(),
            HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void shouldCreateRoomsWithValidatedOptionsThatWaitForTheirFirstPlayer() throws Exception
    {
        ScriptedGame.EVENTS.clear();
        try (TickwireServer server = TickwireServer.start(ServerOptions.builder().host("127.0.0.1").port(0)
            .adminPort(0).adminToken(TOKEN).roomLoops(1).roomLingerMs(100)
            .roomType(ScriptedGame.TYPE, ScriptedGame.factory(4, 20)).build()))
        {
            final HttpResponse<String> created = post(server, "type=scripted&id=ctf-1", "{\"options\":{\"mode\":\"a\"}}");
            assertEquals(201, created.statusCode(), created.body());
            assertTrue(created.body().contains("\"options\":{\"mode\":\"a\"}"), created.body());
            final HttpResponse<String> refused = post(server, "type=scripted", "{\"options\":{\"mode\":\"z\"}}");
            assertEquals(400, refused.statusCode(), refused.body());
            assertTrue(refused.body().contains("mode must be a or b"), refused.body());
            assertEquals(400, post(server, "type=scripted", "{\"options\":[1]}").statusCode());
            assertEquals(400, post(server, "type=scripted", "{\"colour\":\"red\"}").statusCode());
            final HttpResponse<String> shortLived = post(server, "type=scripted&id=ttl-1", "{\"ttlMs\":50}");
            assertEquals(201, shortLived.statusCode(), shortLived.body());

            Thread.sleep(600);
            assertNotNull(server.directory().byId("ctf-1"), "an operator's room outlives the linger until a join");
            io.tickwire.server.support.Await.awaitTrue(() -> server.directory().byId("ttl-1") == null,
                "a room with ttlMs closes when nobody came");
            assertTrue(ScriptedGame.EVENTS.contains("create ctf-1 options={mode=a}"), ScriptedGame.EVENTS.toString());
            assertTrue(ScriptedGame.EVENTS.contains("dispose ttl-1"), ScriptedGame.EVENTS.toString());
            final String rooms = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create(server.adminUri() + "rooms")).build(), HttpResponse.BodyHandlers.ofString()).body();
            assertTrue(rooms.contains("\"locked\":false") && rooms.contains("\"metadata\":{}"), rooms);
        }
    }
}
