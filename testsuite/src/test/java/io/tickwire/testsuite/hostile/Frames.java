package io.tickwire.testsuite.hostile;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Hand-crafted RFC 6455 frames, byte by byte, including the ones no well-behaved client library
 * will produce: reserved bits, reserved opcodes, unmasked client frames, non-minimal or impossible
 * length fields, oversized or fragmented control frames.
 */
final class Frames
{
    static final int OP_CONTINUATION = 0x0;
    static final int OP_TEXT = 0x1;
    static final int OP_BINARY = 0x2;
    static final int OP_RESERVED_DATA = 0x3;
    static final int OP_CLOSE = 0x8;
    static final int OP_PING = 0x9;
    static final int OP_PONG = 0xA;
    static final int OP_RESERVED_CONTROL = 0xB;

    static final int RSV1 = 0x4;
    static final int RSV2 = 0x2;
    static final int RSV3 = 0x1;

    private Frames()
    {
    }

    /**
     * A complete, masked client frame with the minimal length encoding.
     *
     * @param fin     FIN bit.
     * @param rsv     RSV1..RSV3 as the three bits 0b(rsv1)(rsv2)(rsv3).
     * @param opcode  4-bit opcode.
     * @param payload payload bytes.
     * @return the frame bytes.
     */
    static byte[] frame(final boolean fin, final int rsv, final int opcode, final byte[] payload)
    {
        return frame(fin, rsv, opcode, true, payload);
    }

    /**
     * A complete client frame with the minimal length encoding, masked or not.
     *
     * @param fin     FIN bit.
     * @param rsv     RSV1..RSV3 as three bits.
     * @param opcode  4-bit opcode.
     * @param masked  whether to set the MASK bit and mask the payload.
     * @param payload payload bytes.
     * @return the frame bytes.
     */
    static byte[] frame(final boolean fin, final int rsv, final int opcode, final boolean masked, final byte[] payload)
    {
        final ByteArrayOutputStream out = new ByteArrayOutputStream(payload.length + 14);
        final byte[] mask = header(out, fin, rsv, opcode, masked, payload.length, minimalLengthBytes(payload.length));
        for (int i = 0; i < payload.length; i++)
        {
            out.write(masked ? payload[i] ^ mask[i & 3] : payload[i]);
        }
        return out.toByteArray();
    }

    /**
     * Only a header, masked, whose 64-bit extended length field holds any value, even one with the
     * most significant bit set or one that fits in fewer bytes; no payload follows.
     *
     * @param opcode         4-bit opcode.
     * @param declaredLength the raw 64-bit length field.
     * @return the header bytes (2 + 8 + 4).
     */
    static byte[] header64(final int opcode, final long declaredLength)
    {
        final ByteArrayOutputStream out = new ByteArrayOutputStream(14);
        header(out, true, 0, opcode, true, declaredLength, 8);
        return out.toByteArray();
    }

    /**
     * A complete masked frame whose length uses the 64-bit form even though it fits in 7 bits.
     *
     * @param opcode  4-bit opcode.
     * @param payload payload.
     * @return the frame bytes.
     */
    static byte[] nonMinimalLengthFrame(final int opcode, final byte[] payload)
    {
        final ByteArrayOutputStream out = new ByteArrayOutputStream(payload.length + 14);
        final byte[] mask = header(out, true, 0, opcode, true, payload.length, 8);
        for (int i = 0; i < payload.length; i++)
        {
            out.write(payload[i] ^ mask[i & 3]);
        }
        return out.toByteArray();
    }

    /**
     * @param code   close status code.
     * @param reason UTF-8 reason.
     * @return a close frame payload.
     */
    static byte[] closePayload(final int code, final String reason)
    {
        final byte[] text = reason.getBytes(StandardCharsets.UTF_8);
        final byte[] payload = new byte[2 + text.length];
        payload[0] = (byte)(code >>> 8);
        payload[1] = (byte)code;
        System.arraycopy(text, 0, payload, 2, text.length);
        return payload;
    }

    /**
     * @param parts frames.
     * @return the frames back to back, to be written in one go.
     */
    static byte[] concat(final byte[]... parts)
    {
        final ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (final byte[] part : parts)
        {
            out.writeBytes(part);
        }
        return out.toByteArray();
    }

    private static int minimalLengthBytes(final long length)
    {
        return length <= 125 ? 0 : length <= 0xFFFF ? 2 : 8;
    }

    private static byte[] header(
        final ByteArrayOutputStream out,
        final boolean fin,
        final int rsv,
        final int opcode,
        final boolean masked,
        final long length,
        final int lengthBytes)
    {
        out.write((fin ? 0x80 : 0) | (rsv & 0x7) << 4 | (opcode & 0xF));
        final int maskBit = masked ? 0x80 : 0;
        if (lengthBytes == 0)
        {
            out.write(maskBit | (int)length);
        }
        else if (lengthBytes == 2)
        {
            out.write(maskBit | 126);
            out.write((int)(length >>> 8) & 0xFF);
            out.write((int)length & 0xFF);
        }
        else
        {
            out.write(maskBit | 127);
            for (int shift = 56; shift >= 0; shift -= 8)
            {
                out.write((int)(length >>> shift) & 0xFF);
            }
        }
        final byte[] mask = new byte[4];
        if (masked)
        {
            ThreadLocalRandom.current().nextBytes(mask);
            out.writeBytes(mask);
        }
        return mask;
    }
}
