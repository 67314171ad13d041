package io.tickwire.server.transport;

import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.tickwire.server.room.RoomDirectory;

import java.nio.charset.StandardCharsets;

/**
 * Answers plain HTTP requests that are not a WebSocket upgrade, then closes: {@code GET /rooms}, the
 * public room list ({@link PublicRoomList}), and 404 with a hint for everything else. Stateless and
 * {@link Sharable}; runs on event loops.
 */
@ChannelHandler.Sharable
final class HttpFallbackHandler extends SimpleChannelInboundHandler<FullHttpRequest>
{
    /** Its name in the pipeline; {@link ClientFrameHandler} removes it once the WebSocket handshake completed. */
    static final String NAME = "http-fallback";

    private final String webSocketPath;
    private final RoomDirectory directory;

    HttpFallbackHandler(final String webSocketPath, final RoomDirectory directory)
    {
        this.webSocketPath = webSocketPath;
        this.directory = directory;
    }

    @Override
    protected void channelRead0(final ChannelHandlerContext ctx, final FullHttpRequest request)
    {
        if (new QueryStringDecoder(request.uri()).path().equals(PublicRoomList.PATH))
        {
            if (request.method().equals(HttpMethod.GET))
            {
                final PublicRoomList.Answer answer = PublicRoomList.answer(directory, request.uri());
                respond(ctx, HttpResponseStatus.valueOf(answer.status()), answer.contentType(), answer.body());
            }
            else
            {
                respond(ctx, HttpResponseStatus.METHOD_NOT_ALLOWED, "text/plain; charset=utf-8",
                    "the room list is read-only: method=" + request.method() + ", allowed=GET\n");
            }
            return;
        }
        respond(ctx, HttpResponseStatus.NOT_FOUND, "text/plain; charset=utf-8",
            "Tickwire room server: connect a WebSocket to " + webSocketPath + "\n");
    }

    private static void respond(final ChannelHandlerContext ctx, final HttpResponseStatus status,
        final String contentType, final String text)
    {
        final byte[] body = text.getBytes(StandardCharsets.UTF_8);
        final FullHttpResponse response = new DefaultFullHttpResponse(
            HttpVersion.HTTP_1_1, status, Unpooled.wrappedBuffer(body));
        response.headers()
            .set(HttpHeaderNames.CONTENT_TYPE, contentType)
            .setInt(HttpHeaderNames.CONTENT_LENGTH, body.length)
            // We close after answering; saying so keeps a keep-alive client from reusing a socket we are closing.
            .set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
        ctx.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
    }
}
