package io.tickwire.server.transport;

import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.websocketx.WebSocketDecoderConfig;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolConfig;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolHandler;
import io.netty.handler.codec.http.websocketx.extensions.compression.WebSocketServerCompressionHandler;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.timeout.IdleStateHandler;
import io.tickwire.server.ServerOptions;
import io.tickwire.server.config.LimitSettings;

import java.util.concurrent.TimeUnit;

/**
 * The one place the server pipeline's order is fixed, after Netty's websocketx server example:
 * connection limiter, handshake deadline (slowloris), TLS when configured, the outbound budget
 * (every byte written passes it), idle timeout, HTTP codec, aggregator for the upgrade request, the
 * ping guard (no pong before the session exists), the WebSocket protocol handler (handshake) behind the
 * upgrade guard (RFC 6455 only; strict close-frame decoder), the Tickwire frame handler, and the fallback
 * for other HTTP requests (the public room list, else 404).
 * <p>
 * An open WebSocket keeps only what it uses (issue #12, heap per idle connection): the limiter, the
 * handshake deadline, the idle handler, the HTTP handlers, the upgrade guard, the ping guard, Netty's
 * protocol handler and the fallback leave at the upgrade, so the pipeline is [TLS,] outbound budget,
 * WebSocket frame decoder and encoder, [deflate,] frame handler. The frame handler then answers close
 * frames and pings itself ({@link UpgradedWebSocketHandler}), and puts a frame aggregator (bounded by the
 * frame limit) in front of itself only when a binary message arrives in fragments. Text frames are refused
 * (1003) whatever they hold, so no UTF-8 validator is installed.
 * <p>
 * Runs on the event loop of each accepted channel.
 */
public final class ServerChannelInitializer extends ChannelInitializer<SocketChannel>
{
    /** Pipeline name of the pre-handshake idle handler. */
    static final String IDLE = "idle";
    private static final int MAX_HTTP_INITIAL_LINE = 4096;
    private static final int MAX_HTTP_HEADER_SIZE = 8192;
    private static final int MAX_HTTP_CHUNK_SIZE = 8192;
    private static final int MAX_UPGRADE_REQUEST_BYTES = 8192;

    private final ServerContext server;
    private final ServerOptions options;
    private final WriteBufferWaterMark waterMark;
    private final WebSocketServerProtocolConfig protocolConfig;
    private final HttpFallbackHandler fallback;
    private final ConnectionLimiter limiter;
    private final SslContext sslContext;
    private final OutboundBudget outboundBudget;
    private final SessionLimits sessionLimits;
    private final WebSocketUpgradeGuard upgradeGuard;
    private final JoinAdmission admission;
    private final PingGuard pingGuard;

    /**
     * @param server     the server.
     * @param options    its options (path, limits, timeouts, water marks).
     * @param sslContext TLS context for wss, or null for plain ws.
     */
    public ServerChannelInitializer(final ServerContext server, final ServerOptions options, final SslContext sslContext)
    {
        this.server = server;
        this.options = options;
        this.sslContext = sslContext;
        this.waterMark = new WriteBufferWaterMark(
            options.transport().writeBufferLowWaterMark(), options.transport().writeBufferHighWaterMark());
        this.fallback = new HttpFallbackHandler(options.transport().webSocketPath(), server.directory());
        this.limiter = new ConnectionLimiter(
            options.limits().maxConnections(), options.limits().maxConnectionsPerAddress(), server.counters());
        final LimitSettings limits = options.limits();
        this.outboundBudget = new OutboundBudget(limits.maxOutboundBytes(), server.counters());
        this.sessionLimits = new SessionLimits(limits.maxInputsPerSecond(), limits.maxPingsPerSecond(),
            limits.joinTimeoutMs(), limits.idleTimeoutMs(), limits.closeGraceMs(), limits.maxMessageBytes(), limits.maxMessagesPerSecond());
        this.protocolConfig = webSocketProtocolConfig(options.transport().webSocketPath(),
            limits.maxFrameLength(), limits.handshakeTimeoutMs(), options.transport().webSocketCompression());
        // Stateless: one for every connection instead of one each.
        this.admission = new JoinAdmission(server);
        this.pingGuard = new PingGuard();
        this.upgradeGuard = new WebSocketUpgradeGuard(
            options.transport().webSocketPath(), protocolConfig.decoderConfig(), server.counters());
    }

