package io.tickwire.protocol.delta;

import com.google.protobuf.CodedOutputStream;
import io.tickwire.protocol.schema.EntitySchema;
import io.tickwire.protocol.schema.RandomSchemas;
import io.tickwire.protocol.v1.ServerMessage;
import io.tickwire.protocol.v1.Snapshot;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.stream.LongStream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Seeded-random property test of the delta codec against a simulated server and lossy clients.
 * <p>
 * The server keeps a ring of the last {@value #HISTORY} captured states. Each tick it mutates a
 * random world (random schema of 1..64 slots, spawns with ids that are never reused, despawns,
 * slot changes of every size, angles wrapping across 0), groups its clients by baseline (the
 * highest ack it has seen, while that tick is still in the ring; otherwise a full snapshot),
 * prepares and writes one body per baseline and composes each client's frame from its own
 * envelope header plus the shared body. Frames are dropped, delayed and reordered; clients ignore
 * stale frames, apply the rest against the state they hold for the named baseline, and ack with
 * random loss, delay and reordering. After every applied frame the client's state must equal the
 * server's state for that tick, slot for slot.
 * <p>
 * {@code -Dtickwire.property.steps} ticks per seed (3000 by default, 200000 with {@code -Plong});
 * {@code -Dtickwire.property.seed} replays one seed.
 */
class DeltaCodecPropertyTest
{
    private static final int STEPS = Integer.getInteger("tickwire.property.steps", 3000);
    private static final int HISTORY = 32;
    private static final int CLIENT_KEEP_TICKS = 4 * HISTORY;
    private static final int MAX_FRAME_DELAY_TICKS = 8;
    private static final int MAX_ACK_DELAY_TICKS = 12;

    static LongStream seeds()
    {
        final Long replay = Long.getLong("tickwire.property.seed");
        if (replay != null)
        {
            return LongStream.of(replay);
        }
        return LongStream.of(1L, 0xC0FFEEL, 0x7157_3A11L, 20_240_601L, System.nanoTime());
    }

    @ParameterizedTest(name = "seed={0}")
    @MethodSource("seeds")
    void shouldKeepClientMirrorEqualToServerStateDespiteDropsDelaysAndReordering(final long seed)
    {
        run(seed, false);
    }

    /**
     * The same simulation with protocol version 3's bit-packed changed section.
     */
    @ParameterizedTest(name = "seed={0}")
    @MethodSource("seeds")
    void shouldKeepClientMirrorEqualToServerStateWithBitPackedChanges(final long seed)
    {
        run(seed, true);
    }

    private static void run(final long seed, final boolean packed)
    {
        final Simulation simulation = new Simulation(seed, packed);
        try
        {
            simulation.run(STEPS);
        }
        catch (final Throwable t)
        {
            final String message = "property failed: seed=" + seed + " (replay with -Dtickwire.property.seed=" +
                seed + "), episode=" + simulation.episode + ", tick=" + Integer.toUnsignedString(simulation.tick) +
                ", schema=" + simulation.schema + ": " + t;
            System.err.println(message);
            throw new AssertionError(message, t);
        }
        simulation.checkCoverage();
    }

    static final class InFlightFrame
    {
        final int deliverAt;
        final long order;
        final byte[] frame;
        final int tick;
        final int lastInputSeq;

        InFlightFrame(final int deliverAt, final long order, final byte[] frame, final int tick, final int lastInputSeq)
        {
            this.deliverAt = deliverAt;
            this.order = order;
            this.frame = frame;
            this.tick = tick;
            this.lastInputSeq = lastInputSeq;
        }
    }

    static final class InFlightAck
    {
        final int deliverAt;
        final int tick;

        InFlightAck(final int deliverAt, final int tick)
        {
            this.deliverAt = deliverAt;
            this.tick = tick;
        }
    }

    static final class Client
    {
        final double dropFrameProbability;
        final int maxFrameDelay;
        final double dropAckProbability;
        final int maxAckDelay;
        final double outageProbability;
        final List<InFlightFrame> frames = new ArrayList<>();
        final List<InFlightAck> acks = new ArrayList<>();
        final Map<Integer, WorldState> states = new HashMap<>();
        final ArrayList<WorldState> pool = new ArrayList<>();
        int outageTicksLeft;
        boolean applied;
        int newestApplied;

        int serverHighestAck;
        int lastInputSeq;

        Client(final Random random)
        {
            dropFrameProbability = random.nextInt(4) == 0 ? 0 : random.nextDouble() * 0.5;
            maxFrameDelay = random.nextInt(MAX_FRAME_DELAY_TICKS + 1);
            dropAckProbability = random.nextInt(3) == 0 ? 0 : random.nextDouble() * 0.6;
            maxAckDelay = random.nextInt(MAX_ACK_DELAY_TICKS + 1);
            outageProbability = random.nextBoolean() ? 0 : 0.004;
        }
    }

    static final class Simulation
    {
        final long seed;
        final boolean packed;
        final Random random;
        int episode;
        int tick;
        EntitySchema schema;

        private DeltaEncoder encoder;
        private DeltaDecoder decoder;
        private final TreeMap<Integer, int[]> world = new TreeMap<>();
        private final HashSet<Integer> usedIds = new HashSet<>();
        private final WorldState[] ring = new WorldState[HISTORY];
        private final List<Client> clients = new ArrayList<>();
        private int nextId;
        private boolean randomIds;
        private int maxEntities;
        private int targetEntities;
        private double changeProbability;
        private long frameOrder;
        private int[] captureIds = new int[16];
        private int[] captureValues = new int[16];

        long framesSent;
        long deltasApplied;
        long fullsApplied;
        long fullsAfterAck;
        long staleIgnored;
        long framesShared;
        long wrapsAcrossZero;
        long maxCreatedInOne;

        Simulation(final long seed, final boolean packed)
        {
            this.seed = seed;
            this.packed = packed;
            this.random = new Random(seed);
        }

        void run(final int steps) throws Exception
        {
            int remaining = steps;
            while (remaining > 0)
            {
                final int length = Math.min(remaining, 100 + random.nextInt(900));
                runEpisode(length);
                remaining -= length;
                episode++;
            }
        }

        private void runEpisode(final int length) throws Exception
        {
            schema = RandomSchemas.randomSchema(random, EntitySchema.MAX_SLOTS);
            encoder = new DeltaEncoder(schema);
            decoder = random.nextBoolean() ? new DeltaDecoder(schema) :
                new DeltaDecoder(EntitySchema.fromProto(schema.toProto()));
            world.clear();
            usedIds.clear();
            for (int i = 0; i < HISTORY; i++)
            {
                ring[i] = new WorldState(schema, 1 + random.nextInt(8));
            }
            clients.clear();
            final int clientCount = 1 + random.nextInt(4);
            for (int i = 0; i < clientCount; i++)
            {
                clients.add(new Client(random));
            }
            switch (random.nextInt(4))
            {
                case 0:
                    tick = Integer.MAX_VALUE - random.nextInt(length);
                    break;
                case 1:
                    tick = -2 - length - random.nextInt(1000);
                    break;
                default:
                    tick = random.nextInt(1000);
                    break;
            }
            randomIds = random.nextInt(3) == 0;
            nextId = random.nextInt(4) == 0 ? Integer.MAX_VALUE - 50 * length - random.nextInt(1000) : 1;
            maxEntities = random.nextInt(8) == 0 ? 0 : 1 + random.nextInt(random.nextBoolean() ? 20 : 200);
            targetEntities = random.nextInt(maxEntities + 1);
            changeProbability = random.nextInt(5) == 0 ? 0 : random.nextInt(5) == 0 ? 1 : random.nextDouble() * 0.5;

            for (int step = 0; step < length; step++)
            {
                tick++;
                mutateWorld();
                capture();
                deliverAcks();
                sendFrames();
                deliverFrames();
            }
        }

        private void mutateWorld()
        {
            if (random.nextInt(50) == 0)
            {
                targetEntities = random.nextInt(maxEntities + 1);
            }
            if (random.nextInt(400) == 0)
            {
                world.clear();
            }
            final int despawns = random.nextInt(3) + (world.size() > targetEntities ? random.nextInt(4) : 0);
            for (int i = 0; i < despawns && !world.isEmpty(); i++)
            {
                final Integer victim = world.ceilingKey(random.nextInt(Math.max(1, world.lastKey())) + 1);
                world.remove(victim == null ? world.firstKey() : victim);
            }
            final int spawns = random.nextInt(3) + (world.size() < targetEntities ? random.nextInt(8) : 0) +
                (random.nextInt(300) == 0 ? 100 : 0);
            for (int i = 0; i < spawns && world.size() < maxEntities + 100; i++)
            {
                final int id = allocateId();
                if (id <= 0)
                {
                    break;
                }
                final int[] values = new int[schema.slotCount()];
                for (int s = 0; s < values.length; s++)
                {
                    values[s] = RandomSchemas.randomSlotValue(random, schema.slotMax(s));
                }
                world.put(id, values);
            }
            final double p = random.nextInt(20) == 0 ? random.nextDouble() : changeProbability;
            for (final int[] values : world.values())
            {
                if (random.nextDouble() >= p)
                {
                    continue;
                }
                final int changes = random.nextInt(4) == 0 ? values.length : 1 + random.nextInt(Math.min(3, values.length));
                for (int c = 0; c < changes; c++)
                {
                    final int s = random.nextInt(values.length);
                    final int wrap = schema.slotWrapMask(s);
                    final int old = values[s];
                    final int now = RandomSchemas.changeSlotValue(random, old, schema.slotMax(s), wrap);
                    if (wrap != 0 && Math.abs(now - old) > (wrap >>> 1))
                    {
                        wrapsAcrossZero++;
                    }
                    values[s] = now;
                }
            }
        }

        /**
         * Ids are never reused within an episode: mostly the next sequential id (with occasional
         * gaps), and in random-id episodes sometimes a never-used id below it, so that created
         * ids interleave with the baseline's.
         */
        private int allocateId()
        {
            if (randomIds && random.nextBoolean() && nextId > 64)
            {
                for (int attempt = 0; attempt < 4; attempt++)
                {
                    final int candidate = 1 + random.nextInt(nextId - 1);
                    if (usedIds.add(candidate))
                    {
                        return candidate;
                    }
                }
            }
            final int gap = random.nextInt(100) == 0 ? 1 + random.nextInt(20_000) : 1 + random.nextInt(3);
            if (nextId > Integer.MAX_VALUE - gap)
            {
                return -1;
            }
            final int id = nextId;
            nextId += gap;
            usedIds.add(id);
            return id;
        }

        private void capture()
        {
            final int slots = schema.slotCount();
            final int count = world.size();
            if (captureIds.length < count)
            {
                captureIds = new int[count * 2];
                captureValues = new int[count * 2 * slots];
            }
            if (captureValues.length < count * slots)
            {
                captureValues = new int[count * slots];
            }
            int i = 0;
            for (final Map.Entry<Integer, int[]> e : world.entrySet())
            {
                captureIds[i] = e.getKey();
                System.arraycopy(e.getValue(), 0, captureValues, i * slots, slots);
                i++;
            }
            final long serverTimeMs = random.nextInt(10) == 0 ? 0 : Integer.toUnsignedLong(tick) * 16 + 3;
            ring[slotOf(tick)].capture(tick, serverTimeMs, count, captureIds, captureValues);
        }

        private static int slotOf(final int tick)
        {
            return Integer.remainderUnsigned(tick, HISTORY);
        }

        private void deliverAcks()
        {
            for (final Client client : clients)
            {
                final Iterator<InFlightAck> it = client.acks.iterator();
                while (it.hasNext())
                {
                    final InFlightAck ack = it.next();
                    if (ack.deliverAt - tick <= 0)
                    {
                        it.remove();
                        if (client.serverHighestAck == 0 || ack.tick - client.serverHighestAck > 0)
                        {
                            client.serverHighestAck = ack.tick;
                        }
                    }
                }
            }
        }

        private WorldState baselineFor(final Client client)
        {
            final int ack = client.serverHighestAck;
            if (ack == 0)
            {
                return null;
            }
            final int age = tick - ack;
            if (age <= 0 || age >= HISTORY)
            {
                return null;
            }
            final WorldState state = ring[slotOf(ack)];
            assertEquals(ack, state.tick(), "history ring slot");
            return state;
        }

        private void sendFrames() throws Exception
        {
            final WorldState current = ring[slotOf(tick)];
            final Map<Integer, List<Client>> byBaseline = new HashMap<>();
            final Map<Integer, WorldState> baselines = new HashMap<>();
            for (final Client client : clients)
            {
                client.lastInputSeq += random.nextInt(3) == 0 ? random.nextInt(300) : 0;
                final WorldState baseline = baselineFor(client);
                final int key = baseline == null ? 0 : baseline.tick();
                byBaseline.computeIfAbsent(key, k -> new ArrayList<>()).add(client);
                baselines.put(key, baseline);
                if (baseline == null && client.serverHighestAck != 0)
                {
                    fullsAfterAck++;
                }
            }
            for (final Map.Entry<Integer, List<Client>> group : byBaseline.entrySet())
            {
                final WorldState baseline = baselines.get(group.getKey());
                final int bodySize = encoder.prepare(baseline, current, packed);
                assertEquals(group.getKey().intValue(), encoder.baselineTick());
                maxCreatedInOne = Math.max(maxCreatedInOne, encoder.createdCount());
                final byte[] body = new byte[bodySize];
                final CodedOutputStream bodyOut = CodedOutputStream.newInstance(body);
                encoder.writeBody(bodyOut);
                bodyOut.checkNoSpaceLeft();
                if (encoder.changedCount() != 0)
                {
                    final Snapshot form = parseBody(body);
                    assertEquals(packed, !form.getChangedBits().isEmpty(), "changed section form");
                    assertEquals(packed ? 0 : encoder.changedCount(), form.getChangedIdsCount());
                }

                final List<byte[]> frames = new ArrayList<>();
                for (final Client client : group.getValue())
                {
                    final int seq = client.lastInputSeq;
                    final int headerSize = DeltaEncoder.envelopeHeaderSize(seq, bodySize);
                    final byte[] frame = new byte[headerSize + bodySize];
                    final CodedOutputStream headerOut = CodedOutputStream.newInstance(frame, 0, headerSize);
                    DeltaEncoder.writeEnvelopeHeader(headerOut, seq, bodySize);
                    headerOut.checkNoSpaceLeft();
                    System.arraycopy(body, 0, frame, headerSize, bodySize);
                    frames.add(frame);
                    if (group.getValue().size() > 1)
                    {
                        framesShared++;
                    }
                }
                if (random.nextInt(16) == 0)
                {
                    final Client client = group.getValue().get(0);
                    assertArrayEquals(
                        encoder.encodeServerMessage(baseline, current, client.lastInputSeq, null, null, packed),
                        frames.get(0),
                        "encodeServerMessage differs from header + shared body");
                }
                for (int i = 0; i < frames.size(); i++)
                {
                    final Client client = group.getValue().get(i);
                    if (random.nextDouble() < client.outageProbability)
                    {
                        client.outageTicksLeft = HISTORY + random.nextInt(3 * HISTORY);
                    }
                    if (client.outageTicksLeft > 0)
                    {
                        client.outageTicksLeft--;
                        continue;
                    }
                    if (random.nextDouble() < client.dropFrameProbability)
                    {
                        continue;
                    }
                    final int delay = client.maxFrameDelay == 0 ? 0 : random.nextInt(client.maxFrameDelay + 1);
                    framesSent++;
                    client.frames.add(new InFlightFrame(tick + delay, frameOrder++, frames.get(i), tick,
                        client.lastInputSeq));
                }
            }
        }

        private void deliverFrames() throws Exception
        {
            for (final Client client : clients)
            {
                client.frames.sort((a, b) -> a.deliverAt != b.deliverAt ?
                    Integer.compare(a.deliverAt - tick, b.deliverAt - tick) : Long.compare(a.order, b.order));
                final Iterator<InFlightFrame> it = client.frames.iterator();
                while (it.hasNext())
                {
                    final InFlightFrame inFlight = it.next();
                    if (inFlight.deliverAt - tick > 0)
                    {
                        break;
                    }
                    it.remove();
                    receive(client, inFlight);
                }
            }
        }

        private void receive(final Client client, final InFlightFrame inFlight) throws Exception
        {
            final ServerMessage message = ServerMessage.parseFrom(inFlight.frame);
            assertTrue(message.hasSnapshot(), "frame is not a snapshot");
            final Snapshot snapshot = message.getSnapshot();
            assertEquals(inFlight.tick, snapshot.getTick(), "tick");
            assertEquals(inFlight.lastInputSeq, snapshot.getLastInputSeq(), "last_input_seq");
            if (client.applied && snapshot.getTick() - client.newestApplied <= 0)
            {
                staleIgnored++;
                return;
            }
            final int baselineTick = snapshot.getBaselineTick();
            final WorldState baseline;
            if (baselineTick == 0)
            {
                baseline = null;
            }
            else
            {
                baseline = client.states.get(baselineTick);
                assertNotNull(baseline, () -> "client lacks baseline " + Integer.toUnsignedString(baselineTick) +
                    " named by tick " + Integer.toUnsignedString(snapshot.getTick()));
            }
            final WorldState out = client.pool.isEmpty() ?
                new WorldState(schema, random.nextInt(4)) : client.pool.remove(client.pool.size() - 1);
            decoder.apply(baseline, snapshot, out);

            final WorldState expected = ring[slotOf(snapshot.getTick())];
            assertEquals(snapshot.getTick(), expected.tick(), "history ring overwritten before delivery");
            if (!expected.contentEquals(out))
            {
                fail("client state differs from server at tick " + Integer.toUnsignedString(snapshot.getTick()) +
                    " (baseline " + Integer.toUnsignedString(baselineTick) + "): " + expected.firstDifference(out));
            }
            assertEquals(expected.tick(), out.tick());
            assertEquals(expected.serverTimeMs(), out.serverTimeMs());
            if (baseline == null)
            {
                fullsApplied++;
            }
            else
            {
                deltasApplied++;
            }

            client.applied = true;
            client.newestApplied = snapshot.getTick();
            client.states.put(snapshot.getTick(), out);
            final Iterator<Map.Entry<Integer, WorldState>> it = client.states.entrySet().iterator();
            while (it.hasNext())
            {
                final Map.Entry<Integer, WorldState> e = it.next();
                if (tick - e.getKey() > CLIENT_KEEP_TICKS)
                {
                    client.pool.add(e.getValue());
                    it.remove();
                }
            }
            if (random.nextDouble() >= client.dropAckProbability)
            {
                final int delay = client.maxAckDelay == 0 ? 0 : random.nextInt(client.maxAckDelay + 1);
                client.acks.add(new InFlightAck(tick + delay, snapshot.getTick()));
            }
        }

        void checkCoverage()
        {
            System.out.println("seed=" + seed + ": episodes=" + episode + ", sent=" + framesSent + ", deltas=" + deltasApplied +
                ", fulls=" + fullsApplied + ", fullsAfterExpiredAck=" + fullsAfterAck + ", stale=" + staleIgnored +
                ", sharedFrames=" + framesShared + ", angleWraps=" + wrapsAcrossZero +
                ", maxCreatedInOneSnapshot=" + maxCreatedInOne);
            if (STEPS >= 3000)
            {
                assertTrue(deltasApplied > fullsApplied, "too few deltas: " + deltasApplied + " vs " + fullsApplied);
                assertTrue(fullsApplied > 0, "no full snapshot applied");
                assertTrue(staleIgnored > 0, "no reordering seen");
                assertTrue(framesShared > 0, "no body shared");
                assertTrue(wrapsAcrossZero > 0, "no angle wrapped across 0");
            }
        }
    }

    private static Snapshot parseBody(final byte[] body)
    {
        try
        {
            return Snapshot.parseFrom(body);
        }
        catch (final com.google.protobuf.InvalidProtocolBufferException ex)
        {
            throw new AssertionError("body does not parse", ex);
        }
    }
}
