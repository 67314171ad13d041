package io.tickwire.protocol.delta;

import com.google.protobuf.InvalidProtocolBufferException;
import io.tickwire.protocol.schema.EntitySchema;
import io.tickwire.protocol.schema.RandomSchemas;
import io.tickwire.protocol.v1.ServerMessage;
import io.tickwire.protocol.v1.Snapshot;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Corrupted and garbage frames: parsing and applying them may only fail with
 * {@link InvalidProtocolBufferException} or {@link DeltaException} (never an
 * {@code ArrayIndexOutOfBoundsException} or the like), may not touch the baseline, and whatever
 * the decoder accepts is a well-formed state (ascending ids, values in range, the announced count).
 * Every frame that parses as a snapshot is also given to {@link SnapshotModel}, the same rules
 * written the obvious way: the decoder must reject what the model rejects and accept what it accepts,
 * with exactly the model's state, so a decoder that waves a broken frame through fails here.
 * <p>
 * A plain protobuf snapshot carries no checksum, so a flipped bit inside a value or id delta can
 * decode to a well-formed state that differs from the server's. Integrity is the transport's job
 * (TCP, TLS); these tests count such silent differences and report them, they cannot forbid them.
 */
class DeltaDecoderFuzzTest
{
    private static final int STEPS = Integer.getInteger("tickwire.property.steps", 3000);

    @Test
    void shouldOnlyRejectOrStayWellFormedUnderRandomByteFlips()
    {
        final long seed = 0xF11B_5EEDL;
        final Random random = new Random(seed);
        final Outcomes outcomes = new Outcomes();
        final int cases = Math.max(200, STEPS);
        for (int n = 0; n < cases; n++)
        {
            final Scenario scenario = new Scenario(random);
            final byte[] frame = scenario.frame.clone();
            final int flips = 1 + random.nextInt(random.nextInt(4) == 0 ? 8 : 2);
            for (int f = 0; f < flips; f++)
            {
                final int at = random.nextInt(frame.length);
                frame[at] ^= (byte)(random.nextBoolean() ? 1 << random.nextInt(8) : 1 + random.nextInt(255));
            }
            decodeAndCheck(seed, n, scenario, frame, outcomes);
        }
        outcomes.print("byte flips");
        assertTrue(outcomes.rejectedByDecoder > 0 && outcomes.rejectedByParser > 0, outcomes::toString);
    }

    @Test
    void shouldOnlyRejectOrStayWellFormedForTruncatedAndSplicedFrames()
    {
        final long seed = 0x7A11_0001L;
        final Random random = new Random(seed);
        final Outcomes outcomes = new Outcomes();
        final int cases = Math.max(200, STEPS / 2);
        for (int n = 0; n < cases; n++)
        {
            final Scenario scenario = new Scenario(random);
            final byte[] original = scenario.frame;
            final byte[] frame;
            switch (random.nextInt(3))
            {
                case 0:
                    frame = Arrays.copyOf(original, random.nextInt(original.length));
                    break;
                case 1:
                {
                    final int cut = random.nextInt(original.length);
                    final byte[] junk = new byte[1 + random.nextInt(16)];
                    random.nextBytes(junk);
                    frame = new byte[original.length + junk.length];
                    System.arraycopy(original, 0, frame, 0, cut);
                    System.arraycopy(junk, 0, frame, cut, junk.length);
                    System.arraycopy(original, cut, frame, cut + junk.length, original.length - cut);
                    break;
                }
                default:
                {
                    final int from = random.nextInt(original.length);
                    final int length = 1 + random.nextInt(original.length - from);
                    frame = new byte[original.length - length];
                    System.arraycopy(original, 0, frame, 0, from);
                    System.arraycopy(original, from + length, frame, from, original.length - from - length);
                    break;
                }
            }
            decodeAndCheck(seed, n, scenario, frame, outcomes);
        }
        outcomes.print("truncated and spliced");
        assertTrue(outcomes.rejectedByDecoder > 0 && outcomes.rejectedByParser > 0, outcomes::toString);
    }

    @Test
    void shouldOnlyRejectGarbageBytes()
    {
        final long seed = 0x6A5B_A6EL;
        final Random random = new Random(seed);
        final Outcomes outcomes = new Outcomes();
        for (int n = 0; n < Math.max(500, STEPS); n++)
        {
            final Scenario scenario = new Scenario(random);
            final byte[] frame = new byte[random.nextInt(64)];
            random.nextBytes(frame);
            if (frame.length > 2 && random.nextBoolean())
            {
                // Start like a snapshot so the parser gets past the envelope more often.
                frame[0] = 0x12;
                frame[1] = (byte)(frame.length - 2);
            }
            decodeAndCheck(seed, n, scenario, frame, outcomes);
        }
        outcomes.print("garbage");
        assertTrue(outcomes.rejectedByDecoder > 0 && outcomes.rejectedByParser > 0, outcomes::toString);
    }

