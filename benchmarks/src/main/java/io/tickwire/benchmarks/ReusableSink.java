package io.tickwire.benchmarks;

import java.io.OutputStream;
import java.util.Arrays;

/**
 * An {@link OutputStream} into one reused array, standing in for a pooled network buffer under a
 * {@code CodedOutputStream} that is created once and reused. Grows on demand; {@link #reset()}
 * rewinds it. Not thread-safe.
 */
final class ReusableSink extends OutputStream
{
    private byte[] buffer;
    private int position;

    ReusableSink(final int initialCapacity)
    {
        buffer = new byte[initialCapacity];
    }

    @Override
    public void write(final int b)
    {
        ensure(1);
        buffer[position++] = (byte)b;
    }

    @Override
    public void write(final byte[] src, final int offset, final int length)
    {
        ensure(length);
        System.arraycopy(src, offset, buffer, position, length);
        position += length;
    }

    private void ensure(final int length)
    {
        if (position + length > buffer.length)
        {
            buffer = Arrays.copyOf(buffer, Math.max(buffer.length * 2, position + length));
        }
    }

    void reset()
    {
        position = 0;
    }

    int position()
    {
        return position;
    }

    byte[] buffer()
    {
        return buffer;
    }
}
