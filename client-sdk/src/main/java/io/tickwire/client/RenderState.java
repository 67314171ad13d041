package io.tickwire.client;

import io.tickwire.protocol.schema.EntitySchema;
import io.tickwire.protocol.schema.EntityTypes;
import io.tickwire.protocol.schema.SchemaField;

import java.util.Arrays;

/**
 * What {@link Interpolator#sample(long, RenderState)} produced for one frame: every entity at the
 * rendered server time, as doubles (FIXED and INT as numbers, ANGLE in radians in [0, 2&pi;), BOOL as 0
 * or 1, QUATERNION as four unit-quaternion components), STRING fields as their text. Entities are ordered by
 * id; each has its type ({@link #typeAt(int)}) and is read with the fields of that type's schema. Reuse one
 * instance per frame: it allocates only when the entity count exceeds every earlier one.
 * <p>
 * Thread: not thread-safe; owned by the render thread that passes it to {@code sample}.
 */
public final class RenderState
{
    private final EntityTypes types;
    private final int stride;
    private final boolean hasStrings;
    private int count;
    private int[] ids = new int[16];
    private int[] typeIds = new int[16];
    private double[] values;
    private String[] strings;
    private double renderServerTimeMs;
    private double extrapolationMs;
    private double delayMs;
    private int fromTick;
    private int toTick;
    private double alpha;
    private int viewTick;

    /**
     * A render state of a room with one entity type.
     *
     * @param schema the session's schema ({@link RoomSession#schema()}).
     */
    public RenderState(final EntitySchema schema)
    {
        this(EntityTypes.single(schema));
    }

    /**
     * @param types the session's entity types ({@link RoomSession#entityTypes()}).
     */
    public RenderState(final EntityTypes types)
    {
        this.types = types;
        // Every kind renders as one double per slot (a quaternion's four slots as its four components), so a
        // field's offset in a row is its first slot and a row is as wide as the widest type.
        this.stride = Math.max(1, types.maxSlotCount());
        this.hasStrings = types.hasStrings();
        this.values = new double[ids.length * stride];
        this.strings = hasStrings ? new String[ids.length * stride] : null;
    }

    /**
     * @return the schema of entity type 0 (the only one of a room with one type).
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
     * @return entities rendered.
     */
    public int count()
    {
        return count;
    }

    /**
     * @param index in [0, {@link #count()}).
     * @return the entity's id.
     */
    public int entityIdAt(final int index)
    {
        return ids[index];
    }

    /**
     * @param index in [0, {@link #count()}).
     * @return the entity's type, an index of {@link #types()}.
     */
    public int typeAt(final int index)
    {
        return typeIds[index];
    }

    /**
     * @param index in [0, {@link #count()}).
     * @return the schema of the entity's type: the fields to read it with.
     */
    public EntitySchema schemaAt(final int index)
    {
        return types.schema(typeIds[index]);
    }

    /**
     * @param entityId an entity id.
     * @return its index, negative when it is not rendered.
     */
    public int indexOf(final int entityId)
    {
        return Arrays.binarySearch(ids, 0, count, entityId);
    }

    /**
     * @param index entity index.
     * @param field a field of the entity's type that is neither a quaternion nor a string.
     * @return the value.
     * @throws IllegalArgumentException when the field is not of the entity's type.
     */
    public double getDouble(final int index, final SchemaField field)
    {
        if (field.isString())
        {
            throw new IllegalArgumentException("string field, use getString: field=" + field.name());
        }
        return values[index * stride + offset(index, field)];
    }

    /**
     * @param index entity index.
     * @param field an INT or BOOL field of the entity's type (stepped, never interpolated).
     * @return the value.
     */
    public int getInt(final int index, final SchemaField field)
    {
        return (int)Math.round(getDouble(index, field));
    }

    /**
     * @param index entity index.
     * @param field a BOOL field of the entity's type.
     * @return the value.
     */
    public boolean getBool(final int index, final SchemaField field)
    {
        return getDouble(index, field) != 0;
    }

    /**
     * @param index entity index.
     * @param field a QUATERNION field of the entity's type.
     * @param xyzw  receives x, y, z, w of the unit quaternion.
     */
    public void getQuaternion(final int index, final SchemaField field, final double[] xyzw)
    {
        final int base = index * stride + offset(index, field);
        xyzw[0] = values[base];
        xyzw[1] = values[base + 1];
        xyzw[2] = values[base + 2];
        xyzw[3] = values[base + 3];
    }

