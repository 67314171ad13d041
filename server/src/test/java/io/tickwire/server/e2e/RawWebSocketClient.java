package io.tickwire.server.e2e;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketClientHandshakerFactory;
import io.netty.handler.codec.http.websocketx.WebSocketClientProtocolHandler;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketVersion;
import io.tickwire.protocol.v1.ServerMessage;

import java.net.URI;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

/**
 * A bare WebSocket client for tests that must send what the SDK never would: text frames,
 * garbage, messages out of order. Records every {@code ServerMessage} and the close frame.
 */
final class RawWebSocketClient implements AutoCloseable
{
    private final EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    private final List<ServerMessage> messages = new CopyOnWriteArrayList<>();
    private final CompletableFuture<int[]> closeCode = new CompletableFuture<>();
    private final CompletableFuture<String> closeReason = new CompletableFuture<>();
    private final CompletableFuture<Void> handshake = new CompletableFuture<>();
    private final List<byte[]> pongs = new CopyOnWriteArrayList<>();
    private final java.util.concurrent.atomic.AtomicInteger closeFrames = new java.util.concurrent.atomic.AtomicInteger();
    private Channel channel;

    static RawWebSocketClient connect(final URI uri) throws Exception
    {
        return connect(uri, null);
    }

    static RawWebSocketClient connect(final URI uri, final io.netty.handler.ssl.SslContext ssl) throws Exception
    {
        final RawWebSocketClient client = new RawWebSocketClient();
        client.doConnect(uri, ssl, false);
        return client;
    }

    /** Connect offering permessage-deflate: binary frames sent are compressed by Netty's client extension. */
    static RawWebSocketClient connectCompressed(final URI uri) throws Exception
    {
        final RawWebSocketClient client = new RawWebSocketClient();
        client.doConnect(uri, null, true);
        return client;
    }

    private void doConnect(final URI uri, final io.netty.handler.ssl.SslContext ssl, final boolean compression)
        throws Exception
    {
        final WebSocketClientProtocolHandler protocol = new WebSocketClientProtocolHandler(
            WebSocketClientHandshakerFactory.newHandshaker(uri, WebSocketVersion.V13, null, compression,
                new DefaultHttpHeaders(), 1 << 20),
            false, false);
        channel = new Bootstrap().group(group).channel(NioSocketChannel.class)
            .handler(new ChannelInitializer<SocketChannel>()
            {
                @Override
                protected void initChannel(final SocketChannel ch)
                {
                    if (ssl != null)
                    {
                        ch.pipeline().addLast(ssl.newHandler(ch.alloc(), uri.getHost(), uri.getPort()));
                    }
                    ch.pipeline().addLast(new HttpClientCodec(), new HttpObjectAggregator(1 << 16));
                    if (compression)
                    {
                        ch.pipeline().addLast(
                            io.netty.handler.codec.http.websocketx.extensions.compression.WebSocketClientCompressionHandler
                                .INSTANCE);
                    }
                    ch.pipeline().addLast(protocol, new Recorder());
                }
            })
            .connect(uri.getHost(), uri.getPort()).sync().channel();
        handshake.get(5, TimeUnit.SECONDS);
    }

    void send(final WebSocketFrame frame) throws Exception
    {
        channel.writeAndFlush(frame).sync();
    }

    void sendBinary(final byte[] bytes) throws Exception
    {
        send(new BinaryWebSocketFrame(channel.alloc().buffer(bytes.length).writeBytes(bytes)));
    }

    List<ServerMessage> messages()
    {
        return messages;
    }

    /** @return the payloads of the pongs received (the client answers pings itself and does not record them). */
    List<byte[]> pongs()
    {
        return pongs;
    }

    /** @return close frames received. */
    int closeFrames()
    {
        return closeFrames.get();
    }

    /** @return the Netty channel, to wait for its close. */
    Channel channel()
    {
        return channel;
    }

    int awaitCloseCode() throws Exception
    {
        return closeCode.get(5, TimeUnit.SECONDS)[0];
    }

    String awaitCloseReason() throws Exception
    {
        return closeReason.get(5, TimeUnit.SECONDS);
    }

    boolean isOpen()
    {
        return channel.isActive();
    }

    /**
     * Drop the TCP connection without a WebSocket close: what a lost network looks like.
     */
    void dropConnection()
    {
        channel.close().awaitUninterruptibly();
    }

    ServerMessage awaitMessage(final java.util.function.Predicate<ServerMessage> matching) throws Exception
    {
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (System.nanoTime() < deadline)
        {
            for (final ServerMessage m : messages)
            {
                if (matching.test(m))
                {
                    return m;
                }
            }
            Thread.sleep(5);
        }
        throw new AssertionError("no matching message in " + messages.size() + " received");
    }

    @Override
    public void close()
    {
        if (channel != null)
        {
            channel.close().awaitUninterruptibly();
        }
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly();
    }

    private final class Recorder extends SimpleChannelInboundHandler<WebSocketFrame>
    {
        @Override
        public void userEventTriggered(final ChannelHandlerContext ctx, final Object evt) throws Exception
        {
            if (evt == WebSocketClientProtocolHandler.ClientHandshakeStateEvent.HANDSHAKE_COMPLETE)
            {
                handshake.complete(null);
            }
            super.userEventTriggered(ctx, evt);
        }

        @Override
        protected void channelRead0(final ChannelHandlerContext ctx, final WebSocketFrame frame) throws Exception
        {
            if (frame instanceof BinaryWebSocketFrame)
            {
                final ByteBuf content = frame.content();
                messages.add(ServerMessage.parseFrom(ByteBufUtil.getBytes(content)));
            }
            else if (frame instanceof io.netty.handler.codec.http.websocketx.PongWebSocketFrame)
            {
                pongs.add(ByteBufUtil.getBytes(frame.content()));
            }
            else if (frame instanceof CloseWebSocketFrame)
            {
                closeFrames.incrementAndGet();
                final CloseWebSocketFrame close = (CloseWebSocketFrame)frame;
                closeCode.complete(new int[]{ close.statusCode() });
                closeReason.complete(close.reasonText());
            }
        }

        @Override
        public void channelInactive(final ChannelHandlerContext ctx) throws Exception
        {
            closeCode.complete(new int[]{ -1 });
            closeReason.complete("");
            super.channelInactive(ctx);
        }

        @Override
        public void exceptionCaught(final ChannelHandlerContext ctx, final Throwable cause)
        {
            handshake.completeExceptionally(cause);
            ctx.close();
        }
    }
}
