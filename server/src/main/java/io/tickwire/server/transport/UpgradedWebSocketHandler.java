package io.tickwire.server.transport;

import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PingWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PongWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketFrameAggregator;
import io.netty.handler.codec.http.websocketx.WebSocketServerHandshaker;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolHandler;
import io.netty.util.AttributeKey;
import io.netty.util.ReferenceCountUtil;

import java.nio.channels.ClosedChannelException;

/**
 * The last handler of a WebSocket connection, which once the handshake has completed also does what
 * Netty's {@link WebSocketServerProtocolHandler} does for an open connection, so that an open WebSocket
 * carries neither that handler, nor its handshaker (a channel attribute holding the request's URL), nor a
 * {@link WebSocketFrameAggregator} until a message actually arrives in fragments (issue #12: heap per idle
 * connection).
 * <p>
 * Until {@link WebSocketServerProtocolHandler.HandshakeComplete} Netty's handler runs the handshake as
 * before (its timeout, 400 for a bad upgrade); WebSocket frames that reach this handler before then are
 * released unread. When the handshake completes this handler removes Netty's, drops its handshaker
 * attribute, calls {@link #onOpen}, and from then on:
 * <ul>
 *   <li>answers a close frame with the same frame (status code and reason, as Netty's
 *   {@code WebSocketServerHandshaker.close} does) and closes TCP once it is written; after a close frame of
 *   its own it closes TCP without sending a second one (RFC 6455 5.5.1);</li>
 *   <li>drops pongs (Netty's {@code dropPongFrames}) and hands pings to {@link #onPing};</li>
 *   <li>when the first fragment of a text or binary message arrives and {@link #aggregates} takes it, puts a
 *   {@link WebSocketFrameAggregator} bounded by {@code maxMessageLength} right in front of itself, named
 *   {@link #FRAME_AGGREGATOR}, and hands it that fragment; the aggregator stays for the connection's later
 *   messages. A message too long for it is a {@code TooLongFrameException} to {@link #exceptionCaught};</li>
 *   <li>hands every other frame (whole messages, a first fragment {@link #aggregates} declined, a
 *   continuation without a start) to {@link #onMessage};</li>
 *   <li>refuses every write after a close frame was written through it: the message is released and the
 *   promise failed with a {@link ClosedChannelException}, as Netty's handler does.</li>
 * </ul>
 * Netty's frame decoder has already refused what RFC 6455 forbids (control frames that are fragmented or
 * too long, a new message inside a fragmented one, a continuation without a start, bad close bodies), so
 * none of that reaches here. Messages that are not WebSocket frames (HTTP requests before the upgrade) pass
 * on unchanged.
 * <p>
 * Thread: the channel's event loop. One instance per channel.
 */
public abstract class UpgradedWebSocketHandler extends ChannelDuplexHandler
{
    /** Pipeline name of the frame aggregator, once a fragmented message made one necessary. */
    public static final String FRAME_AGGREGATOR = "frame-aggregator";

    /** Where Netty's protocol handler keeps the handshaker (the same key: {@link AttributeKey} pools names). */
    static final AttributeKey<WebSocketServerHandshaker> NETTY_HANDSHAKER =
        AttributeKey.valueOf(WebSocketServerHandshaker.class, "HANDSHAKER");

    private static final ClosedChannelException CLOSE_SENT = new ClosedChannelException()
    {
        @Override
        public synchronized Throwable fillInStackTrace()
        {
            return this;
        }
    };

    private final int maxMessageLength;
    private boolean open;
    private boolean closeSent;
    private boolean aggregating;

    /**
     * @param maxMessageLength largest message a fragmented message may add up to (the frame limit).
     */
    protected UpgradedWebSocketHandler(final int maxMessageLength)
    {
        this.maxMessageLength = maxMessageLength;
    }

    /**
     * The handshake completed and Netty's protocol handler is gone: the connection is open.
     *
     * @param ctx this handler's context.
     * @throws Exception passed to {@link #exceptionCaught}.
     */
    protected abstract void onOpen(ChannelHandlerContext ctx) throws Exception;

    /**
     * A ping on an open connection. The receiver owns the frame: it answers with it (a pong of the same
     * content) or releases it.
     *
     * @param ctx  this handler's context.
     * @param ping the ping.
     * @throws Exception passed to {@link #exceptionCaught}.
     */
    protected abstract void onPing(ChannelHandlerContext ctx, PingWebSocketFrame ping) throws Exception;

