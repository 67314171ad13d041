package io.tickwire.client;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufHolder;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;

/**
 * First handler of the pipeline: counts the bytes read from and written to the socket into
 * {@link ClientStats}. One per channel (it writes that channel's counters). Thread: the event loop.
 */
final class WireCounter extends ChannelDuplexHandler
{
    private final ClientStats stats;

    WireCounter(final ClientStats stats)
    {
        this.stats = stats;
    }

    @Override
    public void channelRead(final ChannelHandlerContext ctx, final Object msg)
    {
        stats.bytesIn += size(msg);
        ctx.fireChannelRead(msg);
    }

    @Override
    public void write(final ChannelHandlerContext ctx, final Object msg, final ChannelPromise promise)
    {
        stats.bytesOut += size(msg);
        ctx.write(msg, promise);
    }

    private static int size(final Object msg)
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
