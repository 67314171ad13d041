package io.tickwire.server.transport;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.util.concurrent.ScheduledFuture;

import java.util.concurrent.TimeUnit;

/**
 * Closes a connection whose WebSocket handshake has not completed within the handshake timeout,
 * counted from the moment the TCP connection opened. Netty's own handshake timeout starts only
 * once the upgrade request has been read, so a client that dribbles the request a byte at a time
 * (slowloris) would otherwise hold the socket forever. It sits before the WebSocket handler, which
 * fires {@code HandshakeComplete} only to the handlers after it, so the frame handler removes this
 * one by name ({@link #NAME}) when the handshake completes; removal cancels the deadline.
 * One instance per channel; runs on its event loop.
 */
final class HandshakeDeadline extends ChannelInboundHandlerAdapter
{
    /** Pipeline name. */
    static final String NAME = "handshake-deadline";

    private final long timeoutMs;
    private final TransportCounters counters;
    private ScheduledFuture<?> deadline;

    HandshakeDeadline(final long timeoutMs, final TransportCounters counters)
    {
        this.timeoutMs = timeoutMs;
        this.counters = counters;
    }

    @Override
    public void channelActive(final ChannelHandlerContext ctx) throws Exception
    {
        deadline = ctx.executor().schedule(() ->
        {
            counters.handshakeTimeouts.increment();
            ctx.close();
        }, timeoutMs, TimeUnit.MILLISECONDS);
        super.channelActive(ctx);
    }

    @Override
    public void handlerRemoved(final ChannelHandlerContext ctx)
    {
        cancel();
    }

    @Override
    public void channelInactive(final ChannelHandlerContext ctx) throws Exception
    {
        cancel();
        super.channelInactive(ctx);
    }

    private void cancel()
    {
        if (deadline != null)
        {
            deadline.cancel(false);
            deadline = null;
        }
    }
}
