package io.tickwire.client;

import io.tickwire.protocol.predict.EntityStep;
import io.tickwire.protocol.predict.EntityView;
import io.tickwire.protocol.schema.EntitySchema;
import io.tickwire.protocol.schema.EntityTypes;
import io.tickwire.protocol.schema.FieldKind;
import io.tickwire.protocol.schema.SchemaField;

import java.util.Arrays;

/**
 * The quantized state of one entity: the slots of its own type's schema, read and written through typed
 * accessors that quantize exactly like the server's {@code World} ({@code setDouble} rounds to the field's step
 * and clamps, angles wrap), plus the texts of its STRING fields. An {@link EntityStep} shared with the server's
 * game (or a {@link StepFunction}) run against it therefore reproduces the server's arithmetic, rounding
 * included.
 * <p>
 * <b>Types.</b> In a room with several entity types (protocol version 2) every entity has one, fixed for its
 * life; {@link #type()}, {@link #typeName()} and {@link #schema()} are this entity's own, so resolve fields
 * with {@link #field(String)} (or on {@link RoomSession#entityTypes()}) rather than on another type's schema.
 * A field of another schema is refused by the checked accessors ({@link #getString}).
 * <p>
 * <b>Owner-only fields</b> hold their real value only in the owner's SDK: on every other client they read 0
 * (or ""), which is all the server ever sent them.
 * <p>
 * Thread: not thread-safe; owned by whoever handed it out (a {@link Predictor} hands out its state to
 * the thread that drives it, {@link EntityMirror#copyEntity(int)} a new copy to its caller).
 */
public final class EntityState implements EntityView
{
    private final EntityTypes types;
    private final int type;
    private final EntitySchema schema;
    private final int entityId;
    private final int[] slots;
    private final String[] strings;

    /**
     * The state of an entity of a room with one type (or of a schema used on its own).
     *
     * @param schema the entity's schema.
     */
    public EntityState(final EntitySchema schema)
    {
        this(schema, 0);
    }

    /**
     * The state of an entity of a room with one type (or of a schema used on its own): its {@link #type()}
     * is 0 and its {@link #typeName()} {@value EntityTypes#SINGLE_TYPE_NAME}.
     *
     * @param schema   the entity's schema.
     * @param entityId the entity it holds the state of (0: none in particular).
     */
    public EntityState(final EntitySchema schema, final int entityId)
    {
        this(EntityTypes.single(schema), 0, entityId);
    }

    /**
     * @param types    the room's entity types ({@link RoomSession#entityTypes()}).
     * @param type     the entity's type, an index of {@code types}.
     * @param entityId the entity it holds the state of (0: none in particular).
     * @throws IllegalArgumentException when the type is not one of {@code types}.
     */
    public EntityState(final EntityTypes types, final int type, final int entityId)
    {
        if (type < 0 || type >= types.count())
        {
            throw new IllegalArgumentException("no such entity type: type=" + type + ", types=" + types.names());
        }
        this.types = types;
        this.type = type;
        this.schema = types.schema(type);
        this.entityId = entityId;
        this.slots = new int[schema.slotCount()];
        this.strings = schema.stringSlotMask() != 0 ? new String[schema.slotCount()] : null;
    }

    /**
     * @return the schema of this entity's own type.
     */
    @Override
    public EntitySchema schema()
    {
        return schema;
    }

    /**
     * @return the entity's type: its index in {@link #types()} (0 in a room with one type).
     */
    public int type()
    {
        return type;
    }

    /**
     * @return the name of the entity's type ({@value EntityTypes#SINGLE_TYPE_NAME} in a room declared with one
     * schema).
     */
    public String typeName()
    {
        return types.name(type);
    }

    /**
     * @return the room's entity types this state's type belongs to.
     */
    public EntityTypes types()
    {
        return types;
    }

    /**
     * A field of this entity's own type, by name. Resolve once, then reuse the field.
     *
     * @param name the field's name.
     * @return the field.
     * @throws IllegalArgumentException naming the field, the type and its fields when the type has none.
     */
    public SchemaField field(final String name)
    {
        if (!schema.hasField(name))
        {
            throw new IllegalArgumentException("no such field in entity type: field=" + name + ", type=" +
                typeName() + ", fields=" + schema.fields());
        }
        return schema.field(name);
    }

    /**
     * @return the entity this is the state of, 0 when not given.
     */
    @Override
    public int entityId()
    {
        return entityId;
    }

