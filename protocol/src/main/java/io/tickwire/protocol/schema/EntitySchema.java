package io.tickwire.protocol.schema;

import io.tickwire.protocol.v1.FieldSpec;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The typed fields every entity of a room carries. Each field occupies one or more int slots;
 * an entity's state is {@link #slotCount()} quantized ints. Immutable and safe on any thread.
 * <p>
 * Built with {@link #builder()} on the server (by the game), or from the {@code Welcome} message's
 * {@code EntitySchema} on the client with {@link #fromProto(io.tickwire.protocol.v1.EntitySchema)}.
 */
public final class EntitySchema
{
    /** Most slots an entity may have: a changed-slot mask is one uint64. */
    public static final int MAX_SLOTS = 64;

    private final List<SchemaField> fields;
    private final Map<String, SchemaField> byName;
    private final int slotCount;
    private final int[] slotMax;
    private final int[] slotWrapMask;
    private final long stringSlotMask;
    private final long ownerSlotMask;
    private final long audienceSlotMask;
    private final int stringSlotCount;

    private EntitySchema(final List<SchemaField> fields)
    {
        this.fields = Collections.unmodifiableList(new ArrayList<>(fields));
        final Map<String, SchemaField> names = new HashMap<>();
        int slots = 0;
        for (final SchemaField f : fields)
        {
            slots += f.slotCount();
            names.put(f.name(), f);
        }
        this.byName = names;
        this.slotCount = slots;
        this.slotMax = new int[slots];
        this.slotWrapMask = new int[slots];
        long strings = 0;
        long owner = 0;
        long audience = 0;
        for (final SchemaField f : fields)
        {
            for (int s = 0; s < f.slotCount(); s++)
            {
                final int slot = f.firstSlot() + s;
                slotMax[slot] = f.slotMax(s);
                slotWrapMask[slot] = f.wraps() ? f.slotMax(s) : 0;
                if (f.isString())
                {
                    strings |= 1L << slot;
                }
                if (f.visibility() == Visibility.OWNER)
                {
                    owner |= 1L << slot;
                }
                else if (f.visibility() == Visibility.AUDIENCE)
                {
                    audience |= 1L << slot;
                }
            }
        }
        this.stringSlotMask = strings;
        this.ownerSlotMask = owner;
        this.audienceSlotMask = audience;
        this.stringSlotCount = Long.bitCount(strings);
    }

    /**
     * @return a builder; fields are laid out in the order they are added.
     */
    public static Builder builder()
    {
        return new Builder();
    }

    /**
     * @return the fields in slot order.
     */
    public List<SchemaField> fields()
    {
        return fields;
    }

    /**
     * @return number of int slots per entity.
     */
    public int slotCount()
    {
        return slotCount;
    }

    /**
     * Look a field up by name; resolve once, then use the returned field for every access.
     *
     * @param name field name.
     * @return the field.
     * @throws IllegalArgumentException naming the field and the known names when there is none.
     */
    public SchemaField field(final String name)
    {
        final SchemaField f = byName.get(name);
        if (f == null)
        {
            throw new IllegalArgumentException("no such field: name=" + name + ", fields=" + byName.keySet());
        }
        return f;
    }

    /**
     * @param name field name.
     * @return true when the schema has a field of that name.
     */
    public boolean hasField(final String name)
    {
        return byName.containsKey(name);
    }

    /**
     * @param slot slot index.
     * @return the largest value the slot may hold (the smallest is 0).
     */
    public int slotMax(final int slot)
    {
        return slotMax[slot];
    }

    /**
     * @param slot slot index.
     * @return {@code 2^bits - 1} for a slot whose deltas wrap (angles), 0 otherwise.
     */
    public int slotWrapMask(final int slot)
    {
        return slotWrapMask[slot];
    }

    /**
     * @return bit i set when slot i is a {@link FieldKind#STRING} slot.
     */
    public long stringSlotMask()
    {
        return stringSlotMask;
    }

    /**
     * @return number of STRING slots.
     */
    public int stringSlotCount()
    {
        return stringSlotCount;
    }

    /**
     * @return bit i set when slot i belongs to an {@link Visibility#OWNER} field.
     */
    public long ownerSlotMask()
    {
        return ownerSlotMask;
    }

    /**
     * @return bit i set when slot i belongs to an {@link Visibility#AUDIENCE} field.
     */
    public long audienceSlotMask()
    {
        return audienceSlotMask;
    }

    /**
     * @return true when the schema needs protocol version 2: a STRING field, or a field that is not public.
     */
    public boolean usesVersion2()
    {
        return stringSlotMask != 0 || ownerSlotMask != 0 || audienceSlotMask != 0;
    }

    /**
     * @return the schema as the {@code EntitySchema} message a {@code Welcome} carries.
     */
    public io.tickwire.protocol.v1.EntitySchema toProto()
    {
        final io.tickwire.protocol.v1.EntitySchema.Builder b = io.tickwire.protocol.v1.EntitySchema.newBuilder();
        for (final SchemaField f : fields)
        {
            final FieldSpec.Builder spec = FieldSpec.newBuilder().setName(f.name());
            switch (f.kind())
            {
                case INT:
                    spec.setKind(io.tickwire.protocol.v1.FieldKind.FIELD_KIND_INT)
                        .setIntMin(f.intMin()).setIntMax(f.intMax());
                    break;
                case FIXED:
                    spec.setKind(io.tickwire.protocol.v1.FieldKind.FIELD_KIND_FIXED)
                        .setFloatMin(f.floatMin()).setFloatMax(f.floatMax()).setPrecision(f.precision());
                    break;
                case ANGLE:
                    spec.setKind(io.tickwire.protocol.v1.FieldKind.FIELD_KIND_ANGLE).setBits(f.bits());
                    break;
                case BOOL:
                    spec.setKind(io.tickwire.protocol.v1.FieldKind.FIELD_KIND_BOOL);
                    break;
                case QUATERNION:
                    spec.setKind(io.tickwire.protocol.v1.FieldKind.FIELD_KIND_QUATERNION).setBits(f.bits());
                    break;
                case STRING:
                    spec.setKind(io.tickwire.protocol.v1.FieldKind.FIELD_KIND_STRING).setMaxLength(f.maxLength());
                    break;
                default:
                    throw new IllegalStateException("unknown kind: " + f.kind());
            }
            if (f.visibility() == Visibility.OWNER)
            {
                spec.setVisibility(io.tickwire.protocol.v1.Visibility.VISIBILITY_OWNER);
            }
            else if (f.visibility() == Visibility.AUDIENCE)
            {
                spec.setVisibility(io.tickwire.protocol.v1.Visibility.VISIBILITY_AUDIENCE);
            }
            b.addFields(spec);
        }
        return b.build();
    }

    /**
     * Build a schema from its wire form.
     *
     * @param proto the {@code Welcome.schema} message.
     * @return the schema.
     * @throws IllegalArgumentException naming the field and value when the message is invalid.
     */
    public static EntitySchema fromProto(final io.tickwire.protocol.v1.EntitySchema proto)
    {
        final Builder b = builder();
        for (final FieldSpec spec : proto.getFieldsList())
        {
            switch (spec.getKind())
            {
                case FIELD_KIND_INT:
                    b.intField(spec.getName(), spec.getIntMin(), spec.getIntMax());
                    break;
                case FIELD_KIND_FIXED:
                    b.fixed(spec.getName(), spec.getFloatMin(), spec.getFloatMax(), spec.getPrecision());
                    break;
                case FIELD_KIND_ANGLE:
                    b.angle(spec.getName(), spec.getBits());
                    break;
                case FIELD_KIND_BOOL:
                    b.bool(spec.getName());
                    break;
                case FIELD_KIND_QUATERNION:
                    b.quaternion(spec.getName(), spec.getBits());
                    break;
                case FIELD_KIND_STRING:
                    b.string(spec.getName(), spec.getMaxLength());
                    break;
                default:
                    throw new IllegalArgumentException(
                        "unknown field kind: field=" + spec.getName() + ", kind=" + spec.getKindValue());
            }
            switch (spec.getVisibility())
            {
                case VISIBILITY_PUBLIC:
                    break;
                case VISIBILITY_OWNER:
                    b.ownerOnly();
                    break;
                case VISIBILITY_AUDIENCE:
                    b.audienceOnly();
                    break;
                default:
                    throw new IllegalArgumentException(
                        "unknown visibility: field=" + spec.getName() + ", visibility=" + spec.getVisibilityValue());
            }
        }
        return b.build();
    }

    @Override
    public boolean equals(final Object o)
    {
        return this == o || (o instanceof EntitySchema && fields.equals(((EntitySchema)o).fields));
    }

    @Override
    public int hashCode()
    {
        return fields.hashCode();
    }

    @Override
    public String toString()
    {
        return "EntitySchema" + fields;
    }

    /**
     * Lays fields out in the order they are added. Not thread-safe.
     */
    public static final class Builder
    {
        private final List<SchemaField> fields = new ArrayList<>();
        private int nextSlot;

        private Builder()
        {
        }

        /**
         * @param name field name.
         * @param min  smallest value.
         * @param max  largest value.
         * @return this.
         */
        public Builder intField(final String name, final int min, final int max)
        {
            return add(name, FieldKind.INT, min, max, 0, 0, 0, 0);
        }

        /**
         * @param name      field name.
         * @param min       smallest value.
         * @param max       largest value.
         * @param precision quantization step, e.g. 0.01 for centimetres when units are metres.
         * @return this.
         */
        public Builder fixed(final String name, final double min, final double max, final double precision)
        {
            return add(name, FieldKind.FIXED, 0, 0, min, max, precision, 0);
        }

        /**
         * @param name field name.
         * @param bits steps per turn as a power of two (10 gives 1024 steps, about 0.35 degrees).
         * @return this.
         */
        public Builder angle(final String name, final int bits)
        {
            return add(name, FieldKind.ANGLE, 0, 0, 0, 0, 0, bits);
        }

        /**
         * @param name field name.
         * @return this.
         */
        public Builder bool(final String name)
        {
            return add(name, FieldKind.BOOL, 0, 0, 0, 0, 0, 0);
        }

        /**
         * @param name field name.
         * @param bits bits per stored component (9 is Gaffer On Games' choice).
         * @return this.
         */
        public Builder quaternion(final String name, final int bits)
        {
            return add(name, FieldKind.QUATERNION, 0, 0, 0, 0, 0, bits);
        }

        /**
         * A text field (protocol version 2): names, team tags, anything that changes rarely. It is sent when it
         * changes and repeated until acknowledged, never per tick.
         *
         * @param name      field name.
         * @param maxLength most UTF-8 bytes, 1..{@value SchemaField#MAX_STRING_LENGTH}.
         * @return this.
         */
        public Builder string(final String name, final int maxLength)
        {
            return add(name, FieldKind.STRING, 0, 0, 0, 0, 0, 0, maxLength);
        }

        /**
         * Make the field added last visible to the entity's owner only (ammo, inventory): everyone else
         * receives 0 (or "").
         *
         * @return this.
         */
        public Builder ownerOnly()
        {
            return visibility(Visibility.OWNER);
        }

        /**
         * Make the field added last visible only to connections in the entity's audience (a team): everyone
         * else receives 0 (or "").
         *
         * @return this.
         */
        public Builder audienceOnly()
        {
            return visibility(Visibility.AUDIENCE);
        }

        private Builder visibility(final Visibility visibility)
        {
            if (fields.isEmpty())
            {
                throw new IllegalStateException("add a field before setting its visibility: visibility=" + visibility);
            }
            final int last = fields.size() - 1;
            fields.set(last, fields.get(last).withVisibility(visibility));
            return this;
        }

        private Builder add(
            final String name,
            final FieldKind kind,
            final int intMin,
            final int intMax,
            final double floatMin,
            final double floatMax,
            final double precision,
            final int bits)
        {
            return add(name, kind, intMin, intMax, floatMin, floatMax, precision, bits, 0);
        }

        private Builder add(
            final String name,
            final FieldKind kind,
            final int intMin,
            final int intMax,
            final double floatMin,
            final double floatMax,
            final double precision,
            final int bits,
            final int maxLength)
        {
            if (name == null || name.isEmpty())
            {
                throw new IllegalArgumentException("field name must not be empty: index=" + fields.size());
            }
            for (final SchemaField f : fields)
            {
                if (f.name().equals(name))
                {
                    throw new IllegalArgumentException("duplicate field name: name=" + name);
                }
            }
            if (nextSlot + kind.slotCount() > MAX_SLOTS)
            {
                throw new IllegalArgumentException("too many slots: field=" + name + ", slots=" +
                    (nextSlot + kind.slotCount()) + ", max=" + MAX_SLOTS);
            }
            fields.add(new SchemaField(
                name, kind, fields.size(), nextSlot, intMin, intMax, floatMin, floatMax, precision, bits, maxLength,
                Visibility.PUBLIC));
            nextSlot += kind.slotCount();
            return this;
        }

        /**
         * @return the schema.
         * @throws IllegalArgumentException when no field was added.
         */
        public EntitySchema build()
        {
            if (fields.isEmpty())
            {
                throw new IllegalArgumentException("schema must have at least one field");
            }
            return new EntitySchema(fields);
        }
    }
}
