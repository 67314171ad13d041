package io.tickwire.client;

import com.google.protobuf.InvalidProtocolBufferException;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolConfig;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolHandler;
import io.tickwire.protocol.delta.DeltaEncoder;
import io.tickwire.protocol.delta.WorldState;
import io.tickwire.protocol.v1.ClientMessage;
import io.tickwire.protocol.v1.Error;
import io.tickwire.protocol.v1.ServerMessage;
import io.tickwire.protocol.v1.Welcome;

import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

/**
 * A tiny WebSocket server on 127.0.0.1, port 0, that the test thread drives message by message:
 * it records what the client sends (per message kind, in order) and sends what the test tells it,
 * with snapshots encoded by the real {@link DeltaEncoder}.
 */
final class ScriptedServer implements AutoCloseable
{
    static final String PATH = "/tickwire";
    static final long WAIT_MS = 5000;

    final BlockingQueue<ClientMessage> joins = new LinkedBlockingQueue<>();
    final BlockingQueue<ClientMessage> inputs = new LinkedBlockingQueue<>();
    final BlockingQueue<ClientMessage> acks = new LinkedBlockingQueue<>();
    final BlockingQueue<ClientMessage> pings = new LinkedBlockingQueue<>();
    final BlockingQueue<ClientMessage> leaves = new LinkedBlockingQueue<>();
    final BlockingQueue<Integer> closeCodes = new LinkedBlockingQueue<>();
    final List<ClientMessage> received = new CopyOnWriteArrayList<>();

    private final EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    private final BlockingQueue<Channel> connections = new LinkedBlockingQueue<>();
    private final DeltaEncoder encoder = new DeltaEncoder(TestWorlds.SCHEMA);
    private final Channel serverChannel;
    private volatile Channel client;

    ScriptedServer() throws InterruptedException
    {
        serverChannel = new ServerBootstrap()
            .group(group)
            .channel(NioServerSocketChannel.class)
            .childHandler(new ChannelInitializer<SocketChannel>()
            {
                @Override
                protected void initChannel(final SocketChannel ch)
                {
                    ch.pipeline().addLast(
                        new HttpServerCodec(),
                        new HttpObjectAggregator(65536),
                        new WebSocketServerProtocolHandler(WebSocketServerProtocolConfig.newBuilder()
                            .websocketPath(PATH)
                            .handleCloseFrames(false)
                            .sendCloseFrame(null)
                            .build()),
                        new Handler());
                }
            })
            .bind("127.0.0.1", 0)
            .sync()
            .channel();
    }

    int port()
    {
        return ((java.net.InetSocketAddress)serverChannel.localAddress()).getPort();
    }

    String uri()
    {
        return "ws://127.0.0.1:" + port() + PATH;
    }

    /**
     * Wait for a client to finish its handshake and send {@code Join}.
     *
     * @return the Join message.
     */
    ClientMessage awaitJoin() throws InterruptedException
    {
        client = connections.poll(WAIT_MS, TimeUnit.MILLISECONDS);
        assertNotNull(client, "no client connected");
        return next(joins);
    }

    void sendWelcome(final int entityId)
    {
        sendWelcome(entityId, "resume-1", false, 0);
    }

    /**
     * A Welcome of session {@code s-1} in room {@code room-7}; {@code resumed} as the server answers a
     * {@code Join} with a resume token.
     */
    void sendWelcome(final int entityId, final String resumeToken, final boolean resumed, final int lastInputSeq)
    {
        send(ServerMessage.newBuilder().setWelcome(Welcome.newBuilder()
            .setSessionId("s-1")
            .setResumeToken(resumeToken)
            .setRoomId("room-7")
            .setRoomType("arena")
            .setEntityId(entityId)
            .setTickRateHz(20)
            .setServerTick(100)
            .setProtocolVersion(1)
            .setSchema(TestWorlds.schemaProto())
            .setResumed(resumed)
            .setLastInputSeq(lastInputSeq))
            .build());
    }

