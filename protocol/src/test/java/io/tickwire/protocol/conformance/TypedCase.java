package io.tickwire.protocol.conformance;

import io.tickwire.protocol.delta.DeltaEncoder;
import io.tickwire.protocol.delta.WorldState;
import io.tickwire.protocol.schema.EntitySchema;
import io.tickwire.protocol.schema.EntityTypes;
import io.tickwire.protocol.v1.ServerMessage;
import io.tickwire.protocol.v1.Snapshot;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The protocol version 2 vectors: three entity types with their own slot layouts, STRING fields (ASCII,
 * accents, an emoji, the empty text), an OWNER field and an OWNER string seen by one connection that owns two
 * entities, one of which it loses and one it gains, created_types, and frames a decoder must reject.
 * Everything is from the point of view of that one connection: each frame carries its owner section.
 */
final class TypedCase
{
    static final EntityTypes TYPES = EntityTypes.builder()
        .type("player", EntitySchema.builder()
            .fixed("x", -1000, 1000, 0.01)
            .fixed("y", -1000, 1000, 0.01)
            .angle("heading", 10)
            .string("name", 24)
            .intField("ammo", 0, 200).ownerOnly()
            .string("secret", 16).ownerOnly()
            .build())
        .type("bullet", EntitySchema.builder()
            .fixed("x", -1000, 1000, 0.01)
            .fixed("y", -1000, 1000, 0.01)
            .build())
        .type("pickup", EntitySchema.builder()
            .intField("kind", 0, 7)
            .string("label", 12)
            .bool("taken")
            .fixed("x", -1000, 1000, 0.5)
            .fixed("y", -1000, 1000, 0.5)
            .build())
        .build();

    private static final String[] NAMES = {"ada", "Zoë", "bob the builder", "", "\u03bb-calc", "\ud83d\ude80 rocket",
        "x"};

    private final Random random = new Random(2026);
    private final TreeMap<Integer, int[]> values = new TreeMap<>();
    private final Map<Integer, Integer> typeOf = new HashMap<>();
    private final Map<Integer, String[]> texts = new HashMap<>();
    private final TreeSet<Integer> owned = new TreeSet<>();
    private final Map<Integer, WorldState> truthByTick = new HashMap<>();
    private final Map<Integer, WorldState> ownedByTick = new HashMap<>();
    private final DeltaEncoder encoder = new DeltaEncoder(TYPES);
    private final int stride = TYPES.maxSlotCount();
    private int nextId = 1;
    private int handle = 1;
    private int tick = 1;

    private final boolean packed;

    private TypedCase(final boolean packed)
    {
        this.packed = packed;
    }

    /**
     * @param packed true for the frames in protocol version 3's form (the changed section in {@code changed_bits}).
     */
    static ConformanceVectors.Case build(final boolean packed)
    {
        return new TypedCase(packed).run();
    }

    private ConformanceVectors.Case run()
    {
        final ConformanceVectors.Case c = new ConformanceVectors.Case(packed ? "typed-v3" : "typed-v2",
            (packed ? "The typed-v2 frames in protocol version 3 form (changed section in changed_bits). " : "") +
            "Protocol version 2: players, bullets and pickups with their own slot layouts; names and labels as " +
            "STRING fields; ammo and a secret visible to their owner only, in the owner section of the one " +
            "connection these frames were encoded for (it owns ids 1 and 2, loses 2, gains 3). Expected states " +
            "are that connection's mirror: OWNER slots hold 0 / \\\"\\\" on entities it does not own.",
            TYPES);
        for (int i = 0; i < 4; i++)
        {
            create(0);
        }
        create(2);
        create(2);
        create(1);
        owned.add(1);
        owned.add(2);
        emit(c, 0, "full snapshot of three types, owner section for ids 1 and 2");
        for (int t = 0; t < 14; t++)
        {
            step(t);
            emit(c, Math.max(1, tick - 2), "delta against a lagging ack");
        }
        owned.remove(2);
        owned.add(3);
        step(14);
        emit(c, tick - 1, "ownership moves: id 2's owner fields go back to 0, id 3's arrive");
        step(15);
        emit(c, 0, "full fallback with an owner section");
        step(16);
        emit(c, tick - 1, "delta with strings, types and owner fields");
        // Corruptions of the first (full) frame: it has every column, and needs no baseline.
        rejections(c, parse(c.frames.get(0).bytes));
        return c;
    }

