package io.tickwire.server.transport;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.websocketx.WebSocket13FrameDecoder;
import io.netty.handler.codec.http.websocketx.WebSocketDecoderConfig;
import io.netty.util.ReferenceCountUtil;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * RFC 6455 and nothing older, at the upgrade. Placed after the HTTP aggregator and before Netty's
 * WebSocket protocol handler, it
 * <ul>
 *   <li>refuses upgrade requests on the WebSocket path whose {@code Sec-WebSocket-Version} is not 13
 *   (hybi-08 sends 8, Hixie-76/draft-00 sends none) with 426 and {@code Sec-WebSocket-Version: 13},
 *   and those whose {@code Sec-WebSocket-Key} is not base64 of 16 bytes with 400 (Netty's handshaker
 *   factory would answer 101 to both), counted in {@link TransportCounters#upgradesRefused};</li>
 *   <li>when the 101 goes out, swaps Netty's frame decoder ({@code wsdecoder}, added by the handshaker
 *   just before it writes the 101 and before any frame byte is decoded) for a
 *   {@link StrictCloseFrameDecoder}, which answers an invalid close frame with a close frame, then
 *   removes itself.</li>
 * </ul>
 * Stateless and {@link ChannelHandler.Sharable}; runs on the channel's event loop.
 */
@ChannelHandler.Sharable
final class WebSocketUpgradeGuard extends ChannelDuplexHandler
{
    /** Name of this handler in the pipeline. */
    static final String NAME = "upgrade-guard";

    private static final Logger LOG = LoggerFactory.getLogger(WebSocketUpgradeGuard.class);
    private static final String NETTY_FRAME_DECODER = "wsdecoder";
    private static final String SUPPORTED_VERSION = "13";
    private static final int KEY_BYTES = 16;
    private static final int KEY_BASE64_CHARS = 24;
    private static final int MAX_ECHOED_CHARS = 64;

    private final String webSocketPath;
    private final WebSocketDecoderConfig decoderConfig;
    private final TransportCounters counters;

    /**
     * @param webSocketPath the WebSocket path; requests to other paths pass untouched.
     * @param decoderConfig the frame decoder settings, the same the protocol handler uses.
     * @param counters      where refusals are counted.
     */
    WebSocketUpgradeGuard(final String webSocketPath, final WebSocketDecoderConfig decoderConfig,
        final TransportCounters counters)
    {
        this.webSocketPath = webSocketPath;
        this.decoderConfig = decoderConfig;
        this.counters = counters;
    }

    @Override
    public void channelRead(final ChannelHandlerContext ctx, final Object msg)
    {
        // Same test as Netty's handshake handler with checkStartsWith(false): the exact URI.
        if (msg instanceof FullHttpRequest && webSocketPath.equals(((FullHttpRequest)msg).uri()))
        {
            final FullHttpRequest request = (FullHttpRequest)msg;
            final FullHttpResponse refusal = refusal(request);
            if (refusal != null)
            {
                ReferenceCountUtil.release(request);
                counters.upgradesRefused.increment();
                LOG.debug("upgrade refused: remote={} status={} reason=\"{}\"", ctx.channel().remoteAddress(),
                    refusal.status().code(), refusal.content().toString(StandardCharsets.UTF_8).trim());
                ctx.writeAndFlush(refusal).addListener(ChannelFutureListener.CLOSE);
                return;
            }
        }
        ctx.fireChannelRead(msg);
    }

    @Override
    public void write(final ChannelHandlerContext ctx, final Object msg, final ChannelPromise promise) throws Exception
    {
        if (msg instanceof HttpResponse &&
            HttpResponseStatus.SWITCHING_PROTOCOLS.code() == ((HttpResponse)msg).status().code())
        {
            final ChannelPipeline pipeline = ctx.pipeline();
            if (pipeline.get(NETTY_FRAME_DECODER) instanceof WebSocket13FrameDecoder)
            {
                pipeline.replace(NETTY_FRAME_DECODER, NETTY_FRAME_DECODER, new StrictCloseFrameDecoder(decoderConfig));
            }
            ctx.write(msg, promise);
            pipeline.remove(this);
            return;
        }
        ctx.write(msg, promise);
    }

    private static FullHttpResponse refusal(final FullHttpRequest request)
    {
        final String version = request.headers().get(HttpHeaderNames.SEC_WEBSOCKET_VERSION);
        if (!SUPPORTED_VERSION.equals(version))
        {
            final FullHttpResponse response = response(HttpResponseStatus.UPGRADE_REQUIRED, version == null ?
                "Sec-WebSocket-Version missing (Hixie-76 / draft-00 handshake); supported=13 (RFC 6455)" :
                "unsupported Sec-WebSocket-Version: version=" + printable(version) + ", supported=13 (RFC 6455)");
            response.headers().set(HttpHeaderNames.SEC_WEBSOCKET_VERSION, SUPPORTED_VERSION);
            return response;
        }
        final String key = request.headers().get(HttpHeaderNames.SEC_WEBSOCKET_KEY);
        if (key == null)
        {
            return response(HttpResponseStatus.BAD_REQUEST, "Sec-WebSocket-Key missing");
        }
        if (!isValidKey(key))
        {
            return response(HttpResponseStatus.BAD_REQUEST, "invalid Sec-WebSocket-Key: key=" + printable(key) +
                ", must be base64 of 16 bytes (24 characters)");
        }
        return null;
    }

    /**
     * @param key a {@code Sec-WebSocket-Key} value.
     * @return true when it is the base64 (with padding) of exactly 16 bytes, as RFC 6455 4.1 requires.
     */
    static boolean isValidKey(final String key)
    {
        if (key.length() != KEY_BASE64_CHARS)
        {
            return false;
        }
        try
        {
            return Base64.getDecoder().decode(key).length == KEY_BYTES;
        }
        catch (final IllegalArgumentException notBase64)
        {
            return false;
        }
    }

    private static String printable(final String value)
    {
        final String shortened = value.length() > MAX_ECHOED_CHARS ? value.substring(0, MAX_ECHOED_CHARS) + "..." : value;
        return shortened.replaceAll("[^\\x20-\\x7e]", "?");
    }

    private static FullHttpResponse response(final HttpResponseStatus status, final String text)
    {
        final ByteBuf body = Unpooled.copiedBuffer(text + "\n", StandardCharsets.UTF_8);
        final FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status, body);
        response.headers()
            .set(HttpHeaderNames.CONTENT_TYPE, "text/plain; charset=utf-8")
            .setInt(HttpHeaderNames.CONTENT_LENGTH, body.readableBytes())
            .set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
        return response;
    }
}
