package io.tickwire.server.transport;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.TooLongFrameException;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.ContinuationWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PingWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PongWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketFrameAggregator;
import io.netty.handler.codec.http.websocketx.WebSocketServerHandshaker;
import io.netty.handler.codec.http.websocketx.WebSocketServerHandshaker13;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolHandler;
import io.netty.util.AttributeKey;
import org.junit.jupiter.api.Test;

import java.lang.reflect.Field;
import java.nio.channels.ClosedChannelException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What the frame handler does in place of Netty's protocol handler once the handshake completed, on an
 * {@link EmbeddedChannel}: the protocol handler and its handshaker go, closes are answered once, writes
 * after a close are refused, and a frame aggregator appears only for a fragmented message.
 */
class UpgradedWebSocketHandlerTest
{
    private static final int MAX_MESSAGE_LENGTH = 64;

    private final List<WebSocketFrame> messages = new ArrayList<>();
    private final List<WebSocketFrame> pings = new ArrayList<>();
    private final List<Throwable> errors = new ArrayList<>();

    private final class Recording extends UpgradedWebSocketHandler
    {
        private int opened;

        Recording()
        {
            super(MAX_MESSAGE_LENGTH);
        }

        @Override
        protected void onOpen(final ChannelHandlerContext ctx)
        {
            opened++;
        }

        @Override
        protected void onPing(final ChannelHandlerContext ctx, final PingWebSocketFrame ping)
        {
            pings.add(ping);
        }

        @Override
        protected void onMessage(final ChannelHandlerContext ctx, final WebSocketFrame frame)
        {
            messages.add(frame);
        }

        @Override
        protected boolean aggregates(final WebSocketFrame first)
        {
            return first instanceof BinaryWebSocketFrame;
        }

        @Override
        public void exceptionCaught(final ChannelHandlerContext ctx, final Throwable cause)
        {
            errors.add(cause);
        }
    }

    private static WebSocketServerProtocolHandler.HandshakeComplete handshakeComplete()
    {
        return new WebSocketServerProtocolHandler.HandshakeComplete("/ws", new DefaultHttpHeaders(), null);
    }

    private static ByteBuf bytes(final String text)
    {
        return Unpooled.copiedBuffer(text, StandardCharsets.UTF_8);
    }

    private EmbeddedChannel open(final Recording handler)
    {
        final EmbeddedChannel ch = new EmbeddedChannel(handler);
        ch.pipeline().fireUserEventTriggered(handshakeComplete());
        return ch;
    }

    @SuppressWarnings("unchecked")
    @Test
    void shouldRemoveNettysProtocolHandlerAndItsHandshakerWhenTheHandshakeCompletes() throws Exception
    {
        final Recording handler = new Recording();
        final EmbeddedChannel ch = new EmbeddedChannel();
        ch.pipeline().addLast("websocket", new WebSocketServerProtocolHandler(
            ServerChannelInitializer.webSocketProtocolConfig("/ws", MAX_MESSAGE_LENGTH, 1000, false)));
        ch.pipeline().addLast("tickwire", handler);
        // Netty's handshake handler, which Netty's handler added in front of itself, leaves at the handshake.
        ch.pipeline().remove("io.netty.handler.codec.http.websocketx.WebSocketServerProtocolHandshakeHandler");
        // Netty's own key, read from its class: the test fails should Netty rename it.
        final Field keyField = WebSocketServerProtocolHandler.class.getDeclaredField("HANDSHAKER_ATTR_KEY");
        keyField.setAccessible(true);
        final AttributeKey<WebSocketServerHandshaker> nettyKey = (AttributeKey<WebSocketServerHandshaker>)keyField.get(null);
        assertSame(nettyKey, UpgradedWebSocketHandler.NETTY_HANDSHAKER);
        ch.attr(nettyKey).set(new WebSocketServerHandshaker13("ws://localhost/ws", null,
            ServerChannelInitializer.webSocketProtocolConfig("/ws", MAX_MESSAGE_LENGTH, 1000, false).decoderConfig()));

        ch.writeInbound(new BinaryWebSocketFrame(bytes("early")));
        assertTrue(messages.isEmpty(), "frames before the handshake completed are not handed on");

        ch.pipeline().fireUserEventTriggered(handshakeComplete());
        assertEquals(1, handler.opened);
        assertTrue(handler.isOpen());
        assertNull(ch.pipeline().get(WebSocketServerProtocolHandler.class));
        assertFalse(ch.hasAttr(nettyKey), "the handshaker attribute is gone, not only emptied");
        assertEquals(List.of("tickwire"), ch.pipeline().names().stream()
            .filter(name -> !name.startsWith("DefaultChannelPipeline$")).toList());
        assertFalse(ch.finish());
    }

