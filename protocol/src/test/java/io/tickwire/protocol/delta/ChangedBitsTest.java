package io.tickwire.protocol.delta;

import com.google.protobuf.ByteString;
import io.tickwire.protocol.schema.EntitySchema;
import io.tickwire.protocol.v1.ServerMessage;
import io.tickwire.protocol.v1.Snapshot;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.HexFormat;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Protocol version 3's {@code changed_bits}: the bytes protocol/README.md shows, the Exp-Golomb table, round trips of
 * the code at every order, and every malformed stream the page says a decoder rejects.
 */
class ChangedBitsTest
{
    private static final EntitySchema SCHEMA = EntitySchema.builder()
        .fixed("x", -512, 512, 0.01)
        .fixed("y", -512, 512, 0.01)
        .angle("heading", 10)
        .intField("kind", 0, 7)
        .intField("hp", 0, 100)
        .build();
    private static final HexFormat HEX = HexFormat.ofDelimiter(" ");

    private static WorldState state(final int tick, final int[] ids, final int[]... rows)
    {
        final int slots = SCHEMA.slotCount();
        final int[] flat = new int[ids.length * slots];
        for (int i = 0; i < ids.length; i++)
        {
            System.arraycopy(rows[i], 0, flat, i * slots, slots);
        }
        final WorldState state = new WorldState(SCHEMA, ids.length);
        state.capture(tick, tick == 103 ? 1648 : 0, ids.length, ids, flat);
        return state;
    }

    private static final WorldState BASELINE = state(100, new int[]{1, 2, 5},
        new int[]{100, 100, 0, 0, 50}, new int[]{200, 200, 0, 0, 50}, new int[]{51000, 51000, 1020, 1, 100});
    private static final WorldState CURRENT = state(103, new int[]{1, 5, 7},
        new int[]{100, 100, 0, 0, 50}, new int[]{51012, 51000, 4, 1, 100}, new int[]{51200, 51300, 256, 0, 100});

    private static Snapshot snapshot(final byte[] frame) throws Exception
    {
        return ServerMessage.parseFrom(frame).getSnapshot();
    }

    @Test
    void shouldProduceTheAnnotatedFrameOfTheProtocolPage() throws Exception
    {
        final DeltaEncoder encoder = new DeltaEncoder(SCHEMA);
        final byte[] frame = encoder.encodeServerMessage(BASELINE, CURRENT, 300, null, null, true);
        final String hex = HEX.formatHex(frame);
        assertTrue(hex.endsWith("9a 01 06 82 c1 00 59 f1 3f 58 f0 0c"), hex);
        final byte[] plain = encoder.encodeServerMessage(BASELINE, CURRENT, 300, null, null, false);
        assertTrue(HEX.formatHex(plain).endsWith("42 01 05 4a 01 05 52 02 18 10 58 f0 0c"), HEX.formatHex(plain));
        assertEquals(plain.length - 3, frame.length, "1 byte less in the changed section, 2 in the created one");

        final WorldState out = new WorldState(SCHEMA, 4);
        final DeltaDecoder decoder = new DeltaDecoder(SCHEMA);
        decoder.apply(BASELINE, snapshot(frame), out);
        assertEquals(null, CURRENT.firstDifference(out));
        assertEquals(1, decoder.changedCount());
    }

    @Test
    void shouldPackCreatedValuesInTheBitsOfEachSlotsMaximum() throws Exception
    {
        final Snapshot snapshot = snapshot(new DeltaEncoder(SCHEMA).encodeServerMessage(BASELINE, CURRENT, 0, null, null,
            true));
        assertEquals(0, snapshot.getCreatedValuesCount());
        // id 7: x 51200 and y 51300 in 17 bits, heading 256 in 10, kind 0 in 3, hp 100 in 7: 54 bits, 7 bytes.
        final BitWriter w = new BitWriter();
        w.bits(51200, 17);
        w.bits(51300, 17);
        w.bits(256, 10);
        w.bits(0, 3);
        w.bits(100, 7);
        final int length = w.finish();
        assertEquals(7, length);
        assertEquals(HEX.formatHex(Arrays.copyOf(w.buffer(), length)), HEX.formatHex(snapshot.getCreatedBits().toByteArray()));

        final byte[] bits = snapshot.getCreatedBits().toByteArray();
        assertRejected(snapshot.toBuilder().addCreatedValues(1).build(), "created_bits and created_values both present");
        assertRejected(snapshot.toBuilder().setCreatedBits(ByteString.copyFrom(bits, 0, 6)).build(),
            "created_bits length mismatch: expected=7, bytes=6");
        final byte[] padded = bits.clone();
        padded[6] |= (byte)0x80;
        assertRejected(snapshot.toBuilder().setCreatedBits(ByteString.copyFrom(padded)).build(),
            "created_bits malformed: non-zero padding");
        final byte[] hp127 = bits.clone();
        hp127[5] |= (byte)0xC0; // hp's 7 bits are stream bits 47..53: bits 7 of byte 5 and 0..5 of byte 6
        hp127[6] |= (byte)0x3F;
        assertRejected(snapshot.toBuilder().setCreatedBits(ByteString.copyFrom(hp127)).build(),
            "created value out of range: id=7, slot=4, value=127, max=100");
    }

