package io.tickwire.server.game;

import io.tickwire.protocol.delta.WorldState;
import io.tickwire.protocol.predict.EntityView;
import io.tickwire.protocol.schema.EntitySchema;
import io.tickwire.protocol.schema.EntityTypes;
import io.tickwire.protocol.schema.FieldKind;
import io.tickwire.protocol.schema.SchemaField;
import org.agrona.collections.Int2IntHashMap;
import org.agrona.collections.Int2ObjectHashMap;

import java.util.Arrays;

/**
 * The entities of one room: ids ascending and, per entity, its type and that type's quantized slots, held in
 * flat int arrays so that capturing a tick is an array copy. Values are quantized when set, so
 * what the game reads back is exactly what clients will see. Besides state, each entity may have an owner
 * (who receives its OWNER fields; a player always owns its own {@link Player#entityId()}), an audience (who
 * receives its AUDIENCE fields) and be global (always in every view).
 * <p>
 * Thread: the room loop thread that owns the room; not thread-safe. Entity ids are never reused
 * within a room.
 */
public final class World
{
    private static final int MISSING = -1;
    private static final int FLAG_GLOBAL = 1;

    /**
     * The audience of an entity until {@link #setAudience} gives it one: nobody's, so its AUDIENCE fields stay
     * hidden from every connection (private by default). Players cannot take this audience.
     */
    public static final int NO_AUDIENCE = Integer.MIN_VALUE;

    private final EntityTypes types;
    private final EntitySchema schema;
    private final int slotCount;
    private final boolean singleType;
    private final Int2IntHashMap indexById = new Int2IntHashMap(MISSING);
    private final Int2ObjectHashMap<Player> ownerById = new Int2ObjectHashMap<>();
    private int[] ids;
    private int[] typeIds;
    private int[] values;
    private String[] strings;
    private int[] audiences;
    private int[] flags;
    private int count;
    private int nextId = 1;
    private int nextStringHandle = 1;
    private final EntityFlyweight view = new EntityFlyweight();

    /**
     * A world of one entity type.
     *
     * @param schema          entity schema.
     * @param initialCapacity entities to size for.
     */
    public World(final EntitySchema schema, final int initialCapacity)
    {
        this(EntityTypes.single(schema), initialCapacity);
    }

    /**
     * @param types           the room type's entity types.
     * @param initialCapacity entities to size for.
     */
    public World(final EntityTypes types, final int initialCapacity)
    {
        this.types = types;
        this.schema = types.schema(0);
        this.singleType = types.count() == 1;
        this.slotCount = types.maxSlotCount();
        final int capacity = Math.max(4, initialCapacity);
        this.ids = new int[capacity];
        this.typeIds = new int[capacity];
        this.values = new int[capacity * slotCount];
        this.strings = types.hasStrings() ? new String[capacity * slotCount] : null;
        this.audiences = new int[capacity];
        this.flags = new int[capacity];
    }

    /**
     * @return the schema of type 0 (the only one of a single-type room).
     */
    public EntitySchema schema()
    {
        return schema;
    }

    /**
     * @return the room type's entity types.
     */
    public EntityTypes types()
    {
        return types;
    }

    /**
     * @param id an existing entity.
     * @return its type.
     */
    public int typeOf(final int id)
    {
        return typeIds[indexOrThrow(id)];
    }