    /**
     * The WebSocket protocol settings every Tickwire endpoint uses: RFC 6455 only, no extensions,
     * masked client frames required, frames over {@code maxFrameLength} refused with 1009, protocol
     * violations answered by the decoder's own close code (1002/1009), no UTF-8 validation of text
     * frames (the server refuses text with 1003 whatever it holds; an endpoint that accepts text, such as
     * the Autobahn echo server, turns it on). Public so that conformance tests (Autobahn) run against
     * exactly this configuration.
     *
     * @param webSocketPath      WebSocket path.
     * @param maxFrameLength     largest frame payload.
     * @param handshakeTimeoutMs time allowed for the upgrade.
     * @param allowExtensions    true only when permessage-deflate is configured.
     * @return the configuration.
     */
    public static WebSocketServerProtocolConfig webSocketProtocolConfig(
        final String webSocketPath, final int maxFrameLength, final long handshakeTimeoutMs,
        final boolean allowExtensions)
    {
        return WebSocketServerProtocolConfig.newBuilder()
            .websocketPath(webSocketPath)
            .checkStartsWith(false)
            .handshakeTimeoutMillis(handshakeTimeoutMs)
            // Netty's default answers protocol violations with 1000; the decoder already sends 1002/1009.
            .sendCloseFrame(null)
            .dropPongFrames(true)
            .decoderConfig(WebSocketDecoderConfig.newBuilder()
                .maxFramePayloadLength(maxFrameLength)
                .allowExtensions(allowExtensions)
                .allowMaskMismatch(false)
                .closeOnProtocolViolation(true)
                .withUTF8Validator(false)
                .build())
            .build();
    }

    @Override
    protected void initChannel(final SocketChannel ch)
    {
        ch.config().setWriteBufferWaterMark(waterMark);
        final ChannelPipeline p = ch.pipeline();
        p.addLast("limiter", limiter);
        p.addLast(HandshakeDeadline.NAME,
            new HandshakeDeadline(options.limits().handshakeTimeoutMs(), server.counters()));
        if (sslContext != null)
        {
            p.addLast("tls", sslContext.newHandler(ch.alloc()));
        }
        p.addLast("outbound-budget", outboundBudget);
        // Until the handshake only: ClientFrameHandler removes it then, and its event loop's idle sweep
        // (OutboundWriter) takes over, so an open WebSocket carries no handler and timer of its own for it.
        p.addLast(IDLE, new IdleStateHandler(options.limits().idleTimeoutMs(), 0, 0, TimeUnit.MILLISECONDS));
        p.addLast("http-codec", new HttpServerCodec(MAX_HTTP_INITIAL_LINE, MAX_HTTP_HEADER_SIZE, MAX_HTTP_CHUNK_SIZE));
        p.addLast("http-aggregator", new HttpObjectAggregator(MAX_UPGRADE_REQUEST_BYTES));
        // RFC 6455 only (426/400 for older handshakes and bad keys); on the 101 it installs StrictCloseFrameDecoder.
        p.addLast(WebSocketUpgradeGuard.NAME, upgradeGuard);
        if (options.transport().webSocketCompression())
        {
            // Inflated messages are bounded by the frame limit: a small deflate bomb cannot grow past it.
            p.addLast("websocket-deflate", new WebSocketServerCompressionHandler(options.limits().maxFrameLength()));
            // Behind the deflate decoder once it is added: a frame inflating past the limit is 1009, not 1011.
            p.addLast(InflatedFrameLimit.NAME, new InflatedFrameLimit(options.limits().maxFrameLength()));
        }
        p.addLast(PingGuard.NAME, pingGuard);
        // Until the handshake completes; then the frame handler takes over its close and ping handling.
        p.addLast("websocket", new WebSocketServerProtocolHandler(protocolConfig));
        p.addLast("tickwire", new ClientFrameHandler(server, sessionLimits, admission));
        p.addLast(HttpFallbackHandler.NAME, fallback);
    }
}
