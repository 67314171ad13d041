package io.tickwire.protocol.schema;

import java.util.Objects;

/**
 * One typed field of an {@link EntitySchema}: its name, kind, quantization parameters and the
 * slots it occupies. Immutable.
 * <p>
 * Quantized values are always non-negative ints bounded by {@link #slotMax(int)}, so a full
 * snapshot sends them as plain varints and a delta as small zigzag differences.
 */
public final class SchemaField
{
    /** Largest quaternion component magnitude once the largest component is dropped. */
    private static final double QUAT_COMPONENT_MAX = 1.0 / Math.sqrt(2.0);
    private static final double TWO_PI = 2.0 * Math.PI;
    /** Largest {@link #maxLength()} a STRING field may declare, in UTF-8 bytes. */
    public static final int MAX_STRING_LENGTH = 1024;

    private final String name;
    private final FieldKind kind;
    private final int index;
    private final int firstSlot;
    private final int intMin;
    private final int intMax;
    private final double floatMin;
    private final double floatMax;
    private final double precision;
    private final int bits;
    private final int maxLength;
    private final Visibility visibility;
    private final int steps;

    SchemaField(
        final String name,
        final FieldKind kind,
        final int index,
        final int firstSlot,
        final int intMin,
        final int intMax,
        final double floatMin,
        final double floatMax,
        final double precision,
        final int bits,
        final int maxLength,
        final Visibility visibility)
    {
        this.name = Objects.requireNonNull(name, "name");
        this.maxLength = maxLength;
        this.visibility = Objects.requireNonNull(visibility, "visibility");
        this.kind = Objects.requireNonNull(kind, "kind");
        this.index = index;
        this.firstSlot = firstSlot;
        this.intMin = intMin;
        this.intMax = intMax;
        this.floatMin = floatMin;
        this.floatMax = floatMax;
        this.precision = precision;
        this.bits = bits;
        this.steps = computeSteps();
    }

    private int computeSteps()
    {
        switch (kind)
        {
            case INT:
                if (intMax < intMin || (long)intMax - intMin > Integer.MAX_VALUE - 1)
                {
                    throw new IllegalArgumentException(
                        "int field range invalid: field=" + name + ", min=" + intMin + ", max=" + intMax);
                }
                return intMax - intMin;

            case FIXED:
            {
                if (!(precision > 0) || !Double.isFinite(floatMin) || !Double.isFinite(floatMax) ||
                    !(floatMax > floatMin))
                {
                    throw new IllegalArgumentException("fixed field invalid: field=" + name + ", min=" + floatMin +
                        ", max=" + floatMax + ", precision=" + precision);
                }
                final double s = Math.ceil((floatMax - floatMin) / precision - 1e-9);
                if (s >= Integer.MAX_VALUE)
                {
                    throw new IllegalArgumentException("fixed field has too many steps: field=" + name +
                        ", steps=" + s + ", max=" + (Integer.MAX_VALUE - 1));
                }
                return (int)s;
            }

            case ANGLE:
                if (bits < 2 || bits > 30)
                {
                    throw new IllegalArgumentException("angle bits out of range: field=" + name + ", bits=" + bits +
                        ", allowed=2..30");
                }
                return (1 << bits) - 1;

            case BOOL:
                return 1;

            case QUATERNION:
                if (bits < 2 || bits > 30)
                {
                    throw new IllegalArgumentException("quaternion bits out of range: field=" + name + ", bits=" +
                        bits + ", allowed=2..30");
                }
                return (1 << bits) - 1;

            case STRING:
                if (maxLength < 1 || maxLength > MAX_STRING_LENGTH)
                {
                    throw new IllegalArgumentException("string max length out of range: field=" + name +
                        ", maxLength=" + maxLength + ", allowed=1.." + MAX_STRING_LENGTH);
                }
                // The slot holds a local change handle, never a number on the wire.
                return Integer.MAX_VALUE;

            default:
                throw new IllegalStateException("unknown kind: " + kind);
        }
    }

    /**
     * @return the field's name, unique within its schema.
     */
    public String name()
    {
        return name;
    }

    /**
     * @return how the field is quantized.
     */
    public FieldKind kind()
    {
        return kind;
    }

    /**
     * @return position of this field in {@link EntitySchema#fields()}.
     */
    public int index()
    {
        return index;
    }

    /**
     * @return the first slot this field occupies in an entity's slot array.
     */
    public int firstSlot()
    {
        return firstSlot;
    }

    /**
     * @return number of slots this field occupies.
     */
    public int slotCount()
    {
        return kind.slotCount();
    }

    /**
     * @return lower bound of an {@link FieldKind#INT} field.
     */
    public int intMin()
    {
        return intMin;
    }

    /**
     * @return upper bound of an {@link FieldKind#INT} field.
     */
    public int intMax()
    {
        return intMax;
    }

    /**
     * @return lower bound of a {@link FieldKind#FIXED} field.
     */
    public double floatMin()
    {
        return floatMin;
    }

