package io.tickwire.client;

import com.sun.net.httpserver.HttpServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The SDK side of the matchmaker protocol: the request it sends and how it reads answers and
 * refusals. (The full path, real matchmaker and real server, is the server module's
 * {@code FleetEndToEndTest}.)
 */
class MatchmakerTest
{
    @Test
    void shouldReadFlatJsonWithEscapes()
    {
        final Map<String, String> fields = Matchmaker.parseFlatObject(
            "{ \"url\" : \"ws://h:1/ws\", \"roomId\":\"a\\\"b\\u0041\", \"createdRoom\":true, \"n\": 12 }");
        assertEquals("ws://h:1/ws", fields.get("url"));
        assertEquals("a\"bA", fields.get("roomId"));
        assertEquals("true", fields.get("createdRoom"));
        assertEquals("12", fields.get("n"));
    }

    @Test
    @Timeout(20)
    void shouldSendTheRoomTypeAndTokenAndReadThePlacementOrTheRefusal() throws Exception
    {
        final CopyOnWriteArrayList<String> requests = new CopyOnWriteArrayList<>();
        final HttpServer http = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        http.createContext("/", exchange ->
        {
            final String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            requests.add(exchange.getRequestURI().getPath() + " " + exchange.getRequestHeaders().getFirst("Authorization") +
                " " + body);
            final boolean refuse = body.contains("full-room");
            final byte[] reply = (refuse ? "{\"error\":\"room is full: roomId=full-room\"}" :
                "{\"url\":\"ws://127.0.0.1:9/ws\",\"roomId\":\"arena-1\",\"ticket\":\"v1.x.y\",\"playerId\":\"p-1\"}")
                .getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(refuse ? 409 : 200, reply.length);
            try (OutputStream out = exchange.getResponseBody())
            {
                out.write(reply);
            }
        });
        http.start();
        try
        {
            final Matchmaker matchmaker = new Matchmaker(URI.create("http://127.0.0.1:" + http.getAddress().getPort()),
                "secret-token", Matchmaker.DEFAULT_TIMEOUT);
            final Matchmaker.Placement placement = matchmaker.requestJoinOrCreate("arena", "p\"1")
                .get(5, TimeUnit.SECONDS);
            assertEquals(URI.create("ws://127.0.0.1:9/ws"), placement.url());
            assertEquals("arena-1", placement.joinRequest().roomId());
            assertEquals("v1.x.y", placement.joinRequest().ticket());
            assertEquals("/v1/join-or-create Bearer secret-token {\"roomType\":\"arena\",\"playerId\":\"p\\\"1\"}",
                requests.get(0));

            final CompletionException refused = assertThrows(CompletionException.class,
                () -> matchmaker.requestJoinById("full-room", null).join());
            assertTrue(refused.getCause() instanceof TickwireException &&
                refused.getCause().getMessage().contains("status=409, reason=room is full: roomId=full-room"),
                refused.toString());
        }
        finally
        {
            http.stop(0);
        }
    }
}
