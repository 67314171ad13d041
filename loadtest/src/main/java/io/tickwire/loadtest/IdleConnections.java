package io.tickwire.loadtest;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.websocketx.WebSocketClientHandshakerFactory;
import io.netty.handler.codec.http.websocketx.WebSocketClientProtocolHandler;
import io.netty.handler.codec.http.websocketx.WebSocketVersion;
import io.netty.util.ReferenceCountUtil;

import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Opens N WebSocket connections to a server and holds them open without sending anything: what the
 * server keeps per idle connection (measure its heap before and after, e.g. {@code jcmd PID GC.run}
 * then {@code jcmd PID GC.heap_info}). The connections never join, so run the server with a join
 * and idle timeout longer than the hold ({@code --join-timeout-ms}, {@code --idle-timeout-ms}).
 * <p>
 * {@code java -cp loadtest/target/tickwire-loadtest.jar io.tickwire.loadtest.IdleConnections
 * ws://127.0.0.1:7070/ws 5000 60}: URL, connections, seconds to hold them. Prints how many
 * upgraded, then holds; the process exits after the hold.
 * <p>
 * Thread: main opens and waits; one client event loop owns every channel.
 */
public final class IdleConnections
{
    private IdleConnections()
    {
    }

    public static void main(final String[] args) throws Exception
    {
        final URI uri = URI.create(args.length > 0 ? args[0] : "ws://127.0.0.1:7070/ws");
        final int count = args.length > 1 ? Integer.parseInt(args[1]) : 5000;
        final int holdSeconds = args.length > 2 ? Integer.parseInt(args[2]) : 60;
        final EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
        final AtomicInteger upgraded = new AtomicInteger();
        final AtomicInteger closed = new AtomicInteger();
        final CountDownLatch done = new CountDownLatch(count);
        final List<Channel> channels = new ArrayList<>(count);
        try
        {
            final Bootstrap bootstrap = new Bootstrap().group(group).channel(NioSocketChannel.class)
                .handler(new ChannelInitializer<SocketChannel>()
                {
                    @Override
                    protected void initChannel(final SocketChannel ch)
                    {
                        ch.pipeline().addLast(
                            new HttpClientCodec(),
                            new HttpObjectAggregator(8192),
                            new WebSocketClientProtocolHandler(WebSocketClientHandshakerFactory.newHandshaker(
                                uri, WebSocketVersion.V13, null, false, new DefaultHttpHeaders())),
                            new ChannelInboundHandlerAdapter()
                            {
                                @Override
                                public void userEventTriggered(final ChannelHandlerContext ctx, final Object evt)
                                {
                                    if (evt == WebSocketClientProtocolHandler.ClientHandshakeStateEvent.HANDSHAKE_COMPLETE)
                                    {
                                        upgraded.incrementAndGet();
                                        done.countDown();
                                    }
                                    else if (evt ==
                                        WebSocketClientProtocolHandler.ClientHandshakeStateEvent.HANDSHAKE_TIMEOUT)
                                    {
                                        done.countDown();
                                    }
                                }

                                @Override
                                public void channelRead(final ChannelHandlerContext ctx, final Object msg)
                                {
                                    ReferenceCountUtil.release(msg);
                                }

                                @Override
                                public void channelInactive(final ChannelHandlerContext ctx)
                                {
                                    closed.incrementAndGet();
                                }
                            });
                    }
                });
            for (int i = 0; i < count; i++)
            {
                final ChannelFuture connect = bootstrap.connect(uri.getHost(), uri.getPort()).sync();
                channels.add(connect.channel());
                if (i % 500 == 499)
                {
                    // Let the server's accept backlog drain.
                    Thread.sleep(50);
                }
            }
            done.await(60, TimeUnit.SECONDS);
            System.out.printf("idle-connections url=%s asked=%d upgraded=%d closed=%d%n", uri, count, upgraded.get(),
                closed.get());
            System.out.flush();
            Thread.sleep(TimeUnit.SECONDS.toMillis(holdSeconds));
            System.out.printf("idle-connections after hold: open=%d closed=%d%n", count - closed.get(), closed.get());
        }
        finally
        {
            for (final Channel channel : channels)
            {
                channel.close();
            }
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
        }
    }
}
