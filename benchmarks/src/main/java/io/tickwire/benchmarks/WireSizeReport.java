package io.tickwire.benchmarks;

import com.google.protobuf.CodedOutputStream;
import io.tickwire.protocol.delta.DeltaDecoder;
import io.tickwire.protocol.delta.DeltaEncoder;
import io.tickwire.protocol.delta.DeltaException;
import io.tickwire.protocol.delta.WorldState;
import io.tickwire.protocol.schema.EntitySchema;
import io.tickwire.protocol.v1.ServerMessage;
import io.tickwire.protocol.v1.Snapshot;

import java.io.IOException;
import java.io.PrintStream;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.zip.Deflater;

/**
 * Bytes on the wire for the snapshot codec: 2D movers ({@link MoverFixture}) and Gaffer On Games'
 * 901 cubes ({@link CubeWorld}) against the article's targets. Every frame it counts is also
 * decoded and checked against the server's state, so the sizes are those of a working codec.
 * <p>
 * Run: {@code java -cp benchmarks/target/tickwire-benchmarks.jar io.tickwire.benchmarks.WireSizeReport}.
 * Deterministic: same build, same output. Single-threaded.
 */
public final class WireSizeReport
{
    private static final int LAST_INPUT_SEQ = 1_234;
    private static final int HISTORY = 32;
    private static final int RTT_TICKS = 6;
    private static final int WARMUP_TICKS = 120;
    private static final int MEASURED_TICKS = 60 * CubeWorld.TICK_RATE_HZ;

    private WireSizeReport()
    {
    }

    /**
     * @param args ignored.
     * @throws Exception when a frame does not decode to the server's state (a codec bug).
     */
    public static void main(final String[] args) throws Exception
    {
        Locale.setDefault(Locale.ROOT);
        final PrintStream out = System.out;
        for (final int headingBits : new int[]{10, 16})
        {
            for (final boolean packed : new boolean[]{false, true})
            {
                movers(out, headingBits, packed);
                out.println();
            }
        }
        cubes(out);
    }

    private static void movers(final PrintStream out, final int headingBits, final boolean packed) throws Exception
    {
        out.println("== 2D movers: " + MoverFixture.ENTITIES + " entities, x,y fixed -512..512 step 0.01, " +
            "heading angle " + headingBits + " bits, kind int 0..7, hp int 0..100; " + form(packed) + " ==");
        out.println("baseline " + MoverFixture.BASELINE_AGE_TICKS + " ticks old at " + MoverFixture.TICK_RATE_HZ +
            " Hz; a changed mover moved at 1.2.." + MoverFixture.MAX_SPEED + " units/s, turned <= 90 deg/s, " +
            "1 in 10 lost hp; frame = ServerMessage incl. envelope and last_input_seq");
        out.printf("%-9s %8s %8s %11s %8s %9s %16s %16s%n", "changed", "frame B", "body B", "changed_ids",
            "masks", "values", "col B/changed", "marginal B/chg");
        final int[] percents = {0, 1, 10, 50, 100};
        int idleFrame = 0;
        for (final int percent : percents)
        {
            final MoverFixture fixture = MoverFixture.create(percent, headingBits);
            final DeltaEncoder encoder = new DeltaEncoder(fixture.entitySchema());
            final byte[] frame = encoder.encodeServerMessage(fixture.baseline(), fixture.current(), LAST_INPUT_SEQ,
                null, null, packed);
            final int body = encoder.bodySize();
            final Snapshot snapshot = verify(fixture.entitySchema(), fixture.baseline(), fixture.current(), frame);
            final Columns columns = Columns.of(snapshot);
            if (percent == 0)
            {
                idleFrame = frame.length;
            }
            final int changed = fixture.changed();
            out.printf("%-9s %8d %8d %11s %8s %9s %16s %16s%n", percent + "%", frame.length, body,
                packed ? "-" : Integer.toString(columns.changedIds), packed ? "-" : Integer.toString(columns.changedMasks),
                packed ? "bits " + columns.changedBits : Integer.toString(columns.changedValues),
                changed == 0 ? "-" : format2(columns.changedPayload() / (double)changed),
                changed == 0 ? "-" : format2((frame.length - idleFrame) / (double)changed));
        }
        final MoverFixture fixture = MoverFixture.create(10, headingBits);
        final byte[] full = new DeltaEncoder(fixture.entitySchema()).encodeServerMessage(null, fixture.current(),
            LAST_INPUT_SEQ, null, null, packed);
        verify(fixture.entitySchema(), null, fixture.current(), full);
        out.printf("unchanged movers: %d B frame with nothing changed = %.3f bits per unchanged entity, amortized%n",
            idleFrame, idleFrame * 8.0 / MoverFixture.ENTITIES);
        out.printf("full snapshot (no baseline): %d B = %.2f B per entity%n",
            full.length, full.length / (double)MoverFixture.ENTITIES);
    }

