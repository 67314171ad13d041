package io.tickwire.protocol.conformance;

import com.google.protobuf.ByteString;
import io.tickwire.protocol.delta.DeltaEncoder;
import io.tickwire.protocol.delta.WorldState;
import io.tickwire.protocol.schema.EntitySchema;
import io.tickwire.protocol.schema.EntityTypes;
import io.tickwire.protocol.schema.FieldKind;
import io.tickwire.protocol.schema.SchemaField;
import io.tickwire.protocol.v1.ServerMessage;
import io.tickwire.protocol.v1.Snapshot;
import io.tickwire.protocol.v1.Welcome;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Random;

/**
 * The codec's conformance vectors, shared with every other client (client-ts decodes the same file):
 * seeded snapshot sequences encoded by {@link DeltaEncoder}, each frame with the state it must decode
 * to or the fact that it must be rejected, and quantizer samples of every field kind.
 * <p>
 * Deterministic: the same code always renders the same JSON, so {@code ConformanceVectorsTest} can
 * compare the checked-in file with a fresh rendering. Doubles travel as the hex of their IEEE-754 bits,
 * so no decimal formatting stands between Java and another language.
 */
final class ConformanceVectors
{
    static final String RESOURCE_PATH = "src/test/resources/conformance/vectors.json";

    private static final double HALF_PI = Math.PI / 2;

    /** One snapshot sequence over one schema. */
    static final class Case
    {
        final String name;
        final String description;
        final EntitySchema schema;
        final EntityTypes types;
        final List<Frame> frames = new ArrayList<>();

        Case(final String name, final String description, final EntitySchema schema)
        {
            this(name, description, EntityTypes.single(schema));
        }

        Case(final String name, final String description, final EntityTypes types)
        {
            this.name = name;
            this.description = description;
            this.schema = types.schema(0);
            this.types = types;
        }

        boolean isVersion2()
        {
            return types.count() > 1 || types.usesVersion2();
        }
    }

    /**
     * One frame: a whole {@code ServerMessage}, the baseline tick it names, and the state it decodes to
     * (null when a conforming decoder must reject it, {@code error} says why).
     */
    static final class Frame
    {
        final String note;
        final byte[] bytes;
        final WorldState expected;
        final String error;

        Frame(final String note, final byte[] bytes, final WorldState expected, final String error)
        {
            this.note = note;
            this.bytes = bytes;
            this.expected = expected;
            this.error = error;
        }
    }

    private ConformanceVectors()
    {
    }

    /**
     * @return every case, built from fixed seeds.
     */
    static List<Case> cases()
    {
        final List<Case> cases = new ArrayList<>();
        cases.add(arenaCase(false));
        cases.add(wideCase());
        cases.add(kindsCase());
        cases.add(TypedCase.build(false));
        cases.add(arenaCase(true));
        cases.add(TypedCase.build(true));
        return cases;
    }