    /**
     * @param index entity index in [0, entityCount).
     * @return the type of the entity at that index.
     */
    public int entityTypeAt(final int index)
    {
        return typeIds[index];
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
     * Create an entity of type 0; every slot starts at 0 (each field's minimum, angle 0, identity rotation
     * is not implied: set quaternions explicitly; strings "").
     *
     * @return the new entity's id.
     */
    public int createEntity()
    {
        return createEntity(0);
    }

    /**
     * Create an entity of a named type.
     *
     * @param typeName one of the room type's entity types.
     * @return the new entity's id.
     */
    public int createEntity(final String typeName)
    {
        return createEntity(types.index(typeName));
    }

    /**
     * Create an entity of a type; every slot starts at 0 (strings "").
     *
     * @param type a type index of {@link #types()}.
     * @return the new entity's id.
     */
    public int createEntity(final int type)
    {
        if (type < 0 || type >= types.count())
        {
            throw new IllegalArgumentException("no such entity type: type=" + type + ", types=" + types.names());
        }
        if (count == ids.length)
        {
            final int capacity = count * 2;
            ids = Arrays.copyOf(ids, capacity);
            typeIds = Arrays.copyOf(typeIds, capacity);
            values = Arrays.copyOf(values, capacity * slotCount);
            if (strings != null)
            {
                strings = Arrays.copyOf(strings, capacity * slotCount);
            }
            audiences = Arrays.copyOf(audiences, capacity);
            flags = Arrays.copyOf(flags, capacity);
        }
        final int id = nextId++;
        ids[count] = id;
        typeIds[count] = type;
        Arrays.fill(values, count * slotCount, (count + 1) * slotCount, 0);
        if (strings != null)
        {
            Arrays.fill(strings, count * slotCount, (count + 1) * slotCount, null);
        }
        audiences[count] = NO_AUDIENCE;
        flags[count] = 0;
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
        System.arraycopy(typeIds, index + 1, typeIds, index, tail);
        System.arraycopy(values, (index + 1) * slotCount, values, index * slotCount, tail * slotCount);
        if (strings != null)
        {
            System.arraycopy(strings, (index + 1) * slotCount, strings, index * slotCount, tail * slotCount);
            Arrays.fill(strings, (count - 1) * slotCount, count * slotCount, null);
        }
        System.arraycopy(audiences, index + 1, audiences, index, tail);
        System.arraycopy(flags, index + 1, flags, index, tail);
        ownerById.remove(id);
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
     * Where a field of an entity lives, after checking that the field belongs to the entity's type (a
     * projectile's field used on a player would silently write the wrong slot).
     */
    private int slotOffset(final int id, final SchemaField field)
    {
        final int index = indexOrThrow(id);
        if (!singleType)
        {
            final EntitySchema own = types.schema(typeIds[index]);
            final java.util.List<SchemaField> fields = own.fields();
            final int i = field.index();
            if (i >= fields.size() || (fields.get(i) != field && !fields.get(i).equals(field)))
            {
                throw new IllegalArgumentException("field is not of this entity's type: id=" + id + ", type=" +
                    types.name(typeIds[index]) + ", field=" + field + ", fields=" + own.fields());
            }
        }
        return index * slotCount + field.firstSlot();
    }

    /**
     * Set a STRING field. The text travels to clients once, when it changes (and until they acknowledge it).
     *
     * @param id    entity id.
     * @param field a STRING field of the entity's type.
     * @param text  the text, at most the field's {@code maxLength} UTF-8 bytes; null means "".
     * @throws IllegalArgumentException naming the field and length when the text is too long.
     */
    public void setString(final int id, final SchemaField field, final String text)
    {
        final int offset = slotOffset(id, field);
        final String value = text == null ? "" : text;
        field.checkString(value);
        final String old = strings[offset];
        if (value.isEmpty())
        {
            values[offset] = 0;
            strings[offset] = null;
        }
        else if (!value.equals(old))
        {
            values[offset] = nextStringHandle++;
            strings[offset] = value;
        }
    }

    /**
     * @param id    entity id.
     * @param field a STRING field of the entity's type.
     * @return its text, never null.
     */
    public String getString(final int id, final SchemaField field)
    {
        final int offset = slotOffset(id, field);
        if (field.kind() != FieldKind.STRING)
        {
            throw new IllegalArgumentException("not a string field: " + field);
        }
        final String s = strings[offset];
        return s == null ? "" : s;
    }

    /**
     * Give an entity an owner: that player receives its OWNER fields and always has it in view. A player
     * owns its own {@link Player#entityId()} without this call.
     *
     * @param id    entity id.
     * @param owner the owner, or null for none.
     */
    public void setOwner(final int id, final Player owner)
    {
        indexOrThrow(id);
        if (owner == null)
        {
            ownerById.remove(id);
        }
        else
        {
            ownerById.put(id, owner);
        }
    }

    /**
     * @param id entity id.
     * @return the owner set with {@link #setOwner}, or null (the player whose entity it is owns it anyway).
     */
    public Player ownerOf(final int id)
    {
        indexOrThrow(id);
        return ownerById.get(id);
    }

    /**
     * Visit every entity with an owner set by {@link #setOwner}.
     *
     * @param visitor receives entity id and owner.
     */
    public void forEachOwned(final java.util.function.ObjIntConsumer<Player> visitor)
    {
        // The map's entry iterator is reused (no allocation); its BiConsumer forEach would box every id.
        final Int2ObjectHashMap<Player>.EntryIterator entries = ownerById.entrySet().iterator();
        while (entries.hasNext())
        {
            entries.next();
            visitor.accept(entries.getValue(), entries.getIntKey());
        }
    }

    /**
     * Put an entity in an audience: connections whose {@link Player#audience()} equals it receive the entity's
     * AUDIENCE fields (e.g. a team's shared ammo pool). Until set, an entity is in {@link #NO_AUDIENCE}: nobody
     * receives its AUDIENCE fields.
     *
     * @param id       entity id.
     * @param audience the audience.
     */
    public void setAudience(final int id, final int audience)
    {
        audiences[indexOrThrow(id)] = audience;
    }

    /**
     * @param index entity index in [0, entityCount).
     * @return the audience of the entity at that index.
     */
    public int audienceAt(final int index)
    {
        return audiences[index];
    }

    /**
     * Make an entity global: in every connection's view wherever it is (a scoreboard, a match clock).
     *
     * @param id     entity id.
     * @param global true to make it global.
     */
    public void setGlobal(final int id, final boolean global)
    {
        final int index = indexOrThrow(id);
        flags[index] = global ? flags[index] | FLAG_GLOBAL : flags[index] & ~FLAG_GLOBAL;
    }

    /**
     * @param index entity index in [0, entityCount).
     * @return true when the entity at that index is global.
     */
    public boolean isGlobalAt(final int index)
    {
        return (flags[index] & FLAG_GLOBAL) != 0;
    }

    /**
     * @param id entity id.
     * @return its index in [0, entityCount), ascending by id; -1 when there is no such entity.
     */
    public int indexOf(final int id)
    {
        return indexById.get(id);
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
        values[slotOffset(id, field)] = field.quantize(value);
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
        values[slotOffset(id, field)] = field.quantizeInt(value);
    }

    /**
     * @param id    entity id.
     * @param field BOOL field.
     * @param value value.
     */
    public void setBool(final int id, final SchemaField field, final boolean value)
    {
        values[slotOffset(id, field)] = value ? 1 : 0;
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
        field.quantizeQuaternion(x, y, z, w, values, slotOffset(id, field));
    }

    /**
     * @param id    entity id.
     * @param field INT, FIXED, ANGLE or BOOL field.
     * @return the dequantized value.
     */
    public double getDouble(final int id, final SchemaField field)
    {
        return field.dequantize(values[slotOffset(id, field)]);
    }

    /**
     * @param id    entity id.
     * @param field INT or BOOL field.
     * @return the value.
     */
    public int getInt(final int id, final SchemaField field)
    {
        return field.dequantizeInt(values[slotOffset(id, field)]);
    }

    /**
     * @param id    entity id.
     * @param field BOOL field.
     * @return the value.
     */
    public boolean getBool(final int id, final SchemaField field)
    {
        return values[slotOffset(id, field)] != 0;
    }

    /**
     * @param id    entity id.
     * @param field QUATERNION field.
     * @param xyzw  receives x, y, z, w.
     */
    public void getQuaternion(final int id, final SchemaField field, final double[] xyzw)
    {
        field.dequantizeQuaternion(values, slotOffset(id, field), xyzw);
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
        state.capture(tick, serverTimeMs, count, ids, typeIds, values, strings);
    }

    private final class EntityFlyweight implements EntityView
    {
        int id;

        @Override
        public EntitySchema schema()
        {
            return types.schema(typeIds[indexById.get(id)]);
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
