package io.tickwire.client;

import io.tickwire.protocol.schema.EntitySchema;
import io.tickwire.protocol.schema.FieldKind;
import io.tickwire.protocol.schema.SchemaField;

import java.util.Arrays;

/**
 * What {@link Interpolator#sample(long, RenderState)} produced for one frame: every entity at the
 * rendered server time, as doubles (FIXED and INT as numbers, ANGLE in radians in [0, 2&pi;), BOOL as 0
 * or 1, QUATERNION as four unit-quaternion components). Entities are ordered by id. Reuse one instance
 * per frame: it allocates only when the entity count exceeds every earlier one.
 * <p>
 * Thread: not thread-safe; owned by the render thread that passes it to {@code sample}.
 */
public final class RenderState
{
    private final EntitySchema schema;
    private final int stride;
    private final int[] fieldOffset;
    private int count;
    private int[] ids = new int[16];
    private double[] values;
    private double renderServerTimeMs;
    private double extrapolationMs;
    private double delayMs;
    private int fromTick;
    private int toTick;
    private double alpha;

    /**
     * @param schema the session's schema ({@link RoomSession#schema()}).
     */
    public RenderState(final EntitySchema schema)
    {
        this.schema = schema;
        this.fieldOffset = new int[schema.fields().size()];
        int offset = 0;
        for (final SchemaField f : schema.fields())
        {
            fieldOffset[f.index()] = offset;
            offset += f.kind() == FieldKind.QUATERNION ? 4 : 1;
        }
        this.stride = offset;
        this.values = new double[ids.length * stride];
    }

    /**
     * @return the schema.
     */
    public EntitySchema schema()
    {
        return schema;
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
     * @param entityId an entity id.
     * @return its index, negative when it is not rendered.
     */
    public int indexOf(final int entityId)
    {
        return Arrays.binarySearch(ids, 0, count, entityId);
    }

    /**
     * @param index entity index.
     * @param field a field that is not a quaternion.
     * @return the value.
     */
    public double getDouble(final int index, final SchemaField field)
    {
        return values[index * stride + fieldOffset[field.index()]];
    }

    /**
     * @param index entity index.
     * @param field an INT or BOOL field (stepped, never interpolated).
     * @return the value.
     */
    public int getInt(final int index, final SchemaField field)
    {
        return (int)Math.round(getDouble(index, field));
    }

    /**
     * @param index entity index.
     * @param field a BOOL field.
     * @return the value.
     */
    public boolean getBool(final int index, final SchemaField field)
    {
        return getDouble(index, field) != 0;
    }

    /**
     * @param index entity index.
     * @param field a QUATERNION field.
     * @param xyzw  receives x, y, z, w of the unit quaternion.
     */
    public void getQuaternion(final int index, final SchemaField field, final double[] xyzw)
    {
        final int base = index * stride + fieldOffset[field.index()];
        xyzw[0] = values[base];
        xyzw[1] = values[base + 1];
        xyzw[2] = values[base + 2];
        xyzw[3] = values[base + 3];
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

    int fieldOffset(final int fieldIndex)
    {
        return fieldOffset[fieldIndex];
    }

    double[] valueArray()
    {
        return values;
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
            values = new double[capacity * stride];
        }
        count = 0;
    }

    /**
     * @return the value offset of the appended entity.
     */
    int append(final int id)
    {
        ids[count] = id;
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
