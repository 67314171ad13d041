package io.tickwire.server.admin;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.DecoderResult;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.TooLongHttpHeaderException;
import io.netty.handler.codec.http.TooLongHttpLineException;
import io.netty.util.NetUtil;
import io.netty.util.ReferenceCountUtil;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.charset.StandardCharsets;

/**
 * Refuses admin requests before they are routed: requests the HTTP decoder could not read (400, 431
 * for headers over the limit, 414 for a request line over it) and requests whose {@code Host} is not
 * this server (421), so that a page on another origin that re-binds its DNS name to the admin
 * address (DNS rebinding) cannot read {@code /rooms} or {@code /metrics}.
 * <p>
 * {@code Host} is accepted when it names, without a DNS lookup: {@code localhost}, a loopback
 * address, the address the request arrived on, or, when the admin port is bound to the wildcard
 * address ({@code 0.0.0.0}, {@code ::}), any IP literal. Names other than {@code localhost} are
 * refused: put a reverse proxy that rewrites {@code Host} in front to reach the admin port by name.
 * An HTTP/1.0 request without {@code Host} passes (browsers always send one); HTTP/1.1 requires it.
 * <p>
 * Stateless and {@link ChannelHandler.Sharable}; runs on the admin event loop, before
 * {@link AdminHandler}. Refused requests are released here and their connection closed.
 */
@ChannelHandler.Sharable
final class AdminRequestGuard extends ChannelInboundHandlerAdapter
{
    private static final Logger LOG = LoggerFactory.getLogger(AdminRequestGuard.class);
    private static final HttpResponseStatus MISDIRECTED_REQUEST = HttpResponseStatus.valueOf(421);
    private static final String JSON = "application/json; charset=utf-8";

    @Override
    public void channelRead(final ChannelHandlerContext ctx, final Object msg)
    {
        if (!(msg instanceof FullHttpRequest))
        {
            ctx.fireChannelRead(msg);
            return;
        }
        final FullHttpRequest request = (FullHttpRequest)msg;
        final FullHttpResponse refusal;
        try
        {
            refusal = refusal(ctx.channel(), request);
        }
        catch (final RuntimeException ex)
        {
            ReferenceCountUtil.release(request);
            throw ex;
        }
        if (refusal == null)
        {
            ctx.fireChannelRead(request);
            return;
        }
        ReferenceCountUtil.release(request);
        refusal.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
        ctx.writeAndFlush(refusal).addListener(ChannelFutureListener.CLOSE);
    }

    private static FullHttpResponse refusal(final Channel channel, final FullHttpRequest request)
    {
        final DecoderResult result = request.decoderResult();
        if (result.isFailure())
        {
            final Throwable cause = result.cause();
            LOG.debug("admin request refused: remote={} cause={}", channel.remoteAddress(), String.valueOf(cause));
            if (cause instanceof TooLongHttpHeaderException)
            {
                return error(HttpResponseStatus.REQUEST_HEADER_FIELDS_TOO_LARGE,
                    "request headers too large: " + cause.getMessage());
            }
            if (cause instanceof TooLongHttpLineException)
            {
                return error(HttpResponseStatus.REQUEST_URI_TOO_LONG, "request line too long: " + cause.getMessage());
            }
            return error(HttpResponseStatus.BAD_REQUEST, "malformed request: " + cause);
        }
        final String host = request.headers().get(HttpHeaderNames.HOST);
        if (host == null)
        {
            return HttpVersion.HTTP_1_0.equals(request.protocolVersion()) ? null :
                error(HttpResponseStatus.BAD_REQUEST, "Host header required");
        }
        if (!isAllowedHost(host, address(channel.localAddress()), isWildcard(channel.parent())))
        {
            LOG.info("admin request refused: remote={} host=\"{}\" (not this server; DNS rebinding?)",
                channel.remoteAddress(), printable(host));
            return error(MISDIRECTED_REQUEST, "Host not served here: host=" + printable(host) +
                "; use localhost, an IP address of this server, or a proxy that rewrites Host");
        }
        return null;
    }

    /**
     * @param hostHeader   the {@code Host} header: a name or IP literal, an IPv6 literal in brackets,
     *                     optionally {@code :port}.
     * @param arrivedOn    the local address the request arrived on, or null when unknown.
     * @param wildcardBind true when the admin port is bound to the wildcard address.
     * @return true when the header names this server by a rule of the class comment.
     */
    static boolean isAllowedHost(final String hostHeader, final InetAddress arrivedOn, final boolean wildcardBind)
    {
        final String host = hostPart(hostHeader.trim());
        if (host == null || host.isEmpty())
        {
            return false;
        }
        if ("localhost".equalsIgnoreCase(host))
        {
            return true;
        }
        final InetAddress literal = NetUtil.createInetAddressFromIpAddressString(host);
        return literal != null && (wildcardBind || literal.isLoopbackAddress() || literal.equals(arrivedOn));
    }

    private static String hostPart(final String host)
    {
        if (host.startsWith("["))
        {
            final int end = host.indexOf(']');
            final boolean portOrNothing = end > 0 && (end == host.length() - 1 || host.charAt(end + 1) == ':');
            return portOrNothing ? host.substring(1, end) : null;
        }
        final int colon = host.indexOf(':');
        if (colon < 0)
        {
            return host;
        }
        // An IPv6 literal must be in brackets in Host (RFC 7230 5.4, RFC 3986 3.2.2).
        return colon == host.lastIndexOf(':') ? host.substring(0, colon) : null;
    }

    private static InetAddress address(final SocketAddress address)
    {
        return address instanceof InetSocketAddress ? ((InetSocketAddress)address).getAddress() : null;
    }

    private static boolean isWildcard(final Channel serverChannel)
    {
        final InetAddress bound = serverChannel == null ? null : address(serverChannel.localAddress());
        return bound != null && bound.isAnyLocalAddress();
    }

    private static String printable(final String value)
    {
        final String shortened = value.length() > 100 ? value.substring(0, 100) + "..." : value;
        return shortened.replaceAll("[^\\x20-\\x7e]", "?");
    }

    private static FullHttpResponse error(final HttpResponseStatus status, final String message)
    {
        final ByteBuf body = Unpooled.wrappedBuffer(
            new Json().beginObject().field("error", message).endObject().toString().getBytes(StandardCharsets.UTF_8));
        final FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status, body);
        response.headers()
            .set(HttpHeaderNames.CONTENT_TYPE, JSON)
            .setInt(HttpHeaderNames.CONTENT_LENGTH, body.readableBytes())
            .set(HttpHeaderNames.CACHE_CONTROL, "no-store")
            .set("X-Content-Type-Options", "nosniff");
        return response;
    }
}
