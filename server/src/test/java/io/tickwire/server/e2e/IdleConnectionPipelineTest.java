package io.tickwire.server.e2e;

import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.ContinuationWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PingWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.tickwire.protocol.CloseCodes;
import io.tickwire.protocol.v1.ServerMessage;
import io.tickwire.server.ServerOptions;
import io.tickwire.server.TickwireServer;
import io.tickwire.server.game.arena.ArenaGame;
import io.tickwire.server.support.Await;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Issue #12, heap per idle connection: an open WebSocket keeps only the handlers it uses, and what the
 * handlers that left did is still done, by the real server against a Netty client: fragments are
 * reassembled (the aggregator appears on demand), pings answered, closes answered once.
 */
@Timeout(60)
class IdleConnectionPipelineTest
{
    private TickwireServer server;

    @AfterEach
    void tearDown()
    {
        if (server != null)
        {
            server.close();
        }
    }

    private void start(final ServerOptions.Builder builder)
    {
        server = TickwireServer.start(builder.host("127.0.0.1").port(0).adminPort(-1).roomLoops(1)
            .roomType(ArenaGame.TYPE, ArenaGame.factory(ArenaGame.DEFAULT_NPC_COUNT)).build());
    }

    private List<String> serverPipeline() throws Exception
    {
        Await.awaitTrue(() -> server.sessions().size() == 1, "session registered");
        return server.sessions().sessions().iterator().next().channel().pipeline().names();
    }

    @Test
    void shouldKeepOnlyTheBudgetTheCodecAndTheFrameHandlerOnAnOpenWebSocket() throws Exception
    {
        start(ServerOptions.builder());
        try (RawWebSocketClient client = RawWebSocketClient.connect(server.webSocketUri()))
        {
            final List<String> names = serverPipeline();
            assertEquals(List.of("outbound-budget", "wsencoder", "wsdecoder", "tickwire"),
                names.subList(0, names.size() - 1), names.toString());
            assertTrue(client.isOpen());
        }
    }

    @Test
    void shouldReassembleAFragmentedJoinWithAnAggregatorAddedForIt() throws Exception
    {
        start(ServerOptions.builder());
        try (RawWebSocketClient client = RawWebSocketClient.connect(server.webSocketUri()))
        {
            assertTrue(!serverPipeline().contains("frame-aggregator"));
            final byte[] join = Joins.arena();
            final int half = join.length / 2;
            client.send(new BinaryWebSocketFrame(false, 0, Unpooled.wrappedBuffer(Arrays.copyOf(join, half))));
            client.send(new ContinuationWebSocketFrame(true, 0,
                Unpooled.wrappedBuffer(Arrays.copyOfRange(join, half, join.length))));
            client.awaitMessage(ServerMessage::hasWelcome);
            assertTrue(serverPipeline().contains("frame-aggregator"), serverPipeline().toString());
            // Whole messages still pass the aggregator untouched.
            client.send(new PingWebSocketFrame(Unpooled.wrappedBuffer(new byte[]{ 7 })));
            Await.awaitTrue(() -> client.pongs().size() == 1, "pong");
            assertTrue(client.isOpen());
        }
    }

    @Test
    void shouldAnswerAPingWithItsPayloadBeforeTheJoin() throws Exception
    {
        start(ServerOptions.builder());
        try (RawWebSocketClient client = RawWebSocketClient.connect(server.webSocketUri()))
        {
            serverPipeline();
            client.send(new PingWebSocketFrame(Unpooled.wrappedBuffer(new byte[]{ 1, 2, 3 })));
            Await.awaitTrue(() -> client.pongs().size() == 1, "pong");
            assertArrayEquals(new byte[]{ 1, 2, 3 }, client.pongs().get(0));
        }
    }

    @Test
    void shouldRefuseAFragmentedTextMessageAtItsFirstFragment() throws Exception
    {
        start(ServerOptions.builder());
        try (RawWebSocketClient client = RawWebSocketClient.connect(server.webSocketUri()))
        {
            serverPipeline();
            client.send(new TextWebSocketFrame(false, 0, "he"));
            assertEquals(CloseCodes.UNSUPPORTED_DATA, client.awaitCloseCode());
            assertTrue(!serverPipeline().contains("frame-aggregator"));
        }
    }

    @Test
    void shouldEchoAClientCloseAndCloseTcp() throws Exception
    {
        start(ServerOptions.builder());
        try (RawWebSocketClient client = RawWebSocketClient.connect(server.webSocketUri()))
        {
            serverPipeline();
            client.send(new CloseWebSocketFrame(4321, "bye"));
            assertEquals(4321, client.awaitCloseCode());
            assertEquals("bye", client.awaitCloseReason());
            assertTrue(client.channel().closeFuture().await(5, TimeUnit.SECONDS), "server closed TCP");
            assertEquals(1, client.closeFrames());
        }
    }

    @Test
    void shouldCloseTcpAtOnceWithoutASecondCloseFrameWhenTheClientAnswersTheServersClose() throws Exception
    {
        start(ServerOptions.builder().closeGraceMs(10_000));
        try (RawWebSocketClient client = RawWebSocketClient.connect(server.webSocketUri()))
        {
            serverPipeline();
            client.send(new TextWebSocketFrame("refused"));
            assertEquals(CloseCodes.UNSUPPORTED_DATA, client.awaitCloseCode());
            final long start = System.nanoTime();
            client.send(new CloseWebSocketFrame(CloseCodes.UNSUPPORTED_DATA, ""));
            final Channel channel = client.channel();
            assertTrue(channel.closeFuture().await(5, TimeUnit.SECONDS), "server closed TCP");
            final long tookMs = (System.nanoTime() - start) / 1_000_000;
            assertTrue(tookMs < 5_000, "closed on the answer, not after the 10 s grace: " + tookMs + " ms");
            assertEquals(1, client.closeFrames(), "one close frame from the server");
        }
    }
}