    @Test
    void shouldSendNoCreatedFieldWhenCreatedSlotsNeedNoBits() throws Exception
    {
        final EntitySchema constant = EntitySchema.builder().intField("team", 3, 3).intField("flag", 0, 0).build();
        final WorldState empty = new WorldState(constant, 1);
        empty.capture(1, 0, 0, new int[0], new int[0]);
        final WorldState one = new WorldState(constant, 1);
        one.capture(2, 0, 1, new int[]{5}, new int[]{0, 0});
        final Snapshot snapshot = snapshot(new DeltaEncoder(constant).encodeServerMessage(empty, one, 0, null, null, true));
        assertEquals(1, snapshot.getCreatedIdsCount());
        assertTrue(snapshot.getCreatedBits().isEmpty() && snapshot.getCreatedValuesCount() == 0);
        final WorldState out = new WorldState(constant, 1);
        new DeltaDecoder(constant).apply(empty, snapshot, out);
        assertEquals(null, one.firstDifference(out));
    }

    @Test
    void shouldWriteTheExpGolombTableOfTheProtocolPage()
    {
        // v, EG(0), EG(2), EG(5) in stream order, as on the page.
        final String[][] table = {
            {"0", "1", "100", "100000"},
            {"1", "010", "110", "110000"},
            {"2", "011", "101", "101000"},
            {"5", "00101", "01100", "110100"},
            {"23", "000010001", "0011101", "111101"},
        };
        final int[] orders = {0, 2, 5};
        for (final String[] row : table)
        {
            for (int o = 0; o < orders.length; o++)
            {
                final BitWriter w = new BitWriter();
                w.expGolomb(Long.parseLong(row[0]), orders[o]);
                final int bits = row[o + 1].length();
                assertEquals(bits, expGolombBits(Long.parseLong(row[0]), orders[o]));
                final int bytes = w.finish();
                final StringBuilder stream = new StringBuilder();
                for (int i = 0; i < bits; i++)
                {
                    stream.append((w.buffer()[i >>> 3] >>> (i & 7)) & 1);
                }
                assertEquals(row[o + 1], stream.toString(), "EG(" + orders[o] + ") of " + row[0]);
                assertEquals((bits + 7) / 8, bytes);
            }
        }
    }

    @Test
    void shouldRoundTripEveryOrderUpToTheLargestValue() throws Exception
    {
        final Random random = new Random(42);
        final long[] values = new long[4000];
        final int[] orders = new int[values.length];
        final BitWriter w = new BitWriter();
        for (int i = 0; i < values.length; i++)
        {
            final int shape = random.nextInt(4);
            values[i] = shape == 0 ? 0xFFFF_FFFEL - random.nextInt(3) :
                shape == 1 ? random.nextInt(4) : random.nextLong() >>> (32 + random.nextInt(32));
            values[i] = Math.min(values[i], 0xFFFF_FFFEL);
            orders[i] = random.nextInt(16);
            w.expGolomb(values[i], orders[i]);
            if (i % 7 == 0)
            {
                w.bits(i & 0x1F, 5);
            }
        }
        final int length = w.finish();
        final BitReader r = new BitReader("changed_bits");
        r.reset(ByteString.copyFrom(w.buffer(), 0, length));
        for (int i = 0; i < values.length; i++)
        {
            assertEquals(values[i], r.expGolomb(orders[i]), "value " + i);
            if (i % 7 == 0)
            {
                assertEquals(i & 0x1F, r.bits(5));
            }
        }
        r.finish();
    }

