package io.tickwire.client;

import io.tickwire.protocol.delta.WorldState;
import io.tickwire.protocol.schema.EntitySchema;
import io.tickwire.protocol.schema.FieldKind;
import io.tickwire.protocol.schema.SchemaField;

import java.util.Random;

/**
 * Schema and random world states shared by the tests: states evolve like a game's (entities appear,
 * move, disappear), quantized with the schema's own quantizers.
 */
final class TestWorlds
{
    static final int MAX_ID = 40;

    static final EntitySchema SCHEMA = EntitySchema.builder()
        .fixed("x", -100, 100, 0.01)
        .fixed("y", -100, 100, 0.01)
        .angle("heading", 10)
        .intField("hp", -5, 100)
        .bool("alive")
        .quaternion("rot", 9)
        .build();

    private final Random random;
    private final int slots = SCHEMA.slotCount();

    TestWorlds(final long seed)
    {
        this.random = new Random(seed);
    }

    /**
     * @param tick tick of the result.
     * @return a world at {@code tick} with a random set of entities.
     */
    WorldState initial(final int tick)
    {
        return next(null, tick);
    }

    /**
     * @param previous world to evolve from, null for a fresh one.
     * @param tick     tick of the result.
     * @return a new world: some entities removed, some created, some changed.
     */
    WorldState next(final WorldState previous, final int tick)
    {
        final int[] ids = new int[MAX_ID];
        final int[] values = new int[MAX_ID * slots];
        int count = 0;
        for (int id = 1; id <= MAX_ID; id++)
        {
            final int index = previous == null ? -1 : previous.indexOf(id);
            if (index >= 0)
            {
                if (random.nextInt(10) == 0)
                {
                    continue;
                }
                for (int s = 0; s < slots; s++)
                {
                    values[count * slots + s] = previous.valueAt(index, s);
                }
                if (random.nextInt(3) != 0)
                {
                    randomize(values, count * slots, random.nextInt(2) == 0);
                }
                ids[count++] = id;
            }
            else if (random.nextInt(previous == null ? 2 : 8) == 0)
            {
                randomize(values, count * slots, true);
                ids[count++] = id;
            }
        }
        final WorldState state = new WorldState(SCHEMA, count);
        state.capture(tick, tick * 50L, count, ids, values);
        return state;
    }

    private void randomize(final int[] values, final int offset, final boolean all)
    {
        for (final SchemaField f : SCHEMA.fields())
        {
            if (!all && random.nextBoolean())
            {
                continue;
            }
            final int slot = offset + f.firstSlot();
            switch (f.kind())
            {
                case FIXED:
                    values[slot] = f.quantize(-100 + random.nextDouble() * 200);
                    break;
                case ANGLE:
                    values[slot] = f.quantize(random.nextDouble() * 20 - 10);
                    break;
                case INT:
                    values[slot] = f.quantizeInt(random.nextInt(110) - 7);
                    break;
                case BOOL:
                    values[slot] = f.quantizeInt(random.nextInt(2));
                    break;
                default:
                    f.quantizeQuaternion(random.nextGaussian(), random.nextGaussian(), random.nextGaussian(),
                        random.nextGaussian(), values, slot);
                    break;
            }
        }
    }

    /**
     * @return the schema as a {@code Welcome} carries it.
     */
    static io.tickwire.protocol.v1.EntitySchema schemaProto()
    {
        return SCHEMA.toProto();
    }

    /**
     * @param kind a kind.
     * @return the first field of that kind in {@link #SCHEMA}.
     */
    static SchemaField fieldOf(final FieldKind kind)
    {
        for (final SchemaField f : SCHEMA.fields())
        {
            if (f.kind() == kind)
            {
                return f;
            }
        }
        throw new IllegalArgumentException("no field of kind " + kind);
    }
}
