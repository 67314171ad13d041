package io.tickwire.client;

import io.tickwire.protocol.ProtocolVersion;
import io.tickwire.protocol.delta.DeltaEncoder;
import io.tickwire.protocol.delta.WorldState;
import io.tickwire.protocol.schema.EntitySchema;
import io.tickwire.protocol.schema.EntityTypes;
import io.tickwire.protocol.schema.FieldKind;
import io.tickwire.protocol.schema.SchemaField;
import io.tickwire.protocol.v1.ServerMessage;
import io.tickwire.protocol.v1.Welcome;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * A protocol version 2 room as one connection's server would send it: three entity types with their own slot
 * layouts (the player neither the narrowest nor the widest, so that a reader using its own type's slot count
 * as the row stride reads another entity), STRING
 * fields, an OWNER int and an OWNER string, and the set of entities this connection owns. It keeps the room's
 * truth per tick, encodes each frame with the real {@link DeltaEncoder} (body and owner section), and says what
 * the connection's mirror must hold: the truth with OWNER slots 0 / "" on entities it does not own.
 */
final class TypedWorlds
{
    static final EntityTypes TYPES = EntityTypes.builder()
        .type("bullet", EntitySchema.builder()
            .fixed("x", -100, 100, 0.01)
            .fixed("y", -100, 100, 0.01)
            .build())
        .type("player", EntitySchema.builder()
            .fixed("x", -100, 100, 0.01)
            .fixed("y", -100, 100, 0.01)
            .angle("heading", 10)
            .string("name", 24)
            .intField("ammo", 0, 200).ownerOnly()
            .string("secret", 16).ownerOnly()
            .quaternion("rot", 9)
            .build())
        .type("pickup", EntitySchema.builder()
            .intField("kind", 0, 7)
            .string("label", 12)
            .bool("taken")
            .fixed("x", -100, 100, 0.5)
            .quaternion("spin", 8)
            .fixed("y", -100, 100, 0.5)
            .intField("charges", 0, 9)
            .bool("respawns")
            .build())
        .build();

    static final int BULLET = TYPES.index("bullet");
    static final int PLAYER = TYPES.index("player");
    static final int PICKUP = TYPES.index("pickup");
    static final EntitySchema PLAYER_SCHEMA = TYPES.schema(PLAYER);
    static final SchemaField PLAYER_X = PLAYER_SCHEMA.field("x");
    static final SchemaField PLAYER_Y = PLAYER_SCHEMA.field("y");
    static final SchemaField NAME = PLAYER_SCHEMA.field("name");
    static final SchemaField AMMO = PLAYER_SCHEMA.field("ammo");
    static final SchemaField SECRET = PLAYER_SCHEMA.field("secret");
    static final SchemaField LABEL = TYPES.schema(PICKUP).field("label");

    private static final String[] TEXTS = {"ada", "Zoë", "bob the builder", "", "\u03bb-calc", "\ud83d\ude80 go", "x"};

    private final Random random;
    private final int stride = TYPES.maxSlotCount();
    private final TreeMap<Integer, int[]> values = new TreeMap<>();
    private final TreeMap<Integer, Integer> typeOf = new TreeMap<>();
    private final TreeMap<Integer, String[]> texts = new TreeMap<>();
    private final TreeSet<Integer> owned = new TreeSet<>();
    private final Map<Integer, WorldState> truthByTick = new TreeMap<>();
    private final Map<Integer, WorldState> ownedByTick = new TreeMap<>();
    private final DeltaEncoder encoder = new DeltaEncoder(TYPES);
    private int nextId = 1;
    private int handle = 1;
    private int tick;

    TypedWorlds(final long seed)
    {
        this.random = new Random(seed);
    }

