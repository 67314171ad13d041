package io.tickwire.benchmarks;

import io.tickwire.protocol.delta.WorldState;
import io.tickwire.protocol.schema.EntitySchema;
import io.tickwire.protocol.schema.SchemaField;

import java.util.Random;

/**
 * A deterministic world of 2D movers: the fixture both codec benchmarks and
 * {@link WireSizeReport} measure.
 * <p>
 * Schema: {@code x, y} fixed in [-512, 512] step 0.01, {@code heading} angle 10 bits, {@code kind}
 * int 0..7, {@code hp} int 0..100. The baseline has {@link #ENTITIES} movers with ids ascending from
 * 1 (gaps of 1..3), anywhere in the arena. The current state is {@link #BASELINE_AGE_TICKS} ticks
 * later at 60 Hz: the chosen percentage of movers (picked at random) moved at up to
 * {@link #MAX_SPEED} units/s and turned at up to 90 degrees/s; one in ten of those also lost 1..10 hp.
 * Everything else is unchanged. Same seed, same bytes. Confined to the thread that built it.
 */
public final class MoverFixture
{
    /** Movers in the world. */
    public static final int ENTITIES = 1_000;
    /** Ticks between baseline and current: 100 ms round trip at 60 Hz. */
    public static final int BASELINE_AGE_TICKS = 6;
    /** Fastest a mover goes, units (metres) per second. */
    public static final double MAX_SPEED = 6.0;
    /** Tick rate the movement is scaled to. */
    public static final int TICK_RATE_HZ = 60;

    private static final long SEED = 0x2D_0_CAFEL;
    private static final int BASELINE_TICK = 1_000;

    private final EntitySchema schema;
    private final WorldState baseline;
    private final WorldState current;
    private final int changed;

    private MoverFixture(
        final EntitySchema schema, final WorldState baseline, final WorldState current, final int changed)
    {
        this.schema = schema;
        this.baseline = baseline;
        this.current = current;
        this.changed = changed;
    }

    /**
     * @return the 2D mover schema.
     */
    public static EntitySchema schema()
    {
        return schema(10);
    }

    /**
     * @param headingBits bits of the heading angle (10 in the default fixture; 16 is issue #12's measure).
     * @return the 2D mover schema with that heading.
     */
    public static EntitySchema schema(final int headingBits)
    {
        return EntitySchema.builder()
            .fixed("x", -512, 512, 0.01)
            .fixed("y", -512, 512, 0.01)
            .angle("heading", headingBits)
            .intField("kind", 0, 7)
            .intField("hp", 0, 100)
            .build();
    }

    /**
     * Build the baseline and the state {@link #BASELINE_AGE_TICKS} later.
     *
     * @param changedPercent share of movers that moved, 0..100.
     * @return the fixture.
     */
    public static MoverFixture create(final int changedPercent)
    {
        return create(changedPercent, 10);
    }

