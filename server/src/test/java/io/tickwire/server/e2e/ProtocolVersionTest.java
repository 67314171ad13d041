package io.tickwire.server.e2e;

import io.tickwire.protocol.CloseCodes;
import io.tickwire.protocol.v1.ClientMessage;
import io.tickwire.protocol.v1.Join;
import io.tickwire.protocol.v1.ServerMessage;
import io.tickwire.server.ServerOptions;
import io.tickwire.server.TickwireServer;
import io.tickwire.server.game.ViewsGame;
import io.tickwire.server.game.arena.ArenaGame;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.ArrayList;
import java.util.List;

import static io.tickwire.server.support.Await.awaitTrue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Protocol versions over real sockets: a version 1 client still joins a room type that uses nothing of
 * version 2 (and is told it speaks 1), is refused with 4003 naming the reason by one that does, and versions
 * outside 1..2 are refused.
 */
@Timeout(30)
class ProtocolVersionTest
{
    private TickwireServer server;
    private final List<RawWebSocketClient> sockets = new ArrayList<>();

    @BeforeEach
    void start()
    {
        server = TickwireServer.start(ServerOptions.builder().host("127.0.0.1").port(0).adminPort(-1).roomLoops(1)
            .roomType(ArenaGame.TYPE, ArenaGame.factory(2)).roomType(ViewsGame.TYPE, ViewsGame.factory(10, 0))
            .build());
    }

    @AfterEach
    void stop()
    {
        sockets.forEach(RawWebSocketClient::close);
        server.close();
    }

    private RawWebSocketClient join(final String type, final int version) throws Exception
    {
        final RawWebSocketClient socket = RawWebSocketClient.connect(server.webSocketUri());
        sockets.add(socket);
        socket.sendBinary(ClientMessage.newBuilder().setJoin(Join.newBuilder().setRoomType(type)
            .setProtocolVersion(version)).build().toByteArray());
        return socket;
    }

    @Test
    void shouldLetVersionOneClientsJoinRoomsThatNeedNothingOfVersionTwo() throws Exception
    {
        final RawWebSocketClient v1 = join(ArenaGame.TYPE, 1);
        awaitTrue(() -> v1.messages().stream().anyMatch(ServerMessage::hasSnapshot), "snapshots");
        final ServerMessage welcome = v1.messages().get(0);
        assertEquals(1, welcome.getWelcome().getProtocolVersion(), "the Welcome answers in the client's version");
        assertEquals(0, welcome.getWelcome().getEntityTypesCount(), "a single-schema room sends the v1 Welcome");
        final RawWebSocketClient v2 = join(ArenaGame.TYPE, 2);
        awaitTrue(() -> !v2.messages().isEmpty(), "welcome");
        assertEquals(2, v2.messages().get(0).getWelcome().getProtocolVersion());
    }

    @Test
    void shouldRefuseVersionOneForRoomsThatNeedVersionTwoAndUnknownVersions() throws Exception
    {
        final RawWebSocketClient v1 = join(ViewsGame.TYPE, 1);
        assertEquals(CloseCodes.UNSUPPORTED_PROTOCOL_VERSION, v1.awaitCloseCode());
        assertTrue(v1.awaitCloseReason().startsWith("protocol 2 needed: room type views"), v1.awaitCloseReason());
        final RawWebSocketClient v3 = join(ArenaGame.TYPE, 3);
        assertEquals(CloseCodes.UNSUPPORTED_PROTOCOL_VERSION, v3.awaitCloseCode());
        assertEquals("unsupported protocol version: version=3, supported=1..2", v3.awaitCloseReason());
        final RawWebSocketClient v2 = join(ViewsGame.TYPE, 2);
        awaitTrue(() -> !v2.messages().isEmpty(), "welcome");
        assertEquals(3, v2.messages().get(0).getWelcome().getEntityTypesCount(), "entity types in the Welcome");
    }
}