    private static Case arenaCase(final boolean packed)
    {
        final EntitySchema schema = EntitySchema.builder()
            .fixed("x", -50, 50, 0.01)
            .fixed("y", -50, 50, 0.01)
            .angle("heading", 10)
            .intField("kind", 0, 3)
            .build();
        final Case c = new Case(packed ? "arena-110-v3" : "arena-110",
            (packed ? "The arena-110 frames in protocol version 3 form (changed section in changed_bits), and " +
            "malformed bit streams. " : "") + "The arena demo's schema with 110 entities: a full snapshot, deltas against lagging acks, " +
            "removals and creations, headings wrapping both ways, a full fallback after an expired " +
            "baseline, and rejected frames.", schema);
        final Random random = new Random(13);
        final Sim sim = new Sim(schema, random, packed);
        for (int id = 1; id <= 110; id++)
        {
            sim.create(id);
        }
        sim.emit(c, 0, "full snapshot, 110 entities");
        for (int t = 0; t < 24; t++)
        {
            sim.step(0.5, t % 5 == 4 ? 1 : 0, t % 7 == 6 ? 1 : 0);
            // The client acks with a round trip of three ticks: the server deltas against tick - 3.
            sim.emit(c, Math.max(1, sim.tick - 3), "delta against a lagging ack");
        }
        final int heading = schema.field("heading").firstSlot();
        sim.setSlot(3, heading, 1020);
        sim.setSlot(4, heading, 3);
        sim.tick++;
        sim.emit(c, sim.tick - 1, "headings of ids 3 and 4 next to the wrap");
        sim.setSlot(3, heading, (1020 + 6) & 1023);
        sim.setSlot(4, heading, (3 - 7) & 1023);
        sim.tick++;
        sim.emit(c, sim.tick - 1, "headings of ids 3 and 4 wrap across 0 in both directions (deltas +6 and -7)");
        sim.step(0.3, 2, 2);
        sim.emit(c, 0, "full fallback: the acked baseline left the server's history");
        sim.step(0.3, 1, 0);
        sim.emit(c, sim.tick - 1, "delta against the full fallback");
        sim.step(0.3, 0, 0);
        sim.emit(c, sim.tick - 2, "delta against an older, still retained baseline");
        sim.step(1.0, 0, 0);
        sim.emit(c, sim.tick - 1, "every entity changed");
        sim.step(0.0, 0, 0);
        sim.emit(c, sim.tick - 1, "nothing changed");
        sim.step(0.3, 0, 0);
        final WorldState unsent = sim.copy();
        sim.step(0.3, 0, 0);
        c.frames.add(new Frame("baseline never sent to this client: must be rejected",
            new DeltaEncoder(schema).encodeServerMessage(unsent, sim.copy(), 0, null, null, packed), null,
            "baseline not held"));
        sim.rejections(c);
        return c;
    }

    private static Case wideCase()
    {
        final EntitySchema.Builder b = EntitySchema.builder();
        for (int i = 0; i < 30; i++)
        {
            b.intField("i" + i, 0, 1000);
        }
        b.angle("a30", 30).bool("flag").quaternion("q30", 30);
        for (int i = 0; i < 27; i++)
        {
            b.intField("w" + i, -5, 5);
        }
        b.fixed("last", -1, 1, 0.001);
        final EntitySchema schema = b.build();
        if (schema.slotCount() != 64)
        {
            throw new IllegalStateException("wide case must have 64 slots: slots=" + schema.slotCount());
        }
        final Case c = new Case("wide-64",
            "64 slots per entity: changed masks with bits at 31/32, past 53 and bit 63 (ten-byte varints; " +
            "a JavaScript number loses them), 30-bit angles wrapping, 30-bit quaternions.", schema);
        final Sim sim = new Sim(schema, new Random(64));
        for (int id = 1; id <= 12; id++)
        {
            sim.create(id * 3);
        }
        sim.emit(c, 0, "full snapshot");
        final int[][] slotSets = {
            {0}, {31}, {32}, {31, 32}, {52}, {53}, {54, 60}, {63}, {0, 63}, {33, 34, 35, 36},
        };
        for (final int[] slots : slotSets)
        {
            for (int e = 0; e < 4; e++)
            {
                sim.touch(e * 3 + 3, slots);
            }
            sim.tick++;
            sim.emit(c, sim.tick - 1, "slots " + Arrays.toString(slots) + " changed");
        }
        final int[] all = new int[64];
        for (int s = 0; s < 64; s++)
        {
            all[s] = s;
        }
        sim.touch(6, all);
        sim.touch(36, all);
        sim.tick++;
        sim.emit(c, sim.tick - 1, "every slot of two entities changed: mask 0xffffffffffffffff");
        sim.step(0.5, 1, 1);
        sim.emit(c, sim.tick - 3, "random changes against an older baseline");
        sim.rejections(c);
        return c;
    }