    @Test
    void shouldOnlyRejectOrStayWellFormedForRandomSnapshotMessages()
    {
        final long seed = 0x5A9_5A9L;
        final Random random = new Random(seed);
        final Outcomes outcomes = new Outcomes();
        for (int n = 0; n < Math.max(500, STEPS); n++)
        {
            final Scenario scenario = new Scenario(random);
            final Snapshot.Builder b = Snapshot.newBuilder()
                .setTick(scenario.current.tick() + (random.nextInt(4) == 0 ? random.nextInt(5) - 2 : 0))
                .setBaselineTick(random.nextInt(4) == 0 ? 0 : scenario.baselineTick())
                .setEntityCount(random.nextInt(4) == 0 ? random.nextInt(10) : scenario.current.count());
            final int slots = scenario.schema.slotCount();
            final int removed = random.nextInt(4);
            final int created = random.nextInt(4);
            final int changed = random.nextInt(4);
            for (int i = 0; i < removed; i++)
            {
                b.addRemovedIds(smallOrAny(random));
            }
            for (int i = 0; i < created; i++)
            {
                b.addCreatedIds(smallOrAny(random));
            }
            final int createdValues = created * slots + (random.nextInt(4) == 0 ? random.nextInt(3) - 1 : 0);
            for (int i = 0; i < createdValues; i++)
            {
                b.addCreatedValues(random.nextInt(3) == 0 ? random.nextInt() : random.nextInt(4));
            }
            int bits = 0;
            for (int i = 0; i < changed; i++)
            {
                b.addChangedIds(smallOrAny(random));
                final long mask = random.nextInt(4) == 0 ? random.nextLong() :
                    1L << random.nextInt(slots) | 1L << random.nextInt(slots);
                b.addChangedMasks(mask);
                bits += Long.bitCount(mask);
            }
            final int changedValues = bits + (random.nextInt(4) == 0 ? random.nextInt(3) - 1 : 0);
            for (int i = 0; i < Math.min(changedValues, 200); i++)
            {
                b.addChangedValues(random.nextInt(3) == 0 ? random.nextInt() : random.nextInt(7) - 3);
            }
            final byte[] frame = ServerMessage.newBuilder().setSnapshot(b).build().toByteArray();
            decodeAndCheck(seed, n, scenario, frame, outcomes);
        }
        outcomes.print("random snapshot messages");
        assertTrue(outcomes.rejectedByDecoder > 0, outcomes::toString);
    }

    private static int smallOrAny(final Random random)
    {
        return random.nextInt(8) == 0 ? random.nextInt() : random.nextInt(6);
    }

    /**
     * Parse a frame the way a client does and apply it against the baseline the client holds for
     * the tick it names (the scenario's baseline when the tick matches, none for a full
     * snapshot, otherwise the scenario's baseline anyway to prove the decoder checks it).
     */
    private static void decodeAndCheck(
        final long seed, final int n, final Scenario scenario, final byte[] frame, final Outcomes outcomes)
    {
        final WorldState out = new WorldState(scenario.schema, 0);
        try
        {
            final ServerMessage message = ServerMessage.parseFrom(frame);
            if (!message.hasSnapshot())
            {
                outcomes.notSnapshot++;
                return;
            }
            final Snapshot snapshot = message.getSnapshot();
            final WorldState base = snapshot.getBaselineTick() == 0 ? null : scenario.baseline;
            final WorldState expected = SnapshotModel.apply(scenario.schema, base, snapshot);
            try
            {
                scenario.decoder.apply(base, snapshot, out);
            }
            catch (final DeltaException ex)
            {
                assertNull(expected, () -> "decoder rejected a snapshot the model accepts: " + ex.getMessage() +
                    ", case " + n + " of seed " + seed + ", frame=" + Arrays.toString(frame));
                throw ex;
            }
            assertNotNull(expected, () -> "decoder accepted a snapshot the model rejects: case " + n + " of seed " +
                seed + ", snapshot=" + snapshot + ", frame=" + Arrays.toString(frame));
            assertNull(expected.firstDifference(out), () -> "decoder's state differs from the model's: case " + n +
                " of seed " + seed + ", frame=" + Arrays.toString(frame));
            checkWellFormed(seed, n, scenario, snapshot, out);
            if (snapshot.getTick() == scenario.current.tick() && scenario.current.contentEquals(out))
            {
                outcomes.acceptedEqual++;
            }
            else if (scenario.current.contentEquals(out))
            {
                outcomes.acceptedEqualOtherTick++;
            }
            else
            {
                outcomes.acceptedDifferent++;
            }
        }
        catch (final InvalidProtocolBufferException ex)
        {
            outcomes.rejectedByParser++;
        }
        catch (final DeltaException ex)
        {
            outcomes.rejectedByDecoder++;
        }
        catch (final Throwable t)
        {
            fail("unexpected " + t + " for case " + n + " of seed " + seed + ", frame=" + Arrays.toString(frame), t);
        }
        finally
        {
            scenario.checkBaselineUntouched();
        }
    }