    private void create(final int type)
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
    }

    private void randomSlot(final EntitySchema schema, final int slot, final int[] v, final String[] s)
    {
        if ((schema.stringSlotMask() & (1L << slot)) != 0)
        {
            String text = NAMES[random.nextInt(NAMES.length)];
            final int limit = schema.fields().stream().filter(f -> f.firstSlot() == slot).findFirst().orElseThrow()
                .maxLength();
            while (text.getBytes(java.nio.charset.StandardCharsets.UTF_8).length > limit)
            {
                text = NAMES[random.nextInt(NAMES.length)];
            }
            s[slot] = text.isEmpty() ? null : text;
            v[slot] = text.isEmpty() ? 0 : handle++;
        }
        else
        {
            v[slot] = random.nextInt(schema.slotMax(slot) + 1);
        }
    }

    private void step(final int t)
    {
        tick++;
        for (final Map.Entry<Integer, int[]> e : values.entrySet())
        {
            final EntitySchema schema = TYPES.schema(typeOf.get(e.getKey()));
            for (int slot = 0; slot < schema.slotCount(); slot++)
            {
                final boolean isString = (schema.stringSlotMask() & (1L << slot)) != 0;
                if (random.nextInt(isString ? 8 : 3) == 0)
                {
                    randomSlot(schema, slot, e.getValue(), texts.get(e.getKey()));
                }
            }
        }
        if (t % 4 == 1)
        {
            create(1);
        }
        if (t % 5 == 3)
        {
            create(t % 2 == 0 ? 2 : 0);
        }
        if (t % 6 == 5)
        {
            // Never one of the owned ids: an owned entity leaving is a removal like any other, covered by type.
            final List<Integer> bullets = new ArrayList<>();
            typeOf.forEach((id, type) -> { if (type == 1) { bullets.add(id); } });
            if (!bullets.isEmpty())
            {
                final int gone = bullets.get(random.nextInt(bullets.size()));
                values.remove(gone);
                typeOf.remove(gone);
                texts.remove(gone);
            }
        }
    }

    private WorldState truth()
    {
        final WorldState state = new WorldState(TYPES, values.size());
        final int n = values.size();
        final int[] ids = new int[n];
        final int[] types = new int[n];
        final int[] flat = new int[n * stride];
        final String[] strings = new String[n * stride];
        int i = 0;
        for (final Map.Entry<Integer, int[]> e : values.entrySet())
        {
            ids[i] = e.getKey();
            types[i] = typeOf.get(e.getKey());
            System.arraycopy(e.getValue(), 0, flat, i * stride, stride);
            System.arraycopy(texts.get(e.getKey()), 0, strings, i * stride, stride);
            i++;
        }
        state.capture(tick, tick * 33L, n, ids, types, flat, strings);
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

    /** What the connection holds: the truth with OWNER slots zeroed on entities it does not own. */
    private WorldState mirror(final WorldState truth)
    {
        final WorldState state = new WorldState(TYPES, truth.count());
        state.reset(truth.tick(), truth.serverTimeMs());
        final long[] hidden = new long[TYPES.count()];
        for (int t = 0; t < TYPES.count(); t++)
        {
            hidden[t] = TYPES.schema(t).ownerSlotMask();
        }
        for (int i = 0; i < truth.count(); i++)
        {
            state.append(truth, i, owned.contains(truth.idAt(i)) ? null : hidden);
        }
        return state;
    }

    private byte[] emitBytes(final int baselineTick)
    {
        final WorldState current = truth();
        final WorldState baseline = baselineTick == 0 ? null : truthByTick.get(baselineTick);
        final WorldState ownedBaseline = baselineTick == 0 ? null : ownedByTick.get(baselineTick);
        return encoder.encodeServerMessage(baseline, current, tick, ownedBaseline, ownedRows(current), packed);
    }

    private void emit(final ConformanceVectors.Case c, final int baselineTick, final String note)
    {
        final byte[] bytes = emitBytes(baselineTick);
        final WorldState current = truth();
        truthByTick.put(tick, current);
        ownedByTick.put(tick, ownedRows(current));
        c.frames.add(new ConformanceVectors.Frame(note, bytes, mirror(current), null));
    }

    private void rejections(final ConformanceVectors.Case c, final Snapshot valid)
    {
        c.frames.add(reject("created_types one short", valid.toBuilder().clearCreatedTypes()
            .addAllCreatedTypes(valid.getCreatedTypesList().subList(0, Math.max(0, valid.getCreatedTypesCount() - 1)))
            .addCreatedTypes(valid.getCreatedTypesCount() == 0 ? 1 : 9).build(), "created type unknown"));
        c.frames.add(reject("a created string missing", valid.toBuilder().clearCreatedStrings()
            .addAllCreatedStrings(valid.getCreatedStringsList().subList(0, valid.getCreatedStringsCount() - 1))
            .build(), "created_strings length mismatch"));
        c.frames.add(reject("a string longer than its field", valid.toBuilder()
            .setCreatedStrings(0, "this text is far longer than any field allows").build(), "string too long"));
        c.frames.add(reject("owner section names an entity outside the view", valid.toBuilder()
            .setOwnerIds(0, 1_000_000).build(), "owner id not in view"));
        c.frames.add(reject("owner mask on a public field", valid.toBuilder()
            .setOwnerMasks(0, valid.getOwnerMasks(0) | 1).build(), "owner mask names a field that is not owner-only"));
        c.frames.add(reject("owner masks one short", valid.toBuilder().clearOwnerMasks().build(),
            "owner_masks length mismatch"));
    }

    private static ConformanceVectors.Frame reject(final String note, final Snapshot snapshot, final String error)
    {
        return new ConformanceVectors.Frame(note, ServerMessage.newBuilder().setSnapshot(snapshot).build().toByteArray(),
            null, error);
    }

    private static Snapshot parse(final byte[] bytes)
    {
        return ConformanceVectors.parse(bytes);
    }
}