    private static Case kindsCase()
    {
        final EntitySchema schema = EntitySchema.builder()
            .intField("wideInt", -1_073_741_824, 1_073_741_822)
            .intField("neg", -100, -50)
            .fixed("odd", -1, 1, 0.3)
            .fixed("fine", -512, 512, 0.01)
            .angle("a2", 2)
            .angle("a30", 30)
            .bool("alive")
            .quaternion("q9", 9)
            .quaternion("q2", 2)
            .intField("single", 7, 7)
            .build();
        final Case c = new Case("kinds",
            "Every field kind at its edges: the widest int range (deltas of +-(2^31 - 2)), a range that is " +
            "not a multiple of the step, 2- and 30-bit angles, quaternions, a one-value int.", schema);
        final Sim sim = new Sim(schema, new Random(5));
        for (int id = 1; id <= 20; id++)
        {
            sim.create(id == 20 ? Integer.MAX_VALUE : id * 1000);
        }
        sim.emit(c, 0, "full snapshot, including id 2^31 - 1");
        final int wide = 0;
        final int wideMax = schema.slotMax(wide);
        sim.setSlot(1000, wide, 0);
        sim.setSlot(2000, wide, wideMax);
        sim.tick++;
        sim.emit(c, sim.tick - 1, "wide int to both extremes");
        sim.setSlot(1000, wide, wideMax);
        sim.setSlot(2000, wide, 0);
        sim.tick++;
        sim.emit(c, sim.tick - 1, "wide int jumps by +-(2^31 - 2)");
        for (int t = 0; t < 6; t++)
        {
            sim.step(0.6, 1, 1);
            sim.emit(c, sim.tick - 1 - (t % 3), "random changes of every kind");
        }
        sim.rejections(c);
        return c;
    }

    /** A seeded simulated room: the states a server would capture, tick by tick. */
    private static final class Sim
    {
        private final EntitySchema schema;
        private final boolean packed;
        private final int slots;
        private final Random random;
        private final List<WorldState> history = new ArrayList<>();
        private final List<Integer> ids = new ArrayList<>();
        private final List<int[]> values = new ArrayList<>();
        private int nextId;
        private int tick = 1;

        Sim(final EntitySchema schema, final Random random)
        {
            this(schema, random, false);
        }

        Sim(final EntitySchema schema, final Random random, final boolean packed)
        {
            this.packed = packed;
            this.schema = schema;
            this.slots = schema.slotCount();
            this.random = random;
        }

        void create(final int id)
        {
            final int[] v = new int[slots];
            for (final SchemaField f : schema.fields())
            {
                randomField(f, v);
            }
            int at = 0;
            while (at < ids.size() && ids.get(at) < id)
            {
                at++;
            }
            ids.add(at, id);
            values.add(at, v);
            if (id < 1_000_000_000)
            {
                nextId = Math.max(nextId, id);
            }
        }

        private void randomField(final SchemaField f, final int[] v)
        {
            if (f.kind() == FieldKind.QUATERNION)
            {
                f.quantizeQuaternion(random.nextGaussian(), random.nextGaussian(), random.nextGaussian(),
                    random.nextGaussian(), v, f.firstSlot());
                return;
            }
            final int max = f.slotMax(0);
            v[f.firstSlot()] = max == 0 ? 0 : (int)Math.floorMod(random.nextLong(), (long)max + 1);
        }

        /** Change a share of the entities by small steps, remove and create some. */
        void step(final double changedShare, final int removals, final int creations)
        {
            for (int r = 0; r < removals && ids.size() > 1; r++)
            {
                final int at = random.nextInt(ids.size());
                ids.remove(at);
                values.remove(at);
            }
            for (int n = 0; n < creations; n++)
            {
                create(nextId + 1 + random.nextInt(3));
            }
            for (final int[] v : values)
            {
                if (random.nextDouble() >= changedShare)
                {
                    continue;
                }
                for (final SchemaField f : schema.fields())
                {
                    if (random.nextInt(3) == 0)
                    {
                        continue;
                    }
                    if (f.kind() == FieldKind.QUATERNION)
                    {
                        final double[] q = new double[4];
                        f.dequantizeQuaternion(v, f.firstSlot(), q);
                        f.quantizeQuaternion(q[0] + 0.05 * random.nextGaussian(), q[1] + 0.05 * random.nextGaussian(),
                            q[2] + 0.05 * random.nextGaussian(), q[3] + 0.05 * random.nextGaussian(), v, f.firstSlot());
                        continue;
                    }
                    final int s = f.firstSlot();
                    final long max = f.slotMax(0);
                    final long step = Math.max(1, max / 50);
                    final long moved = v[s] + (long)(random.nextGaussian() * step);
                    v[s] = (int)(f.wraps() ? Math.floorMod(moved, max + 1) : Math.max(0, Math.min(max, moved)));
                }
            }
            tick++;
        }

        void touch(final int id, final int[] touched)
        {
            final int[] v = values.get(ids.indexOf(id));
            for (final int s : touched)
            {
                v[s] = v[s] == schema.slotMax(s) ? v[s] - 1 : v[s] + 1;
                if (schema.slotMax(s) == 0)
                {
                    throw new IllegalStateException("slot cannot change: slot=" + s);
                }
            }
        }

