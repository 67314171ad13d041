package io.tickwire.client;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CorruptedWebSocketFrameException;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketClientProtocolHandler.ClientHandshakeStateEvent;
import io.netty.handler.codec.http.websocketx.WebSocketCloseStatus;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import io.netty.util.concurrent.ScheduledFuture;
import io.tickwire.protocol.CloseCodes;

import java.util.concurrent.TimeUnit;

/**
 * One connection of a session, the transport: the last handler of that connection's pipeline. Holds what
 * belongs to that connection only (its channel, handshake and close state, join timeout, silence timer),
 * answers the server's close frame when told to, writes encoded frames, and reports every other event to its
 * {@link Events}, the session's protocol state machine, which ignores the events of links that are no
 * longer current. Frames are released by {@link SimpleChannelInboundHandler}; outbound buffers by the pipeline.
 * <p>
 * Thread: the session's event loop; {@link #attach(Channel)} before the connect completes.
 */
final class Link extends SimpleChannelInboundHandler<WebSocketFrame>
{
    /** {@link #closeCode} before a close code is known. */
    static final int NO_CLOSE_CODE = -1;

    /**
     * What a link reports; implemented by the session's state machine. Thread: the event loop.
     */
    interface Events
    {
        /** The TCP connect failed: the channel never became active. */
        void onConnectFailed(Link link, Throwable cause);

        /** The WebSocket handshake completed: time to send {@code Join}. */
        void onHandshakeComplete(Link link);

        /** The WebSocket handshake did not complete in time. */
        void onHandshakeTimeout(Link link);

        /** A binary frame; the content is released after the call returns. */
        void onBinaryFrame(Link link, ByteBuf content);

        /** A text frame, which the protocol does not use. */
        void onTextFrame(Link link, int lengthBytes);

        /** The server's close frame; {@link Link#answerClose} answers it. */
        void onCloseFrame(Link link, CloseWebSocketFrame frame);

        /** An exception in the pipeline; the link closes the channel after the call. */
        void onException(Link link, Throwable cause);

        /** The channel closed; {@link #closeCode} and {@link #closeReason} say why when known. */
        void onInactive(Link link);

        /** No {@code Welcome} within the join timeout. */
        void onJoinTimeout(Link link);

        /** Nothing read for the silence timeout while welcomed. */
        void onSilence(Link link, long silentNs);
    }

    final boolean resume;
    final int joinTimeoutMs;
    private final Events events;
    private final int silenceTimeoutMs;
    volatile Channel channel;
    ChannelHandlerContext ctx;
    private ScheduledFuture<?> joinTimeout;
    private ScheduledFuture<?> silenceTimer;
    boolean handshakeComplete;
    boolean welcomed;
    boolean closing;
    boolean closeFrameSent;
    private boolean flushPending;
    int closeCode = NO_CLOSE_CODE;
    String closeReason = "";
    private long lastReadNs;

    /**
     * @param events           where this link reports.
     * @param resume           true for a connection that resumes a joined session.
     * @param joinTimeoutMs    bound on the time from channel active to {@code Welcome}.
     * @param silenceTimeoutMs longest silence of a welcomed link before it is closed, 0 for none.
     */
    Link(final Events events, final boolean resume, final int joinTimeoutMs, final int silenceTimeoutMs)
    {
        this.events = events;
        this.resume = resume;
        this.joinTimeoutMs = joinTimeoutMs;
        this.silenceTimeoutMs = silenceTimeoutMs;
    }

    /**
     * Bind the channel being connected (so that a close can reach it before the pipeline exists). Any thread.
     */
    void attach(final Channel channel)
    {
        this.channel = channel;
    }

    /**
     * The TCP connect failed. Thread: the event loop.
     */
    void onConnectFailed(final Throwable cause)
    {
        events.onConnectFailed(this, cause);
    }

    @Override
    public void handlerAdded(final ChannelHandlerContext ctx)
    {
        this.ctx = ctx;
        this.channel = ctx.channel();
    }

    @Override
    public void channelActive(final ChannelHandlerContext ctx)
    {
        lastReadNs = System.nanoTime();
        joinTimeout = ctx.executor().schedule(() -> events.onJoinTimeout(this), joinTimeoutMs, TimeUnit.MILLISECONDS);
        ctx.fireChannelActive();
    }

    @Override
    public void userEventTriggered(final ChannelHandlerContext ctx, final Object evt)
    {
        if (evt == ClientHandshakeStateEvent.HANDSHAKE_COMPLETE)
        {
            handshakeComplete = true;
            events.onHandshakeComplete(this);
        }
        else if (evt == ClientHandshakeStateEvent.HANDSHAKE_TIMEOUT)
        {
            events.onHandshakeTimeout(this);
        }
        ctx.fireUserEventTriggered(evt);
    }

