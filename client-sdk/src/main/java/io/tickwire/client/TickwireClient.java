package io.tickwire.client;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.websocketx.WebSocketClientProtocolConfig;
import io.netty.handler.codec.http.websocketx.WebSocketClientProtocolHandler;
import io.netty.handler.codec.http.websocketx.WebSocketFrameAggregator;
import io.netty.handler.codec.http.websocketx.WebSocketVersion;
import io.netty.handler.ssl.SslHandler;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.Future;
import io.tickwire.protocol.CloseCodes;

import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLParameters;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;

/**
 * A Tickwire game client: one WebSocket connection to a room server, carrying one room session.
 * <pre>{@code
 * try (TickwireClient client = new TickwireClient(ClientOptions.builder().uri("ws://localhost:7070/tickwire").build()))
 * {
 *     RoomSession session = client.joinByType("arena").get(5, TimeUnit.SECONDS);
 *     ...
 * }
 * }</pre>
 * The connection runs on one Netty event loop: either of a one-thread NIO group this client creates
 * (and shuts down on {@link #close()}), or of the shared {@link ClientOptions#eventLoopGroup()}, which
 * lets a load test run thousands of clients on a few threads. See {@link SessionListener} for where
 * callbacks run ({@link DeliveryMode}: at once, or in {@link #poll()} on the game's thread). A lost
 * connection is resumed on a new one, on the same event loop, as the {@link ClientOptions#reconnectPolicy()}
 * says. A {@code wss} URI runs the connection over TLS ({@link ClientOptions#trustCertificate()}).
 * <p>
 * Threads: every method is safe on any thread, except {@link #poll()}: one thread at a time (the game loop).
 */
public final class TickwireClient implements AutoCloseable
{
    private static final long SHUTDOWN_TIMEOUT_MS = 2000;
    private static final int HANDSHAKE_MAX_CONTENT_LENGTH = 8192;
    private static final Runnable NO_OP = () ->
    {
    };

    private final ClientOptions options;
    private final EventLoopGroup group;
    private final boolean ownsGroup;
    private final List<SessionListener> listeners = new CopyOnWriteArrayList<>();
    private final ClientStats stats = new ClientStats();
    private final Object lock = new Object();
    private ClientConnection connection;
    private CompletableFuture<RoomSession> joinFuture;
    private boolean closed;

    /**
     * Create a client; nothing connects before a {@code join}.
     *
     * @param options validated options.
     */
    public TickwireClient(final ClientOptions options)
    {
        this.options = Objects.requireNonNull(options, "options");
        if (options.eventLoopGroup() != null)
        {
            this.group = options.eventLoopGroup();
            this.ownsGroup = false;
        }
        else
        {
            this.group = new MultiThreadIoEventLoopGroup(
                1, new DefaultThreadFactory("tickwire-client", true), NioIoHandler.newFactory());
            this.ownsGroup = true;
        }
    }

    /**
     * @return the options this client was built with.
     */
    public ClientOptions options()
    {
        return options;
    }

    /**
     * Join (or create) a room of the given type.
     *
     * @param roomType room type, e.g. {@code "arena"}.
     * @return see {@link #join(JoinRequest)}.
     */
    public CompletableFuture<RoomSession> joinByType(final String roomType)
    {
        return join(JoinRequest.byType(roomType));
    }

    /**
     * Join an existing room.
     *
     * @param roomId the room's id.
     * @return see {@link #join(JoinRequest)}.
     */
    public CompletableFuture<RoomSession> joinById(final String roomId)
    {
        return join(JoinRequest.byId(roomId));
    }

