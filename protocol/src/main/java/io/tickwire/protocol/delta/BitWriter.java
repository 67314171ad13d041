package io.tickwire.protocol.delta;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.util.Arrays;

/**
 * Writes the bit stream of a version 3 {@code changed_bits} field: bits fill each byte from its least significant
 * bit, an n-bit field goes least significant bit first, and {@link #expGolomb} writes the Exp-Golomb code of order
 * k that protocol/README.md ("Version 3") defines. Reused: {@link #reset()} before each stream.
 */
final class BitWriter
{
    private static final VarHandle INT_LE = MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.LITTLE_ENDIAN);

    private byte[] bytes = new byte[64];
    private int length;
    private long pending;
    private int pendingBits;

    void reset()
    {
        length = 0;
        pending = 0;
        pendingBits = 0;
    }

    /**
     * @param value the field, in its low {@code bits} bits (higher bits must be 0).
     * @param bits  0..33.
     */
    void bits(final long value, final int bits)
    {
        pending |= value << pendingBits;
        pendingBits += bits;
        while (pendingBits >= 32)
        {
            if (length + 4 > bytes.length)
            {
                bytes = Arrays.copyOf(bytes, Math.max(length + 4, bytes.length * 2));
            }
            INT_LE.set(bytes, length, (int)pending);
            length += 4;
            pending >>>= 32;
            pendingBits -= 32;
        }
    }

    /**
     * Exp-Golomb code of order {@code k}: {@code L - k - 1} zero bits, a one bit, then {@code u} without its top bit
     * in {@code L - 1} bits, where {@code u = value + 2^k} has {@code L} bits.
     *
     * @param value 0 .. 2^32 - 2.
     * @param k     0..15.
     */
    void expGolomb(final long value, final int k)
    {
        final long u = value + (1L << k);
        final int length = 64 - Long.numberOfLeadingZeros(u);
        final int zeros = length - k - 1;
        final int total = zeros + length;
        if (total <= 32)
        {
            // The one bit, then u below its top bit: u shifted up one with its top bit moved to bit 0.
            bits(((u << 1) ^ (1L << length) | 1L) << zeros, total);
            return;
        }
        bits(1L << zeros, zeros + 1);
        bits(u ^ (1L << (length - 1)), length - 1);
    }

    /**
     * @return bytes of the stream so far, padded with zero bits to a whole byte ({@link #finish()} first).
     */
    int finish()
    {
        while (pendingBits > 0)
        {
            if (length == bytes.length)
            {
                bytes = Arrays.copyOf(bytes, length * 2);
            }
            bytes[length++] = (byte)pending;
            pending >>>= 8;
            pendingBits -= 8;
        }
        pending = 0;
        pendingBits = 0;
        return length;
    }

    byte[] buffer()
    {
        return bytes;
    }
}
