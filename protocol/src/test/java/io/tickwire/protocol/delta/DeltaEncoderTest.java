package io.tickwire.protocol.delta;

import com.google.protobuf.CodedOutputStream;
import com.google.protobuf.InvalidProtocolBufferException;
import io.tickwire.protocol.schema.EntitySchema;
import io.tickwire.protocol.v1.ServerMessage;
import io.tickwire.protocol.v1.Snapshot;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class DeltaEncoderTest
{
    private static final EntitySchema SCHEMA = EntitySchema.builder()
        .fixed("x", -512, 512, 0.01)
        .fixed("y", -512, 512, 0.01)
        .angle("heading", 10)
        .intField("kind", 0, 7)
        .intField("hp", 0, 100)
        .build();

    private static WorldState state(final int tick, final int[] ids, final int[][] values)
    {
        final int slots = SCHEMA.slotCount();
        final int[] flat = new int[ids.length * slots];
        for (int i = 0; i < ids.length; i++)
        {
            System.arraycopy(values[i], 0, flat, i * slots, slots);
        }
        final WorldState state = new WorldState(SCHEMA, ids.length);
        state.capture(tick, tick * 16L, ids.length, ids, flat);
        return state;
    }

    private static Snapshot snapshotOf(final byte[] frame) throws InvalidProtocolBufferException
    {
        final ServerMessage message = ServerMessage.parseFrom(frame);
        assertTrue(message.hasSnapshot());
        return message.getSnapshot();
    }

    @Test
    void shouldCostTheSameBytesPerChangedEntityWithSeveralTypes()
    {
        // The same 200 movers, once as a single-type room and once as type 1 of a three-type room whose other
        // types are wider: a changed entity's mask and values follow its own type, so deltas are byte-identical,
        // and a full snapshot costs one created_types byte per entity more (plus the column's tag).
        final EntitySchema mover = EntitySchema.builder().fixed("x", -500, 500, 0.01).fixed("y", -500, 500, 0.01)
            .angle("heading", 10).build();
        final io.tickwire.protocol.schema.EntityTypes typed = io.tickwire.protocol.schema.EntityTypes.builder()
            .type("wide", EntitySchema.builder().intField("a", 0, 9).intField("b", 0, 9).intField("c", 0, 9)
                .intField("d", 0, 9).intField("e", 0, 9).string("name", 8).build())
            .type("mover", mover)
            .type("other", EntitySchema.builder().bool("z").build())
            .build();
        final java.util.Random random = new java.util.Random(5);
        final int n = 200;
        final int[] ids = new int[n];
        final int[] flat = new int[n * 3];
        for (int i = 0; i < n; i++)
        {
            ids[i] = i + 1;
            flat[i * 3] = random.nextInt(100_000);
            flat[i * 3 + 1] = random.nextInt(100_000);
            flat[i * 3 + 2] = random.nextInt(1024);
        }
        final WorldState singleBase = new WorldState(mover, n);
        singleBase.capture(1, 0, n, ids, flat);
        final WorldState typedBase = typedState(typed, 1, ids, flat);
        for (int i = 0; i < n; i += 3)
        {
            flat[i * 3] += random.nextInt(41) - 20;
            flat[i * 3 + 2] = (flat[i * 3 + 2] + 7) & 1023;
        }
        final WorldState single = new WorldState(mover, n);
        single.capture(2, 0, n, ids, flat);
        final WorldState typedNow = typedState(typed, 2, ids, flat);
        final int singleDelta = new DeltaEncoder(mover).prepare(singleBase, single);
        final int typedDelta = new DeltaEncoder(typed).prepare(typedBase, typedNow);
        assertEquals(singleDelta, typedDelta, "bytes per changed entity do not depend on the room's other types");
        final int singleFull = new DeltaEncoder(mover).prepare(null, single);
        final int typedFull = new DeltaEncoder(typed).prepare(null, typedNow);
        assertEquals(singleFull + n + 3, typedFull, "a creation carries its type: one byte each, plus tag and length");
    }

    private static WorldState typedState(final io.tickwire.protocol.schema.EntityTypes types, final int tick,
        final int[] ids, final int[] moverValues)
    {
        final int stride = types.maxSlotCount();
        final int n = ids.length;
        final int[] values = new int[n * stride];
        final int[] typeIds = new int[n];
        for (int i = 0; i < n; i++)
        {
            typeIds[i] = 1;
            System.arraycopy(moverValues, i * 3, values, i * stride, 3);
        }
        final WorldState state = new WorldState(types, n);
        state.capture(tick, 0, n, ids, typeIds, values, new String[n * stride]);
        return state;
    }

    @Test
    void shouldSendSmallDeltasForAnglesWrappingAcrossZero() throws Exception
    {
        final WorldState base = state(10, new int[]{1, 2, 3}, new int[][]{
            {100, 100, 1020, 0, 50}, {100, 100, 3, 0, 50}, {100, 100, 0, 0, 50}});
        final WorldState cur = state(11, new int[]{1, 2, 3}, new int[][]{
            {100, 100, 3, 0, 50}, {100, 100, 1020, 0, 50}, {100, 100, 512, 0, 50}});
        final DeltaEncoder encoder = new DeltaEncoder(SCHEMA);

        final Snapshot snapshot = snapshotOf(encoder.encodeServerMessage(base, cur, 0));

        assertEquals(List.of(1, 1, 1), snapshot.getChangedIdsList());
        assertEquals(List.of(4L, 4L, 4L), snapshot.getChangedMasksList());
        assertEquals(List.of(7, -7, -512), snapshot.getChangedValuesList());
        final WorldState out = new WorldState(SCHEMA, 0);
        new DeltaDecoder(SCHEMA).apply(base, snapshot, out);
        assertEquals(null, cur.firstDifference(out));
    }

    @Test
    void shouldReduceWrappingDeltasIntoHalfOpenTurn()
    {
        assertEquals(7, DeltaEncoder.valueDelta(1020, 3, 1023));
        assertEquals(-7, DeltaEncoder.valueDelta(3, 1020, 1023));
        assertEquals(-512, DeltaEncoder.valueDelta(0, 512, 1023));
        assertEquals(511, DeltaEncoder.valueDelta(0, 511, 1023));
        assertEquals(-512, DeltaEncoder.valueDelta(512, 0, 1023));
        assertEquals(1, DeltaEncoder.valueDelta((1 << 30) - 1, 0, (1 << 30) - 1));
        assertEquals(-1, DeltaEncoder.valueDelta(0, 3, 3));
        assertEquals(1020 - 3, DeltaEncoder.valueDelta(3, 1020, 0));
        assertEquals(-(Integer.MAX_VALUE - 1), DeltaEncoder.valueDelta(Integer.MAX_VALUE - 1, 0, 0));
    }

    @Test
    void shouldEncodeEveryAngleStepAsOneByteWhenTheTurnIsShort() throws Exception
    {
        final DeltaEncoder encoder = new DeltaEncoder(SCHEMA);
        final DeltaDecoder decoder = new DeltaDecoder(SCHEMA);
        final WorldState out = new WorldState(SCHEMA, 1);
        for (int from = 0; from < 1024; from += 7)
        {
            for (int turn = -63; turn <= 63; turn++)
            {
                if (turn == 0)
                {
                    continue;
                }
                final int to = (from + turn) & 1023;
                final WorldState base = state(1, new int[]{5}, new int[][]{{0, 0, from, 0, 0}});
                final WorldState cur = state(2, new int[]{5}, new int[][]{{0, 0, to, 0, 0}});
                final Snapshot snapshot = snapshotOf(encoder.encodeServerMessage(base, cur, 0));
                assertEquals(List.of(turn), snapshot.getChangedValuesList(), "from=" + from + ", to=" + to);
                assertEquals(1, CodedOutputStream.computeSInt32SizeNoTag(turn));
                decoder.apply(base, snapshot, out);
                assertEquals(to, out.valueAt(0, 2));
            }
        }
    }

    @Test
    void shouldShareOneBodyBetweenConnectionsWithDifferentLastInputSeq() throws Exception
    {
        final WorldState base = state(40, new int[]{1, 2, 9}, new int[][]{
            {1, 2, 3, 4, 5}, {6, 7, 8, 1, 9}, {0, 0, 0, 0, 0}});
        final WorldState cur = state(44, new int[]{2, 9, 300}, new int[][]{
            {6, 9, 1000, 1, 9}, {0, 0, 0, 0, 1}, {102_400, 102_400, 1023, 7, 100}});
        final DeltaEncoder encoder = new DeltaEncoder(SCHEMA);
        final int bodySize = encoder.prepare(base, cur);
        final byte[] body = new byte[bodySize];
        final CodedOutputStream bodyOut = CodedOutputStream.newInstance(body);
        encoder.writeBody(bodyOut);
        bodyOut.checkNoSpaceLeft();

        final int[] seqs = {0, 1, 127, 128, 16_383, 16_384, 1 << 21, Integer.MAX_VALUE, -1};
        final byte[] buffer = new byte[4096];
        final DeltaDecoder decoder = new DeltaDecoder(SCHEMA);
        for (final int seq : seqs)
        {
            final int headerSize = DeltaEncoder.envelopeHeaderSize(seq, bodySize);
            final int offset = 17;
            final CodedOutputStream out = CodedOutputStream.newInstance(buffer, offset, headerSize + bodySize);
            DeltaEncoder.writeEnvelopeHeader(out, seq, bodySize);
            assertEquals(headerSize, out.getTotalBytesWritten(), "header of seq " + seq);
            encoder.writeBody(out);
            out.checkNoSpaceLeft();

            final byte[] frame = Arrays.copyOfRange(buffer, offset, offset + headerSize + bodySize);
            assertArrayEquals(body, Arrays.copyOfRange(frame, headerSize, frame.length), "body of seq " + seq);
            final Snapshot snapshot = snapshotOf(frame);
            assertEquals(seq, snapshot.getLastInputSeq());
            assertEquals(44, snapshot.getTick());
            assertEquals(40, snapshot.getBaselineTick());
            assertEquals(3, snapshot.getEntityCount());
            assertEquals(44 * 16L, snapshot.getServerTimeMs());

            final WorldState result = new WorldState(SCHEMA, 0);
            decoder.apply(base, snapshot, result);
            assertEquals(null, cur.firstDifference(result));
            assertEquals(44, result.tick());
            assertEquals(44 * 16L, result.serverTimeMs());
        }
        for (final int seq : seqs)
        {
            final byte[] whole = encoder.encodeServerMessage(base, cur, seq);
            final int headerSize = DeltaEncoder.envelopeHeaderSize(seq, bodySize);
            assertArrayEquals(body, Arrays.copyOfRange(whole, headerSize, whole.length), "seq " + seq);
            assertEquals(seq, snapshotOf(whole).getLastInputSeq());
        }
    }

    @Test
    void shouldMatchGeneratedCodeForTheSameSnapshot() throws Exception
    {
        final WorldState base = state(7, new int[]{3, 4, 10}, new int[][]{
            {1, 2, 3, 4, 5}, {6, 7, 8, 1, 9}, {0, 0, 0, 0, 0}});
        final WorldState cur = state(9, new int[]{3, 10, 11, 12}, new int[][]{
            {1, 2, 5, 4, 4}, {0, 0, 0, 0, 0}, {9, 9, 9, 1, 1}, {51_200, 51_200, 1023, 0, 100}});
        final byte[] frame = new DeltaEncoder(SCHEMA).encodeServerMessage(base, cur, 77);

        final Snapshot expected = Snapshot.newBuilder()
            .setTick(9)
            .setBaselineTick(7)
            .setLastInputSeq(77)
            .setEntityCount(4)
            .addRemovedIds(4)
            .addCreatedIds(11).addCreatedIds(1)
            .addAllCreatedValues(List.of(9, 9, 9, 1, 1, 51_200, 51_200, 1023, 0, 100))
            .addChangedIds(3)
            .addChangedMasks(0b10100)
            .addChangedValues(2).addChangedValues(-1)
            .setServerTimeMs(9 * 16)
            .build();
        assertEquals(expected, snapshotOf(frame));
        assertEquals(ServerMessage.newBuilder().setSnapshot(expected).build().getSerializedSize(), frame.length);
    }

    @Test
    void shouldEncodeEmptyWorldAsTickOnly() throws Exception
    {
        final WorldState empty = new WorldState(SCHEMA, 0);
        empty.reset(5, 0);
        final DeltaEncoder encoder = new DeltaEncoder(SCHEMA);

        final byte[] frame = encoder.encodeServerMessage(null, empty, 0);

        assertArrayEquals(new byte[]{0x12, 0x02, 0x08, 0x05}, frame);
        final WorldState out = new WorldState(SCHEMA, 0);
        new DeltaDecoder(SCHEMA).apply(null, snapshotOf(frame), out);
        assertEquals(0, out.count());
        assertEquals(5, out.tick());
    }

    @Test
    void shouldNotAllocateWhenEncodingInSteadyState() throws IOException
    {
        final int entities = 500;
        final int slots = SCHEMA.slotCount();
        final int[] ids = new int[entities];
        final int[] a = new int[entities * slots];
        final int[] b = new int[entities * slots];
        for (int i = 0; i < entities; i++)
        {
            ids[i] = 1 + i * 3;
            for (int s = 0; s < slots; s++)
            {
                a[i * slots + s] = (i * 31 + s * 7) % 8;
                b[i * slots + s] = i % 3 == 0 ? a[i * slots + s] + 1 : a[i * slots + s];
            }
        }
        final WorldState base = new WorldState(SCHEMA, entities);
        base.capture(100, 1600, entities, ids, a);
        final WorldState cur = new WorldState(SCHEMA, entities);
        cur.capture(103, 1648, entities, ids, b);
        final DeltaEncoder encoder = new DeltaEncoder(SCHEMA);
        final CountingSink sink = new CountingSink();
        final CodedOutputStream out = CodedOutputStream.newInstance(sink, 8192);

        for (int i = 0; i < 20_000; i++)
        {
            encodeOnce(encoder, base, cur, out, i);
        }
        final com.sun.management.ThreadMXBean threads =
            (com.sun.management.ThreadMXBean)ManagementFactory.getThreadMXBean();
        final long threadId = Thread.currentThread().getId();
        final long before = threads.getThreadAllocatedBytes(threadId);
        final int iterations = 10_000;
        for (int i = 0; i < iterations; i++)
        {
            encodeOnce(encoder, base, cur, out, i);
        }
        final long allocated = threads.getThreadAllocatedBytes(threadId) - before;
        assertTrue(allocated < iterations, "allocated " + allocated + " bytes in " + iterations + " encodes");
        assertTrue(sink.bytes > 0);
    }

    private static void encodeOnce(
        final DeltaEncoder encoder, final WorldState base, final WorldState cur, final CodedOutputStream out, final int seq)
        throws IOException
    {
        final int body = encoder.prepare((seq & 7) == 0 ? null : base, cur);
        DeltaEncoder.writeEnvelopeHeader(out, seq, body);
        encoder.writeBody(out);
        out.flush();
    }

    private static final class CountingSink extends OutputStream
    {
        long bytes;

        @Override
        public void write(final int b)
        {
            bytes++;
        }

        @Override
        public void write(final byte[] b, final int off, final int len)
        {
            bytes += len;
        }
    }
}
