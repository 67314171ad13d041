package io.tickwire.testsuite.autobahn;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.TooLongFrameException;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PingWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PongWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketCloseStatus;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolConfig;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolHandler;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.tickwire.server.transport.ServerChannelInitializer;
import io.tickwire.server.transport.UpgradedWebSocketHandler;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.concurrent.TimeUnit;

/**
 * The echo server Autobahn|Testsuite's fuzzingclient drives: exactly the Tickwire server's WebSocket
 * layer, from {@link ServerChannelInitializer#webSocketProtocolConfig}, in the same pipeline order
 * ({@code HttpServerCodec}, {@code HttpObjectAggregator}, {@code WebSocketServerProtocolHandler} for the
 * handshake), with an echo handler where the server has its frame handler. Both are an
 * {@link UpgradedWebSocketHandler}: after the handshake it answers close frames and pings in place of
 * Netty's protocol handler and adds the {@code WebSocketFrameAggregator} at the first fragmented message,
 * so Autobahn's close, ping and fragmentation cases run through the server's own code.
 * <p>
 * Three differences from the production server, all forced by what Autobahn tests:
 * <ul>
 * <li>the frame and message limit is {@link #MAX_MESSAGE_LENGTH} (16 MiB) instead of the server's
 * default 4096 bytes, so that the large-message cases (9.*) can pass; a smaller limit answers them
 * with 1009, which Autobahn counts as failed;</li>
 * <li>text and binary messages are echoed, where the server closes text with 1003 and parses binary
 * as {@code ClientMessage};</li>
 * <li>so text is validated as UTF-8 (Netty's {@code Utf8FrameValidator}, 1007), which the server, refusing
 * all text, leaves out; and pings are answered without the server's ping budget.</li>
 * </ul>
 * Threads: Netty event loops (daemon threads, so the Maven JVM running the plugin can exit).
 */
public final class AutobahnEchoServer implements AutoCloseable
{
    /** Largest frame and reassembled message: Autobahn's biggest case (9.1.6, 9.2.6) sends 16 MiB. */
    public static final int MAX_MESSAGE_LENGTH = 16 * 1024 * 1024;
    /** Handshake deadline, as generous as the server's default. */
    public static final long HANDSHAKE_TIMEOUT_MS = 10_000;
    /** WebSocket path; the fuzzingclient connects to "ws://host:port" and so asks for "/". */
    public static final String PATH = "/";

    private static final int MAX_HTTP_INITIAL_LINE = 4096;
    private static final int MAX_HTTP_HEADER_SIZE = 8192;
    private static final int MAX_HTTP_CHUNK_SIZE = 8192;
    private static final int MAX_UPGRADE_REQUEST_BYTES = 8192;

    private final EventLoopGroup group;
    private final Channel serverChannel;

    private AutobahnEchoServer(final EventLoopGroup group, final Channel serverChannel)
    {
        this.group = group;
        this.serverChannel = serverChannel;
    }

    /**
     * The server's protocol configuration with the echo server's limit.
     *
     * @return the configuration every channel uses.
     */
    public static WebSocketServerProtocolConfig protocolConfig()
    {
        final WebSocketServerProtocolConfig server =
            ServerChannelInitializer.webSocketProtocolConfig(PATH, MAX_MESSAGE_LENGTH, HANDSHAKE_TIMEOUT_MS, false);
        // An endpoint that accepts text must fail invalid UTF-8 (RFC 6455 8.1); the server accepts none.
        return server.toBuilder()
            .decoderConfig(server.decoderConfig().toBuilder().withUTF8Validator(true).build())
            .build();
    }