    private static void checkWellFormed(
        final long seed, final int n, final Scenario scenario, final Snapshot snapshot, final WorldState out)
    {
        final String where = "case " + n + " of seed " + seed;
        assertEquals(snapshot.getTick(), out.tick(), where);
        assertEquals(snapshot.getEntityCount(), out.count(), where);
        final EntitySchema schema = scenario.schema;
        for (int i = 0; i < out.count(); i++)
        {
            assertTrue(out.idAt(i) > 0, where);
            if (i > 0)
            {
                assertTrue(out.idAt(i) > out.idAt(i - 1), () -> where + ": ids not ascending");
            }
            for (int s = 0; s < schema.slotCount(); s++)
            {
                final int v = out.valueAt(i, s);
                final int slot = s;
                assertTrue(v >= 0 && v <= schema.slotMax(s), () -> where + ": slot " + slot + " value " + v);
            }
        }
    }

    /**
     * A random schema and a valid baseline/current pair with its encoded frame.
     */
    static final class Scenario
    {
        final EntitySchema schema;
        final DeltaDecoder decoder;
        final WorldState baseline;
        final WorldState current;
        final byte[] frame;
        private final int[] baselineIds;
        private final int[] baselineValues;

        Scenario(final Random random)
        {
            schema = RandomSchemas.randomSchema(random, random.nextBoolean() ? 8 : EntitySchema.MAX_SLOTS);
            decoder = new DeltaDecoder(schema);
            final int slots = schema.slotCount();
            final int baseTick = 1 + random.nextInt(1000);
            final int count = random.nextInt(12);
            final int[] ids = new int[count + 8];
            final int[] values = new int[(count + 8) * slots];
            int id = 0;
            for (int i = 0; i < count; i++)
            {
                id += 1 + random.nextInt(3);
                ids[i] = id;
                for (int s = 0; s < slots; s++)
                {
                    values[i * slots + s] = RandomSchemas.randomSlotValue(random, schema.slotMax(s));
                }
            }
            final boolean full = random.nextInt(5) == 0;
            baseline = full ? null : new WorldState(schema, count);
            if (baseline != null)
            {
                baseline.capture(baseTick, baseTick * 16L, count, ids, values);
            }

            int next = 0;
            final int[] curIds = new int[count + 8];
            final int[] curValues = new int[(count + 8) * slots];
            for (int i = 0; i < count; i++)
            {
                if (random.nextInt(5) == 0)
                {
                    continue;
                }
                curIds[next] = ids[i];
                for (int s = 0; s < slots; s++)
                {
                    final int v = values[i * slots + s];
                    curValues[next * slots + s] = random.nextInt(3) == 0 ?
                        RandomSchemas.changeSlotValue(random, v, schema.slotMax(s), schema.slotWrapMask(s)) : v;
                }
                next++;
            }
            final int spawns = random.nextInt(4);
            for (int i = 0; i < spawns; i++)
            {
                id += 1 + random.nextInt(3);
                curIds[next] = id;
                for (int s = 0; s < slots; s++)
                {
                    curValues[next * slots + s] = RandomSchemas.randomSlotValue(random, schema.slotMax(s));
                }
                next++;
            }
            current = new WorldState(schema, next);
            final int tick = baseTick + 1 + random.nextInt(10);
            current.capture(tick, tick * 16L, next, curIds, curValues);
            frame = new DeltaEncoder(schema).encodeServerMessage(baseline, current, random.nextInt(1000));
            baselineIds = baseline == null ? null : baseline.idArray().clone();
            baselineValues = baseline == null ? null : baseline.valueArray().clone();
        }

        int baselineTick()
        {
            return baseline == null ? 0 : baseline.tick();
        }

        void checkBaselineUntouched()
        {
            if (baseline != null)
            {
                assertArrayEquals(baselineIds, baseline.idArray(), "baseline ids modified");
                assertArrayEquals(baselineValues, baseline.valueArray(), "baseline values modified");
            }
        }
    }

    static final class Outcomes
    {
        long rejectedByParser;
        long rejectedByDecoder;
        long notSnapshot;
        long acceptedEqual;
        long acceptedEqualOtherTick;
        long acceptedDifferent;

        void print(final String what)
        {
            System.out.println(what + ": " + this);
        }

        @Override
        public String toString()
        {
            return "rejectedByParser=" + rejectedByParser + ", rejectedByDecoder=" + rejectedByDecoder +
                ", notSnapshot=" + notSnapshot + ", acceptedEqual=" + acceptedEqual +
                ", acceptedEqualOtherTick=" + acceptedEqualOtherTick +
                ", acceptedDifferent(silent)=" + acceptedDifferent;
        }
    }
}