    /**
     * The Welcome of a version 2 room with {@link #TYPES}, as the server builds it.
     */
    static ServerMessage welcome(final int entityId)
    {
        return ServerMessage.newBuilder().setWelcome(TYPES.writeTo(Welcome.newBuilder())
            .setSessionId("s-1")
            .setResumeToken("resume-1")
            .setRoomId("room-7")
            .setRoomType("arena")
            .setEntityId(entityId)
            .setTickRateHz(20)
            .setServerTick(100)
            .setProtocolVersion(ProtocolVersion.CURRENT))
            .build();
    }

    int tick()
    {
        return tick;
    }

    /**
     * @param type an entity type.
     * @return the new entity's id; every slot random.
     */
    int create(final int type)
    {
        final int id = nextId++;
        final EntitySchema schema = TYPES.schema(type);
        final int[] v = new int[stride];
        final String[] s = new String[stride];
        for (int slot = 0; slot < schema.slotCount(); slot++)
        {
            randomSlot(schema, slot, v, s);
        }
        values.put(id, v);
        typeOf.put(id, type);
        texts.put(id, s);
        return id;
    }

    void own(final int id)
    {
        owned.add(id);
    }

    void disown(final int id)
    {
        owned.remove(id);
    }

    void destroy(final int id)
    {
        values.remove(id);
        typeOf.remove(id);
        texts.remove(id);
        owned.remove(id);
    }

    /**
     * Set one field of an entity (numbers quantized, texts as given).
     */
    void set(final int id, final SchemaField field, final double value)
    {
        values.get(id)[field.firstSlot()] = field.quantize(value);
    }

    void setString(final int id, final SchemaField field, final String text)
    {
        field.checkString(text);
        final int slot = field.firstSlot();
        texts.get(id)[slot] = text.isEmpty() ? null : text;
        values.get(id)[slot] = text.isEmpty() ? 0 : handle++;
    }

    /**
     * Advance one tick without changing anything (the test sets what it wants).
     */
    void advance()
    {
        tick++;
    }

    /**
     * Advance one tick: random slots change (texts rarely), entities come and go (never an owned one), and
     * sometimes ownership of a player moves between this connection and another.
     */
    void step()
    {
        tick++;
        for (final Map.Entry<Integer, int[]> e : values.entrySet())
        {
            final EntitySchema schema = TYPES.schema(typeOf.get(e.getKey()));
            for (int slot = 0; slot < schema.slotCount(); slot++)
            {
                final boolean isString = (schema.stringSlotMask() & (1L << slot)) != 0;
                if (random.nextInt(isString ? 6 : 3) == 0)
                {
                    randomSlot(schema, slot, e.getValue(), texts.get(e.getKey()));
                }
            }
        }
        if (random.nextInt(3) == 0)
        {
            create(random.nextInt(TYPES.count()));
        }
        if (random.nextInt(4) == 0 && values.size() > 3)
        {
            final Integer[] ids = values.keySet().toArray(new Integer[0]);
            final int gone = ids[random.nextInt(ids.length)];
            if (!owned.contains(gone))
            {
                destroy(gone);
            }
        }
        if (random.nextInt(6) == 0)
        {
            for (final Map.Entry<Integer, Integer> e : typeOf.entrySet())
            {
                if (e.getValue() == PLAYER && random.nextBoolean())
                {
                    if (!owned.remove(e.getKey()))
                    {
                        owned.add(e.getKey());
                    }
                    break;
                }
            }
        }
    }

    private void randomSlot(final EntitySchema schema, final int slot, final int[] v, final String[] s)
    {
        if ((schema.stringSlotMask() & (1L << slot)) != 0)
        {
            final int limit = fieldAt(schema, slot).maxLength();
            String text = TEXTS[random.nextInt(TEXTS.length)];
            while (text.getBytes(StandardCharsets.UTF_8).length > limit)
            {
                text = TEXTS[random.nextInt(TEXTS.length)];
            }
            s[slot] = text.isEmpty() ? null : text;
            v[slot] = text.isEmpty() ? 0 : handle++;
        }
        else
        {
            final SchemaField f = fieldAt(schema, slot);
            if (f.kind() == FieldKind.QUATERNION)
            {
                // Only canonical "smallest three" values: what a server's quantizer produces.
                f.quantizeQuaternion(random.nextGaussian(), random.nextGaussian(), random.nextGaussian(),
                    random.nextGaussian(), v, f.firstSlot());
            }
            else
            {
                v[slot] = random.nextInt(schema.slotMax(slot) + 1);
            }
        }
    }