    /**
     * Bind and start.
     *
     * @param host address to bind.
     * @param port port, 0 for an ephemeral one.
     * @return the running server.
     * @throws InterruptedException when interrupted while binding.
     */
    public static AutobahnEchoServer start(final String host, final int port) throws InterruptedException
    {
        final WebSocketServerProtocolConfig config = protocolConfig();
        final EventLoopGroup group = new MultiThreadIoEventLoopGroup(
            0, new DefaultThreadFactory("autobahn-echo", true), NioIoHandler.newFactory());
        try
        {
            final Channel channel = new ServerBootstrap()
                .group(group)
                .channel(NioServerSocketChannel.class)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childHandler(new ChannelInitializer<SocketChannel>()
                {
                    @Override
                    protected void initChannel(final SocketChannel ch)
                    {
                        final ChannelPipeline p = ch.pipeline();
                        p.addLast("http-codec",
                            new HttpServerCodec(MAX_HTTP_INITIAL_LINE, MAX_HTTP_HEADER_SIZE, MAX_HTTP_CHUNK_SIZE));
                        p.addLast("http-aggregator", new HttpObjectAggregator(MAX_UPGRADE_REQUEST_BYTES));
                        p.addLast("websocket", new WebSocketServerProtocolHandler(config));
                        p.addLast("echo", new EchoHandler(config.decoderConfig().maxFramePayloadLength()));
                    }
                })
                .bind(host, port).sync().channel();
            return new AutobahnEchoServer(group, channel);
        }
        catch (final InterruptedException | RuntimeException ex)
        {
            group.shutdownGracefully(0, 0, TimeUnit.MILLISECONDS);
            throw ex;
        }
    }

    /**
     * @return the bound port.
     */
    public int port()
    {
        return ((InetSocketAddress)serverChannel.localAddress()).getPort();
    }

    @Override
    public void close()
    {
        serverChannel.close().awaitUninterruptibly();
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly();
    }

    /**
     * Entry point for the autobahntestsuite-maven-plugin, which passes the port and connects to
     * {@code InetAddress.getLocalHost()}: bind exactly that address (not the wildcard) and serve until
     * interrupted.
     *
     * @param args the port, optionally followed by the address to bind.
     * @throws Exception when the server cannot start.
     */
    public static void main(final String[] args) throws Exception
    {
        final int port = args.length > 0 ? Integer.parseInt(args[0]) : 9001;
        final String host = args.length > 1 ? args[1] : localHostAddress();
        try (AutobahnEchoServer server = start(host, port))
        {
            System.out.println("AutobahnEchoServer listening: ws://" + host + ":" + server.port() + PATH +
                " maxMessageLength=" + MAX_MESSAGE_LENGTH);
            server.serverChannel.closeFuture().sync();
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
        }
    }

    private static String localHostAddress()
    {
        try
        {
            return InetAddress.getLocalHost().getHostAddress();
        }
        catch (final UnknownHostException ex)
        {
            return "127.0.0.1";
        }
    }

    /**
     * Echoes each reassembled text or binary message and answers each ping with a pong; its base class
     * answers closes and aggregates fragments as the server's frame handler does. One per channel.
     */
    static final class EchoHandler extends UpgradedWebSocketHandler
    {
        EchoHandler(final int maxMessageLength)
        {
            super(maxMessageLength);
        }

        @Override
        protected void onOpen(final ChannelHandlerContext ctx)
        {
        }

        @Override
        protected void onPing(final ChannelHandlerContext ctx, final PingWebSocketFrame ping)
        {
            ctx.writeAndFlush(new PongWebSocketFrame(ping.content()));
        }

        @Override
        protected void onMessage(final ChannelHandlerContext ctx, final WebSocketFrame frame)
        {
            if ((frame instanceof TextWebSocketFrame || frame instanceof BinaryWebSocketFrame) && frame.isFinalFragment())
            {
                ctx.writeAndFlush(frame);
            }
            else
            {
                frame.release();
                ctx.writeAndFlush(new CloseWebSocketFrame(WebSocketCloseStatus.PROTOCOL_ERROR,
                    "unexpected frame: " + frame.getClass().getSimpleName()));
            }
        }

        @Override
        public void exceptionCaught(final ChannelHandlerContext ctx, final Throwable cause)
        {
            if (cause instanceof TooLongFrameException)
            {
                // As the server does for a fragmented message over the limit.
                ctx.writeAndFlush(new CloseWebSocketFrame(WebSocketCloseStatus.MESSAGE_TOO_BIG, "message too big"))
                    .addListener(ChannelFutureListener.CLOSE);
            }
            else
            {
                ctx.close();
            }
        }
    }
}
