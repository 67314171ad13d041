package io.tickwire.server.transport;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.websocketx.PingWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PongWebSocketFrame;
import io.tickwire.protocol.CloseCodes;

/**
 * WebSocket pings, answered instead of by Netty's protocol handler, which queues a pong for every ping
 * whether or not the client reads: pings share the session's ping budget with protobuf {@code Ping}
 * messages; a ping over the rate, or on a connection that is not writable, gets no pong (dropped
 * and counted); sustained abuse closes with 1008.
 * <p>
 * On an open connection {@link ClientFrameHandler} answers them through {@link #answer}. As a handler,
 * this sits in front of Netty's protocol handler until the handshake completes and drops the pings that
 * arrive before it (there is no session yet, so no budget); {@link ClientFrameHandler} removes it from the
 * pipeline ({@link #NAME}) along with Netty's handler when the handshake completes.
 * <p>
 * Thread: the channels' event loops. Stateless: one instance for every channel.
 */
@io.netty.channel.ChannelHandler.Sharable
final class PingGuard extends ChannelInboundHandlerAdapter
{
    /** Pipeline name. */
    static final String NAME = "ping-guard";

    @Override
    public void channelRead(final ChannelHandlerContext ctx, final Object msg) throws Exception
    {
        if (msg instanceof PingWebSocketFrame)
        {
            ((PingWebSocketFrame)msg).release();
            return;
        }
        super.channelRead(ctx, msg);
    }

    /**
     * Answer a ping of an open session, or drop it: over the budget, closing, or not writable. Takes
     * ownership of the frame.
     *
     * @param ctx      the context to write the pong through.
     * @param ping     the ping.
     * @param session  its session.
     * @param counters where drops are counted.
     */
    static void answer(final ChannelHandlerContext ctx, final PingWebSocketFrame ping, final Session session,
        final TransportCounters counters)
    {
        session.onFrameRead(System.nanoTime());
        if (session.isClosing() || !allow(session, counters))
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
}