        void setSlot(final int id, final int slot, final int value)
        {
            values.get(ids.indexOf(id))[slot] = value;
        }

        WorldState copy()
        {
            final int[] idArray = new int[ids.size()];
            final int[] valueArray = new int[ids.size() * slots];
            for (int i = 0; i < idArray.length; i++)
            {
                idArray[i] = ids.get(i);
                System.arraycopy(values.get(i), 0, valueArray, i * slots, slots);
            }
            final WorldState state = new WorldState(schema, idArray.length);
            state.capture(tick, 1000L + tick * 33L, idArray.length, idArray, valueArray);
            return state;
        }

        /** Encode the current state against the state captured at {@code baselineTick} (0: full). */
        void emit(final Case c, final int baselineTick, final String note)
        {
            final WorldState current = copy();
            WorldState baseline = null;
            if (baselineTick != 0)
            {
                for (final WorldState s : history)
                {
                    if (s.tick() == baselineTick)
                    {
                        baseline = s;
                    }
                }
                if (baseline == null)
                {
                    throw new IllegalStateException("no state captured at tick " + baselineTick);
                }
            }
            history.add(current);
            final byte[] bytes = new DeltaEncoder(schema).encodeServerMessage(baseline, current, tick * 2 + 1, null,
                null, packed);
            c.frames.add(new Frame(note, bytes, current, null));
        }

        /** Frames a conforming decoder must reject: each a corruption of a valid delta against the newest state. */
        void rejections(final Case c)
        {
            final WorldState base = history.get(history.size() - 1);
            step(0.5, 1, 1);
            final WorldState next = copy();
            final Snapshot valid = parse(new DeltaEncoder(schema).encodeServerMessage(base, next, 0, null, null, packed));
            if (packed)
            {
                packedRejections(c, valid);
                history.add(next);
                return;
            }
            if (valid.getChangedIdsCount() == 0 || valid.getRemovedIdsCount() == 0)
            {
                throw new IllegalStateException("rejection base needs changes and removals: " + valid);
            }
            final long badBit = slots == 64 ? 0 : 1L << slots;
            if (badBit != 0)
            {
                c.frames.add(reject("mask bit at or above slotCount", valid.toBuilder()
                    .setChangedMasks(0, valid.getChangedMasks(0) | badBit).build(), "changed mask invalid"));
            }
            c.frames.add(reject("zero mask", valid.toBuilder().setChangedMasks(0, 0).build(), "changed mask invalid"));
            c.frames.add(reject("entity_count off by one", valid.toBuilder()
                .setEntityCount(valid.getEntityCount() + 1).build(), "entity count mismatch"));
            c.frames.add(reject("removed id not in baseline", valid.toBuilder()
                .setRemovedIds(0, valid.getRemovedIds(0) + 1_000_000).build(), "removed id not in baseline"));
            c.frames.add(reject("an id delta of 0", valid.toBuilder().setChangedIds(0, 0).build(),
                "changed_ids not strictly ascending"));
            c.frames.add(reject("a value column one short", valid.toBuilder().clearChangedValues()
                .addAllChangedValues(valid.getChangedValuesList().subList(0, valid.getChangedValuesCount() - 1))
                .build(), "changed_values length mismatch"));
            c.frames.add(reject("tick not after baseline", valid.toBuilder().setTick(valid.getBaselineTick()).build(),
                "snapshot tick not after baseline"));
            history.add(next);
        }