    /**
     * A data frame on an open connection: a whole message (aggregated or not), or the first fragment of a
     * message {@link #aggregates} declined, or a continuation frame without an aggregator. The receiver
     * owns the frame and releases it (or writes it).
     *
     * @param ctx   this handler's context.
     * @param frame the frame.
     * @throws Exception passed to {@link #exceptionCaught}.
     */
    protected abstract void onMessage(ChannelHandlerContext ctx, WebSocketFrame frame) throws Exception;

    /**
     * Whether the message this fragment starts is worth aggregating; declined, the fragment goes to
     * {@link #onMessage} at once (a server that refuses text refuses it at its first fragment).
     *
     * @param first the first, non-final fragment of a text or binary message.
     * @return true to aggregate it (the default).
     */
    protected boolean aggregates(final WebSocketFrame first)
    {
        return true;
    }

    /**
     * @return true once the handshake has completed.
     */
    protected final boolean isOpen()
    {
        return open;
    }

    @Override
    public void userEventTriggered(final ChannelHandlerContext ctx, final Object evt) throws Exception
    {
        if (evt instanceof WebSocketServerProtocolHandler.HandshakeComplete && !open)
        {
            open = true;
            final ChannelPipeline pipeline = ctx.pipeline();
            final WebSocketServerProtocolHandler netty = pipeline.get(WebSocketServerProtocolHandler.class);
            if (netty != null)
            {
                pipeline.remove(netty);
            }
            removeNettyHandshaker(ctx);
            onOpen(ctx);
        }
        ctx.fireUserEventTriggered(evt);
    }

    // Attribute.remove() is deprecated for its race with a concurrent get; here only the event loop touches
    // it, and it is the one call that gives the attribute's slot back (set(null) keeps the entry).
    @SuppressWarnings("deprecation")
    private static void removeNettyHandshaker(final ChannelHandlerContext ctx)
    {
        if (ctx.channel().hasAttr(NETTY_HANDSHAKER))
        {
            ctx.channel().attr(NETTY_HANDSHAKER).remove();
        }
    }

    @Override
    public void channelRead(final ChannelHandlerContext ctx, final Object msg) throws Exception
    {
        if (!(msg instanceof WebSocketFrame))
        {
            ctx.fireChannelRead(msg);
            return;
        }
        final WebSocketFrame frame = (WebSocketFrame)msg;
        if (!open)
        {
            frame.release();
            return;
        }
        if (frame instanceof CloseWebSocketFrame)
        {
            onCloseFrame(ctx, (CloseWebSocketFrame)frame);
        }
        else if (frame instanceof PingWebSocketFrame)
        {
            onPing(ctx, (PingWebSocketFrame)frame);
        }
        else if (frame instanceof PongWebSocketFrame)
        {
            frame.release();
        }
        else if (!aggregating && !frame.isFinalFragment() &&
            (frame instanceof BinaryWebSocketFrame || frame instanceof TextWebSocketFrame) && aggregates(frame))
        {
            startAggregating(ctx, frame);
        }
        else
        {
            onMessage(ctx, frame);
        }
    }

    /**
     * The first fragmented message: the aggregator goes in front of this handler and gets the fragment it
     * missed, as if it had always been there; it passes the whole message (or a {@code TooLongFrameException})
     * on to this handler.
     */
    private void startAggregating(final ChannelHandlerContext ctx, final WebSocketFrame first) throws Exception
    {
        aggregating = true;
        final WebSocketFrameAggregator aggregator = new WebSocketFrameAggregator(maxMessageLength);
        ctx.pipeline().addBefore(ctx.name(), FRAME_AGGREGATOR, aggregator);
        aggregator.channelRead(ctx.pipeline().context(aggregator), first);
    }

    private void onCloseFrame(final ChannelHandlerContext ctx, final CloseWebSocketFrame close)
    {
        if (closeSent)
        {
            // The client's answer to our close: the closing handshake is complete.
            close.release();
            ctx.close();
            return;
        }
        closeSent = true;
        ctx.writeAndFlush(close).addListener(ChannelFutureListener.CLOSE);
    }

    @Override
    public void write(final ChannelHandlerContext ctx, final Object msg, final ChannelPromise promise)
    {
        if (closeSent)
        {
            ReferenceCountUtil.release(msg);
            promise.tryFailure(CLOSE_SENT);
            return;
        }
        if (msg instanceof CloseWebSocketFrame)
        {
            closeSent = true;
        }
        ctx.write(msg, promise);
    }
}
