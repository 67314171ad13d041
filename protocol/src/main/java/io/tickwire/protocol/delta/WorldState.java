package io.tickwire.protocol.delta;

import io.tickwire.protocol.schema.EntitySchema;
import io.tickwire.protocol.schema.EntityTypes;

import java.util.Arrays;

/**
 * The state of every entity of a room (or of one connection's view of it) at one tick: entity ids in
 * ascending order and, per entity, its type and {@link #slotCount()} quantized ints (the widest type's slot
 * count; a narrower type leaves its tail slots 0), all in flat arrays. Capture is an array copy and
 * comparison is integer work. A STRING slot's int is a local change handle (a new one each time the text
 * changes, 0 for ""); the text itself is in the parallel {@link #stringArray()}, which exists only when some
 * type has a STRING field. Handles never go on the wire; {@link #contentEquals} compares texts.
 * <p>
 * Mutable while it is filled (by the room loop capturing a tick, or by the decoder), treated as
 * immutable afterwards: then it may be read from any thread that received it safely. Arrays grow
 * on demand and are reused, so a pooled instance allocates nothing once it reached its size.
 */
public final class WorldState
{
    private final EntityTypes types;
    private final int slotCount;
    private final boolean hasStrings;
    private int tick;
    private long serverTimeMs;
    private int count;
    private int[] ids;
    private int[] typeIds;
    private int[] values;
    private String[] strings;

    /**
     * A state of a room with one entity type.
     *
     * @param schema          the entities' schema.
     * @param initialCapacity entities to size the arrays for.
     */
    public WorldState(final EntitySchema schema, final int initialCapacity)
    {
        this(EntityTypes.single(schema), initialCapacity);
    }

    /**
     * @param types           the room's entity types.
     * @param initialCapacity entities to size the arrays for.
     */
    public WorldState(final EntityTypes types, final int initialCapacity)
    {
        this.types = types;
        this.slotCount = types.maxSlotCount();
        this.hasStrings = types.hasStrings();
        final int capacity = Math.max(1, initialCapacity);
        this.ids = new int[capacity];
        this.typeIds = new int[capacity];
        this.values = new int[capacity * slotCount];
        this.strings = hasStrings ? new String[capacity * slotCount] : null;
    }

    /**
     * @return the schema of type 0 (the only one of a single-type room).
     */
    public EntitySchema schema()
    {
        return types.schema(0);
    }