    /**
     * @param field an INT, FIXED, ANGLE (radians in [0, 2&pi;)) or BOOL field.
     * @return the dequantized value.
     */
    @Override
    public double getDouble(final SchemaField field)
    {
        return field.dequantize(slots[field.firstSlot()]);
    }

    /**
     * @param field an INT, FIXED, ANGLE or BOOL field.
     * @param value the value; quantized (rounded, clamped, angles wrapped) as the server does.
     */
    @Override
    public void setDouble(final SchemaField field, final double value)
    {
        slots[field.firstSlot()] = field.quantize(value);
    }

    /**
     * @param field an INT or BOOL field.
     * @return the value.
     */
    @Override
    public int getInt(final SchemaField field)
    {
        return field.dequantizeInt(slots[field.firstSlot()]);
    }

    /**
     * @param field an INT or BOOL field.
     * @param value the value, clamped into range.
     */
    @Override
    public void setInt(final SchemaField field, final int value)
    {
        slots[field.firstSlot()] = field.quantizeInt(value);
    }

    /**
     * @param field a BOOL field.
     * @return the value.
     */
    @Override
    public boolean getBool(final SchemaField field)
    {
        return slots[field.firstSlot()] != 0;
    }

    /**
     * @param field a BOOL field.
     * @param value the value.
     */
    @Override
    public void setBool(final SchemaField field, final boolean value)
    {
        slots[field.firstSlot()] = value ? 1 : 0;
    }

    /**
     * @param field a QUATERNION field.
     * @param xyzw  receives x, y, z, w.
     */
    public void getQuaternion(final SchemaField field, final double[] xyzw)
    {
        field.dequantizeQuaternion(slots, field.firstSlot(), xyzw);
    }

    /**
     * @param field a QUATERNION field.
     * @param x     component.
     * @param y     component.
     * @param z     component.
     * @param w     component.
     */
    public void setQuaternion(final SchemaField field, final double x, final double y, final double z, final double w)
    {
        field.quantizeQuaternion(x, y, z, w, slots, field.firstSlot());
    }

    /**
     * @param field a STRING field of this entity's type.
     * @return its text, never null ("" when unset, and for an owner-only field on any client but the owner's).
     * @throws IllegalArgumentException when the field is not a STRING field of this entity's type.
     */
    public String getString(final SchemaField field)
    {
        checkStringField(field);
        final String text = strings[field.firstSlot()];
        return text == null ? "" : text;
    }

    /**
     * Set a STRING field's text, checked against its length as the server checks it. The slot's int becomes
     * a local change handle (0 for ""), as in a decoded state.
     *
     * @param field a STRING field of this entity's type.
     * @param text  the text, not null.
     * @throws IllegalArgumentException when the field is not a STRING field of this type or the text is too long.
     */
    public void setString(final SchemaField field, final String text)
    {
        checkStringField(field);
        field.checkString(text);
        final int s = field.firstSlot();
        final String old = strings[s] == null ? "" : strings[s];
        if (!old.equals(text))
        {
            strings[s] = text.isEmpty() ? null : text;
            slots[s] = text.isEmpty() ? 0 : (slots[s] == -1 ? 1 : slots[s] + 1);
        }
    }

    private void checkStringField(final SchemaField field)
    {
        if (!field.isString())
        {
            throw new IllegalArgumentException("not a string field: field=" + field.name() + ", kind=" + field.kind());
        }
        final int i = field.index();
        final java.util.List<SchemaField> fields = schema.fields();
        if (i < 0 || i >= fields.size() || (fields.get(i) != field && !fields.get(i).equals(field)))
        {
            throw new IllegalArgumentException("field not of this entity's type: field=" + field + ", type=" +
                typeName() + ", fields=" + fields);
        }
    }

    /**
     * @param slot slot index in [0, schema slot count).
     * @return the raw quantized value (for a STRING slot a local change handle, not the text).
     */
    @Override
    public int slot(final int slot)
    {
        return slots[slot];
    }

    /**
     * @param other state of an entity of the same type to copy (slots and texts).
     * @throws IllegalArgumentException when the other state's schema has another slot layout.
     */
    public void copyFrom(final EntityState other)
    {
        if (other.slots.length != slots.length || (other.strings == null) != (strings == null))
        {
            throw new IllegalArgumentException("copy between entity types: from=" + other.typeName() + ", to=" +
                typeName());
        }
        System.arraycopy(other.slots, 0, slots, 0, slots.length);
        if (strings != null)
        {
            System.arraycopy(other.strings, 0, strings, 0, strings.length);
        }
    }

