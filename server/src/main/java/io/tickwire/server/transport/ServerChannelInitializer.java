package io.tickwire.server.transport;

import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.websocketx.WebSocketDecoderConfig;
import io.netty.handler.codec.http.websocketx.WebSocketFrameAggregator;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolConfig;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolHandler;

/**
 * The one place the server pipeline's order is fixed, after Netty's websocketx server example:
 * HTTP codec, aggregator for the upgrade request, the WebSocket protocol handler (handshake,
 * control frames, close), a frame aggregator for fragmented messages bounded by the frame limit,
 * the Tickwire frame handler, and a 404 fallback for other HTTP requests.
 * <p>
 * Runs on the event loop of each accepted channel.
 */
public final class ServerChannelInitializer extends ChannelInitializer<SocketChannel>
{
    private static final int MAX_HTTP_INITIAL_LINE = 4096;
    private static final int MAX_HTTP_HEADER_SIZE = 8192;
    private static final int MAX_HTTP_CHUNK_SIZE = 8192;
    private static final int MAX_UPGRADE_REQUEST_BYTES = 8192;

    private final ServerContext server;
    private final String webSocketPath;
    private final WriteBufferWaterMark waterMark;
    private final WebSocketServerProtocolConfig protocolConfig;
    private final HttpFallbackHandler fallback;

    /**
     * @param server             the server.
     * @param webSocketPath      WebSocket path.
     * @param maxFrameLength     largest client frame (and reassembled message).
     * @param handshakeTimeoutMs time allowed for the upgrade.
     * @param lowWaterMark       bytes at which a channel turns writable again.
     * @param highWaterMark      bytes at which it turns unwritable.
     */
    public ServerChannelInitializer(
        final ServerContext server,
        final String webSocketPath,
        final int maxFrameLength,
        final long handshakeTimeoutMs,
        final int lowWaterMark,
        final int highWaterMark)
    {
        this.server = server;
        this.webSocketPath = webSocketPath;
        this.waterMark = new WriteBufferWaterMark(lowWaterMark, highWaterMark);
        this.fallback = new HttpFallbackHandler(webSocketPath);
        this.protocolConfig = WebSocketServerProtocolConfig.newBuilder()
            .websocketPath(webSocketPath)
            .checkStartsWith(false)
            .handshakeTimeoutMillis(handshakeTimeoutMs)
            // Netty's default answers protocol violations with 1000; the decoder already sends 1002/1009.
            .sendCloseFrame(null)
            .dropPongFrames(true)
            .decoderConfig(WebSocketDecoderConfig.newBuilder()
                .maxFramePayloadLength(maxFrameLength)
                .allowExtensions(false)
                .allowMaskMismatch(false)
                .closeOnProtocolViolation(true)
                .build())
            .build();
    }

    @Override
    protected void initChannel(final SocketChannel ch)
    {
        ch.config().setWriteBufferWaterMark(waterMark);
        final ChannelPipeline p = ch.pipeline();
        p.addLast("http-codec", new HttpServerCodec(MAX_HTTP_INITIAL_LINE, MAX_HTTP_HEADER_SIZE, MAX_HTTP_CHUNK_SIZE));
        p.addLast("http-aggregator", new HttpObjectAggregator(MAX_UPGRADE_REQUEST_BYTES));
        p.addLast("websocket", new WebSocketServerProtocolHandler(protocolConfig));
        p.addLast("frame-aggregator", new WebSocketFrameAggregator(protocolConfig.decoderConfig().maxFramePayloadLength()));
        p.addLast("tickwire", new ClientFrameHandler(server));
        p.addLast("http-fallback", fallback);
    }
}
