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
 * outside 1..3 are refused; version 3 clients get the changed section bit-packed, version 2 clients in the same room
 * the varint columns, and both decode the same states.
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
            .roomType(ArenaGame.TYPE, ArenaGame.factory(12)).roomType(ViewsGame.TYPE, ViewsGame.factory(10, 0))
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
        final RawWebSocketClient v4 = join(ArenaGame.TYPE, 4);
        assertEquals(CloseCodes.UNSUPPORTED_PROTOCOL_VERSION, v4.awaitCloseCode());
        assertEquals("unsupported protocol version: version=4, supported=1..3", v4.awaitCloseReason());
        final RawWebSocketClient v2 = join(ViewsGame.TYPE, 2);
        awaitTrue(() -> !v2.messages().isEmpty(), "welcome");
        assertEquals(3, v2.messages().get(0).getWelcome().getEntityTypesCount(), "entity types in the Welcome");
    }

    @Test
    void shouldSendBitPackedChangesToVersionThreeAndColumnsToVersionTwoInOneRoom() throws Exception
    {
        final Mirror v2 = new Mirror(join(ArenaGame.TYPE, 2));
        final Mirror v3 = new Mirror(join(ArenaGame.TYPE, 3));
        final long deadline = System.nanoTime() + 15_000_000_000L;
        while ((v2.packedOrPlain < 30 || v3.packedOrPlain < 30) && System.nanoTime() < deadline)
        {
            v2.poll(false);
            v3.poll(true);
            Thread.sleep(5);
        }
        assertTrue(v2.packedOrPlain >= 30 && v3.packedOrPlain >= 30,
            "changed sections seen: v2=" + v2.packedOrPlain + ", v3=" + v3.packedOrPlain);
        assertEquals(v2.welcome.getRoomId(), v3.welcome.getRoomId(), "one room");
        assertEquals(3, v3.welcome.getProtocolVersion());
        int compared = 0;
        for (final java.util.Map.Entry<Integer, io.tickwire.protocol.delta.WorldState> e : v3.states.entrySet())
        {
            final io.tickwire.protocol.delta.WorldState other = v2.states.get(e.getKey());
            if (other != null)
            {
                assertEquals(null, other.firstDifference(e.getValue()), "tick " + e.getKey());
                compared++;
            }
        }
        assertTrue(compared >= 10, "ticks both decoded: " + compared);
    }

    /**
     * A raw client that decodes every snapshot against the state it holds, acks it, and checks the form of its
     * changed section.
     */
    private static final class Mirror
    {
        final RawWebSocketClient socket;
        io.tickwire.protocol.v1.Welcome welcome;
        io.tickwire.protocol.delta.DeltaDecoder decoder;
        final java.util.TreeMap<Integer, io.tickwire.protocol.delta.WorldState> states = new java.util.TreeMap<>();
        int read;
        int packedOrPlain;

        Mirror(final RawWebSocketClient socket)
        {
            this.socket = socket;
        }

        void poll(final boolean packed) throws Exception
        {
            final List<ServerMessage> messages = socket.messages();
            for (; read < messages.size(); read++)
            {
                final ServerMessage m = messages.get(read);
                if (m.hasWelcome())
                {
                    welcome = m.getWelcome();
                    decoder = new io.tickwire.protocol.delta.DeltaDecoder(
                        io.tickwire.protocol.schema.EntityTypes.fromWelcome(welcome));
                }
                if (!m.hasSnapshot())
                {
                    continue;
                }
                final io.tickwire.protocol.v1.Snapshot snapshot = m.getSnapshot();
                final io.tickwire.protocol.delta.WorldState out =
                    new io.tickwire.protocol.delta.WorldState(decoder.types(), 16);
                decoder.apply(snapshot.getBaselineTick() == 0 ? null : states.get(snapshot.getBaselineTick()),
                    snapshot, out);
                states.put(snapshot.getTick(), out);
                if (decoder.changedCount() > 0)
                {
                    assertEquals(packed, !snapshot.getChangedBits().isEmpty(), "changed_bits present");
                    assertEquals(packed ? 0 : decoder.changedCount(), snapshot.getChangedIdsCount(), "changed_ids");
                    packedOrPlain++;
                }
                socket.sendBinary(ClientMessage.newBuilder().setAck(io.tickwire.protocol.v1.Ack.newBuilder()
                    .setTick(snapshot.getTick())).build().toByteArray());
            }
        }
    }
}