        /** Malformed {@code changed_bits} streams (protocol/README.md, "Version 3"). */
        private static void packedRejections(final Case c, final Snapshot valid)
        {
            final byte[] bits = valid.getChangedBits().toByteArray();
            if (bits.length < 4)
            {
                throw new IllegalStateException("rejection base needs a changed section: " + valid);
            }
            c.frames.add(reject("changed_bits one byte short", valid.toBuilder()
                .setChangedBits(ByteString.copyFrom(bits, 0, bits.length - 1)).build(), "changed_bits malformed"));
            c.frames.add(reject("changed_bits with a trailing zero byte", valid.toBuilder()
                .setChangedBits(ByteString.copyFrom(Arrays.copyOf(bits, bits.length + 1))).build(),
                "changed_bits malformed"));
            c.frames.add(reject("changed_bits and changed_ids both present", valid.toBuilder().addChangedIds(1).build(),
                "changed_bits and changed columns both present"));
            c.frames.add(reject("changed_bits of all one bits (count 0, then bytes left over)", valid.toBuilder()
                .setChangedBits(ByteString.copyFrom(allOnes(bits.length))).build(), "changed_bits malformed"));
            c.frames.add(reject("changed_bits of all zero bits (a zero prefix longer than 32)", valid.toBuilder()
                .setChangedBits(ByteString.copyFrom(new byte[bits.length])).build(),
                "changed_bits malformed: zero prefix longer than 32"));
            final byte[] created = valid.getCreatedBits().toByteArray();
            if (created.length < 2)
            {
                throw new IllegalStateException("rejection base needs a creation: " + valid);
            }
            c.frames.add(reject("created_bits one byte short", valid.toBuilder()
                .setCreatedBits(ByteString.copyFrom(created, 0, created.length - 1)).build(),
                "created_bits length mismatch"));
            c.frames.add(reject("created_bits and created_values both present", valid.toBuilder()
                .addCreatedValues(0).build(), "created_bits and created_values both present"));
        }

        private static byte[] allOnes(final int length)
        {
            final byte[] b = new byte[length];
            Arrays.fill(b, (byte)0xFF);
            return b;
        }

        private static Frame reject(final String note, final Snapshot snapshot, final String error)
        {
            return new Frame(note, ServerMessage.newBuilder().setSnapshot(snapshot).build().toByteArray(), null, error);
        }
    }

    static Snapshot parse(final byte[] bytes)
    {
        try
        {
            return ServerMessage.parseFrom(bytes).getSnapshot();
        }
        catch (final Exception ex)
        {
            throw new IllegalStateException("cannot parse a frame the encoder wrote", ex);
        }
    }

    /**
     * @return the JSON text of the vectors file.
     */
    static String render(final List<Case> cases)
    {
        final StringBuilder out = new StringBuilder(1 << 20);
        out.append("{\n");
        out.append("  \"format\": 1,\n");
        out.append("  \"about\": \"Generated by protocol/src/test/java/io/tickwire/protocol/conformance/ConformanceVectors.java; ")
            .append("do not edit: run ConformanceVectorsTest with -Dtickwire.conformance.write=true. ")
            .append("Frames are base64 ServerMessage bytes; a frame names its baseline tick, whose state is the expected state ")
            .append("of an earlier frame of the same case; doubles are hex IEEE-754 bits.\",\n");
        out.append("  \"cases\": [\n");
        for (int i = 0; i < cases.size(); i++)
        {
            renderCase(out, cases.get(i));
            out.append(i + 1 < cases.size() ? ",\n" : "\n");
        }
        out.append("  ]\n}\n");
        return out.toString();
    }

