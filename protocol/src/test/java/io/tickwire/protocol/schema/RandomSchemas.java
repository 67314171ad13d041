package io.tickwire.protocol.schema;

import java.util.Random;

/**
 * Seeded random schemas and slot values for tests: every field kind, ranges from degenerate
 * ({@code min == max}) to the widest the schema allows ({@code 2^31 - 2} steps).
 */
public final class RandomSchemas
{
    private RandomSchemas()
    {
    }

    /**
     * @param random   source of randomness.
     * @param maxSlots most slots the schema may have (1..64).
     * @return a schema of 1..maxSlots slots (exactly 1 or exactly maxSlots one time in eight each), every
     *     kind possible.
     */
    public static EntitySchema randomSchema(final Random random, final int maxSlots)
    {
        final int shape = random.nextInt(8);
        final int targetSlots = shape == 0 ? maxSlots : shape == 1 ? 1 : 1 + random.nextInt(maxSlots);
        final EntitySchema.Builder builder = EntitySchema.builder();
        int slots = 0;
        int index = 0;
        while (slots < targetSlots)
        {
            final String name = "f" + index++;
            final int kinds = targetSlots - slots >= FieldKind.QUATERNION.slotCount() ? 5 : 4;
            switch (random.nextInt(kinds))
            {
                case 0:
                    addRandomInt(random, builder, name);
                    break;
                case 1:
                    addRandomFixed(random, builder, name);
                    break;
                case 2:
                    builder.angle(name, random.nextBoolean() ? 2 + random.nextInt(29) : 8 + random.nextInt(5));
                    break;
                case 3:
                    builder.bool(name);
                    break;
                default:
                    builder.quaternion(name, random.nextBoolean() ? 2 + random.nextInt(29) : 9);
                    slots += FieldKind.QUATERNION.slotCount() - 1;
                    break;
            }
            slots++;
        }
        return builder.build();
    }

    private static void addRandomInt(final Random random, final EntitySchema.Builder builder, final String name)
    {
        switch (random.nextInt(5))
        {
            case 0:
            {
                final int min = random.nextInt(201) - 100;
                builder.intField(name, min, min + random.nextInt(11));
                break;
            }
            case 1:
            {
                final int min = random.nextInt(1 << 20) - (1 << 19);
                builder.intField(name, min, min + random.nextInt(1 << 16));
                break;
            }
            case 2:
                builder.intField(name, Integer.MIN_VALUE, -2);
                break;
            case 3:
                builder.intField(name, 1, Integer.MAX_VALUE);
                break;
            default:
            {
                final int min = random.nextInt(1000) - 500;
                builder.intField(name, min, min);
                break;
            }
        }
    }

    private static void addRandomFixed(final Random random, final EntitySchema.Builder builder, final String name)
    {
        switch (random.nextInt(3))
        {
            case 0:
                builder.fixed(name, -512, 512, 0.01);
                break;
            case 1:
            {
                final double min = (random.nextDouble() - 0.5) * 2000;
                final double width = 0.01 + random.nextDouble() * 2000;
                final double precision = width / (1 + random.nextInt(1 << 20));
                builder.fixed(name, min, min + width, precision);
                break;
            }
            default:
                builder.fixed(name, 0, 1, 1e-9);
                break;
        }
    }

    /**
     * A value for a slot, biased towards the edges of its range.
     *
     * @param random source of randomness.
     * @param max    inclusive maximum of the slot.
     * @return a value in [0, max].
     */
    public static int randomSlotValue(final Random random, final int max)
    {
        switch (random.nextInt(8))
        {
            case 0:
                return 0;
            case 1:
                return max;
            case 2:
                return Math.max(0, max - random.nextInt(4));
            default:
                return random.nextInt(max + 1);
        }
    }

    /**
     * A new value for a slot that changed: small steps mostly (wrapping for angle slots, clamped
     * otherwise), sometimes a jump anywhere in range.
     *
     * @param random   source of randomness.
     * @param old      previous value.
     * @param max      inclusive maximum of the slot.
     * @param wrapMask {@code 2^bits - 1} for a wrapping slot, 0 otherwise.
     * @return a value in [0, max], possibly equal to {@code old}.
     */
    public static int changeSlotValue(final Random random, final int old, final int max, final int wrapMask)
    {
        if (random.nextInt(4) == 0)
        {
            return randomSlotValue(random, max);
        }
        final int step = random.nextInt(8) == 0 ? random.nextInt(100_000) : random.nextInt(64);
        final long delta = random.nextBoolean() ? step : -step;
        if (wrapMask != 0)
        {
            return (int)((old + delta) & wrapMask);
        }
        return (int)Math.min(Math.max(old + delta, 0), max);
    }
}
