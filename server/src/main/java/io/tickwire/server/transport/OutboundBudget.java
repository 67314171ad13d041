package io.tickwire.server.transport;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufHolder;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOutboundBuffer;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import io.netty.channel.ChannelPromise;
import io.netty.util.ReferenceCountUtil;
import io.tickwire.protocol.CloseCodes;

/**
 * The one bound on what the server queues for a connection: every byte written to the channel
 * (snapshots, messages, {@code Welcome}, {@code Error}, pongs, close frames, HTTP responses) passes
 * here on its way to the socket. A write that would take the bytes queued for the socket past
 * {@code maxOutboundBytes} is refused (released, its promise failed), counted, and the connection
 * is closed at once: with the budget spent, not even a close frame can be queued. Droppable frames
 * never get this far on an unwritable channel (their producers drop them at the high-water mark),
 * so this fires only for a client that keeps asking for replies it does not read.
 * <p>
 * Placed between TLS and the HTTP codec, so it sees plaintext WebSocket bytes; the TLS handler's own
 * queue counts towards the channel's pending bytes. {@link Sharable}: stateless per channel.
 */
@ChannelHandler.Sharable
final class OutboundBudget extends ChannelOutboundHandlerAdapter
{
    private static final Exception OVER_BUDGET = new java.io.IOException("outbound budget exceeded")
    {
        @Override
        public synchronized Throwable fillInStackTrace()
        {
            return this;
        }
    };

    private final long maxOutboundBytes;
    private final TransportCounters counters;

    OutboundBudget(final long maxOutboundBytes, final TransportCounters counters)
    {
        this.maxOutboundBytes = maxOutboundBytes;
        this.counters = counters;
    }

    @Override
    public void write(final ChannelHandlerContext ctx, final Object msg, final ChannelPromise promise)
    {
        final ChannelOutboundBuffer buffer = ctx.channel().unsafe().outboundBuffer();
        final long pending = buffer == null ? 0 : buffer.totalPendingWriteBytes();
        final long size = sizeOf(msg);
        if (pending + size <= maxOutboundBytes || size == 0)
        {
            ctx.write(msg, promise);
            return;
        }
        ReferenceCountUtil.release(msg);
        promise.tryFailure(OVER_BUDGET);
        counters.outboundBudgetCloses.increment();
        // Looked up only here, on the way out: a channel attribute would cost every connection an entry.
        final ClientFrameHandler handler = ctx.pipeline().get(ClientFrameHandler.class);
        final Session session = handler == null ? null : handler.session();
        final String reason = "outbound budget exceeded: pending=" + pending + ", write=" + size +
            ", maxOutboundBytes=" + maxOutboundBytes;
        if (session != null)
        {
            session.abort(CloseCodes.SLOW_CONSUMER, reason);
        }
        else
        {
            ctx.close();
        }
    }

    private static long sizeOf(final Object msg)
    {
        if (msg instanceof ByteBuf)
        {
            return ((ByteBuf)msg).readableBytes();
        }
        if (msg instanceof ByteBufHolder)
        {
            return ((ByteBufHolder)msg).content().readableBytes();
        }
        return 0;
    }
}