    /**
     * Connect, perform the WebSocket handshake, send {@code Join} and wait for {@code Welcome}. A client
     * joins once. The future completes on the callback thread (see {@link SessionListener}); it fails with
     * a {@link TickwireException} carrying the server's close code when the server refuses the join
     * ({@code Error} then close), or {@link TickwireException#ABNORMAL_CLOSURE} when the connection
     * fails, the TCP connect exceeds {@link ClientOptions#connectTimeoutMs()}, or the handshake plus
     * {@code Welcome} take longer than that again. Cancelling the future closes the connection. The join
     * itself is not retried; once joined, a lost connection is resumed as the
     * {@link ClientOptions#reconnectPolicy()} says (see {@link SessionListener#onDisconnected}).
     *
     * @param request what to join.
     * @return completes with the session.
     */
    public CompletableFuture<RoomSession> join(final JoinRequest request)
    {
        Objects.requireNonNull(request, "request");
        final CompletableFuture<RoomSession> future = new CompletableFuture<>();
        final ClientConnection conn;
        synchronized (lock)
        {
            if (closed)
            {
                future.completeExceptionally(new IllegalStateException("client is closed: uri=" + options.uri()));
                return future;
            }
            if (joinFuture != null)
            {
                future.completeExceptionally(new IllegalStateException(
                    "client already joined: one TickwireClient carries one session, uri=" + options.uri()));
                return future;
            }
            final EventLoop loop = group.next();
            conn = new ClientConnection(options, loop, request, new SessionJoin(future, listeners, stats, this::close),
                stats, true, (link, timeoutMs) -> connect(loop, link, timeoutMs));
            connect(loop, conn.newLink(), options.connectTimeoutMs());
            connection = conn;
            joinFuture = future;
        }
        future.whenComplete((s, ex) ->
        {
            if (future.isCancelled())
            {
                conn.closeAsync(CloseCodes.NORMAL, "join cancelled");
            }
        });
        return future;
    }