    /**
     * @return the room's entity types.
     */
    public EntityTypes types()
    {
        return types;
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
     * @return slots per entity row (the widest type's slot count).
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
     * @return the entity's type.
     */
    public int typeAt(final int index)
    {
        return typeIds[index];
    }

    /**
     * @param index entity index in [0, count).
     * @param slot  slot in [0, slotCount).
     * @return the quantized value (a local change handle for a STRING slot).
     */
    public int valueAt(final int index, final int slot)
    {
        return values[index * slotCount + slot];
    }

    /**
     * @param index entity index in [0, count).
     * @param slot  a STRING slot of the entity's type.
     * @return its text, never null.
     */
    public String stringAt(final int index, final int slot)
    {
        final String s = strings == null ? null : strings[index * slotCount + slot];
        return s == null ? "" : s;
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
     * The backing type array, parallel to {@link #idArray()}. Read-only for callers.
     *
     * @return the type array.
     */
    public int[] typeArray()
    {
        return typeIds;
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
     * The backing text array, parallel to {@link #valueArray()}; null when no type has a STRING field. Entries
     * of other slots are null; a null STRING entry means "". Read-only for callers.
     *
     * @return the text array or null.
     */
    public String[] stringArray()
    {
        return strings;
    }

    /**
     * Overwrite this state with a copy of the given arrays, every entity of type 0 and no texts: the capture
     * of one tick of a single-type room without STRING fields.
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
        capture(tick, serverTimeMs, count, srcIds, null, srcValues, null);
    }

    /**
     * Overwrite this state with a copy of the given arrays: the capture of one tick.
     *
     * @param tick         tick number.
     * @param serverTimeMs server clock at capture.
     * @param count        number of entities.
     * @param srcIds       ascending ids, at least {@code count} long.
     * @param srcTypes     types parallel to the ids, or null for all type 0.
     * @param srcValues    entity-major values, at least {@code count * slotCount} long.
     * @param srcStrings   texts parallel to the values, or null for none.
     */
    public void capture(
        final int tick,
        final long serverTimeMs,
        final int count,
        final int[] srcIds,
        final int[] srcTypes,
        final int[] srcValues,
        final String[] srcStrings)
    {
        ensureCapacity(count);
        System.arraycopy(srcIds, 0, ids, 0, count);
        if (srcTypes == null)
        {
            Arrays.fill(typeIds, 0, count, 0);
        }
        else
        {
            System.arraycopy(srcTypes, 0, typeIds, 0, count);
        }
        System.arraycopy(srcValues, 0, values, 0, count * slotCount);
        if (strings != null)
        {
            if (srcStrings == null)
            {
                Arrays.fill(strings, 0, count * slotCount, null);
            }
            else
            {
                System.arraycopy(srcStrings, 0, strings, 0, count * slotCount);
            }
        }
        this.tick = tick;
        this.serverTimeMs = serverTimeMs;
        this.count = count;
    }

    /**
     * Overwrite this state with a copy of another.
     *
     * @param other state of the same types.
     */
    public void copyFrom(final WorldState other)
    {
        capture(other.tick, other.serverTimeMs, other.count, other.ids, other.typeIds, other.values, other.strings);
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

    /**
     * Append one entity of another state of the same types, with the slots of {@code hiddenSlots} (per type:
     * bit i = slot i) set to 0 and their texts to "": how a connection's view is built from the room's state.
     * Ids must be appended in ascending order.
     *
     * @param src         the room's state.
     * @param srcIndex    the entity's index in it.
     * @param hiddenSlots per type, the slots this view must not see; null for none.
     */
    public void append(final WorldState src, final int srcIndex, final long[] hiddenSlots)
    {
        ensureCapacity(count + 1);
        final int stride = slotCount;
        final int type = src.typeIds[srcIndex];
        final int to = count * stride;
        final int from = srcIndex * stride;
        ids[count] = src.ids[srcIndex];
        typeIds[count] = type;
        System.arraycopy(src.values, from, values, to, stride);
        if (strings != null)
        {
            System.arraycopy(src.strings, from, strings, to, stride);
        }
        if (hiddenSlots != null)
        {
            long hidden = hiddenSlots[type];
            while (hidden != 0)
            {
                final int s = Long.numberOfTrailingZeros(hidden);
                hidden &= hidden - 1;
                values[to + s] = 0;
                if (strings != null)
                {
                    strings[to + s] = null;
                }
            }
        }
        count++;
    }

    void appendEntity(final int id, final int type, final WorldState src, final int srcIndex)
    {
        ensureCapacity(count + 1);
        ids[count] = id;
        typeIds[count] = type;
        System.arraycopy(src.values, srcIndex * slotCount, values, count * slotCount, slotCount);
        if (strings != null)
        {
            System.arraycopy(src.strings, srcIndex * slotCount, strings, count * slotCount, slotCount);
        }
        count++;
    }

    void appendEntity(final int id, final int type)
    {
        ensureCapacity(count + 1);
        ids[count] = id;
        typeIds[count] = type;
        Arrays.fill(values, count * slotCount, (count + 1) * slotCount, 0);
        if (strings != null)
        {
            Arrays.fill(strings, count * slotCount, (count + 1) * slotCount, null);
        }
        count++;
    }

    void setString(final int index, final int slot, final String text, final int handle)
    {
        values[index * slotCount + slot] = text.isEmpty() ? 0 : handle;
        strings[index * slotCount + slot] = text.isEmpty() ? null : text;
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
            typeIds = Arrays.copyOf(typeIds, newCapacity);
            values = Arrays.copyOf(values, newCapacity * slotCount);
            if (strings != null)
            {
                strings = Arrays.copyOf(strings, newCapacity * slotCount);
            }
        }
    }

    /**
     * Field-for-field comparison of content (ids, types, values and texts), ignoring tick, time and the local
     * handles of STRING slots.
     *
     * @param other state to compare with.
     * @return true when both hold the same entities with the same values.
     */
    public boolean contentEquals(final WorldState other)
    {
        if (!hasStrings && !other.hasStrings)
        {
            return count == other.count && slotCount == other.slotCount &&
                Arrays.equals(ids, 0, count, other.ids, 0, count) &&
                Arrays.equals(typeIds, 0, count, other.typeIds, 0, count) &&
                Arrays.equals(values, 0, count * slotCount, other.values, 0, count * slotCount);
        }
        return firstDifference(other) == null;
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
        if (slotCount != other.slotCount)
        {
            return "slot count: " + slotCount + " vs " + other.slotCount;
        }
        for (int i = 0; i < count; i++)
        {
            if (ids[i] != other.ids[i])
            {
                return "id at index " + i + ": " + ids[i] + " vs " + other.ids[i];
            }
            if (typeIds[i] != other.typeIds[i])
            {
                return "entity " + ids[i] + " type: " + typeIds[i] + " vs " + other.typeIds[i];
            }
            final long stringSlots = types.schema(typeIds[i]).stringSlotMask();
            for (int s = 0; s < slotCount; s++)
            {
                if ((stringSlots & (1L << s)) != 0)
                {
                    if (!stringAt(i, s).equals(other.stringAt(i, s)))
                    {
                        return "entity " + ids[i] + " slot " + s + ": \"" + stringAt(i, s) + "\" vs \"" +
                            other.stringAt(i, s) + '"';
                    }
                }
                else if (valueAt(i, s) != other.valueAt(i, s))
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
