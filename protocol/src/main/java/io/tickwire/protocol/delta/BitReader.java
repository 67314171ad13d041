package io.tickwire.protocol.delta;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.util.Arrays;

/**
 * Reads the bit stream of a version 3 {@code changed_bits} field (see {@link BitWriter} and protocol/README.md,
 * "Version 3"). The stream is copied into a reused buffer followed by 8 zero bytes, so every read takes the next 57
 * or more bits in one little-endian 64-bit load; each read is checked against the stream's end before it moves on.
 * A stream that ends early, runs a zero prefix past 32 bits, or has a whole byte or a non-zero bit left at
 * {@link #finish()} is rejected with a {@link DeltaException}.
 */
final class BitReader
{
    private static final int MAX_ZEROS = 32;
    private static final int WINDOW_BITS = 57;
    private static final int PADDING = 8;
    private static final VarHandle LONG_LE =
        MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);

    private final String field;
    private byte[] bytes = new byte[64 + PADDING];
    private int limitBits;
    private int position;

    /**
     * @param field the field this reader reads, as its errors name it ({@code changed_bits}, {@code created_bits}).
     */
    BitReader(final String field)
    {
        this.field = field;
    }

    /**
     * @param source the field's bytes; copied into this reader's reused buffer.
     */
    void reset(final com.google.protobuf.ByteString source)
    {
        final int n = source.size();
        if (bytes.length < n + PADDING)
        {
            bytes = new byte[Math.max(n + PADDING, bytes.length * 2)];
        }
        source.copyTo(bytes, 0);
        Arrays.fill(bytes, n, n + PADDING, (byte)0);
        limitBits = n << 3;
        position = 0;
    }

    /**
     * @return the next 57 or more bits, the next bit in bit 0 (zeros past the end of the stream).
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
        if (limitBits - position < bits)
        {
            throw new DeltaException(field + " malformed: ends early at bit " + position + " of " + limitBits +
                ", wanted " + bits + " more");
        }
        final long field = window() & ((1L << bits) - 1);
        position += bits;
        return field;
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
        final long w = window();
        final int zeros = Long.numberOfTrailingZeros(w);
        final int available = limitBits - position;
        if (zeros > MAX_ZEROS && available > MAX_ZEROS)
        {
            throw new DeltaException(field + " malformed: zero prefix longer than " + MAX_ZEROS +
                " bits at bit " + (position + MAX_ZEROS + 1));
        }
        if (zeros >= available)
        {
            position = limitBits;
            throw new DeltaException(field + " malformed: ends early at bit " + position +
                " inside a code's zero prefix");
        }
        final int fieldBits = zeros + k;
        final long field;
        if (zeros + 1 + fieldBits <= WINDOW_BITS && zeros + 1 + fieldBits <= available)
        {
            field = (w >>> (zeros + 1)) & ((1L << fieldBits) - 1);
            position += zeros + 1 + fieldBits;
        }
        else
        {
            position += zeros + 1;
            field = fieldBits > 32 ? bits(32) | (bits(fieldBits - 32) << 32) : bits(fieldBits);
        }
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
            throw new DeltaException(field + " malformed: " + (left >>> 3) + " byte(s) left after the last entity");
        }
        if (left > 0 && bits(left) != 0)
        {
            throw new DeltaException(field + " malformed: non-zero padding after the last entity");
        }
    }
}