    private static void cubes(final PrintStream out) throws Exception
    {
        out.println("== Gaffer On Games cubes: " + CubeWorld.CUBES + " cubes at " + CubeWorld.TICK_RATE_HZ +
            " Hz, position 1/512 m (x,y -256..256, z 0..32), orientation smallest three 9 bits ==");
        out.println("ack round trip " + RTT_TICKS + " ticks (100 ms) unless stated: baseline = newest acked tick, history " +
            HISTORY + " ticks; " + WARMUP_TICKS + " ticks warm-up, then " + MEASURED_TICKS + " ticks (" +
            MEASURED_TICKS / CubeWorld.TICK_RATE_HZ + " s) measured; every frame decoded and checked");
        out.println("targets (Gaffer): <= 8 B per changed cube, <= 1 bit per idle cube, < 256 kbit/s per client");
        final CubeWorld initial = new CubeWorld(1, 0, 1, false);
        initial.step();
        final WorldState atRest = new WorldState(initial.entitySchema(), CubeWorld.CUBES);
        initial.capture(atRest, 16);
        final byte[] full = new DeltaEncoder(initial.entitySchema()).encodeServerMessage(null, atRest, LAST_INPUT_SEQ);
        verify(initial.entitySchema(), null, atRest, full);
        final byte[] fullPacked = new DeltaEncoder(initial.entitySchema()).encodeServerMessage(null, atRest,
            LAST_INPUT_SEQ, null, null, true);
        verify(initial.entitySchema(), null, atRest, fullPacked);
        out.printf("full snapshot: v2 %d B = %.2f B per cube, v3 %d B = %.2f B per cube (Gaffer: ~10 B per cube " +
            "bit-packed after quantization)%n", full.length, full.length / (double)CubeWorld.CUBES, fullPacked.length,
            fullPacked.length / (double)CubeWorld.CUBES);
        out.println();
        out.printf("%-34s %7s %8s %9s %10s %11s %9s %9s %9s %9s %9s%n", "scenario", "moving", "changed",
            "frame B", "col B/chg", "all-in B/chg", "idle bits", "kbit/s", "p99 kbps", "max kbps", "deflate B");
        for (final boolean packed : new boolean[]{false, true})
        {
            final String v = packed ? " [v3]" : " [v2]";
            cubeScenario(out, "calm: player cube rolling" + v, new CubeWorld(7, 0, 1, false), 0, RTT_TICKS, packed);
            cubeScenario(out, "calm, 5% snapshot loss" + v, new CubeWorld(7, 0, 1, false), 0.05, RTT_TICKS, packed);
            cubeScenario(out, "busy: + blast r=5 m every 2 s" + v, new CubeWorld(7, 5, 120, false), 0, RTT_TICKS,
                packed);
            cubeScenario(out, "busy, 5% snapshot loss" + v, new CubeWorld(7, 5, 120, false), 0.05, RTT_TICKS, packed);
            cubeScenario(out, "busy, 50 ms round trip" + v, new CubeWorld(7, 5, 120, false), 0, RTT_TICKS / 2, packed);
            cubeScenario(out, "worst: every cube always moving" + v, new CubeWorld(7, 0, 1, true), 0, RTT_TICKS,
                packed);
        }
        out.println();
        out.println("moving = cubes in motion per tick (mean); changed = cubes in the snapshot's changed columns " +
            "(mean, vs the baseline 6+ ticks back)");
        out.println("col B/chg = (changed_ids + changed_masks + changed_values bytes, or the changed_bits field) / " +
            "changed cubes; all-in B/chg = frame bytes / changed cubes; [v2] varint columns, [v3] changed_bits");
        out.println("idle bits = bits of everything else in the frame (envelope, tick, baseline, count, time, " +
            "column tags) / unchanged cubes");
        out.println("deflate = mean frame size after raw DEFLATE per message without context takeover " +
            "(what permessage-deflate would send), for reference");
        out.println();
        valueHistogram(out);
    }