    private static SchemaField fieldAt(final EntitySchema schema, final int slot)
    {
        for (final SchemaField f : schema.fields())
        {
            if (slot >= f.firstSlot() && slot < f.firstSlot() + f.slotCount())
            {
                return f;
            }
        }
        throw new IllegalArgumentException("no field at slot " + slot);
    }

    /**
     * Capture this tick's truth and encode the frame against {@code baselineTick} (0: full), with this
     * connection's owner section.
     *
     * @return the encoded {@code ServerMessage}.
     */
    byte[] frame(final int baselineTick, final int lastInputSeq)
    {
        final WorldState current = truth();
        final WorldState owns = ownedRows(current);
        truthByTick.put(tick, current);
        ownedByTick.put(tick, owns);
        final WorldState baseline = baselineTick == 0 ? null : truthByTick.get(baselineTick);
        final WorldState ownedBaseline = baselineTick == 0 ? null : ownedByTick.get(baselineTick);
        if (baselineTick != 0 && baseline == null)
        {
            throw new IllegalArgumentException("no such baseline: " + baselineTick);
        }
        return encoder.encodeServerMessage(baseline, current, lastInputSeq, ownedBaseline, owns);
    }

    /**
     * @return what this connection's mirror holds at the tick of the last {@link #frame}: the truth with OWNER
     * slots zeroed (texts "") on entities it does not own.
     */
    WorldState expectedMirror(final int atTick)
    {
        final WorldState truth = truthByTick.get(atTick);
        final WorldState state = new WorldState(TYPES, truth.count());
        state.reset(truth.tick(), truth.serverTimeMs());
        final long[] hidden = new long[TYPES.count()];
        for (int t = 0; t < TYPES.count(); t++)
        {
            hidden[t] = TYPES.schema(t).ownerSlotMask();
        }
        final WorldState owns = ownedByTick.get(atTick);
        for (int i = 0; i < truth.count(); i++)
        {
            state.append(truth, i, owns.indexOf(truth.idAt(i)) >= 0 ? null : hidden);
        }
        return state;
    }

    /**
     * @return the room's state at a tick captured by {@link #frame}, owner-only fields included: what the owner
     * of every entity would see.
     */
    WorldState expectedMirrorAsOwner(final int atTick)
    {
        return truthByTick.get(atTick);
    }

    private WorldState truth()
    {
        final int n = values.size();
        final WorldState state = new WorldState(TYPES, n);
        final int[] ids = new int[n];
        final int[] types = new int[n];
        final int[] flat = new int[Math.max(1, n * stride)];
        final String[] strings = new String[Math.max(1, n * stride)];
        int i = 0;
        for (final Map.Entry<Integer, int[]> e : values.entrySet())
        {
            ids[i] = e.getKey();
            types[i] = typeOf.get(e.getKey());
            System.arraycopy(e.getValue(), 0, flat, i * stride, stride);
            System.arraycopy(texts.get(e.getKey()), 0, strings, i * stride, stride);
            i++;
        }
        state.capture(tick, tick * 50L, n, ids, types, flat, strings);
        return state;
    }

    private WorldState ownedRows(final WorldState truth)
    {
        final WorldState state = new WorldState(TYPES, owned.size());
        state.reset(truth.tick(), truth.serverTimeMs());
        for (final int id : owned)
        {
            final int index = truth.indexOf(id);
            if (index >= 0)
            {
                state.append(truth, index, null);
            }
        }
        return state;
    }
}
