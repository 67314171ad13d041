package io.tickwire.server.transport;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.websocketx.PingWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PongWebSocketFrame;
import io.tickwire.protocol.CloseCodes;

/**
 * Answers WebSocket pings instead of Netty's protocol handler, which queues a pong for every ping
 * whether or not the client reads: pings share the session's ping budget with protobuf {@code Ping}
 * messages; a ping over the rate, or on a connection that is not writable, gets no pong (dropped
 * and counted); sustained abuse closes with 1008. Sits between the WebSocket frame decoder and the
 * protocol handler, so pings never reach the latter.
 * <p>
 * Thread: the channels' event loops. Stateless: one instance for every channel.
 */
@io.netty.channel.ChannelHandler.Sharable
final class PingGuard extends ChannelInboundHandlerAdapter
{
    private final TransportCounters counters;

    PingGuard(final TransportCounters counters)
    {
        this.counters = counters;
    }

    @Override
    public void channelRead(final ChannelHandlerContext ctx, final Object msg) throws Exception
    {
        if (!(msg instanceof PingWebSocketFrame))
        {
            super.channelRead(ctx, msg);
            return;
        }
        final PingWebSocketFrame ping = (PingWebSocketFrame)msg;
        final Session session = ctx.channel().attr(Session.KEY).get();
        if (session != null)
        {
            session.onFrameRead(System.nanoTime());
        }
        if (session == null || session.isClosing() || !allow(session))
        {
            ping.release();
            return;
        }
        if (!ctx.channel().isWritable())
        {
            counters.outboundDropped.increment();
            ping.release();
            return;
        }
        ctx.writeAndFlush(new PongWebSocketFrame(ping.content()), ctx.voidPromise());
    }

    /**
     * Take one token of the session's ping budget; closes the session when it abuses it.
     *
     * @return true when the ping may be answered.
     */
    static boolean allow(final Session session, final TransportCounters counters)
    {
        final RateLimiter limiter = session.pingLimiter();
        switch (limiter.acquire(System.nanoTime()))
        {
            case RateLimiter.ALLOWED:
                return true;
            case RateLimiter.ABUSIVE:
                counters.badFrames.increment();
                session.closeWith(CloseCodes.POLICY_VIOLATION, "ping rate exceeded for " +
                    RateLimiter.ABUSE_WINDOWS + " s: maxPingsPerSecond=" + limiter.ratePerSecond());
                return false;
            default:
                counters.pingsRateLimited.increment();
                return false;
        }
    }

    private boolean allow(final Session session)
    {
        return allow(session, counters);
    }
}