    private static void cubeScenario(
        final PrintStream out,
        final String name,
        final CubeWorld world,
        final double lossProbability,
        final int rttTicks,
        final boolean packed)
        throws IOException, DeltaException
    {
        final Random network = new Random(99);
        final WorldState[] ring = new WorldState[HISTORY];
        for (int i = 0; i < HISTORY; i++)
        {
            ring[i] = new WorldState(world.entitySchema(), CubeWorld.CUBES);
        }
        final DeltaEncoder encoder = new DeltaEncoder(world.entitySchema());
        final DeltaDecoder decoder = new DeltaDecoder(world.entitySchema());
        final int[] ackArrivesAt = new int[HISTORY * 4];
        Arrays.fill(ackArrivesAt, -1);
        final WorldState[] client = new WorldState[HISTORY];
        for (int i = 0; i < HISTORY; i++)
        {
            client[i] = new WorldState(world.entitySchema(), CubeWorld.CUBES);
        }
        final Deflater deflater = new Deflater(Deflater.DEFAULT_COMPRESSION, true);
        final byte[] deflated = new byte[1 << 20];

        int highestAck = 0;
        long frames = 0;
        long frameBytes = 0;
        long payloadBytes = 0;
        long changedCubes = 0;
        long movingCubes = 0;
        long idleCubes = 0;
        long deflatedBytes = 0;
        final int[] perTick = new int[MEASURED_TICKS];
        final int totalTicks = WARMUP_TICKS + MEASURED_TICKS;
        for (int t = 0; t < totalTicks; t++)
        {
            world.step();
            final int tick = world.tick();
            final WorldState current = ring[tick % HISTORY];
            world.capture(current, tick * 1000L / CubeWorld.TICK_RATE_HZ);
            final int ackSlot = tick % ackArrivesAt.length;
            if (ackArrivesAt[ackSlot] >= 0)
            {
                highestAck = Math.max(highestAck, ackArrivesAt[ackSlot]);
                ackArrivesAt[ackSlot] = -1;
            }
            final WorldState baseline = highestAck != 0 && tick - highestAck < HISTORY ? ring[highestAck % HISTORY] : null;
            final int bodySize = encoder.prepare(baseline, current, packed);
            final byte[] frame = new byte[DeltaEncoder.envelopeHeaderSize(LAST_INPUT_SEQ, bodySize) + bodySize];
            final CodedOutputStream cos = CodedOutputStream.newInstance(frame);
            DeltaEncoder.writeEnvelopeHeader(cos, LAST_INPUT_SEQ, bodySize);
            encoder.writeBody(cos);
            cos.checkNoSpaceLeft();

            final boolean delivered = network.nextDouble() >= lossProbability;
            if (delivered)
            {
                final Snapshot snapshot = ServerMessage.parseFrom(frame).getSnapshot();
                final WorldState clientBase = snapshot.getBaselineTick() == 0 ? null :
                    client[snapshot.getBaselineTick() % HISTORY];
                final WorldState applied = client[tick % HISTORY];
                decoder.apply(clientBase, snapshot, applied);
                final String difference = current.firstDifference(applied);
                if (difference != null)
                {
                    throw new IllegalStateException("client differs at tick " + tick + ": " + difference);
                }
                ackArrivesAt[(tick + rttTicks) % ackArrivesAt.length] = tick;
            }

            if (t >= WARMUP_TICKS)
            {
                final int changed = encoder.changedCount() + encoder.createdCount();
                final Columns columns = Columns.of(ServerMessage.parseFrom(frame).getSnapshot());
                frames++;
                frameBytes += frame.length;
                payloadBytes += columns.changedPayload() + columns.createdPayload();
                changedCubes += changed;
                idleCubes += CubeWorld.CUBES - changed;
                movingCubes += world.moving();
                perTick[t - WARMUP_TICKS] = frame.length;
                deflater.reset();
                deflater.setInput(frame);
                deflater.finish();
                int n = 0;
                while (!deflater.finished())
                {
                    n += deflater.deflate(deflated, n, deflated.length - n);
                }
                deflatedBytes += n;
            }
        }
        deflater.end();
        Arrays.sort(perTick);
        final double bitsPerKilobitPerSecond = 8.0 * CubeWorld.TICK_RATE_HZ / 1000.0;
        out.printf("%-34s %7.1f %8.1f %9.1f %10.2f %11.2f %9s %9.1f %9.1f %9.1f %9.1f%n",
            name,
            movingCubes / (double)frames,
            changedCubes / (double)frames,
            frameBytes / (double)frames,
            changedCubes == 0 ? 0.0 : payloadBytes / (double)changedCubes,
            changedCubes == 0 ? 0.0 : frameBytes / (double)changedCubes,
            idleCubes == 0 ? "-" : String.format("%.3f", (frameBytes - payloadBytes) * 8.0 / idleCubes),
            frameBytes / (double)frames * bitsPerKilobitPerSecond,
            perTick[(int)(perTick.length * 0.99)] * bitsPerKilobitPerSecond,
            perTick[perTick.length - 1] * bitsPerKilobitPerSecond,
            deflatedBytes / (double)frames);
    }

