package io.tickwire.server.transport;

import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.TooLongFrameException;
import io.netty.handler.codec.compression.DecompressionException;

import java.util.zip.DataFormatException;

/**
 * Makes a compressed frame that inflates past the frame limit a "message too big" (1009), as an
 * uncompressed frame over the limit is, instead of an internal error (1011).
 * <p>
 * With permessage-deflate, Netty's {@code PerMessageDeflateDecoder} inflates into a buffer bounded by
 * the frame limit ({@code WebSocketServerCompressionHandler(maxFrameLength)}) and throws
 * {@link DecompressionException} ("Decompression buffer has reached maximum size") when a frame
 * inflates past it. This handler sits right behind the deflate decoder (the extension handler adds
 * its decoder directly after itself, so ahead of this one) and passes that on as a
 * {@link TooLongFrameException}, which the frame handler answers with {@code Error} + close 1009 and
 * counts as {@code message_too_big}. A {@link DecompressionException} caused by corrupt deflate data
 * ({@link DataFormatException}) and every other exception pass unchanged.
 * <p>
 * Stateless and {@link ChannelHandler.Sharable}; runs on the channel's event loop. Only in the
 * pipeline when compression is configured.
 */
@ChannelHandler.Sharable
final class InflatedFrameLimit extends ChannelInboundHandlerAdapter
{
    /** Name of this handler in the pipeline. */
    static final String NAME = "websocket-inflate-limit";

    private final int maxFrameLength;

    /**
     * @param maxFrameLength the frame limit the deflate decoder's buffer is bounded by, for the message.
     */
    InflatedFrameLimit(final int maxFrameLength)
    {
        this.maxFrameLength = maxFrameLength;
    }

    @Override
    public void exceptionCaught(final ChannelHandlerContext ctx, final Throwable cause)
    {
        final DecompressionException inflation = inflatedPastLimit(cause);
        if (inflation != null)
        {
            ctx.fireExceptionCaught(new TooLongFrameException(
                "message too big after inflation: max=" + maxFrameLength, inflation));
            return;
        }
        ctx.fireExceptionCaught(cause);
    }

    /**
     * @param cause an exception from the pipeline.
     * @return the {@link DecompressionException} in its cause chain that is not about corrupt data, or null.
     */
    static DecompressionException inflatedPastLimit(final Throwable cause)
    {
        for (Throwable t = cause; t != null; t = t.getCause() == t ? null : t.getCause())
        {
            if (t instanceof DecompressionException)
            {
                return t.getCause() instanceof DataFormatException ? null : (DecompressionException)t;
            }
        }
        return null;
    }
}