    /**
     * A STRING field's text: the newer snapshot's while interpolating (texts are never blended), the newest
     * one's while extrapolating or holding.
     *
     * @param index entity index.
     * @param field a STRING field of the entity's type.
     * @return the text, never null.
     * @throws IllegalArgumentException when the field is not a STRING field of the entity's type.
     */
    public String getString(final int index, final SchemaField field)
    {
        if (!field.isString())
        {
            throw new IllegalArgumentException("not a string field: field=" + field.name() + ", kind=" + field.kind());
        }
        final String text = strings[index * stride + offset(index, field)];
        return text == null ? "" : text;
    }

    private int offset(final int index, final SchemaField field)
    {
        final int type = typeIds[index];
        final java.util.List<SchemaField> fields = types.schema(type).fields();
        final int i = field.index();
        if (i < 0 || i >= fields.size() || (fields.get(i) != field && !fields.get(i).equals(field)))
        {
            throw new IllegalArgumentException("field not of this entity's type: field=" + field + ", entityId=" +
                ids[index] + ", type=" + types.name(type));
        }
        return field.firstSlot();
    }

    /**
     * @return the server time rendered, in milliseconds of {@code Snapshot.server_time_ms}'s clock (the
     * room's clock), after the extrapolation limit was applied; NaN before the first snapshot.
     */
    public double renderServerTimeMs()
    {
        return renderServerTimeMs;
    }

    /**
     * @return how far past the newest snapshot the state was extrapolated, in milliseconds (0 while
     * interpolating; at most {@link ClientOptions#maxExtrapolationMs()}).
     */
    public double extrapolationMs()
    {
        return extrapolationMs;
    }

    /**
     * @return the interpolation delay applied in this frame: estimated newest server time minus the
     * rendered time, in milliseconds.
     */
    public double delayMs()
    {
        return delayMs;
    }

    /**
     * @return tick of the older snapshot interpolated from (the newest when extrapolating or holding).
     */
    public int fromTick()
    {
        return fromTick;
    }

    /**
     * @return tick of the newer snapshot interpolated to (equal to {@link #fromTick()} when holding or
     * extrapolating).
     */
    public int toTick()
    {
        return toTick;
    }

    /**
     * @return the server tick this frame shows, rounded down: between {@link #fromTick()} and {@link #toTick()}
     * (a dropped snapshot's tick in between included), past the newest snapshot its tick plus the whole tick
     * periods extrapolated; 0 before the first snapshot. Sent as {@code Input.view_tick} for lag compensation.
     */
    public int viewTick()
    {
        return viewTick;
    }

    void viewTick(final int tick)
    {
        this.viewTick = tick;
    }

    /**
     * @return position between the two snapshots: 0 at {@link #fromTick()}, 1 at {@link #toTick()}, above
     * 1 when extrapolating.
     */
    public double alpha()
    {
        return alpha;
    }

    int stride()
    {
        return stride;
    }

    double[] valueArray()
    {
        return values;
    }

    String[] stringArray()
    {
        return strings;
    }

    void clear()
    {
        count = 0;
        renderServerTimeMs = Double.NaN;
        extrapolationMs = 0;
        delayMs = 0;
        fromTick = 0;
        toTick = 0;
        alpha = 0;
        viewTick = 0;
    }

    /**
     * Start filling: make room for {@code entities} entities.
     */
    void begin(final int entities)
    {
        if (entities > ids.length)
        {
            final int capacity = Math.max(entities, ids.length * 2);
            ids = new int[capacity];
            typeIds = new int[capacity];
            values = new double[capacity * stride];
            strings = hasStrings ? new String[capacity * stride] : null;
        }
        count = 0;
    }

    /**
     * @return the value offset of the appended entity (its texts, when the types have STRING fields, are at
     * the same offset of {@link #stringArray()}).
     */
    int append(final int id, final int type)
    {
        ids[count] = id;
        typeIds[count] = type;
        return count++ * stride;
    }

    void frame(
        final double renderServerTimeMs,
        final double extrapolationMs,
        final double delayMs,
        final int fromTick,
        final int toTick,
        final double alpha)
    {
        this.renderServerTimeMs = renderServerTimeMs;
        this.extrapolationMs = extrapolationMs;
        this.delayMs = delayMs;
        this.fromTick = fromTick;
        this.toTick = toTick;
        this.alpha = alpha;
    }

    @Override
    public String toString()
    {
        return "RenderState{count=" + count + ", renderServerTimeMs=" + renderServerTimeMs + ", extrapolationMs=" +
            extrapolationMs + ", fromTick=" + fromTick + ", toTick=" + toTick + ", alpha=" + alpha + '}';
    }
}
