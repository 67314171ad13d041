package io.tickwire.server.transport;

import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * First in the pipeline: refuses a TCP connection beyond the total limit or beyond the limit per
 * remote address by closing it at once, before any byte is read (a process that opens hundreds
 * of idle sockets cannot hold more than its share). Counted in {@link TransportCounters}.
 * {@link Sharable}; its maps are thread-safe; runs on every event loop.
 */
@ChannelHandler.Sharable
public final class ConnectionLimiter extends ChannelInboundHandlerAdapter
{
    private static final Logger LOG = LoggerFactory.getLogger(ConnectionLimiter.class);

    private final int maxConnections;
    private final int maxPerAddress;
    private final TransportCounters counters;
    private final AtomicInteger total = new AtomicInteger();
    private final ConcurrentHashMap<InetAddress, AtomicInteger> perAddress = new ConcurrentHashMap<>();
    private final ChannelFutureListener releaseOnClose = future -> release(future.channel());

    /**
     * @param maxConnections most open connections.
     * @param maxPerAddress  most open connections from one remote address.
     * @param counters       where refusals are counted.
     */
    public ConnectionLimiter(final int maxConnections, final int maxPerAddress, final TransportCounters counters)
    {
        this.maxConnections = maxConnections;
        this.maxPerAddress = maxPerAddress;
        this.counters = counters;
    }

    @Override
    public void channelActive(final ChannelHandlerContext ctx) throws Exception
    {
        final InetAddress address = ((InetSocketAddress)ctx.channel().remoteAddress()).getAddress();
        if (total.incrementAndGet() > maxConnections)
        {
            total.decrementAndGet();
            counters.connectionsRefusedTotal.increment();
            LOG.warn("connection refused: remote={} reason=\"server at maxConnections={}\"", address, maxConnections);
            ctx.close();
            return;
        }
        final AtomicInteger count = perAddress.computeIfAbsent(address, a -> new AtomicInteger());
        if (count.incrementAndGet() > maxPerAddress)
        {
            count.decrementAndGet();
            total.decrementAndGet();
            counters.connectionsRefusedPerAddress.increment();
            LOG.warn("connection refused: remote={} reason=\"address at maxConnectionsPerAddress={}\"",
                address, maxPerAddress);
            ctx.close();
            return;
        }
        ctx.pipeline().remove(this);
        // One listener for every channel, not a lambda capturing the address per connection: the channel
        // keeps the remote address it was accepted with (read above, so cached) after it closes.
        ctx.channel().closeFuture().addListener(releaseOnClose);
        super.channelActive(ctx);
    }

    private void release(final Channel channel)
    {
        total.decrementAndGet();
        final SocketAddress remote = channel.remoteAddress();
        if (remote instanceof InetSocketAddress)
        {
            perAddress.computeIfPresent(((InetSocketAddress)remote).getAddress(),
                (a, count) -> count.decrementAndGet() <= 0 ? null : count);
        }
    }

    /**
     * @return open connections counted.
     */
    public int openConnections()
    {
        return total.get();
    }
}