    /**
     * Build the baseline and the state {@link #BASELINE_AGE_TICKS} later, with a heading of {@code headingBits}.
     *
     * @param changedPercent share of movers that moved, 0..100.
     * @param headingBits    bits of the heading angle.
     * @return the fixture.
     */
    public static MoverFixture create(final int changedPercent, final int headingBits)
    {
        if (changedPercent < 0 || changedPercent > 100)
        {
            throw new IllegalArgumentException("changedPercent out of range: changedPercent=" + changedPercent +
                ", allowed=0..100");
        }
        final EntitySchema schema = schema(headingBits);
        final SchemaField x = schema.field("x");
        final SchemaField y = schema.field("y");
        final SchemaField heading = schema.field("heading");
        final SchemaField kind = schema.field("kind");
        final SchemaField hp = schema.field("hp");
        final int slots = schema.slotCount();
        final Random random = new Random(SEED);

        final int[] ids = new int[ENTITIES];
        final double[] px = new double[ENTITIES];
        final double[] py = new double[ENTITIES];
        final double[] yaw = new double[ENTITIES];
        final int[] kinds = new int[ENTITIES];
        final int[] hps = new int[ENTITIES];
        int id = 0;
        for (int i = 0; i < ENTITIES; i++)
        {
            id += 1 + (random.nextInt(8) == 0 ? 1 + random.nextInt(2) : 0);
            ids[i] = id;
            px[i] = (random.nextDouble() * 2 - 1) * 500;
            py[i] = (random.nextDouble() * 2 - 1) * 500;
            yaw[i] = random.nextDouble() * 2 * Math.PI;
            kinds[i] = random.nextInt(8);
            hps[i] = 50 + random.nextInt(51);
        }
        final int[] values = new int[ENTITIES * slots];
        quantize(values, slots, px, py, yaw, kinds, hps, x, y, heading, kind, hp);
        final WorldState baseline = new WorldState(schema, ENTITIES);
        baseline.capture(BASELINE_TICK, BASELINE_TICK * 1000L / TICK_RATE_HZ, ENTITIES, ids, values);

        final int changed = Math.round(ENTITIES * changedPercent / 100f);
        final boolean[] moves = pick(random, changed);
        final double seconds = BASELINE_AGE_TICKS / (double)TICK_RATE_HZ;
        for (int i = 0; i < ENTITIES; i++)
        {
            if (!moves[i])
            {
                continue;
            }
            final double speed = MAX_SPEED * (0.2 + 0.8 * random.nextDouble());
            px[i] += Math.cos(yaw[i]) * speed * seconds;
            py[i] += Math.sin(yaw[i]) * speed * seconds;
            yaw[i] += (random.nextDouble() * 2 - 1) * (Math.PI / 2) * seconds;
            if (random.nextInt(10) == 0)
            {
                hps[i] = Math.max(0, hps[i] - 1 - random.nextInt(10));
            }
        }
        final int[] next = new int[ENTITIES * slots];
        quantize(next, slots, px, py, yaw, kinds, hps, x, y, heading, kind, hp);
        final WorldState current = new WorldState(schema, ENTITIES);
        final int tick = BASELINE_TICK + BASELINE_AGE_TICKS;
        current.capture(tick, tick * 1000L / TICK_RATE_HZ, ENTITIES, ids, next);
        return new MoverFixture(schema, baseline, current, changed);
    }

    private static boolean[] pick(final Random random, final int count)
    {
        final int[] order = new int[ENTITIES];
        for (int i = 0; i < ENTITIES; i++)
        {
            order[i] = i;
        }
        for (int i = ENTITIES - 1; i > 0; i--)
        {
            final int j = random.nextInt(i + 1);
            final int t = order[i];
            order[i] = order[j];
            order[j] = t;
        }
        final boolean[] picked = new boolean[ENTITIES];
        for (int i = 0; i < count; i++)
        {
            picked[order[i]] = true;
        }
        return picked;
    }

    private static void quantize(
        final int[] values,
        final int slots,
        final double[] px,
        final double[] py,
        final double[] yaw,
        final int[] kinds,
        final int[] hps,
        final SchemaField x,
        final SchemaField y,
        final SchemaField heading,
        final SchemaField kind,
        final SchemaField hp)
    {
        for (int i = 0; i < ENTITIES; i++)
        {
            final int offset = i * slots;
            values[offset + x.firstSlot()] = x.quantize(px[i]);
            values[offset + y.firstSlot()] = y.quantize(py[i]);
            values[offset + heading.firstSlot()] = heading.quantize(yaw[i]);
            values[offset + kind.firstSlot()] = kind.quantizeInt(kinds[i]);
            values[offset + hp.firstSlot()] = hp.quantizeInt(hps[i]);
        }
    }

    /**
     * @return the schema of both states.
     */
    public EntitySchema entitySchema()
    {
        return schema;
    }

    /**
     * @return the acked state.
     */
    public WorldState baseline()
    {
        return baseline;
    }

    /**
     * @return the state to send.
     */
    public WorldState current()
    {
        return current;
    }

    /**
     * @return movers that moved between baseline and current.
     */
    public int changed()
    {
        return changed;
    }
}