    /**
     * @return upper bound of a {@link FieldKind#FIXED} field.
     */
    public double floatMax()
    {
        return floatMax;
    }

    /**
     * @return step of a {@link FieldKind#FIXED} field.
     */
    public double precision()
    {
        return precision;
    }

    /**
     * @return bits per turn ({@link FieldKind#ANGLE}) or per component ({@link FieldKind#QUATERNION}).
     */
    public int bits()
    {
        return bits;
    }

    /**
     * @return most UTF-8 bytes of a {@link FieldKind#STRING} field, 0 for other kinds.
     */
    public int maxLength()
    {
        return maxLength;
    }

    /**
     * @return who receives this field.
     */
    public Visibility visibility()
    {
        return visibility;
    }

    /**
     * @return true for a {@link FieldKind#STRING} field.
     */
    public boolean isString()
    {
        return kind == FieldKind.STRING;
    }

    /**
     * Check a text against this STRING field's limit.
     *
     * @param text the text, not null.
     * @return its UTF-8 bytes length.
     * @throws IllegalArgumentException naming the field, the length and the limit when it is too long.
     */
    public int checkString(final String text)
    {
        if (kind != FieldKind.STRING)
        {
            throw new IllegalArgumentException("not a string field: " + this);
        }
        final int length = utf8Length(text);
        if (length > maxLength)
        {
            throw new IllegalArgumentException("string too long: field=" + name + ", bytes=" + length +
                ", maxLength=" + maxLength);
        }
        return length;
    }

    private static int utf8Length(final String text)
    {
        int bytes = 0;
        for (int i = 0, n = text.length(); i < n; i++)
        {
            final char c = text.charAt(i);
            if (c < 0x80)
            {
                bytes++;
            }
            else if (c < 0x800)
            {
                bytes += 2;
            }
            else if (Character.isHighSurrogate(c) && i + 1 < n && Character.isLowSurrogate(text.charAt(i + 1)))
            {
                bytes += 4;
                i++;
            }
            else
            {
                bytes += 3;
            }
        }
        return bytes;
    }

    SchemaField withVisibility(final Visibility newVisibility)
    {
        return new SchemaField(name, kind, index, firstSlot, intMin, intMax, floatMin, floatMax, precision, bits,
            maxLength, newVisibility);
    }

    /**
     * Largest quantized value a slot of this field may hold.
     *
     * @param slotInField 0 for single-slot kinds; 0..3 for a quaternion (0 is the largest index).
     * @return the inclusive maximum, the minimum being 0.
     */
    public int slotMax(final int slotInField)
    {
        if (kind == FieldKind.QUATERNION && slotInField == 0)
        {
            return 3;
        }
        return steps;
    }

    /**
     * @return true when this field's single slot wraps around (angles).
     */
    public boolean wraps()
    {
        return kind == FieldKind.ANGLE;
    }

    /**
     * Quantize an integer value, clamping it into range.
     *
     * @param value the game value.
     * @return the slot value.
     */
    public int quantizeInt(final int value)
    {
        switch (kind)
        {
            case INT:
                return (int)(Math.min(Math.max((long)value, intMin), intMax) - intMin);
            case BOOL:
                return value != 0 ? 1 : 0;
            default:
                return quantize(value);
        }
    }

    /**
     * Quantize a number, clamping it into range ({@link FieldKind#ANGLE} wraps instead). NaN
     * becomes the lower bound.
     *
     * @param value the game value (radians for an angle).
     * @return the slot value.
     */
    public int quantize(final double value)
    {
        switch (kind)
        {
            case INT:
            {
                final double v = Double.isNaN(value) ? intMin : Math.rint(value);
                return (int)(Math.min(Math.max(v, intMin), intMax) - intMin);
            }
            case FIXED:
            {
                if (Double.isNaN(value))
                {
                    return 0;
                }
                final double q = Math.rint((value - floatMin) / precision);
                return (int)Math.min(Math.max(q, 0), steps);
            }
            case ANGLE:
            {
                if (!Double.isFinite(value))
                {
                    return 0;
                }
                final long turns = 1L << bits;
                final long q = (long)Math.rint(value / TWO_PI * turns);
                return (int)Math.floorMod(q, turns);
            }
            case BOOL:
                return value != 0 && !Double.isNaN(value) ? 1 : 0;
            default:
                throw new IllegalStateException(kind == FieldKind.STRING ? "string field, set its text: field=" + name :
                    "use quantizeQuaternion for field " + name);
        }
    }

    /**
     * Turn a slot value back into the game value: the integer for INT and BOOL, the number for
     * FIXED, radians in [0, 2&pi;) for ANGLE.
     *
     * @param slotValue quantized value.
     * @return the dequantized value.
     */
    public double dequantize(final int slotValue)
    {
        switch (kind)
        {
            case INT:
                return (double)intMin + slotValue;
            case FIXED:
                return floatMin + slotValue * precision;
            case ANGLE:
                return slotValue * TWO_PI / (1L << bits);
            case BOOL:
                return slotValue;
            default:
                throw new IllegalStateException(kind == FieldKind.STRING ? "string field, read its text: field=" + name :
                    "use dequantizeQuaternion for field " + name);
        }
    }

