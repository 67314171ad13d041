package io.tickwire.protocol.schema;

/**
 * How a schema field is quantized; mirrors {@code tickwire.v1.FieldKind}.
 */
public enum FieldKind
{
    /** Integer in a closed range; one slot. */
    INT(1),
    /** Fixed-point number in a closed range with a step; one slot. */
    FIXED(1),
    /** Angle in radians, 2^bits steps per turn; one slot that wraps. */
    ANGLE(1),
    /** Boolean; one slot. */
    BOOL(1),
    /** Unit quaternion in "smallest three" form; four slots (largest index, three components). */
    QUATERNION(4),
    /**
     * UTF-8 text of at most {@link SchemaField#maxLength()} bytes (protocol version 2); one slot holding a
     * local change handle, never sent: the text travels in the snapshot's string columns.
     */
    STRING(1);

    private final int slotCount;

    FieldKind(final int slotCount)
    {
        this.slotCount = slotCount;
    }

    /**
     * @return number of int slots a field of this kind occupies in an entity.
     */
    public int slotCount()
    {
        return slotCount;
    }
}
