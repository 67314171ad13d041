package io.tickwire.protocol.delta;

import io.tickwire.protocol.schema.EntitySchema;

import java.util.Arrays;

/**
 * The state of every entity of a room at one tick: entity ids in ascending order and, per
 * entity, {@link EntitySchema#slotCount()} quantized ints, both in flat arrays. Capture is an
 * array copy and comparison is integer work.
 * <p>
 * Mutable while it is filled (by the room loop capturing a tick, or by the decoder), treated as
 * immutable afterwards: then it may be read from any thread that received it safely. Arrays grow
 * on demand and are reused, so a pooled instance allocates nothing once it reached its size.
 */
public final class WorldState
{
    private final EntitySchema schema;
    private final int slotCount;
    private int tick;
    private long serverTimeMs;
    private int count;
    private int[] ids;
    private int[] values;

    /**
     * @param schema          the entities' schema.
     * @param initialCapacity entities to size the arrays for.
     */
    public WorldState(final EntitySchema schema, final int initialCapacity)
    {
        this.schema = schema;
        this.slotCount = schema.slotCount();
        final int capacity = Math.max(1, initialCapacity);
        this.ids = new int[capacity];
        this.values = new int[capacity * slotCount];
    }

    /**
     * @return the schema of the entities.
     */
    public EntitySchema schema()
    {
        return schema;
    }

    /**
     * @return the tick this state was captured at (0 means the empty world before any tick).
     */
    public int tick()
    {
        return tick;
    }

    /**
     * @return server clock at capture, milliseconds since the room started.
     */
    public long serverTimeMs()
    {
        return serverTimeMs;
    }

    /**
     * @return number of entities.
     */
    public int count()
    {
        return count;
    }

    /**
     * @return slots per entity.
     */
    public int slotCount()
    {
        return slotCount;
    }

    /**
     * @param index entity index in [0, count).
     * @return the entity's id.
     */
    public int idAt(final int index)
    {
        return ids[index];
    }

    /**
     * @param index entity index in [0, count).
     * @param slot  slot in [0, slotCount).
     * @return the quantized value.
     */
    public int valueAt(final int index, final int slot)
    {
        return values[index * slotCount + slot];
    }

    /**
     * Binary search for an entity.
     *
     * @param id entity id.
     * @return its index, or a negative value when absent.
     */
    public int indexOf(final int id)
    {
        return Arrays.binarySearch(ids, 0, count, id);
    }

    /**
     * The backing id array; only the first {@link #count()} entries are meaningful. Read-only for
     * callers: exposed so hot loops avoid a call per element.
     *
     * @return the id array.
     */
    public int[] idArray()
    {
        return ids;
    }

    /**
     * The backing value array, entity-major; only the first {@code count * slotCount} entries are
     * meaningful. Read-only for callers.
     *
     * @return the value array.
     */
    public int[] valueArray()
    {
        return values;
    }

    /**
     * Overwrite this state with a copy of the given arrays: the capture of one tick.
     *
     * @param tick         tick number.
     * @param serverTimeMs server clock at capture.
     * @param count        number of entities.
     * @param srcIds       ascending ids, at least {@code count} long.
     * @param srcValues    entity-major values, at least {@code count * slotCount} long.
     */
    public void capture(
        final int tick, final long serverTimeMs, final int count, final int[] srcIds, final int[] srcValues)
    {
        ensureCapacity(count);
        System.arraycopy(srcIds, 0, ids, 0, count);
        System.arraycopy(srcValues, 0, values, 0, count * slotCount);
        this.tick = tick;
        this.serverTimeMs = serverTimeMs;
        this.count = count;
    }

    /**
     * Overwrite this state with a copy of another.
     *
     * @param other state of the same schema.
     */
    public void copyFrom(final WorldState other)
    {
        capture(other.tick, other.serverTimeMs, other.count, other.ids, other.values);
    }

    /**
     * Empty this state and label it.
     *
     * @param tick         tick number.
     * @param serverTimeMs server clock.
     */
    public void reset(final int tick, final long serverTimeMs)
    {
        this.tick = tick;
        this.serverTimeMs = serverTimeMs;
        this.count = 0;
    }

    void appendEntity(final int id, final int[] src, final int srcOffset)
    {
        ensureCapacity(count + 1);
        ids[count] = id;
        System.arraycopy(src, srcOffset, values, count * slotCount, slotCount);
        count++;
    }

    void appendEntity(final int id)
    {
        ensureCapacity(count + 1);
        ids[count] = id;
        count++;
    }

    void setTickAndTime(final int tick, final long serverTimeMs)
    {
        this.tick = tick;
        this.serverTimeMs = serverTimeMs;
    }

    /**
     * Grow the arrays to hold at least {@code entities} entities, keeping contents.
     *
     * @param entities required capacity.
     */
    public void ensureCapacity(final int entities)
    {
        if (entities > ids.length)
        {
            final int newCapacity = Math.max(entities, ids.length + (ids.length >> 1) + 1);
            ids = Arrays.copyOf(ids, newCapacity);
            values = Arrays.copyOf(values, newCapacity * slotCount);
        }
    }

    /**
     * Field-for-field comparison of content (ids and values), ignoring tick and time.
     *
     * @param other state to compare with.
     * @return true when both hold the same entities with the same values.
     */
    public boolean contentEquals(final WorldState other)
    {
        return count == other.count && slotCount == other.slotCount &&
            Arrays.equals(ids, 0, count, other.ids, 0, count) &&
            Arrays.equals(values, 0, count * slotCount, other.values, 0, count * slotCount);
    }

    /**
     * Describe the first difference between this and another state, for test failure messages.
     *
     * @param other state to compare with.
     * @return null when {@link #contentEquals(WorldState)}, otherwise what differs.
     */
    public String firstDifference(final WorldState other)
    {
        if (count != other.count)
        {
            return "entity count: " + count + " vs " + other.count;
        }
        for (int i = 0; i < count; i++)
        {
            if (ids[i] != other.ids[i])
            {
                return "id at index " + i + ": " + ids[i] + " vs " + other.ids[i];
            }
            for (int s = 0; s < slotCount; s++)
            {
                if (valueAt(i, s) != other.valueAt(i, s))
                {
                    return "entity " + ids[i] + " slot " + s + ": " + valueAt(i, s) + " vs " + other.valueAt(i, s);
                }
            }
        }
        return null;
    }

    @Override
    public String toString()
    {
        return "WorldState{tick=" + tick + ", count=" + count + '}';
    }
}