    @Test
    void shouldDecodeMasksAboveBit32AndRepeatedMasks() throws Exception
    {
        final EntitySchema.Builder wide = EntitySchema.builder();
        for (int s = 0; s < 64; s++)
        {
            wide.intField("f" + s, 0, 1000);
        }
        final EntitySchema schema = wide.build();
        final int[] ids = {3, 4, 9, 100};
        final int[] base = new int[ids.length * 64];
        final int[] next = base.clone();
        for (final int s : new int[]{0, 31, 32, 53, 63})
        {
            next[s] = 7;          // id 3
            next[64 + s] = 9;     // id 4: the same mask
        }
        next[2 * 64 + 40] = 1000; // id 9: one high slot
        final WorldState b = new WorldState(schema, 4);
        b.capture(1, 0, ids.length, ids, base);
        final WorldState c = new WorldState(schema, 4);
        c.capture(2, 0, ids.length, ids, next);
        final byte[] frame = new DeltaEncoder(schema).encodeServerMessage(b, c, 0, null, null, true);
        final Snapshot snapshot = snapshot(frame);
        assertEquals(0, snapshot.getChangedIdsCount());
        final WorldState out = new WorldState(schema, 4);
        new DeltaDecoder(schema).apply(b, snapshot, out);
        assertEquals(null, c.firstDifference(out));
    }

    @Test
    void shouldRejectMalformedStreams() throws Exception
    {
        final Snapshot good = snapshot(new DeltaEncoder(SCHEMA).encodeServerMessage(BASELINE, CURRENT, 0, null, null,
            true));
        final byte[] bits = good.getChangedBits().toByteArray();

        assertRejected(good.toBuilder().setChangedBits(ByteString.copyFrom(bits, 0, bits.length - 1)).build(),
            "changed_bits malformed: ends early");
        final byte[] longer = Arrays.copyOf(bits, bits.length + 1);
        assertRejected(good.toBuilder().setChangedBits(ByteString.copyFrom(longer)).build(),
            "changed_bits malformed: 1 byte(s) left");
        final byte[] padded = bits.clone();
        padded[padded.length - 1] |= (byte)0x80;
        assertRejected(good.toBuilder().setChangedBits(ByteString.copyFrom(padded)).build(),
            "changed_bits malformed: non-zero padding");
        assertRejected(good.toBuilder().addChangedIds(5).build(), "changed_bits and changed columns both present");

        // Hand-made streams with one changed entity, id 5 (baseline index 2 of ids 1, 2, 5).
        assertRejected(stream(good, w ->
        {
            header(w, 3);
            w.expGolomb(2, 0);     // baseline index 2: id 5
            w.bits(1, 1); // sameMask on the first entity
        }), "changed_bits malformed: sameMask on the first entity");
        assertRejected(stream(good, w ->
        {
            header(w, 1);          // an order for slot 0 only
            w.expGolomb(2, 0);     // baseline index 2: id 5
            w.bits(0, 1);
            w.bits(0b101, 5);      // slots 0 and 2
            w.expGolomb(23, 0);
        }), "changed_bits malformed: value for slot 2 at id=5, orderCount=1");
        assertRejected(stream(good, w ->
        {
            header(w, 3);
            w.expGolomb(2, 0);     // baseline index 2: id 5
            w.bits(0, 1);
            w.bits(0, 5);          // an empty mask
        }), "changed mask invalid");
        assertRejected(stream(good, w ->
        {
            header(w, 3);
            w.expGolomb(3, 0);     // baseline index 3: the baseline holds 3 entities
            w.bits(0, 1);
            w.bits(1, 5);
            w.expGolomb(1, 0);
        }), "changed_bits index out of range: index=0, baselineIndex=3, baseline=3");
        assertRejected(stream(good, w ->
        {
            header(w, 3);
            w.bits(0, 33);         // a zero prefix of 33 bits
            w.bits(1, 1);
        }), "changed_bits malformed: zero prefix longer than 32 bits");
        assertRejected(stream(good, w ->
        {
            header(w, 3);
            w.expGolomb(1, 0);     // id 2: not in the baseline any more (it was removed)
            w.bits(0, 1);
            w.bits(1, 5);
            w.expGolomb(1, 0);
        }), "id both removed and changed: id=2");
        assertRejected(stream(good, w ->
        {
            header(w, 3);
            w.expGolomb(2, 0);     // baseline index 2: id 5
            w.bits(0, 1);
            w.bits(0b100, 5);      // heading
            w.expGolomb(0xFFFF_FFFEL + 1, 0);
        }), "changed_bits malformed: value too large");
        assertRejected(stream(good, w ->
        {
            header(w, 4);
            w.expGolomb(2, 0);     // baseline index 2: id 5
            w.bits(0, 1);
            w.bits(0b1000, 5);     // kind 0..7 goes +200
            w.expGolomb(399, 0);
        }), "changed value out of range: id=5, slot=3");
    }