    /**
     * How many bytes each changed cube slot costs in the busy scenario, by slot: the floor of
     * one byte per changed varint is what keeps the per-cube figure above Gaffer's bit-packing.
     */
    private static void valueHistogram(final PrintStream out) throws IOException
    {
        final CubeWorld world = new CubeWorld(7, 5, 120, false);
        final WorldState[] ring = new WorldState[RTT_TICKS + 1];
        for (int i = 0; i < ring.length; i++)
        {
            ring[i] = new WorldState(world.entitySchema(), CubeWorld.CUBES);
        }
        final DeltaEncoder encoder = new DeltaEncoder(world.entitySchema());
        final int slots = world.entitySchema().slotCount();
        final long[][] bySize = new long[slots][6];
        for (int t = 0; t < WARMUP_TICKS + MEASURED_TICKS; t++)
        {
            world.step();
            final WorldState current = ring[world.tick() % ring.length];
            world.capture(current, 0);
            if (t < WARMUP_TICKS)
            {
                continue;
            }
            final WorldState baseline = ring[(world.tick() - RTT_TICKS) % ring.length];
            final Snapshot snapshot = ServerMessage.parseFrom(
                encoder.encodeServerMessage(baseline, current, LAST_INPUT_SEQ)).getSnapshot();
            int v = 0;
            for (int c = 0; c < snapshot.getChangedMasksCount(); c++)
            {
                long mask = snapshot.getChangedMasks(c);
                while (mask != 0)
                {
                    final int s = Long.numberOfTrailingZeros(mask);
                    mask &= mask - 1;
                    bySize[s][CodedOutputStream.computeSInt32SizeNoTag(snapshot.getChangedValues(v++))]++;
                }
            }
        }
        final List<String> names = List.of("x", "y", "z", "q.largest", "q.a", "q.b", "q.c");
        out.println("busy scenario, changed slot values by varint size (baseline " + RTT_TICKS + " ticks back):");
        out.printf("%-10s %9s %9s %9s %9s %10s%n", "slot", "1 B", "2 B", "3 B", "changed", "mean B");
        for (int s = 0; s < slots; s++)
        {
            final long total = bySize[s][1] + bySize[s][2] + bySize[s][3] + bySize[s][4] + bySize[s][5];
            final long bytes = bySize[s][1] + 2 * bySize[s][2] + 3 * bySize[s][3] + 4 * bySize[s][4] + 5 * bySize[s][5];
            out.printf("%-10s %9d %9d %9d %9d %10.2f%n", names.get(s), bySize[s][1], bySize[s][2], bySize[s][3], total,
                total == 0 ? 0.0 : bytes / (double)total);
        }
    }