    private static void renderCase(final StringBuilder out, final Case c)
    {
        final EntitySchema schema = c.schema;
        out.append("    {\n");
        out.append("      \"name\": ").append(quote(c.name)).append(",\n");
        out.append("      \"description\": ").append(quote(c.description)).append(",\n");
        out.append("      \"schema\": ").append(quote(Base64.getEncoder().encodeToString(schema.toProto().toByteArray())))
            .append(",\n");
        if (c.isVersion2())
        {
            out.append("      \"welcome\": ").append(quote(Base64.getEncoder().encodeToString(
                c.types.writeTo(Welcome.newBuilder()).setProtocolVersion(2).build().toByteArray()))).append(",\n");
        }
        out.append("      \"slotCount\": ").append(schema.slotCount()).append(",\n");
        out.append("      \"slotMax\": [");
        for (int s = 0; s < schema.slotCount(); s++)
        {
            out.append(s == 0 ? "" : ", ").append(schema.slotMax(s));
        }
        out.append("],\n");
        out.append("      \"fields\": [\n");
        final List<SchemaField> fields = schema.fields();
        for (int f = 0; f < fields.size(); f++)
        {
            renderField(out, fields.get(f));
            out.append(f + 1 < fields.size() ? ",\n" : "\n");
        }
        out.append("      ],\n");
        out.append("      \"frames\": [\n");
        for (int i = 0; i < c.frames.size(); i++)
        {
            final Frame frame = c.frames.get(i);
            final Snapshot snapshot = parse(frame.bytes);
            out.append("        {\"note\": ").append(quote(frame.note))
                .append(", \"tick\": ").append(Integer.toUnsignedString(snapshot.getTick()))
                .append(", \"baselineTick\": ").append(Integer.toUnsignedString(snapshot.getBaselineTick()))
                .append(",\n         \"frame\": ").append(quote(Base64.getEncoder().encodeToString(frame.bytes)));
            if (frame.expected == null)
            {
                out.append(",\n         \"error\": ").append(quote(frame.error)).append("}");
            }
            else
            {
                final WorldState s = frame.expected;
                out.append(",\n         \"serverTimeMs\": ").append(s.serverTimeMs());
                out.append(", \"lastInputSeq\": ").append(Integer.toUnsignedString(snapshot.getLastInputSeq()));
                out.append(",\n         \"ids\": [");
                for (int e = 0; e < s.count(); e++)
                {
                    out.append(e == 0 ? "" : ", ").append(s.idAt(e));
                }
                if (c.isVersion2())
                {
                    out.append("],\n         \"types\": [");
                    for (int e = 0; e < s.count(); e++)
                    {
                        out.append(e == 0 ? "" : ", ").append(s.typeAt(e));
                    }
                }
                out.append("],\n         \"values\": [");
                for (int e = 0; e < s.count() * s.slotCount(); e++)
                {
                    final int slot = e % s.slotCount();
                    final boolean isString = (c.types.schema(s.typeAt(e / s.slotCount())).stringSlotMask() &
                        (1L << slot)) != 0;
                    // A STRING slot's int is a local handle: the file carries 0 there and the text below.
                    out.append(e == 0 ? "" : ",").append(isString ? 0 : s.valueArray()[e]);
                }
                if (c.isVersion2())
                {
                    out.append("],\n         \"strings\": [");
                    boolean first = true;
                    for (int e = 0; e < s.count(); e++)
                    {
                        long strings = c.types.schema(s.typeAt(e)).stringSlotMask();
                        while (strings != 0)
                        {
                            final int slot = Long.numberOfTrailingZeros(strings);
                            strings &= strings - 1;
                            out.append(first ? "" : ", ").append("[").append(s.idAt(e)).append(", ").append(slot)
                                .append(", ").append(quote(s.stringAt(e, slot))).append("]");
                            first = false;
                        }
                    }
                }
                out.append("]}");
            }
            out.append(i + 1 < c.frames.size() ? ",\n" : "\n");
        }
        out.append("      ]\n");
        out.append("    }");
    }

    private static void renderField(final StringBuilder out, final SchemaField f)
    {
        out.append("        {\"name\": ").append(quote(f.name())).append(", \"kind\": ").append(quote(f.kind().name()))
            .append(", \"firstSlot\": ").append(f.firstSlot());
        if (f.kind() == FieldKind.STRING)
        {
            out.append(", \"maxLength\": ").append(f.maxLength()).append("}");
            return;
        }
        out.append(",\n");
        final double[] inputs = sampleInputs(f);
        out.append("         \"quantize\": [");
        if (f.kind() == FieldKind.QUATERNION)
        {
            final Random random = new Random(f.name().hashCode());
            final int[] slots = new int[4];
            for (int i = 0; i < 24; i++)
            {
                final double[] q = quaternionInput(random, i);
                f.quantizeQuaternion(q[0], q[1], q[2], q[3], slots, 0);
                out.append(i == 0 ? "" : ", ").append("[[").append(bits(q[0])).append(", ").append(bits(q[1]))
                    .append(", ").append(bits(q[2])).append(", ").append(bits(q[3])).append("], [")
                    .append(slots[0]).append(", ").append(slots[1]).append(", ").append(slots[2]).append(", ")
                    .append(slots[3]).append("]]");
            }
            out.append("],\n         \"dequantize\": [");
            final double[] xyzw = new double[4];
            final int max = f.slotMax(1);
            final int[][] samples = {{0, 0, 0, 0}, {3, max, max, max}, {1, max / 2, max / 2 + 1, 0}, {2, 1, max - 1, max / 3},
                {3, max / 2, max / 2, max / 2}};
            for (int i = 0; i < samples.length; i++)
            {
                f.dequantizeQuaternion(samples[i], 0, xyzw);
                out.append(i == 0 ? "" : ", ").append("[").append(Arrays.toString(samples[i])).append(", [")
                    .append(bits(xyzw[0])).append(", ").append(bits(xyzw[1])).append(", ").append(bits(xyzw[2]))
                    .append(", ").append(bits(xyzw[3])).append("]]");
            }
            out.append("]}");
            return;
        }
        for (int i = 0; i < inputs.length; i++)
        {
            out.append(i == 0 ? "" : ", ").append("[").append(bits(inputs[i])).append(", ")
                .append(f.quantize(inputs[i])).append("]");
        }
        out.append("],\n         \"dequantize\": [");
        final int max = f.slotMax(0);
        final int[] slotSamples = {0, 1, max / 3, max / 2, max - 1, max};
        for (int i = 0; i < slotSamples.length; i++)
        {
            final int q = Math.max(0, Math.min(max, slotSamples[i]));
            out.append(i == 0 ? "" : ", ").append("[").append(q).append(", ").append(bits(f.dequantize(q))).append("]");
        }
        out.append("]}");
    }