    private void connect(final EventLoop loop, final Link link, final int connectTimeoutMs)
    {
        final Bootstrap bootstrap = new Bootstrap()
            .group(loop)
            .channel(options.channelClass())
            .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, connectTimeoutMs)
            .option(ChannelOption.TCP_NODELAY, true)
            .handler(new Initializer(options, stats, link));
        final ChannelFuture connect = bootstrap.connect(options.host(), options.port());
        link.attach(connect.channel());
        connect.addListener(f ->
        {
            if (!f.isSuccess())
            {
                link.onConnectFailed(f.cause());
            }
        });
    }

    /**
     * @return the joined session, or null before {@code Welcome} (or when the join failed).
     */
    public RoomSession session()
    {
        final CompletableFuture<RoomSession> f;
        synchronized (lock)
        {
            f = joinFuture;
        }
        return f == null || !f.isDone() || f.isCompletedExceptionally() ? null : f.join();
    }

    /**
     * In {@link ClientOptions.Builder#deliveryMode(DeliveryMode) DeliveryMode.POLL}: run the joined session's
     * queued callbacks on the calling thread, see {@link RoomSession#poll()}. Before the join completed
     * there is nothing to deliver.
     *
     * @return events delivered, 0 when not joined.
     * @throws IllegalStateException in {@link DeliveryMode#CALLBACKS}.
     */
    public int poll()
    {
        if (options.deliveryMode() != DeliveryMode.POLL)
        {
            throw new IllegalStateException("poll() needs ClientOptions.deliveryMode(POLL): deliveryMode=" +
                options.deliveryMode());
        }
        final RoomSession s = session();
        return s == null ? 0 : s.poll();
    }

    /**
     * Register a listener. Registering before {@code join} guarantees seeing the first snapshot. Any thread.
     *
     * @param listener the listener.
     */
    public void addListener(final SessionListener listener)
    {
        listeners.add(Objects.requireNonNull(listener, "listener"));
    }

    /**
     * Any thread.
     *
     * @param listener a registered listener.
     * @return true when it was registered.
     */
    public boolean removeListener(final SessionListener listener)
    {
        return listeners.remove(listener);
    }

    /**
     * @return this client's counters; live, readable from any thread.
     */
    public ClientStats stats()
    {
        return stats;
    }

    /**
     * Leave and release: when connected, send {@code Leave} then a close frame 1000 and close the
     * connection; fail a pending join with {@link CloseCodes#NORMAL}; shut down the event loop group
     * when this client created it. Off the event loop this waits (up to the connect timeout) until the
     * connection is closed and, with callbacks on the event loop, until {@link SessionListener#onClosed}
     * has run. On the event loop (inside a callback) it does not wait. Idempotent.
     */
    @Override
    public void close()
    {
        final ClientConnection conn;
        synchronized (lock)
        {
            if (closed)
            {
                return;
            }
            closed = true;
            conn = connection;
        }
        if (conn != null)
        {
            final Future<?> closeFuture = conn.closeAsync(CloseCodes.NORMAL, "client closed");
            final EventLoop loop = conn.eventLoop();
            if (!loop.inEventLoop())
            {
                closeFuture.awaitUninterruptibly(options.connectTimeoutMs());
                try
                {
                    // channelInactive (onClosed, a pending join's failure) runs as a task after the close.
                    loop.submit(NO_OP).awaitUninterruptibly(options.connectTimeoutMs());
                }
                catch (final RejectedExecutionException ignore)
                {
                    // The loop is shutting down: nothing left to wait for.
                }
            }
        }
        if (ownsGroup)
        {
            final Future<?> termination = group.shutdownGracefully(0, SHUTDOWN_TIMEOUT_MS, TimeUnit.MILLISECONDS);
            if (!inOwnGroup())
            {
                termination.awaitUninterruptibly(SHUTDOWN_TIMEOUT_MS * 2);
            }
        }
    }

    /**
     * @return true once {@link #close()} was called.
     */
    public boolean isClosed()
    {
        synchronized (lock)
        {
            return closed;
        }
    }

    private boolean inOwnGroup()
    {
        for (final EventExecutor e : group)
        {
            if (e.inEventLoop())
            {
                return true;
            }
        }
        return false;
    }

    @Override
    public String toString()
    {
        return "TickwireClient{uri=" + options.uri() + ", closed=" + isClosed() + '}';
    }

    /**
     * Fixes the pipeline order: byte counter, TLS for {@code wss} (SNI and HTTPS host name verification),
     * HTTP codec and aggregator for the handshake, WebSocket protocol handler, frame aggregator, then the
     * session's link for this connection.
     */
    private static final class Initializer extends ChannelInitializer<SocketChannel>
    {
        private final ClientOptions options;
        private final ClientStats stats;
        private final Link link;

        Initializer(final ClientOptions options, final ClientStats stats, final Link link)
        {
            this.options = options;
            this.stats = stats;
            this.link = link;
        }

        @Override
        protected void initChannel(final SocketChannel ch)
        {
            final WebSocketClientProtocolConfig config = WebSocketClientProtocolConfig.newBuilder()
                .webSocketUri(options.uri())
                .version(WebSocketVersion.V13)
                .allowExtensions(false)
                .maxFramePayloadLength(options.maxFramePayloadLength())
                .handleCloseFrames(false)
                .sendCloseFrame(null)
                .dropPongFrames(true)
                .handshakeTimeoutMillis(options.connectTimeoutMs())
                .build();
            final ChannelPipeline p = ch.pipeline();
            p.addLast("wireCounter", new WireCounter(stats));
            if (options.isSecure())
            {
                final SslHandler tls = options.sslContext().newHandler(ch.alloc(), options.host(), options.port());
                final SSLEngine engine = tls.engine();
                final SSLParameters parameters = engine.getSSLParameters();
                parameters.setEndpointIdentificationAlgorithm("HTTPS");
                engine.setSSLParameters(parameters);
                tls.setHandshakeTimeoutMillis(options.connectTimeoutMs());
                p.addLast("tls", tls);
            }
            p.addLast("httpCodec", new HttpClientCodec());
            p.addLast("httpAggregator", new HttpObjectAggregator(HANDSHAKE_MAX_CONTENT_LENGTH));
            p.addLast("webSocket", new WebSocketClientProtocolHandler(config));
            p.addLast("frameAggregator", new WebSocketFrameAggregator(options.maxFramePayloadLength()));
            p.addLast("tickwire", link);
        }
    }
}
