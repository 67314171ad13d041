package io.tickwire.server.game;

import io.tickwire.protocol.delta.WorldState;
import io.tickwire.protocol.predict.EntityView;
import io.tickwire.protocol.schema.EntitySchema;
import io.tickwire.protocol.schema.FieldKind;
import io.tickwire.protocol.schema.SchemaField;
import org.agrona.collections.Int2IntHashMap;

import java.util.Arrays;

/**
 * The entities of one room: ids ascending and, per entity, the schema's quantized slots, held in
 * flat int arrays so that capturing a tick is an array copy. Values are quantized when set, so
 * what the game reads back is exactly what clients will see.
 * <p>
 * Thread: the room loop thread that owns the room; not thread-safe. Entity ids are never reused
 * within a room.
 */
public final class World
{
    private static final int MISSING = -1;

    private final EntitySchema schema;
    private final int slotCount;
    private final Int2IntHashMap indexById = new Int2IntHashMap(MISSING);
    private int[] ids;
    private int[] values;
    private int count;
    private int nextId = 1;
    private final EntityFlyweight view = new EntityFlyweight();

    /**
     * @param schema          entity schema.
     * @param initialCapacity entities to size for.
     */
    public World(final EntitySchema schema, final int initialCapacity)
    {
        this.schema = schema;
        this.slotCount = schema.slotCount();
        final int capacity = Math.max(4, initialCapacity);
        this.ids = new int[capacity];
        this.values = new int[capacity * slotCount];
    }

    /**
     * @return the entity schema.
     */
    public EntitySchema schema()
    {
        return schema;
    }

    /**
     * @return number of entities.
     */
    public int entityCount()
    {
        return count;
    }

    /**
     * @param index entity index in [0, entityCount), ascending by id.
     * @return the entity id at that index.
     */
    public int entityIdAt(final int index)
    {
        return ids[index];
    }

    /**
     * Create an entity; every slot starts at 0 (each field's minimum, angle 0, identity rotation
     * is not implied: set quaternions explicitly).
     *
     * @return the new entity's id.
     */
    public int createEntity()
    {
        if (count == ids.length)
        {
            final int capacity = count * 2;
            ids = Arrays.copyOf(ids, capacity);
            values = Arrays.copyOf(values, capacity * slotCount);
        }
        final int id = nextId++;
        ids[count] = id;
        Arrays.fill(values, count * slotCount, (count + 1) * slotCount, 0);
        indexById.put(id, count);
        count++;
        return id;
    }

    /**
     * Destroy an entity. Unknown ids are ignored.
     *
     * @param id entity id.
     * @return true when the entity existed.
     */
    public boolean destroyEntity(final int id)
    {
        final int index = indexById.remove(id);
        if (index == MISSING)
        {
            return false;
        }
        final int tail = count - index - 1;
        System.arraycopy(ids, index + 1, ids, index, tail);
        System.arraycopy(values, (index + 1) * slotCount, values, index * slotCount, tail * slotCount);
        count--;
        for (int i = index; i < count; i++)
        {
            indexById.put(ids[i], i);
        }
        return true;
    }

    /**
     * @param id entity id.
     * @return true when it exists.
     */
    public boolean exists(final int id)
    {
        return indexById.get(id) != MISSING;
    }

    private int indexOrThrow(final int id)
    {
        final int index = indexById.get(id);
        if (index == MISSING)
        {
            throw new IllegalArgumentException("no such entity: id=" + id);
        }
        return index;
    }

    /**
     * Set a numeric field; quantized and clamped by the field's kind (angles wrap).
     *
     * @param id    entity id.
     * @param field INT, FIXED, ANGLE or BOOL field of this schema.
     * @param value game value.
     */
    public void setDouble(final int id, final SchemaField field, final double value)
    {
        values[indexOrThrow(id) * slotCount + field.firstSlot()] = field.quantize(value);
    }

    /**
     * Set an INT or BOOL field (clamped).
     *
     * @param id    entity id.
     * @param field field of this schema.
     * @param value game value.
     */
    public void setInt(final int id, final SchemaField field, final int value)
    {
        values[indexOrThrow(id) * slotCount + field.firstSlot()] = field.quantizeInt(value);
    }