    private static double[] quaternionInput(final Random random, final int i)
    {
        switch (i)
        {
            case 0:
                return new double[]{0, 0, 0, 1};
            case 1:
                return new double[]{0, 0, 0, 0};
            case 2:
                return new double[]{Double.NaN, 1, 0, 0};
            case 3:
                return new double[]{-0.5, -0.5, 0.5, 0.5};
            case 4:
                return new double[]{0, -1, 0, 0};
            case 5:
                return new double[]{1, 1, 1, 1};
            default:
                return new double[]{random.nextGaussian(), random.nextGaussian(), random.nextGaussian(),
                    random.nextGaussian()};
        }
    }

    private static double[] sampleInputs(final SchemaField f)
    {
        final List<Double> v = new ArrayList<>(List.of(0.0, -0.0, 0.5, 1.5, 2.5, -0.5, -1.5, 1.0, -1.0,
            Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY, 1e300, -1e300));
        switch (f.kind())
        {
            case INT:
                v.addAll(List.of((double)f.intMin(), (double)f.intMax(), f.intMin() - 0.5, f.intMax() + 0.5,
                    f.intMin() + 0.5, f.intMax() - 0.5, (double)f.intMin() - 1, (double)f.intMax() + 1));
                break;
            case FIXED:
                final double p = f.precision();
                v.addAll(List.of(f.floatMin(), f.floatMax(), f.floatMin() + p / 2, f.floatMin() + 1.5 * p,
                    f.floatMax() - p / 2, f.floatMax() + p, f.floatMin() - p, (f.floatMin() + f.floatMax()) / 2,
                    0.1, 0.2, 0.3, -0.7, 3 * p + p / 2));
                break;
            case ANGLE:
                v.addAll(List.of(Math.PI, -Math.PI, 2 * Math.PI, HALF_PI, -HALF_PI, 7.0, -7.0, 100.0,
                    Math.PI * 2 / (1L << f.bits()) / 2, 2 * Math.PI - 1e-12));
                break;
            default:
                break;
        }
        final Random random = new Random(f.name().hashCode());
        for (int i = 0; i < 8; i++)
        {
            v.add((random.nextDouble() * 2 - 1) * 1.2 * Math.max(Math.abs(f.floatMax()), Math.max(8, Math.abs(
                (double)f.intMax()))));
        }
        final double[] out = new double[v.size()];
        for (int i = 0; i < out.length; i++)
        {
            out[i] = v.get(i);
        }
        return out;
    }

    private static String bits(final double d)
    {
        return "\"" + String.format("%016x", Double.doubleToRawLongBits(d)) + "\"";
    }

    static String quote(final String s)
    {
        final StringBuilder out = new StringBuilder("\"");
        for (int i = 0; i < s.length(); i++)
        {
            final char ch = s.charAt(i);
            if (ch == '"' || ch == '\\')
            {
                out.append('\\').append(ch);
            }
            else if (ch < 0x20 || ch > 0x7e)
            {
                out.append(String.format("\\u%04x", (int)ch));
            }
            else
            {
                out.append(ch);
            }
        }
        return out.append('"').toString();
    }
}
