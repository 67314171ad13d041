package io.tickwire.protocol.schema;

import io.tickwire.protocol.v1.EntityType;
import io.tickwire.protocol.v1.Welcome;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The kinds of entity a room holds (player, projectile, pickup...), each with its own {@link EntitySchema}. A
 * type is its index, 0-based, in the order declared; an entity's type never changes. A room with one type is
 * exactly a version 1 room. Immutable and safe on any thread.
 * <p>
 * Built by the game on the server with {@link #builder()} (or {@link #single(EntitySchema)}), and on the client
 * from the {@code Welcome} with {@link #fromWelcome(Welcome)}.
 */
public final class EntityTypes
{
    /** Name of the one type of a room declared with a single schema. */
    public static final String SINGLE_TYPE_NAME = "entity";
    /** Most types a room may declare. */
    public static final int MAX_TYPES = 256;

    private final List<String> names;
    private final EntitySchema[] schemas;
    private final Map<String, Integer> indexByName;
    private final int maxSlotCount;
    private final boolean hasStrings;
    private final boolean usesVersion2;
    private final boolean declaredAsTypes;

    private EntityTypes(final List<String> names, final List<EntitySchema> schemas, final boolean declaredAsTypes)
    {
        this.names = Collections.unmodifiableList(new ArrayList<>(names));
        this.schemas = schemas.toArray(new EntitySchema[0]);
        this.indexByName = new HashMap<>();
        int slots = 0;
        boolean strings = false;
        boolean v2 = schemas.size() > 1;
        for (int i = 0; i < this.schemas.length; i++)
        {
            indexByName.put(names.get(i), i);
            slots = Math.max(slots, this.schemas[i].slotCount());
            strings |= this.schemas[i].stringSlotMask() != 0;
            v2 |= this.schemas[i].usesVersion2();
        }
        this.maxSlotCount = slots;
        this.hasStrings = strings;
        this.usesVersion2 = v2;
        this.declaredAsTypes = declaredAsTypes;
    }

    /**
     * @param schema the fields of every entity.
     * @return one type, named {@value #SINGLE_TYPE_NAME}.
     */
    public static EntityTypes single(final EntitySchema schema)
    {
        return new EntityTypes(List.of(SINGLE_TYPE_NAME), List.of(schema), false);
    }

    /**
     * @return a builder; types are numbered in the order they are added.
     */
    public static Builder builder()
    {
        return new Builder();
    }

    /**
     * @return number of types.
     */
    public int count()
    {
        return schemas.length;
    }

    /**
     * @param type type index.
     * @return its schema.
     */
    public EntitySchema schema(final int type)
    {
        return schemas[type];
    }

    /**
     * @param type type index.
     * @return its name.
     */
    public String name(final int type)
    {
        return names.get(type);
    }

    /**
     * @return names in type order.
     */
    public List<String> names()
    {
        return names;
    }

    /**
     * @param name a type name.
     * @return its index.
     * @throws IllegalArgumentException naming the type and the known ones when there is none.
     */
    public int index(final String name)
    {
        final Integer index = indexByName.get(name);
        if (index == null)
        {
            throw new IllegalArgumentException("no such entity type: name=" + name + ", types=" + names);
        }
        return index;
    }

    /**
     * @return slots of the widest type: the row width of a {@code WorldState} of these types.
     */
    public int maxSlotCount()
    {
        return maxSlotCount;
    }

    /**
     * @return true when some type has a STRING field.
     */
    public boolean hasStrings()
    {
        return hasStrings;
    }

    /**
     * @return true when the room needs protocol version 2 (several types, string, owner or audience fields).
     */
    public boolean usesVersion2()
    {
        return usesVersion2;
    }

    /**
     * @return true when some type has an OWNER field.
     */
    public boolean hasOwnerFields()
    {
        for (final EntitySchema s : schemas)
        {
            if (s.ownerSlotMask() != 0)
            {
                return true;
            }
        }
        return false;
    }

    /**
     * @return true when some type has an AUDIENCE field.
     */
    public boolean hasAudienceFields()
    {
        for (final EntitySchema s : schemas)
        {
            if (s.audienceSlotMask() != 0)
            {
                return true;
            }
        }
        return false;
    }

    /**
     * Put these types into a {@code Welcome}: {@code schema} always (type 0), {@code entity_types} only when
     * the room was declared with types (a single-schema room sends exactly the version 1 Welcome).
     *
     * @param welcome the Welcome being built.
     * @return {@code welcome}.
     */
    public Welcome.Builder writeTo(final Welcome.Builder welcome)
    {
        welcome.setSchema(schemas[0].toProto());
        if (declaredAsTypes)
        {
            for (int i = 0; i < schemas.length; i++)
            {
                welcome.addEntityTypes(EntityType.newBuilder().setName(names.get(i)).setSchema(schemas[i].toProto()));
            }
        }
        return welcome;
    }

    /**
     * Read the types of a room from its {@code Welcome}.
     *
     * @param welcome the Welcome.
     * @return its types; one named {@value #SINGLE_TYPE_NAME} when it lists none.
     * @throws IllegalArgumentException naming the type and field when the message is invalid.
     */
    public static EntityTypes fromWelcome(final Welcome welcome)
    {
        if (welcome.getEntityTypesCount() == 0)
        {
            return single(EntitySchema.fromProto(welcome.getSchema()));
        }
        final Builder b = builder();
        for (final EntityType type : welcome.getEntityTypesList())
        {
            b.type(type.getName(), EntitySchema.fromProto(type.getSchema()));
        }
        return b.build();
    }

    @Override
    public boolean equals(final Object o)
    {
        if (this == o)
        {
            return true;
        }
        if (!(o instanceof EntityTypes))
        {
            return false;
        }
        final EntityTypes that = (EntityTypes)o;
        return names.equals(that.names) && java.util.Arrays.equals(schemas, that.schemas);
    }

    @Override
    public int hashCode()
    {
        return names.hashCode() * 31 + java.util.Arrays.hashCode(schemas);
    }

    @Override
    public String toString()
    {
        final StringBuilder sb = new StringBuilder("EntityTypes{");
        for (int i = 0; i < schemas.length; i++)
        {
            sb.append(i == 0 ? "" : ", ").append(i).append(':').append(names.get(i)).append(schemas[i].fields());
        }
        return sb.append('}').toString();
    }

    /**
     * Declares types in order. Not thread-safe.
     */
    public static final class Builder
    {
        private final List<String> names = new ArrayList<>();
        private final List<EntitySchema> schemas = new ArrayList<>();

        private Builder()
        {
        }

        /**
         * @param name   the type's name, unique in the room.
         * @param schema its fields.
         * @return this.
         */
        public Builder type(final String name, final EntitySchema schema)
        {
            if (name == null || name.isEmpty())
            {
                throw new IllegalArgumentException("entity type name must not be empty: index=" + names.size());
            }
            if (names.contains(name))
            {
                throw new IllegalArgumentException("duplicate entity type: name=" + name);
            }
            if (names.size() == MAX_TYPES)
            {
                throw new IllegalArgumentException("too many entity types: name=" + name + ", max=" + MAX_TYPES);
            }
            names.add(name);
            schemas.add(java.util.Objects.requireNonNull(schema, "schema"));
            return this;
        }

        /**
         * @return the types.
         * @throws IllegalArgumentException when none was declared.
         */
        public EntityTypes build()
        {
            if (names.isEmpty())
            {
                throw new IllegalArgumentException("declare at least one entity type");
            }
            return new EntityTypes(names, schemas, true);
        }
    }
}
