package io.tickwire.protocol.schema;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.Arrays;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SchemaFieldTest
{
    private static final long SEED = 0x5EED_0001L;
    private static final int SAMPLES = 20_000;
    private static final double SQRT_HALF = Math.sqrt(0.5);

    private static SchemaField single(final EntitySchema schema)
    {
        return schema.fields().get(0);
    }

    @Test
    void shouldRoundTripIntValuesExactlyAndClampOutOfRange()
    {
        final SchemaField hp = single(EntitySchema.builder().intField("hp", -20, 100).build());

        assertEquals(120, hp.slotMax(0));
        for (int v = -20; v <= 100; v++)
        {
            assertEquals(v, hp.dequantizeInt(hp.quantizeInt(v)));
            assertEquals(v, (int)hp.dequantize(hp.quantize((double)v)));
        }
        assertEquals(0, hp.quantizeInt(-21));
        assertEquals(0, hp.quantizeInt(Integer.MIN_VALUE));
        assertEquals(120, hp.quantizeInt(101));
        assertEquals(120, hp.quantizeInt(Integer.MAX_VALUE));
        assertEquals(0, hp.quantize(Double.NEGATIVE_INFINITY));
        assertEquals(120, hp.quantize(Double.POSITIVE_INFINITY));
        assertEquals(0, hp.quantize(Double.NaN));
    }

    @Test
    void shouldRoundIntFieldsWithinHalfAStep()
    {
        final Random random = new Random(SEED);
        final SchemaField f = single(EntitySchema.builder().intField("i", -1000, 1000).build());
        for (int i = 0; i < SAMPLES; i++)
        {
            final double v = (random.nextDouble() - 0.5) * 2000;
            final double back = f.dequantize(f.quantize(v));
            assertTrue(Math.abs(back - v) <= 0.5, () -> "v=" + v + ", back=" + back);
        }
    }

    @Test
    void shouldHandleWidestIntRange()
    {
        final SchemaField f = single(EntitySchema.builder().intField("wide", Integer.MIN_VALUE, -2).build());

        assertEquals(Integer.MAX_VALUE - 1, f.slotMax(0));
        assertEquals(0, f.quantizeInt(Integer.MIN_VALUE));
        assertEquals(Integer.MAX_VALUE - 1, f.quantizeInt(-2));
        assertEquals(Integer.MAX_VALUE - 1, f.quantizeInt(Integer.MAX_VALUE));
        assertEquals(Integer.MIN_VALUE, f.dequantizeInt(0));
        assertEquals(-2, f.dequantizeInt(Integer.MAX_VALUE - 1));
    }

    @ParameterizedTest
    @ValueSource(doubles = {0.01, 0.001953125, 0.3, 1.0 / 3.0, 7.5})
    void shouldRoundTripFixedWithinHalfAStep(final double precision)
    {
        final Random random = new Random(SEED);
        final double min = -512;
        final double max = 512;
        final SchemaField f = single(EntitySchema.builder().fixed("x", min, max, precision).build());
        final double tolerance = precision / 2 + 1e-9;
        for (int i = 0; i < SAMPLES; i++)
        {
            final double v = min + random.nextDouble() * (max - min);
            final int q = f.quantize(v);
            final double back = f.dequantize(q);
            assertTrue(q >= 0 && q <= f.slotMax(0), () -> "q=" + q + ", max=" + f.slotMax(0));
            assertTrue(Math.abs(back - v) <= tolerance, () -> "precision=" + precision + ", v=" + v + ", back=" + back);
        }
        assertEquals(min, f.dequantize(f.quantize(min)), 1e-9);
        assertEquals(max, f.dequantize(f.quantize(max)), tolerance);
    }

    @Test
    void shouldRoundTripRandomFixedRangesWithinHalfAStep()
    {
        final Random random = new Random(SEED);
        for (int n = 0; n < 500; n++)
        {
            final double min = (random.nextDouble() - 0.5) * 1e4;
            final double width = 1e-3 + random.nextDouble() * 1e4;
            final double precision = width / (1 + random.nextInt(1 << 24));
            final SchemaField f = single(EntitySchema.builder().fixed("x", min, min + width, precision).build());
            for (int i = 0; i < 100; i++)
            {
                final double v = min + random.nextDouble() * width;
                final double back = f.dequantize(f.quantize(v));
                final double tolerance = precision / 2 + Math.ulp(Math.abs(min) + width) * 4;
                assertTrue(Math.abs(back - v) <= tolerance, () -> f + ": v=" + v + ", back=" + back);
            }
        }
    }

    @Test
    void shouldClampFixedOutOfRange()
    {
        final SchemaField x = single(EntitySchema.builder().fixed("x", -512, 512, 0.01).build());

        assertEquals(102_400, x.slotMax(0));
        assertEquals(0, x.quantize(-512.0));
        assertEquals(0, x.quantize(-1e9));
        assertEquals(0, x.quantize(Double.NEGATIVE_INFINITY));
        assertEquals(0, x.quantize(Double.NaN));
        assertEquals(102_400, x.quantize(512.0));
        assertEquals(102_400, x.quantize(512.004));
        assertEquals(102_400, x.quantize(1e300));
        assertEquals(102_400, x.quantize(Double.POSITIVE_INFINITY));
        assertEquals(51_200, x.quantize(0.0));
        assertEquals(51_201, x.quantize(0.006));
        assertEquals(0.0, x.dequantize(51_200), 1e-12);
    }

    @ParameterizedTest
    @ValueSource(ints = {2, 3, 8, 10, 16, 24, 30})
    void shouldRoundTripAnglesWithinHalfAStepModuloTurn(final int bits)
    {
        final Random random = new Random(SEED + bits);
        final SchemaField a = single(EntitySchema.builder().angle("a", bits).build());
        final double step = 2 * Math.PI / (1L << bits);
        for (int i = 0; i < SAMPLES; i++)
        {
            final double v = (random.nextDouble() - 0.5) * 20 * Math.PI;
            final int q = a.quantize(v);
            assertTrue(q >= 0 && q <= a.slotMax(0), () -> "q=" + q);
            final double back = a.dequantize(q);
            assertTrue(back >= 0 && back < 2 * Math.PI, () -> "back=" + back);
            final double error = Math.abs(Math.IEEEremainder(back - v, 2 * Math.PI));
            assertTrue(error <= step / 2 + 1e-9, () -> "bits=" + bits + ", v=" + v + ", back=" + back);
        }
    }

    @Test
    void shouldWrapAnglesAroundTheTurn()
    {
        final EntitySchema schema = EntitySchema.builder().angle("yaw", 10).build();
        final SchemaField a = single(schema);
        final double step = 2 * Math.PI / 1024;

        assertEquals(1023, a.slotMax(0));
        assertTrue(a.wraps());
        assertEquals(1023, schema.slotWrapMask(0));
        assertEquals(0, a.quantize(0.0));
        assertEquals(0, a.quantize(2 * Math.PI));
        assertEquals(0, a.quantize(-2 * Math.PI));
        assertEquals(0, a.quantize(2 * Math.PI - step / 4));
        assertEquals(1023, a.quantize(-step));
        assertEquals(1023, a.quantize(2 * Math.PI - step));
        assertEquals(1, a.quantize(2 * Math.PI + step));
        assertEquals(512, a.quantize(Math.PI));
        assertEquals(512, a.quantize(-Math.PI));
        assertEquals(256, a.quantize(Math.PI / 2 + 6 * Math.PI));
        assertEquals(0, a.quantize(Double.NaN));
        assertEquals(0, a.quantize(Double.POSITIVE_INFINITY));
        final int huge = a.quantize(1e300);
        assertTrue(huge >= 0 && huge <= 1023, () -> "huge=" + huge);
    }

    @Test
    void shouldQuantizeBooleans()
    {
        final SchemaField b = single(EntitySchema.builder().bool("alive").build());

        assertEquals(1, b.slotMax(0));
        assertEquals(0, b.quantizeInt(0));
        assertEquals(1, b.quantizeInt(1));
        assertEquals(1, b.quantizeInt(-7));
        assertEquals(0, b.quantize(0.0));
        assertEquals(0, b.quantize(-0.0));
        assertEquals(0, b.quantize(Double.NaN));
        assertEquals(1, b.quantize(0.25));
        assertEquals(0, b.dequantizeInt(0));
        assertEquals(1, b.dequantizeInt(1));
        assertEquals(1.0, b.dequantize(1));
    }

    @ParameterizedTest
    @ValueSource(ints = {4, 6, 9, 12, 16, 20, 30})
    void shouldBoundSmallestThreeErrorForRandomUnitQuaternions(final int bits)
    {
        final Random random = new Random(SEED + bits);
        final SchemaField q = single(EntitySchema.builder().quaternion("rot", bits).build());
        final double halfStep = SQRT_HALF / ((1 << bits) - 1);
        final double bound = 1.0 / (1 << (bits - 1));
        final int[] slots = new int[4];
        final double[] in = new double[4];
        final double[] out = new double[4];
        double maxSmallError = 0;
        double maxError = 0;
        for (int i = 0; i < SAMPLES; i++)
        {
            randomUnitQuaternion(random, in);
            q.quantizeQuaternion(in[0], in[1], in[2], in[3], slots, 0);
            assertSlotsInRange(q, slots);
            q.dequantizeQuaternion(slots, 0, out);

            final int largest = slots[0];
            final double sign = in[largest] < 0 ? -1 : 1;
            assertTrue(out[largest] >= 0, () -> "largest rebuilt negative: " + Arrays.toString(out));
            for (int c = 0; c < 4; c++)
            {
                final double error = Math.abs(sign * in[c] - out[c]);
                if (c == largest)
                {
                    maxError = Math.max(maxError, error);
                }
                else
                {
                    maxSmallError = Math.max(maxSmallError, error);
                    maxError = Math.max(maxError, error);
                }
            }
            final double norm = Math.sqrt(out[0] * out[0] + out[1] * out[1] + out[2] * out[2] + out[3] * out[3]);
            assertEquals(1.0, norm, 4 * bound, () -> "norm of " + Arrays.toString(out));
        }
        final double finalMaxSmallError = maxSmallError;
        final double finalMaxError = maxError;
        assertTrue(maxSmallError <= halfStep + 1e-12,
            () -> "bits=" + bits + ": smallest-three error=" + finalMaxSmallError + ", halfStep=" + halfStep);
        assertTrue(maxError < bound,
            () -> "bits=" + bits + ": max component error=" + finalMaxError + ", bound=" + bound);
    }

    @Test
    void shouldQuantizeQAndMinusQIdentically()
    {
        final Random random = new Random(SEED);
        final SchemaField q = single(EntitySchema.builder().quaternion("rot", 9).build());
        final int[] a = new int[4];
        final int[] b = new int[4];
        final double[] in = new double[4];
        for (int i = 0; i < SAMPLES; i++)
        {
            randomUnitQuaternion(random, in);
            q.quantizeQuaternion(in[0], in[1], in[2], in[3], a, 0);
            q.quantizeQuaternion(-in[0], -in[1], -in[2], -in[3], b, 0);
            assertArrayEquals(a, b, () -> "q=" + Arrays.toString(in));
        }
    }

    @Test
    void shouldNormalizeBeforeQuantizing()
    {
        final Random random = new Random(SEED);
        final SchemaField q = single(EntitySchema.builder().quaternion("rot", 12).build());
        final int[] unit = new int[4];
        final int[] scaled = new int[4];
        final double[] in = new double[4];
        int differing = 0;
        for (int i = 0; i < SAMPLES; i++)
        {
            randomUnitQuaternion(random, in);
            q.quantizeQuaternion(in[0], in[1], in[2], in[3], unit, 0);
            q.quantizeQuaternion(in[0] * 3.5, in[1] * 3.5, in[2] * 3.5, in[3] * 3.5, scaled, 0);
            assertEquals(unit[0], scaled[0]);
            for (int s = 1; s < 4; s++)
            {
                // Rounding of the normalization may move a value sitting on a half step by one.
                assertTrue(Math.abs(unit[s] - scaled[s]) <= 1, () -> Arrays.toString(unit) + " vs " + Arrays.toString(scaled));
                differing += unit[s] != scaled[s] ? 1 : 0;
            }
        }
        assertTrue(differing < SAMPLES / 100, "differing=" + differing);
    }

    @Test
    void shouldQuantizeDegenerateQuaternionsAsIdentity()
    {
        final SchemaField q = single(EntitySchema.builder().quaternion("rot", 9).build());
        final int[] identity = new int[4];
        final int[] slots = new int[4];
        q.quantizeQuaternion(0, 0, 0, 1, identity, 0);
        assertEquals(3, identity[0]);

        q.quantizeQuaternion(0, 0, 0, 0, slots, 0);
        assertArrayEquals(identity, slots);
        q.quantizeQuaternion(Double.NaN, 0, 0, 1, slots, 0);
        assertArrayEquals(identity, slots);
        q.quantizeQuaternion(Double.POSITIVE_INFINITY, 0, 0, 1, slots, 0);
        assertArrayEquals(identity, slots);

        final double[] out = new double[4];
        q.dequantizeQuaternion(identity, 0, out);
        assertEquals(1.0, out[3], 1e-5);
        for (int c = 0; c < 3; c++)
        {
            assertEquals(0.0, out[c], SQRT_HALF / 511);
        }
    }

    @Test
    void shouldHandleQuaternionComponentsOnTheRangeEdge()
    {
        final SchemaField q = single(EntitySchema.builder().quaternion("rot", 9).build());
        final int[] slots = new int[6];
        final double[] out = new double[4];

        q.quantizeQuaternion(SQRT_HALF, -SQRT_HALF, 0, 0, slots, 2);
        assertEquals(0, slots[0]);
        assertEquals(0, slots[1]);
        assertSlotsInRange(q, Arrays.copyOfRange(slots, 2, 6));
        q.dequantizeQuaternion(slots, 2, out);
        assertEquals(SQRT_HALF, out[0], 1e-3);
        assertEquals(-SQRT_HALF, out[1], 1e-3);

        q.quantizeQuaternion(-0.5, 0.5, -0.5, 0.5, slots, 2);
        assertEquals(0, slots[2], "ties pick the first component");
        assertSlotsInRange(q, Arrays.copyOfRange(slots, 2, 6));
        q.dequantizeQuaternion(slots, 2, out);
        final double[] expected = {0.5, -0.5, 0.5, -0.5};
        for (int c = 0; c < 4; c++)
        {
            assertEquals(expected[c], out[c], 3 * SQRT_HALF / 511, "component " + c);
        }
    }

    private static void assertSlotsInRange(final SchemaField q, final int[] slots)
    {
        assertTrue(slots[0] >= 0 && slots[0] <= 3, () -> Arrays.toString(slots));
        assertEquals(3, q.slotMax(0));
        for (int s = 1; s < 4; s++)
        {
            final int v = slots[s];
            assertTrue(v >= 0 && v <= q.slotMax(s), () -> Arrays.toString(slots));
        }
    }

    static void randomUnitQuaternion(final Random random, final double[] xyzw)
    {
        double norm;
        do
        {
            for (int c = 0; c < 4; c++)
            {
                xyzw[c] = random.nextGaussian();
            }
            norm = Math.sqrt(xyzw[0] * xyzw[0] + xyzw[1] * xyzw[1] + xyzw[2] * xyzw[2] + xyzw[3] * xyzw[3]);
        }
        while (norm < 1e-6);
        for (int c = 0; c < 4; c++)
        {
            xyzw[c] /= norm;
        }
    }
}