    /**
     * Integer value of an INT or BOOL slot.
     *
     * @param slotValue quantized value.
     * @return {@code intMin + slotValue} for INT, the slot for BOOL.
     */
    public int dequantizeInt(final int slotValue)
    {
        return kind == FieldKind.INT ? intMin + slotValue : slotValue;
    }

    /**
     * Quantize a rotation in "smallest three" form into four slots. The quaternion is normalized
     * first; q and -q are the same rotation, so the largest component is made positive and dropped.
     *
     * @param x      component.
     * @param y      component.
     * @param z      component.
     * @param w      component.
     * @param slots  destination array.
     * @param offset where this field's four slots start in {@code slots}.
     */
    public void quantizeQuaternion(
        final double x, final double y, final double z, final double w, final int[] slots, final int offset)
    {
        double norm = Math.sqrt(x * x + y * y + z * z + w * w);
        double qx = x;
        double qy = y;
        double qz = z;
        double qw = w;
        if (!(norm > 1e-12) || !Double.isFinite(norm))
        {
            qx = 0;
            qy = 0;
            qz = 0;
            qw = 1;
            norm = 1;
        }
        qx /= norm;
        qy /= norm;
        qz /= norm;
        qw /= norm;

        int largest = 0;
        double largestAbs = Math.abs(qx);
        if (Math.abs(qy) > largestAbs)
        {
            largest = 1;
            largestAbs = Math.abs(qy);
        }
        if (Math.abs(qz) > largestAbs)
        {
            largest = 2;
            largestAbs = Math.abs(qz);
        }
        if (Math.abs(qw) > largestAbs)
        {
            largest = 3;
        }
        final double largestValue = largest == 0 ? qx : largest == 1 ? qy : largest == 2 ? qz : qw;
        final double sign = largestValue < 0 ? -1.0 : 1.0;

        slots[offset] = largest;
        int out = offset + 1;
        for (int c = 0; c < 4; c++)
        {
            if (c != largest)
            {
                final double v = sign * (c == 0 ? qx : c == 1 ? qy : c == 2 ? qz : qw);
                slots[out++] = quantizeComponent(v);
            }
        }
    }

    private int quantizeComponent(final double v)
    {
        final double unit = (v + QUAT_COMPONENT_MAX) / (2 * QUAT_COMPONENT_MAX);
        final double q = Math.rint(unit * steps);
        return (int)Math.min(Math.max(q, 0), steps);
    }

    private double dequantizeComponent(final int q)
    {
        return q / (double)steps * (2 * QUAT_COMPONENT_MAX) - QUAT_COMPONENT_MAX;
    }

    /**
     * Rebuild a unit quaternion from its four slots.
     *
     * @param slots  source array.
     * @param offset where this field's four slots start in {@code slots}.
     * @param xyzw   destination, receives x, y, z, w in that order.
     */
    public void dequantizeQuaternion(final int[] slots, final int offset, final double[] xyzw)
    {
        final int largest = slots[offset] & 3;
        double sumSquares = 0;
        int in = offset + 1;
        for (int c = 0; c < 4; c++)
        {
            if (c != largest)
            {
                final double v = dequantizeComponent(slots[in++]);
                xyzw[c] = v;
                sumSquares += v * v;
            }
        }
        xyzw[largest] = Math.sqrt(Math.max(0.0, 1.0 - sumSquares));
    }

    @Override
    public String toString()
    {
        final String shown = visibility == Visibility.PUBLIC ? "" : " " + visibility.name().toLowerCase();
        return describe() + shown;
    }

    private String describe()
    {
        switch (kind)
        {
            case INT:
                return name + ":int[" + intMin + ".." + intMax + "]";
            case FIXED:
                return name + ":fixed[" + floatMin + ".." + floatMax + " step " + precision + "]";
            case ANGLE:
                return name + ":angle[" + bits + " bits]";
            case BOOL:
                return name + ":bool";
            case STRING:
                return name + ":string[" + maxLength + " bytes]";
            default:
                return name + ":quaternion[" + bits + " bits]";
        }
    }

    @Override
    public boolean equals(final Object o)
    {
        if (this == o)
        {
            return true;
        }
        if (!(o instanceof SchemaField))
        {
            return false;
        }
        final SchemaField that = (SchemaField)o;
        return index == that.index && firstSlot == that.firstSlot && intMin == that.intMin &&
            intMax == that.intMax && Double.compare(floatMin, that.floatMin) == 0 &&
            Double.compare(floatMax, that.floatMax) == 0 && Double.compare(precision, that.precision) == 0 &&
            bits == that.bits && maxLength == that.maxLength && visibility == that.visibility &&
            name.equals(that.name) && kind == that.kind;
    }

    @Override
    public int hashCode()
    {
        return Objects.hash(name, kind, index, firstSlot, intMin, intMax, floatMin, floatMax, precision, bits,
            maxLength, visibility);
    }
}
