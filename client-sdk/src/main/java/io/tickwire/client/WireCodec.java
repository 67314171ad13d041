package io.tickwire.client;

import com.google.protobuf.CodedInputStream;
import com.google.protobuf.CodedOutputStream;
import com.google.protobuf.InvalidProtocolBufferException;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.tickwire.protocol.v1.ClientMessage;
import io.tickwire.protocol.v1.ServerMessage;

import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * The wire format of one session: parses the server's binary frames into {@code ServerMessage}s under
 * the same limits the server puts on {@code ClientMessage}s (a recursion limit and a size limit, the
 * client's {@link ClientOptions#maxFramePayloadLength()}), so that a hostile server gets an
 * {@link InvalidProtocolBufferException}, not a deep recursion or a huge allocation; and encodes
 * {@code ClientMessage}s straight into pooled buffers.
 * <p>
 * Frames are parsed from a reused heap copy with protobuf's array decoder. At protobuf-java 4.36.2 the
 * direct-buffer decoder is safe again (the inputs that crashed it before 4.34 are rejected, see
 * {@code WireCodecTest}), so the copy is no longer a workaround; it stays because it is the cheaper way.
 * {@code SnapshotParseBenchmark -prof gc}, an 894-byte delta snapshot in a direct buffer: parsing the
 * direct buffer in place allocates 16,736 B/op, copying into this reused array and parsing that
 * 15,760 B/op (a new array per frame, the old fallback: 16,672 B/op); times overlap within the noise
 * (4.8 +- 2.1 us in place, 5.6 +- 2.7 us from the copy, on a shared two-core machine).
 * <p>
 * Thread: the session's event loop (the scratch array is not shared); {@link #encode} is stateless.
 */
final class WireCodec
{
    /**
     * Deepest nesting of messages and groups a {@code ServerMessage} may have; the schema needs 3
     * ({@code ServerMessage}, {@code Welcome}, its schema's fields), the server allows 8 for {@code ClientMessage}.
     */
    static final int RECURSION_LIMIT = 8;

    /**
     * Largest frame copied into the reused array; a larger one (a rare full snapshot of a big room) gets an
     * array of its own, so that one big frame does not pin its size for the session's life.
     */
    static final int MAX_SCRATCH_BYTES = 64 * 1024;

    private final int maxFrameLength;
    private byte[] scratch = new byte[0];

    /**
     * @param maxFrameLength largest frame accepted, in bytes: {@link ClientOptions#maxFramePayloadLength()}.
     */
    WireCodec(final int maxFrameLength)
    {
        this.maxFrameLength = maxFrameLength;
    }

    /**
     * Parse one binary frame. Does not release or move the buffer.
     *
     * @param content the frame's content.
     * @return the message.
     * @throws InvalidProtocolBufferException when the frame is not a {@code ServerMessage} within the limits.
     */
    ServerMessage parse(final ByteBuf content) throws InvalidProtocolBufferException
    {
        final int length = content.readableBytes();
        // CodedInputStream.setSizeLimit binds only stream input, not an array or a buffer: check here.
        if (length > maxFrameLength)
        {
            throw new InvalidProtocolBufferException("frame too large: length=" + length + ", max=" + maxFrameLength);
        }
        final CodedInputStream in;
        if (content.hasArray())
        {
            in = CodedInputStream.newInstance(content.array(), content.arrayOffset() + content.readerIndex(), length);
        }
        else
        {
            final byte[] bytes;
            if (length > MAX_SCRATCH_BYTES)
            {
                bytes = new byte[length];
            }
            else
            {
                if (scratch.length < length)
                {
                    scratch = new byte[length];
                }
                bytes = scratch;
            }
            content.getBytes(content.readerIndex(), bytes, 0, length);
            in = CodedInputStream.newInstance(bytes, 0, length);
        }
        in.setRecursionLimit(RECURSION_LIMIT);
        in.setSizeLimit(maxFrameLength);
        try
        {
            return ServerMessage.parseFrom(in);
        }
        catch (final InvalidProtocolBufferException ex)
        {
            throw ex;
        }
        catch (final IOException ex)
        {
            throw new InvalidProtocolBufferException(ex);
        }
    }

    /**
     * Encode a message into a new buffer of the allocator; the caller owns it.
     *
     * @param alloc   the channel's allocator.
     * @param message the message.
     * @return the buffer, readable bytes = the message.
     */
    static ByteBuf encode(final ByteBufAllocator alloc, final ClientMessage message)
    {
        final int size = message.getSerializedSize();
        final ByteBuf buf = alloc.buffer(size);
        try
        {
            final int writerIndex = buf.writerIndex();
            final ByteBuffer target = buf.nioBuffer(writerIndex, size);
            final CodedOutputStream out = CodedOutputStream.newInstance(target);
            message.writeTo(out);
            out.checkNoSpaceLeft();
            buf.writerIndex(writerIndex + size);
            return buf;
        }
        catch (final IOException | RuntimeException ex)
        {
            buf.release();
            throw new IllegalStateException("encoding ClientMessage failed: size=" + size, ex);
        }
    }
}