    private static Snapshot verify(
        final EntitySchema schema,
        final WorldState baseline,
        final WorldState current,
        final byte[] frame) throws IOException, DeltaException
    {
        final ServerMessage message = ServerMessage.parseFrom(frame);
        final WorldState out = new WorldState(schema, current.count());
        new DeltaDecoder(schema).apply(baseline, message.getSnapshot(), out);
        final String difference = current.firstDifference(out);
        if (difference != null)
        {
            throw new IllegalStateException("decoded state differs: " + difference);
        }
        if (message.getSnapshot().getLastInputSeq() != LAST_INPUT_SEQ)
        {
            throw new IllegalStateException("last_input_seq lost: " + message.getSnapshot().getLastInputSeq());
        }
        return message.getSnapshot();
    }

    private static String form(final boolean packed)
    {
        return packed ? "protocol v3, changed_bits" : "protocol v2, varint columns";
    }

    private static String format2(final double value)
    {
        return String.format("%.2f", value);
    }

    /**
     * Bytes of each column of a snapshot as encoded: tag, length and packed data.
     */
    static final class Columns
    {
        int changedIds;
        int changedMasks;
        int changedValues;
        int changedBits;
        int createdIds;
        int createdValues;

        static Columns of(final Snapshot snapshot)
        {
            final Columns c = new Columns();
            c.changedIds = packedUInt32(Snapshot.CHANGED_IDS_FIELD_NUMBER, snapshot.getChangedIdsList());
            int masks = 0;
            for (final long mask : snapshot.getChangedMasksList())
            {
                masks += CodedOutputStream.computeUInt64SizeNoTag(mask);
            }
            c.changedMasks = packed(Snapshot.CHANGED_MASKS_FIELD_NUMBER, masks);
            int values = 0;
            for (final int value : snapshot.getChangedValuesList())
            {
                values += CodedOutputStream.computeSInt32SizeNoTag(value);
            }
            c.changedValues = packed(Snapshot.CHANGED_VALUES_FIELD_NUMBER, values);
            c.changedBits = packed(Snapshot.CHANGED_BITS_FIELD_NUMBER, snapshot.getChangedBits().size());
            c.createdIds = packedUInt32(Snapshot.CREATED_IDS_FIELD_NUMBER, snapshot.getCreatedIdsList());
            c.createdValues = packedUInt32(Snapshot.CREATED_VALUES_FIELD_NUMBER, snapshot.getCreatedValuesList());
            return c;
        }

        int changedPayload()
        {
            return changedIds + changedMasks + changedValues + changedBits;
        }

        int createdPayload()
        {
            return createdIds + createdValues;
        }

        private static int packedUInt32(final int field, final List<Integer> list)
        {
            int bytes = 0;
            for (final int v : list)
            {
                bytes += CodedOutputStream.computeUInt32SizeNoTag(v);
            }
            return packed(field, bytes);
        }

        private static int packed(final int field, final int bytes)
        {
            return bytes == 0 ? 0 :
                CodedOutputStream.computeTagSize(field) + CodedOutputStream.computeUInt32SizeNoTag(bytes) + bytes;
        }
    }
}
