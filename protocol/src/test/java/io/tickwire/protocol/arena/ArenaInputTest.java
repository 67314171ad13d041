package io.tickwire.protocol.arena;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ArenaInputTest
{
    @Test
    void shouldEncodeEachAxisAsOneSignedByteScaledTo127()
    {
        assertArrayEquals(new byte[]{ 127, 0 }, ArenaInput.encode(1, 0));
        assertArrayEquals(new byte[]{ -127, 64 }, ArenaInput.encode(-1, 0.5));
        assertArrayEquals(new byte[]{ 0, -32 }, ArenaInput.encode(0, -0.25));
        assertEquals(ArenaInput.LENGTH, ArenaInput.encode(0.3, 0.7).length);
    }

    @Test
    void shouldClampEachAxisToUnitRangeWhenEncoding()
    {
        assertArrayEquals(new byte[]{ 127, -127 }, ArenaInput.encode(2.5, -40));
    }

    @Test
    void shouldDecodeAnAxisAlongOneDirectionUnchanged()
    {
        assertEquals(1.0, ArenaInput.axisX((byte)127, (byte)0));
        assertEquals(0.0, ArenaInput.axisY((byte)127, (byte)0));
        assertEquals(-1.0, ArenaInput.axisY((byte)0, (byte)-127));
        assertEquals(0.0, ArenaInput.axisX((byte)0, (byte)0));
        assertEquals(0.0, ArenaInput.axisY((byte)0, (byte)0));
        assertEquals(64 / 127.0, ArenaInput.axisX((byte)64, (byte)-64));
    }

    @Test
    void shouldClampTheDecodedVectorToUnitLength()
    {
        final double x = ArenaInput.axisX((byte)127, (byte)127);
        final double y = ArenaInput.axisY((byte)127, (byte)127);
        assertEquals(Math.sqrt(0.5), x, 1e-12);
        assertEquals(x, y);
        assertEquals(1.0, Math.hypot(x, y), 1e-12);
        for (int bx = -128; bx <= 127; bx++)
        {
            for (int by = -128; by <= 127; by++)
            {
                final double length =
                    Math.hypot(ArenaInput.axisX((byte)bx, (byte)by), ArenaInput.axisY((byte)bx, (byte)by));
                final int fx = bx;
                final int fy = by;
                assertTrue(length <= 1.0 + 1e-12, () -> "bytes (" + fx + ", " + fy + ") decode to length " + length);
            }
        }
    }

    @Test
    void shouldRoundTripAnAxisWithinHalfAStepInsideTheUnitCircle()
    {
        for (double a = -0.7; a <= 0.7; a += 0.01)
        {
            final byte[] payload = ArenaInput.encode(a, -a);
            assertEquals(a, ArenaInput.axisX(payload[0], payload[1]), 0.5 / 127 + 1e-12);
            assertEquals(-a, ArenaInput.axisY(payload[0], payload[1]), 0.5 / 127 + 1e-12);
        }
    }
}
