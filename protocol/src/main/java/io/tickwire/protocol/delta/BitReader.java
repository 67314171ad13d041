package io.tickwire.protocol.delta;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

/**
 * Reads the bit stream of a version 3 {@code changed_bits} field (see {@link BitWriter} and protocol/README.md,
 * "Version 3"). Every read is bounds-checked: a stream that ends early, runs a zero prefix past 32 bits, or has
 * a whole byte or a non-zero bit left at {@link #finish()} is rejected with a {@link DeltaException}.
 */
final class BitReader
{
    private static final int MAX_ZEROS = 32;
    private static final VarHandle LONG_LE =
        MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);

    private byte[] bytes = new byte[64];
    private int limitBits;
    private int limitBytes;
    private int position;

    /**
     * @param source the field's bytes; copied into this reader's reused buffer.
     */
    void reset(final com.google.protobuf.ByteString source)
    {
        final int n = source.size();
        if (bytes.length < n)
        {
            bytes = new byte[Math.max(n, bytes.length * 2)];
        }
        source.copyTo(bytes, 0);
        limitBits = n << 3;
        limitBytes = n;
        position = 0;
    }

    /**
     * @return true when 8 whole bytes of the stream are left from the current byte, so {@link #window()} may read
     * them at once; near the end the reads go bit by bit, with every bound checked.
     */
    private boolean hasWindow()
    {
        return (position >>> 3) + 8 <= limitBytes;
    }

    /**
     * @return the next 57 or more bits of the stream, the next bit in bit 0.
     */
    private long window()
    {
        return (long)LONG_LE.get(bytes, position >>> 3) >>> (position & 7);
    }

    /**
     * @param bits 0..32.
     * @return the next {@code bits}-bit field.
     */
    long bits(final int bits) throws DeltaException
    {
        if (bits == 0)
        {
            return 0;
        }
        if (hasWindow())
        {
            final long field = window() & ((1L << bits) - 1);
            position += bits;
            return field;
        }
        if (limitBits - position < bits)
        {
            throw new DeltaException("changed_bits malformed: ends early at bit " + position + " of " + limitBits +
                ", wanted " + bits + " more");
        }
        final int first = position >>> 3;
        final int shift = position & 7;
        final int last = (position + bits - 1) >>> 3;
        long acc = 0;
        for (int i = first, s = 0; i <= last; i++, s += 8)
        {
            acc |= (long)(bytes[i] & 0xFF) << s;
        }
        position += bits;
        return (acc >>> shift) & ((1L << bits) - 1);
    }

    /**
     * @param bits 0..64.
     * @return the next {@code bits}-bit field as a mask.
     */
    long mask(final int bits) throws DeltaException
    {
        if (bits <= 32)
        {
            return bits(bits);
        }
        final long low = bits(32);
        return low | (bits(bits - 32) << 32);
    }

    /**
     * @param k the code's order, 0..15.
     * @return the next Exp-Golomb coded value, 0 .. 2^(32 + k + 1).
     */
    long expGolomb(final int k) throws DeltaException
    {
        if (hasWindow())
        {
            final long w = window();
            final int zeros = Long.numberOfTrailingZeros(w);
            final int fieldBits = zeros + k;
            if (zeros + 1 + fieldBits <= 57)
            {
                position += zeros + 1 + fieldBits;
                final long field = (w >>> (zeros + 1)) & ((1L << fieldBits) - 1);
                return (1L << fieldBits) + field - (1L << k);
            }
        }
        int zeros = 0;
        while (true)
        {
            if (position >= limitBits)
            {
                throw new DeltaException("changed_bits malformed: ends early at bit " + position +
                    " inside a code's zero prefix");
            }
            final int bit = (bytes[position >>> 3] >>> (position & 7)) & 1;
            position++;
            if (bit != 0)
            {
                break;
            }
            if (++zeros > MAX_ZEROS)
            {
                throw new DeltaException("changed_bits malformed: zero prefix longer than " + MAX_ZEROS +
                    " bits at bit " + position);
            }
        }
        final int fieldBits = zeros + k;
        final long field = fieldBits > 32 ? bits(32) | (bits(fieldBits - 32) << 32) : bits(fieldBits);
        return (1L << fieldBits) + field - (1L << k);
    }

    /**
     * Check that only zero padding is left, less than a byte of it.
     */
    void finish() throws DeltaException
    {
        final int left = limitBits - position;
        if (left >= 8)
        {
            throw new DeltaException("changed_bits malformed: " + (left >>> 3) + " byte(s) left after the last entity");
        }
        if (left > 0 && bits(left) != 0)
        {
            throw new DeltaException("changed_bits malformed: non-zero padding after the last entity");
        }
    }
}
