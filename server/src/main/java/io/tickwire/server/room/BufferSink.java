package io.tickwire.server.room;

import org.agrona.MutableDirectBuffer;

import java.io.OutputStream;

/**
 * The {@link OutputStream} a reused {@code CodedOutputStream} flushes into: whichever buffer region
 * is being filled (an encode buffer, a claimed outbox frame of exactly the right size). No
 * allocation; the caller wraps a region, writes, then reads {@link #position()}.
 * <p>
 * Thread: the owning room loop.
 */
final class BufferSink extends OutputStream
{
    private MutableDirectBuffer target;
    private int position;

    void wrap(final MutableDirectBuffer target, final int position)
    {
        this.target = target;
        this.position = position;
    }

    int position()
    {
        return position;
    }

    @Override
    public void write(final int b)
    {
        target.putByte(position++, (byte)b);
    }

    @Override
    public void write(final byte[] bytes, final int offset, final int length)
    {
        target.putBytes(position, bytes, offset, length);
        position += length;
    }
}
