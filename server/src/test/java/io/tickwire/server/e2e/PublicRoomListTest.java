package io.tickwire.server.e2e;

import io.tickwire.client.ClientOptions;
import io.tickwire.client.JoinRequest;
import io.tickwire.client.RoomSession;
import io.tickwire.client.TickwireClient;
import io.tickwire.server.ServerOptions;
import io.tickwire.server.TickwireServer;
import io.tickwire.server.game.ScriptedGame;
import io.tickwire.server.room.RoomHandle;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static io.tickwire.server.support.Await.awaitTrue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The public room list, {@code GET /rooms} on the WebSocket port, over real HTTP: what it shows (never the
 * options), its filters (type, a free seat, metadata), bad queries and other methods.
 */
@Timeout(30)
class PublicRoomListTest
{
    private TickwireServer server;
    private final List<TickwireClient> clients = new ArrayList<>();
    private final HttpClient http = HttpClient.newHttpClient();

    @BeforeEach
    void start()
    {
        server = TickwireServer.start(ServerOptions.builder().host("127.0.0.1").port(0).adminPort(-1).roomLoops(1)
            .roomType(ScriptedGame.TYPE, ScriptedGame.factory(2, 20)).roomType("other", ScriptedGame.factory(4, 20))
            .build());
    }

    @AfterEach
    void stop()
    {
        clients.forEach(TickwireClient::close);
        server.close();
    }

    private RoomSession join(final JoinRequest request) throws Exception
    {
        final TickwireClient client = new TickwireClient(ClientOptions.builder().uri(server.webSocketUri()).build());
        clients.add(client);
        return client.join(request).get(5, TimeUnit.SECONDS);
    }

    private HttpResponse<String> get(final String pathAndQuery) throws Exception
    {
        final URI ws = server.webSocketUri();
        return http.send(HttpRequest.newBuilder(URI.create("http://" + ws.getHost() + ":" + ws.getPort() + pathAndQuery))
            .build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
    }

    private static String entry(final RoomHandle room, final int players, final int maxPlayers, final boolean locked,
        final String metadata)
    {
        return "{\"id\":\"" + room.id() + "\",\"type\":\"" + room.type() + "\",\"players\":" + players +
            ",\"maxPlayers\":" + maxPlayers + ",\"locked\":" + locked + ",\"metadata\":" + metadata + "}";
    }

    @Test
    void shouldListRoomsWithoutOptionsFilteredByTypeFreeSeatAndMetadata() throws Exception
    {
        final RoomSession full1 = join(JoinRequest.byType(ScriptedGame.TYPE).options(Map.of("mode", "a")));
        join(JoinRequest.byType(ScriptedGame.TYPE).options(Map.of("mode", "a")));
        final RoomSession half = join(JoinRequest.byType(ScriptedGame.TYPE).options(Map.of("mode", "b")));
        final RoomSession other = join(JoinRequest.byType("other"));
        half.send(10, "warmup".getBytes(StandardCharsets.UTF_8));
        half.send(8, new byte[0]);
        final RoomHandle fullRoom = server.directory().byId(full1.roomId());
        final RoomHandle halfRoom = server.directory().byId(half.roomId());
        final RoomHandle otherRoom = server.directory().byId(other.roomId());
        awaitTrue(() -> halfRoom.isLocked() && fullRoom.players() == 2, "locked, metadata set, players published");

        final HttpResponse<String> all = get("/rooms?type=" + ScriptedGame.TYPE);
        assertEquals(200, all.statusCode());
        assertEquals("application/json", all.headers().firstValue("content-type").orElse(""));
        assertEquals("{\"rooms\":[" + entry(fullRoom, 2, 2, false, "{}") + "," +
            entry(halfRoom, 1, 2, true, "{\"phase\":\"warmup\"}") + "]}\n", all.body(), "fullest first, no options");
        assertFalse(all.body().contains("mode"), "options stay on the admin port");

        assertEquals("{\"rooms\":[" + entry(halfRoom, 1, 2, true, "{\"phase\":\"warmup\"}") + "]}\n",
            get("/rooms?type=" + ScriptedGame.TYPE + "&free=true").body());
        assertEquals("{\"rooms\":[" + entry(halfRoom, 1, 2, true, "{\"phase\":\"warmup\"}") + "]}\n",
            get("/rooms?meta.phase=warmup").body());
        assertEquals("{\"rooms\":[" + entry(otherRoom, 1, 4, false, "{}") + "]}\n", get("/rooms?type=other").body());
        assertEquals("{\"rooms\":[]}\n", get("/rooms?type=nope").body());
        final String everything = get("/rooms").body();
        assertTrue(everything.contains(otherRoom.id()) && everything.contains(fullRoom.id()), everything);
        final String one = get("/rooms?limit=1").body();
        assertEquals(2, one.split("\\{\"id\"").length, "limit=1 lists one: " + one);
    }

    @Test
    void shouldRefuseBadQueriesAndWrites() throws Exception
    {
        final HttpResponse<String> unknown = get("/rooms?colour=red");
        assertEquals(400, unknown.statusCode());
        assertEquals("unknown parameter: colour (known: type, free, meta.KEY, limit)\n", unknown.body());
        assertEquals("close", unknown.headers().firstValue("connection").orElse(""),
            "the server closes after answering and must say so, or a keep-alive client reuses a dying socket");
        assertEquals(400, get("/rooms?limit=0").statusCode());
        assertEquals(400, get("/rooms?free=yes").statusCode());
        final URI ws = server.webSocketUri();
        final HttpResponse<String> post = http.send(HttpRequest.newBuilder(
            URI.create("http://" + ws.getHost() + ":" + ws.getPort() + "/rooms")).POST(HttpRequest.BodyPublishers.ofString(
            "{}")).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(405, post.statusCode());
        assertEquals(404, get("/elsewhere").statusCode(), "everything else is still the 404 with a hint");
    }
}