    /**
     * @param id    entity id.
     * @param field BOOL field.
     * @param value value.
     */
    public void setBool(final int id, final SchemaField field, final boolean value)
    {
        values[indexOrThrow(id) * slotCount + field.firstSlot()] = value ? 1 : 0;
    }

    /**
     * Set a QUATERNION field (normalized, smallest-three quantized).
     *
     * @param id    entity id.
     * @param field quaternion field.
     * @param x     component.
     * @param y     component.
     * @param z     component.
     * @param w     component.
     */
    public void setQuaternion(
        final int id, final SchemaField field, final double x, final double y, final double z, final double w)
    {
        if (field.kind() != FieldKind.QUATERNION)
        {
            throw new IllegalArgumentException("not a quaternion field: " + field);
        }
        field.quantizeQuaternion(x, y, z, w, values, indexOrThrow(id) * slotCount + field.firstSlot());
    }

    /**
     * @param id    entity id.
     * @param field INT, FIXED, ANGLE or BOOL field.
     * @return the dequantized value.
     */
    public double getDouble(final int id, final SchemaField field)
    {
        return field.dequantize(values[indexOrThrow(id) * slotCount + field.firstSlot()]);
    }

    /**
     * @param id    entity id.
     * @param field INT or BOOL field.
     * @return the value.
     */
    public int getInt(final int id, final SchemaField field)
    {
        return field.dequantizeInt(values[indexOrThrow(id) * slotCount + field.firstSlot()]);
    }

    /**
     * @param id    entity id.
     * @param field BOOL field.
     * @return the value.
     */
    public boolean getBool(final int id, final SchemaField field)
    {
        return values[indexOrThrow(id) * slotCount + field.firstSlot()] != 0;
    }

    /**
     * @param id    entity id.
     * @param field QUATERNION field.
     * @param xyzw  receives x, y, z, w.
     */
    public void getQuaternion(final int id, final SchemaField field, final double[] xyzw)
    {
        field.dequantizeQuaternion(values, indexOrThrow(id) * slotCount + field.firstSlot(), xyzw);
    }

    /**
     * @param id   entity id.
     * @param slot slot index.
     * @return the raw quantized slot value.
     */
    public int slot(final int id, final int slot)
    {
        return values[indexOrThrow(id) * slotCount + slot];
    }

    /**
     * One entity as an {@link EntityView}, for running a game's shared {@link
     * io.tickwire.protocol.predict.EntityStep} (the same step its clients predict with) on the server. The
     * view is a flyweight owned by this world: each call rebinds the same object, so use it before asking for
     * another entity's view and do not keep it. Reads and writes go through this world's own accessors
     * (quantized on write). Allocates nothing.
     *
     * @param id an existing entity.
     * @return the world's view, bound to {@code id}.
     * @throws IllegalArgumentException when there is no such entity.
     */
    public EntityView entity(final int id)
    {
        indexOrThrow(id);
        view.id = id;
        return view;
    }

    /**
     * Copy the world into a snapshot state: the capture of one tick.
     *
     * @param state        destination, same schema.
     * @param tick         tick number.
     * @param serverTimeMs server time of the tick.
     */
    public void captureInto(final WorldState state, final int tick, final long serverTimeMs)
    {
        state.capture(tick, serverTimeMs, count, ids, values);
    }

    private final class EntityFlyweight implements EntityView
    {
        int id;

        @Override
        public EntitySchema schema()
        {
            return schema;
        }

        @Override
        public int entityId()
        {
            return id;
        }

        @Override
        public double getDouble(final SchemaField field)
        {
            return World.this.getDouble(id, field);
        }

        @Override
        public void setDouble(final SchemaField field, final double value)
        {
            World.this.setDouble(id, field, value);
        }

        @Override
        public int getInt(final SchemaField field)
        {
            return World.this.getInt(id, field);
        }

        @Override
        public void setInt(final SchemaField field, final int value)
        {
            World.this.setInt(id, field, value);
        }

        @Override
        public boolean getBool(final SchemaField field)
        {
            return World.this.getBool(id, field);
        }

        @Override
        public void setBool(final SchemaField field, final boolean value)
        {
            World.this.setBool(id, field, value);
        }

        @Override
        public int slot(final int slot)
        {
            return World.this.slot(id, slot);
        }

        @Override
        public String toString()
        {
            return "World.entity{id=" + id + '}';
        }
    }
}