    void copyFrom(final int[] src, final int offset)
    {
        System.arraycopy(src, offset, slots, 0, slots.length);
    }

    /**
     * Copy a row of slots and, when this type has STRING fields, their texts.
     *
     * @param srcStrings texts parallel to {@code src} (null entries mean ""), or null for none.
     */
    void copyFrom(final int[] src, final String[] srcStrings, final int offset)
    {
        System.arraycopy(src, offset, slots, 0, slots.length);
        if (strings != null)
        {
            if (srcStrings == null)
            {
                Arrays.fill(strings, null);
            }
            else
            {
                System.arraycopy(srcStrings, offset, strings, 0, strings.length);
            }
        }
    }

    /**
     * @return the texts parallel to the slots, null when the type has no STRING field.
     */
    String[] stringArray()
    {
        return strings;
    }

    void copyTo(final int[] dst, final int offset)
    {
        System.arraycopy(slots, 0, dst, offset, slots.length);
    }

    int[] slotArray()
    {
        return slots;
    }

    /**
     * Whether two states of the same schema agree within a tolerance.
     *
     * @param other          the other state.
     * @param toleranceSlots largest allowed difference per slot (angles: wrapped; quaternions: the
     *                       largest-component index must match).
     * @return true when every slot is within the tolerance and every STRING field has the same text.
     */
    public boolean matches(final EntityState other, final int toleranceSlots)
    {
        if (strings == null)
        {
            return matches(slots, other.slots, 0, schema, toleranceSlots);
        }
        if (other.strings == null || other.slots.length != slots.length)
        {
            return false;
        }
        for (final SchemaField f : schema.fields())
        {
            if (f.isString() ? !getString(f).equals(other.getString(f)) :
                !fieldMatches(slots, other.slots, 0, f, toleranceSlots))
            {
                return false;
            }
        }
        return true;
    }

    static boolean matches(
        final int[] a, final int[] b, final int bOffset, final EntitySchema schema, final int toleranceSlots)
    {
        if (toleranceSlots == 0)
        {
            return Arrays.equals(a, 0, a.length, b, bOffset, bOffset + a.length);
        }
        for (final SchemaField f : schema.fields())
        {
            if (!fieldMatches(a, b, bOffset, f, toleranceSlots))
            {
                return false;
            }
        }
        return true;
    }

    /**
     * Whether two slot arrays of the same schema agree within a tolerance in the given fields; the other
     * fields are not looked at. Allocates nothing.
     */
    static boolean matches(
        final int[] a, final int[] b, final int bOffset, final SchemaField[] fields, final int toleranceSlots)
    {
        for (final SchemaField f : fields)
        {
            if (!fieldMatches(a, b, bOffset, f, toleranceSlots))
            {
                return false;
            }
        }
        return true;
    }

    private static boolean fieldMatches(
        final int[] a, final int[] b, final int bOffset, final SchemaField f, final int toleranceSlots)
    {
        final int s = f.firstSlot();
        if (f.kind() == FieldKind.ANGLE)
        {
            final int turn = f.slotMax(0) + 1;
            final int d = Math.floorMod(a[s] - b[bOffset + s], turn);
            return Math.min(d, turn - d) <= toleranceSlots;
        }
        if (f.kind() == FieldKind.QUATERNION)
        {
            if (a[s] != b[bOffset + s])
            {
                return false;
            }
            for (int i = 1; i < 4; i++)
            {
                if (Math.abs(a[s + i] - b[bOffset + s + i]) > toleranceSlots)
                {
                    return false;
                }
            }
            return true;
        }
        return Math.abs(a[s] - b[bOffset + s]) <= toleranceSlots;
    }

    @Override
    public String toString()
    {
        final StringBuilder sb = new StringBuilder("EntityState{");
        if (types.count() > 1)
        {
            sb.append("type=").append(typeName()).append(", ");
        }
        for (final SchemaField f : schema.fields())
        {
            if (f.index() > 0)
            {
                sb.append(", ");
            }
            sb.append(f.name()).append('=');
            if (f.isString())
            {
                sb.append('"').append(getString(f)).append('"');
            }
            else if (f.kind() == FieldKind.QUATERNION)
            {
                final double[] q = new double[4];
                getQuaternion(f, q);
                sb.append(Arrays.toString(q));
            }
            else
            {
                sb.append(getDouble(f));
            }
        }
        return sb.append('}').toString();
    }
}