    @Test
    void shouldPickTheOrderThatMakesEachSlotSmallest() throws Exception
    {
        // Whatever the spread of a slot's values, the stream must be exactly as long as with the best order per slot
        // found by sizing every order: a wrong size model shows up as a longer stream.
        final Random random = new Random(7);
        final DeltaEncoder encoder = new DeltaEncoder(SCHEMA);
        for (int round = 0; round < 300; round++)
        {
            final int n = 1 + random.nextInt(40);
            final int[] ids = new int[n];
            final int[][] base = new int[n][];
            final int[][] next = new int[n][];
            final int[] spread = {1 + random.nextInt(1 << random.nextInt(17)), 1 + random.nextInt(1 << random.nextInt(17)),
                1 + random.nextInt(1 << random.nextInt(10))};
            for (int i = 0; i < n; i++)
            {
                ids[i] = i == 0 ? 1 + random.nextInt(1000) : ids[i - 1] + 1 + (random.nextInt(4) == 0 ? random.nextInt(300) : 0);
                base[i] = new int[]{50_000, 50_000, 500, 3, 50};
                next[i] = base[i].clone();
                for (int s = 0; s < 3; s++)
                {
                    if (random.nextInt(5) != 0)
                    {
                        next[i][s] += random.nextInt(2 * spread[s] + 1) - spread[s];
                    }
                }
                next[i][2] &= 1023;
            }
            final WorldState b = state(100, ids, base);
            final WorldState c = state(101, ids, next);
            final Snapshot snapshot = snapshot(encoder.encodeServerMessage(b, c, 0, null, null, true));
            final Snapshot plain = snapshot(encoder.encodeServerMessage(b, c, 0, null, null, false));
            if (plain.getChangedIdsCount() == 0)
            {
                continue;
            }
            long bits = expGolombBits(plain.getChangedIdsCount(), 0) + 4 + 7;
            final long[] gaps = new long[plain.getChangedIdsCount()];
            for (int e = 0, id = 0, previous = -1; e < gaps.length; e++)
            {
                id += plain.getChangedIds(e);
                final int index = Arrays.binarySearch(ids, id);
                gaps[e] = index - previous - 1;
                previous = index;
            }
            bits += bestBits(gaps);
            final long[][] bySlot = new long[3][n * 3];
            final int[] counts = new int[3];
            int v = 0;
            int slots = 0;
            for (int e = 0; e < plain.getChangedMasksCount(); e++)
            {
                final long mask = plain.getChangedMasks(e);
                bits += 1 + (e > 0 && mask == plain.getChangedMasks(e - 1) ? 0 : SCHEMA.slotCount());
                for (long m = mask; m != 0; m &= m - 1)
                {
                    final int s = Long.numberOfTrailingZeros(m);
                    final int d = plain.getChangedValues(v++);
                    bySlot[s][counts[s]++] = Integer.toUnsignedLong((d << 1) ^ (d >> 31)) - 1;
                    slots = Math.max(slots, s + 1);
                }
            }
            bits += 4L * slots;
            for (int s = 0; s < 3; s++)
            {
                bits += bestBits(Arrays.copyOf(bySlot[s], counts[s]));
            }
            assertEquals((bits + 7) / 8, snapshot.getChangedBits().size(), "round " + round);
        }
    }

    /** The spec's size of EG(k) of {@code value}: {@code 2L - k - 1} bits, L the bit length of value + 2^k. */
    private static int expGolombBits(final long value, final int k)
    {
        final long u = value + (1L << k);
        return 2 * (64 - Long.numberOfLeadingZeros(u)) - k - 1;
    }

    private static long bestBits(final long[] values)
    {
        long best = Long.MAX_VALUE;
        for (int k = 0; k < 16; k++)
        {
            long sum = 0;
            for (final long value : values)
            {
                sum += expGolombBits(value, k);
            }
            best = Math.min(best, sum);
        }
        return best;
    }

    private static void header(final BitWriter w, final int orderCount)
    {
        w.expGolomb(1, 0);
        w.bits(0, 4);
        w.bits(orderCount, 7);
        for (int s = 0; s < orderCount; s++)
        {
            w.bits(0, 4);
        }
    }

    private static Snapshot stream(final Snapshot template, final java.util.function.Consumer<BitWriter> body)
    {
        final BitWriter w = new BitWriter();
        body.accept(w);
        final int length = w.finish();
        return template.toBuilder().setChangedBits(ByteString.copyFrom(w.buffer(), 0, length)).build();
    }

    private static void assertRejected(final Snapshot snapshot, final String message)
    {
        final DeltaException ex = assertThrows(DeltaException.class,
            () -> new DeltaDecoder(SCHEMA).apply(BASELINE, snapshot, new WorldState(SCHEMA, 4)));
        assertTrue(ex.getMessage().startsWith(message), ex.getMessage());
    }
}
