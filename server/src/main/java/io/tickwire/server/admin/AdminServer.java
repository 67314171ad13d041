package io.tickwire.server.admin;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.timeout.ReadTimeoutHandler;
import io.netty.util.concurrent.DefaultThreadFactory;

import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;

/**
 * The admin HTTP server on its own port and its own single event-loop thread, so that scrapes and
 * operator requests never take time from game I/O or room loops.
 */
public final class AdminServer implements AutoCloseable
{
    private static final int MAX_REQUEST_BYTES = 16 * 1024;
    private static final int IDLE_TIMEOUT_SECONDS = 30;

    private final EventLoopGroup group;
    private final Channel channel;

    private AdminServer(final Channel channel, final EventLoopGroup group)
    {
        this.channel = channel;
        this.group = group;
    }

    /**
     * Bind the admin port.
     *
     * @param api   the server.
     * @param host  bind address.
     * @param port  port, 0 for ephemeral.
     * @param token admin token for mutating requests, or null to disable them.
     * @return the running admin server.
     * @throws IllegalStateException when the port cannot be bound.
     */
    public static AdminServer start(final AdminApi api, final String host, final int port, final String token)
    {
        final AdminHandler handler = new AdminHandler(api, token);
        final AdminRequestGuard guard = new AdminRequestGuard();
        final EventLoopGroup group =
            new MultiThreadIoEventLoopGroup(1, new DefaultThreadFactory("tickwire-admin"), NioIoHandler.newFactory());
        try
        {
            final Channel channel = new ServerBootstrap()
                .group(group)
                .channel(NioServerSocketChannel.class)
                .childHandler(new ChannelInitializer<SocketChannel>()
                {
                    @Override
                    protected void initChannel(final SocketChannel ch)
                    {
                        ch.pipeline().addLast(
                            new ReadTimeoutHandler(IDLE_TIMEOUT_SECONDS),
                            new HttpServerCodec(),
                            new HttpObjectAggregator(MAX_REQUEST_BYTES),
                            guard,
                            handler);
                    }
                })
                .bind(host, port).sync().channel();
            return new AdminServer(channel, group);
        }
        catch (final InterruptedException ex)
        {
            group.shutdownGracefully(0, 0, TimeUnit.MILLISECONDS);
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while binding admin port", ex);
        }
        catch (final Exception ex)
        {
            group.shutdownGracefully(0, 0, TimeUnit.MILLISECONDS);
            throw new IllegalStateException("cannot bind admin port: host=" + host + ", port=" + port + ": " +
                ex.getMessage(), ex);
        }
    }

    /**
     * @return the bound port.
     */
    public int port()
    {
        return ((InetSocketAddress)channel.localAddress()).getPort();
    }

    @Override
    public void close()
    {
        channel.close().awaitUninterruptibly();
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly();
    }
}