    @Test
    void shouldAnswerACloseWithTheSameFrameAndCloseTcp()
    {
        final EmbeddedChannel ch = open(new Recording());
        ch.writeInbound(new CloseWebSocketFrame(4321, "bye"));
        final CloseWebSocketFrame answer = ch.readOutbound();
        assertEquals(4321, answer.statusCode());
        assertEquals("bye", answer.reasonText());
        answer.release();
        assertFalse(ch.isActive(), "TCP closes once the answer is written");
        assertFalse(ch.finish());
    }

    @Test
    void shouldCloseWithoutASecondCloseFrameWhenTheClientAnswersOurs()
    {
        final EmbeddedChannel ch = open(new Recording());
        ch.writeAndFlush(new CloseWebSocketFrame(1003, "text"));
        final CloseWebSocketFrame ours = ch.readOutbound();
        assertEquals(1003, ours.statusCode());
        ours.release();
        assertTrue(ch.isActive());

        final CloseWebSocketFrame reply = new CloseWebSocketFrame(1003, "");
        ch.writeInbound(reply);
        assertEquals(0, reply.refCnt());
        assertNull(ch.readOutbound(), "no second close frame");
        assertFalse(ch.isActive());
        assertFalse(ch.finish());
    }

    @Test
    void shouldRefuseWritesAfterACloseFrame()
    {
        final EmbeddedChannel ch = open(new Recording());
        ch.writeAndFlush(new CloseWebSocketFrame(1000, ""));
        ((CloseWebSocketFrame)ch.readOutbound()).release();

        final BinaryWebSocketFrame late = new BinaryWebSocketFrame(bytes("late"));
        final ChannelFuture write = ch.writeAndFlush(late);
        assertInstanceOf(ClosedChannelException.class, write.cause());
        assertEquals(0, late.refCnt(), "released");
        assertNull(ch.readOutbound());
        assertFalse(ch.finish());
    }

    @Test
    void shouldDropPongsAndHandPingsOn()
    {
        final EmbeddedChannel ch = open(new Recording());
        final PongWebSocketFrame pong = new PongWebSocketFrame(bytes("p"));
        ch.writeInbound(pong);
        assertEquals(0, pong.refCnt());
        ch.writeInbound(new PingWebSocketFrame(bytes("q")));
        assertEquals(1, pings.size());
        pings.get(0).release();
        assertTrue(messages.isEmpty());
        assertFalse(ch.finish());
    }

    @Test
    void shouldAddTheAggregatorOnlyForAFragmentedMessage()
    {
        final EmbeddedChannel ch = open(new Recording());
        ch.writeInbound(new BinaryWebSocketFrame(bytes("whole")));
        assertNull(ch.pipeline().get(UpgradedWebSocketHandler.FRAME_AGGREGATOR), "a whole message needs none");
        assertEquals("whole", messages.remove(0).content().toString(StandardCharsets.UTF_8));

        ch.writeInbound(new BinaryWebSocketFrame(false, 0, bytes("fra")));
        assertInstanceOf(WebSocketFrameAggregator.class, ch.pipeline().get(UpgradedWebSocketHandler.FRAME_AGGREGATOR));
        assertTrue(messages.isEmpty(), "the first fragment went to the aggregator");
        ch.writeInbound(new ContinuationWebSocketFrame(false, 0, bytes("gm")));
        ch.writeInbound(new ContinuationWebSocketFrame(true, 0, bytes("ents")));
        assertEquals(1, messages.size());
        final WebSocketFrame whole = messages.remove(0);
        assertInstanceOf(BinaryWebSocketFrame.class, whole);
        assertTrue(whole.isFinalFragment());
        assertEquals("fragments", whole.content().toString(StandardCharsets.UTF_8));
        whole.release();

        ch.writeInbound(new BinaryWebSocketFrame(bytes("again")));
        assertEquals("again", messages.get(0).content().toString(StandardCharsets.UTF_8));
        messages.remove(0).release();
        assertFalse(ch.finish());
    }

    @Test
    void shouldBoundAFragmentedMessageByTheMessageLength()
    {
        final EmbeddedChannel ch = open(new Recording());
        ch.writeInbound(new BinaryWebSocketFrame(false, 0, Unpooled.wrappedBuffer(new byte[MAX_MESSAGE_LENGTH])));
        ch.writeInbound(new ContinuationWebSocketFrame(true, 0, Unpooled.wrappedBuffer(new byte[1])));
        assertTrue(messages.isEmpty());
        assertEquals(1, errors.size());
        assertInstanceOf(TooLongFrameException.class, errors.get(0));
        ch.finishAndReleaseAll();
    }

    @Test
    void shouldHandADeclinedFirstFragmentOnAtOnce()
    {
        final EmbeddedChannel ch = open(new Recording());
        ch.writeInbound(new TextWebSocketFrame(false, 0, "he"));
        assertNull(ch.pipeline().get(UpgradedWebSocketHandler.FRAME_AGGREGATOR));
        assertEquals(1, messages.size());
        final WebSocketFrame first = messages.remove(0);
        assertInstanceOf(TextWebSocketFrame.class, first);
        assertFalse(first.isFinalFragment());
        first.release();
        assertFalse(ch.finish());
    }
}
