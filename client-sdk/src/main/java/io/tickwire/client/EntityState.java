package io.tickwire.client;

import io.tickwire.protocol.predict.EntityStep;
import io.tickwire.protocol.predict.EntityView;
import io.tickwire.protocol.schema.EntitySchema;
import io.tickwire.protocol.schema.FieldKind;
import io.tickwire.protocol.schema.SchemaField;

import java.util.Arrays;

/**
 * The quantized state of one entity: its schema's slots, read and written through typed accessors that
 * quantize exactly like the server's {@code World} ({@code setDouble} rounds to the field's step and
 * clamps, angles wrap). An {@link EntityStep} shared with the server's game (or a {@link StepFunction}) run
 * against it therefore reproduces the server's arithmetic, rounding included.
 * <p>
 * Thread: not thread-safe; owned by whoever handed it out (a {@link Predictor} hands out its state to
 * the thread that drives it).
 */
public final class EntityState implements EntityView
{
    private final EntitySchema schema;
    private final int entityId;
    private final int[] slots;

    /**
     * @param schema the entity's schema.
     */
    public EntityState(final EntitySchema schema)
    {
        this(schema, 0);
    }

    /**
     * @param schema   the entity's schema.
     * @param entityId the entity it holds the state of (0: none in particular).
     */
    public EntityState(final EntitySchema schema, final int entityId)
    {
        this.schema = schema;
        this.entityId = entityId;
        this.slots = new int[schema.slotCount()];
    }

    /**
     * @return the schema.
     */
    @Override
    public EntitySchema schema()
    {
        return schema;
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
     * @param slot slot index in [0, schema slot count).
     * @return the raw quantized value.
     */
    @Override
    public int slot(final int slot)
    {
        return slots[slot];
    }

    /**
     * @param other state of the same schema to copy.
     */
    public void copyFrom(final EntityState other)
    {
        System.arraycopy(other.slots, 0, slots, 0, slots.length);
    }

    void copyFrom(final int[] src, final int offset)
    {
        System.arraycopy(src, offset, slots, 0, slots.length);
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
     * @return true when every slot is within the tolerance.
     */
    public boolean matches(final EntityState other, final int toleranceSlots)
    {
        return matches(slots, other.slots, 0, schema, toleranceSlots);
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
        for (final SchemaField f : schema.fields())
        {
            if (f.index() > 0)
            {
                sb.append(", ");
            }
            sb.append(f.name()).append('=');
            if (f.kind() == FieldKind.QUATERNION)
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