    /**
     * Encode {@code current} against {@code baseline} (null: full) and send it.
     *
     * @return the frame's size in bytes.
     */
    int sendSnapshot(final WorldState baseline, final WorldState current, final int lastInputSeq)
    {
        final byte[] bytes;
        synchronized (encoder)
        {
            bytes = encoder.encodeServerMessage(baseline, current, lastInputSeq);
        }
        sendBytes(bytes);
        return bytes.length;
    }

    void sendError(final int code, final String message)
    {
        send(ServerMessage.newBuilder().setError(Error.newBuilder().setCode(code).setMessage(message)).build());
    }

    void send(final ServerMessage message)
    {
        sendBytes(message.toByteArray());
    }

    void sendBytes(final byte[] bytes)
    {
        client.writeAndFlush(new BinaryWebSocketFrame(Unpooled.wrappedBuffer(bytes))).syncUninterruptibly();
    }

    void sendText(final String text)
    {
        client.writeAndFlush(new TextWebSocketFrame(text)).syncUninterruptibly();
    }

    /**
     * Send a close frame with the code, then close the connection.
     */
    void sendClose(final int code, final String reason)
    {
        client.writeAndFlush(new CloseWebSocketFrame(code, reason)).addListener(ChannelFutureListener.CLOSE);
        client.closeFuture().awaitUninterruptibly(WAIT_MS);
    }

    /**
     * Close the connection without a close frame, as a crashed server or a lost network would.
     */
    void drop()
    {
        client.close().syncUninterruptibly();
    }

    /**
     * Close the listening socket: later connects are refused. Connections already open stay open.
     */
    void stopAccepting()
    {
        serverChannel.close().syncUninterruptibly();
    }

    /**
     * Accept the next connection without waiting for a Join (for clients that never get that far).
     */
    Channel awaitConnection() throws InterruptedException
    {
        client = connections.poll(WAIT_MS, TimeUnit.MILLISECONDS);
        assertNotNull(client, "no client connected");
        return client;
    }

    static ClientMessage next(final BlockingQueue<ClientMessage> queue) throws InterruptedException
    {
        final ClientMessage m = queue.poll(WAIT_MS, TimeUnit.MILLISECONDS);
        assertNotNull(m, "expected a message from the client");
        return m;
    }

    /**
     * Wait for the client's {@code Ack} of {@code tick}, skipping acks of older ticks.
     */
    ClientMessage awaitAck(final int tick) throws InterruptedException
    {
        while (true)
        {
            final ClientMessage m = next(acks);
            if (m.getAck().getRequestFull() || m.getAck().getTick() >= tick)
            {
                assertEquals(tick, m.getAck().getTick(), "ack " + m);
                return m;
            }
        }
    }

    @Override
    public void close()
    {
        serverChannel.close().syncUninterruptibly();
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }

    private final class Handler extends SimpleChannelInboundHandler<WebSocketFrame>
    {
        @Override
        public void userEventTriggered(final ChannelHandlerContext ctx, final Object evt)
        {
            if (evt instanceof WebSocketServerProtocolHandler.HandshakeComplete)
            {
                connections.add(ctx.channel());
            }
            ctx.fireUserEventTriggered(evt);
        }

        @Override
        protected void channelRead0(final ChannelHandlerContext ctx, final WebSocketFrame frame)
            throws InvalidProtocolBufferException
        {
            if (frame instanceof CloseWebSocketFrame)
            {
                closeCodes.add(((CloseWebSocketFrame)frame).statusCode());
                ctx.close();
                return;
            }
            if (!(frame instanceof BinaryWebSocketFrame))
            {
                return;
            }
            final ByteBuf content = frame.content();
            final ClientMessage m = ClientMessage.parseFrom(content.nioBuffer());
            received.add(m);
            switch (m.getBodyCase())
            {
                case JOIN:
                    joins.add(m);
                    break;
                case INPUT:
                    inputs.add(m);
                    break;
                case ACK:
                    acks.add(m);
                    break;
                case PING:
                    pings.add(m);
                    break;
                case LEAVE:
                    leaves.add(m);
                    break;
                default:
                    break;
            }
        }
    }
}
