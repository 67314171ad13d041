package io.tickwire.server.transport;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CorruptedWebSocketFrameException;
import io.netty.handler.codec.http.websocketx.WebSocket13FrameDecoder;
import io.netty.handler.codec.http.websocketx.WebSocketCloseStatus;
import io.netty.handler.codec.http.websocketx.WebSocketDecoderConfig;

import java.nio.charset.StandardCharsets;

/**
 * Netty's RFC 6455 frame decoder, answering an invalid close frame with a close frame. Netty's
 * {@code WebSocket08FrameDecoder} marks the closing handshake received before it checks the close
 * body, so for a bad status code (999, 1005, 2999, ...) or a reason that is not UTF-8 it writes an
 * empty buffer instead of a close frame and drops TCP; RFC 6455 5.5.1 says a close MUST be answered
 * with a close, 7.1.7 that failing the connection SHOULD send 1002 (1007 for the reason).
 * <p>
 * This subclass runs the same checks first and sends 1002 or 1007 itself, then lets Netty's check
 * fail the connection as before (its exception carries the same code, so the disconnect is counted
 * under the code sent). Installed by {@link WebSocketUpgradeGuard} in place of {@code wsdecoder}.
 * One per channel; runs on its event loop.
 */
final class StrictCloseFrameDecoder extends WebSocket13FrameDecoder
{
    StrictCloseFrameDecoder(final WebSocketDecoderConfig config)
    {
        super(config);
    }

    @Override
    protected void checkCloseFrameBody(final ChannelHandlerContext ctx, final ByteBuf buffer)
    {
        final CloseWebSocketFrame answer = invalidCloseAnswer(buffer);
        if (answer == null)
        {
            super.checkCloseFrameBody(ctx, buffer);
            return;
        }
        final WebSocketCloseStatus status = answer.statusCode() == WebSocketCloseStatus.INVALID_PAYLOAD_DATA.code() ?
            WebSocketCloseStatus.INVALID_PAYLOAD_DATA : WebSocketCloseStatus.PROTOCOL_ERROR;
        final String reason = answer.reasonText();
        if (ctx.channel().isActive())
        {
            ctx.writeAndFlush(answer);
        }
        else
        {
            answer.release();
        }
        // Netty fails the connection here (state, exception, TCP close); should it accept what we refused:
        super.checkCloseFrameBody(ctx, buffer);
        ctx.close();
        throw new CorruptedWebSocketFrameException(status, reason);
    }

    /**
     * @param body a close frame's payload, or null.
     * @return the close frame to answer it with, or null when it is valid. Mirrors Netty's checks: a
     * 1-byte body, a status code {@link WebSocketCloseStatus#isValidStatusCode(int)} refuses (read
     * signed, as Netty reads it), a reason that is not UTF-8.
     */
    static CloseWebSocketFrame invalidCloseAnswer(final ByteBuf body)
    {
        if (body == null || !body.isReadable())
        {
            return null;
        }
        if (body.readableBytes() == 1)
        {
            return new CloseWebSocketFrame(WebSocketCloseStatus.PROTOCOL_ERROR, "invalid close frame: 1-byte body");
        }
        final int code = body.getShort(body.readerIndex());
        if (!WebSocketCloseStatus.isValidStatusCode(code))
        {
            return new CloseWebSocketFrame(WebSocketCloseStatus.PROTOCOL_ERROR,
                "invalid close status code: code=" + code);
        }
        if (body.readableBytes() > 2 &&
            !ByteBufUtil.isText(body, body.readerIndex() + 2, body.readableBytes() - 2, StandardCharsets.UTF_8))
        {
            return new CloseWebSocketFrame(WebSocketCloseStatus.INVALID_PAYLOAD_DATA, "close reason is not UTF-8");
        }
        return null;
    }
}