    @Override
    protected void channelRead0(final ChannelHandlerContext ctx, final WebSocketFrame frame)
    {
        lastReadNs = System.nanoTime();
        if (frame instanceof BinaryWebSocketFrame)
        {
            events.onBinaryFrame(this, frame.content());
        }
        else if (frame instanceof TextWebSocketFrame)
        {
            events.onTextFrame(this, frame.content().readableBytes());
        }
        else if (frame instanceof CloseWebSocketFrame)
        {
            events.onCloseFrame(this, (CloseWebSocketFrame)frame);
        }
    }

    @Override
    public void channelReadComplete(final ChannelHandlerContext ctx)
    {
        if (flushPending)
        {
            flush();
        }
        ctx.fireChannelReadComplete();
    }

    @Override
    public void exceptionCaught(final ChannelHandlerContext ctx, final Throwable cause)
    {
        if (cause instanceof CorruptedWebSocketFrameException && closeCode == NO_CLOSE_CODE)
        {
            final WebSocketCloseStatus status = ((CorruptedWebSocketFrameException)cause).closeStatus();
            closeCode = status == null ? CloseCodes.PROTOCOL_ERROR : status.code();
            closeReason = String.valueOf(cause.getMessage());
        }
        events.onException(this, cause);
        ctx.close();
    }

    @Override
    public void channelInactive(final ChannelHandlerContext ctx)
    {
        cancelJoinTimeout();
        if (silenceTimer != null)
        {
            silenceTimer.cancel(false);
            silenceTimer = null;
        }
        events.onInactive(this);
        ctx.fireChannelInactive();
    }

    /**
     * Remember why this link closes, unless a reason is known already.
     */
    void closeCause(final int code, final String reason)
    {
        if (closeCode == NO_CLOSE_CODE)
        {
            closeCode = code;
            closeReason = reason;
        }
    }

    /**
     * @return true while frames may be written: welcomed, not closing, channel active.
     */
    boolean isWritable()
    {
        return welcomed && !closing && channel.isActive();
    }

    /**
     * Write one encoded message as a binary frame, flushed by {@link #flush()} or at the end of the read.
     */
    void write(final ByteBuf encoded)
    {
        ctx.write(new BinaryWebSocketFrame(encoded), ctx.voidPromise());
        flushPending = true;
    }

    void flush()
    {
        flushPending = false;
        ctx.flush();
    }

    /**
     * Send a close frame and close the channel once it is written.
     */
    void sendCloseFrame(final int code, final String reason)
    {
        closeFrameSent = true;
        ctx.writeAndFlush(new CloseWebSocketFrame(code, reason)).addListener(ChannelFutureListener.CLOSE);
    }

    void cancelJoinTimeout()
    {
        if (joinTimeout != null)
        {
            joinTimeout.cancel(false);
            joinTimeout = null;
        }
    }

    void startSilenceTimer()
    {
        if (silenceTimeoutMs > 0 && ctx != null)
        {
            lastReadNs = System.nanoTime();
            silenceTimer = ctx.executor().schedule(this::onSilenceTimer, silenceTimeoutMs, TimeUnit.MILLISECONDS);
        }
    }

    /**
     * Remember the server's close code and reason, echo its close frame (once) and close the channel.
     */
    void answerClose(final CloseWebSocketFrame frame)
    {
        final int code = frame.statusCode();
        final String reason = frame.reasonText();
        closeCause(code == -1 ? WebSocketCloseStatus.EMPTY.code() : code, reason == null ? "" : reason);
        closing = true;
        if (!closeFrameSent && channel.isActive())
        {
            sendCloseFrame(WebSocketCloseStatus.isValidStatusCode(code) ? code : CloseCodes.NORMAL,
                null);
        }
        else
        {
            channel.close();
        }
    }

    private void onSilenceTimer()
    {
        silenceTimer = null;
        if (!channel.isActive())
        {
            return;
        }
        final long timeoutNs = TimeUnit.MILLISECONDS.toNanos(silenceTimeoutMs);
        final long nowNs = System.nanoTime();
        if (!channel.config().isAutoRead())
        {
            // Not reading on purpose: silence is expected; start counting again once reading resumes.
            lastReadNs = nowNs;
        }
        final long silentNs = nowNs - lastReadNs;
        if (silentNs >= timeoutNs)
        {
            events.onSilence(this, silentNs);
            return;
        }
        silenceTimer = ctx.executor().schedule(this::onSilenceTimer, timeoutNs - silentNs, TimeUnit.NANOSECONDS);
    }

    @Override
    public String toString()
    {
        return "Link{resume=" + resume + ", welcomed=" + welcomed + ", channel=" + channel + '}';
    }
}
