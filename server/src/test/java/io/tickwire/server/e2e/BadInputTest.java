package io.tickwire.server.e2e;

import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.tickwire.client.ClientOptions;
import io.tickwire.client.RoomSession;
import io.tickwire.client.SessionListener;
import io.tickwire.client.SnapshotInfo;
import io.tickwire.client.TickwireClient;
import io.tickwire.protocol.CloseCodes;
import io.tickwire.protocol.ProtocolVersion;
import io.tickwire.protocol.v1.ClientMessage;
import io.tickwire.protocol.v1.Input;
import io.tickwire.protocol.v1.Join;
import io.tickwire.protocol.v1.ServerMessage;
import io.tickwire.server.ServerOptions;
import io.tickwire.server.TickwireServer;
import io.tickwire.server.game.arena.ArenaGame;
import io.tickwire.server.support.Await;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Each kind of bad input gets the documented {@code Error} and close code, and a player in
 * another room keeps receiving one snapshot per tick meanwhile.
 */
@Timeout(60)
class BadInputTest
{
    private static TickwireServer server;
    private static TickwireClient bystanderClient;
    private static RoomSession bystander;
    private static final CopyOnWriteArrayList<Long> bystanderArrivalsNs = new CopyOnWriteArrayList<>();

    @BeforeAll
    static void startServerAndBystander() throws Exception
    {
        server = TickwireServer.start(ServerOptions.builder().host("127.0.0.1").port(0).adminPort(-1).roomLoops(1)
            .roomType(ArenaGame.TYPE, ArenaGame.factory(ArenaGame.DEFAULT_NPC_COUNT)).build());
        bystanderClient = new TickwireClient(ClientOptions.builder().uri(server.webSocketUri()).build());
        bystander = bystanderClient.joinByType(ArenaGame.TYPE).get(5, TimeUnit.SECONDS);
        bystander.addListener(new SessionListener()
        {
            @Override
            public void onSnapshot(final RoomSession session, final SnapshotInfo info)
            {
                bystanderArrivalsNs.add(System.nanoTime());
            }
        });
    }

    @AfterAll
    static void stop() throws InterruptedException
    {
        // Observe the bystander for at least 1.5 s, the bad clients' barrage included.
        final long observeUntilNs = bystanderArrivalsNs.get(0) + 1_500_000_000L;
        while (System.nanoTime() < observeUntilNs)
        {
            Thread.sleep(20);
        }
        final long startNs = bystanderArrivalsNs.get(0);
        final long endNs = bystanderArrivalsNs.get(bystanderArrivalsNs.size() - 1);
        final double seconds = (endNs - startNs) / 1e9;
        final double rateHz = (bystanderArrivalsNs.size() - 1) / seconds;
        bystanderClient.close();
        server.close();
        assertTrue(seconds > 1.4, "bystander observed long enough: seconds=" + seconds);
        assertTrue(Math.abs(rateHz - 30) < 3, "the other room kept its 30 Hz tick: rate=" + rateHz);
    }

    private static void expectClose(final int expectedCode, final Consumer<RawWebSocketClient> misbehave)
        throws Exception
    {
        try (RawWebSocketClient client = RawWebSocketClient.connect(server.webSocketUri()))
        {
            misbehave.accept(client);
            assertEquals(expectedCode, client.awaitCloseCode(), "close code; reason=" + client.awaitCloseReason());
            Await.awaitTrue(() -> client.messages().stream().anyMatch(ServerMessage::hasError),
                "Error message before close");
            final ServerMessage error = client.messages().stream().filter(ServerMessage::hasError).findFirst()
                .orElseThrow();
            assertEquals(expectedCode, error.getError().getCode());
            assertTrue(!error.getError().getMessage().isEmpty());
        }
    }

    private static Consumer<RawWebSocketClient> sending(final ClientMessage message)
    {
        return client -> sendQuietly(client, message.toByteArray());
    }

    private static void sendQuietly(final RawWebSocketClient client, final byte[] bytes)
    {
        try
        {
            client.sendBinary(bytes);
        }
        catch (final Exception ex)
        {
            throw new AssertionError(ex);
        }
    }

    private static ClientMessage join(final String roomId, final String roomType, final int version)
    {
        return ClientMessage.newBuilder().setJoin(Join.newBuilder()
            .setRoomId(roomId).setRoomType(roomType).setProtocolVersion(version)).build();
    }

    @Test
    void shouldCloseTextFrameWithUnsupportedData() throws Exception
    {
        expectClose(CloseCodes.UNSUPPORTED_DATA, client ->
        {
            try
            {
                client.send(new TextWebSocketFrame("{\"join\":\"arena\"}"));
            }
            catch (final Exception ex)
            {
                throw new AssertionError(ex);
            }
        });
    }

    @Test
    void shouldCloseGarbageWithInvalidPayload() throws Exception
    {
        expectClose(CloseCodes.INVALID_PAYLOAD,
            client -> sendQuietly(client, new byte[]{ (byte)0xFF, (byte)0xFF, (byte)0xFF, 0x01, 0x02, 0x7F }));
    }

    @Test
    void shouldCloseInputBeforeJoinWithNotJoined() throws Exception
    {
        expectClose(CloseCodes.NOT_JOINED, sending(ClientMessage.newBuilder()
            .setInput(Input.newBuilder().setSeq(1)).build()));
    }

    @Test
    void shouldCloseUnknownRoomIdWithRoomNotFound() throws Exception
    {
        expectClose(CloseCodes.ROOM_NOT_FOUND, sending(join("no-such-room", "", ProtocolVersion.CURRENT)));
    }

    @Test
    void shouldCloseWrongProtocolVersion() throws Exception
    {
        expectClose(CloseCodes.UNSUPPORTED_PROTOCOL_VERSION, sending(join("", ArenaGame.TYPE, 99)));
    }

    @Test
    void shouldCloseUnknownRoomTypeAsInvalidJoin() throws Exception
    {
        expectClose(CloseCodes.INVALID_JOIN, sending(join("", "chess", ProtocolVersion.CURRENT)));
    }

    @Test
    void shouldCloseJoinNamingBothIdAndTypeAsInvalidJoin() throws Exception
    {
        expectClose(CloseCodes.INVALID_JOIN, sending(join(bystander.roomId(), ArenaGame.TYPE, ProtocolVersion.CURRENT)));
    }

    @Test
    void shouldCloseSecondJoinAsAlreadyJoined() throws Exception
    {
        expectClose(CloseCodes.ALREADY_JOINED, client ->
        {
            final byte[] joinBystanderRoom = join(bystander.roomId(), "", ProtocolVersion.CURRENT).toByteArray();
            sendQuietly(client, joinBystanderRoom);
            sendQuietly(client, joinBystanderRoom);
        });
    }

    @Test
    void shouldAnswerSdkJoinOfUnknownRoomWithFailedFuture() throws Exception
    {
        try (TickwireClient client = new TickwireClient(ClientOptions.builder().uri(server.webSocketUri()).build()))
        {
            final var future = client.joinById("missing-room");
            final Exception ex = org.junit.jupiter.api.Assertions.assertThrows(Exception.class,
                () -> future.get(5, TimeUnit.SECONDS));
            assertTrue(ex.getCause() instanceof io.tickwire.client.TickwireException, "cause: " + ex.getCause());
            assertEquals(CloseCodes.ROOM_NOT_FOUND, ((io.tickwire.client.TickwireException)ex.getCause()).closeCode());
        }
    }
}
