package io.tickwire.client;

import io.tickwire.protocol.arena.ArenaStep;
import io.tickwire.protocol.delta.WorldState;
import io.tickwire.protocol.schema.EntitySchema;
import io.tickwire.protocol.schema.SchemaField;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.PriorityQueue;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Prediction and reconciliation against a scripted server that processes one input per tick with the
 * same step function, delivers snapshots late, and can be made to disagree. No network, no real time.
 */
class PredictorTest
{
    private static final int TICK_RATE_HZ = 30;
    private static final long PERIOD_NS = 1_000_000_000L / TICK_RATE_HZ;
    private static final int ENTITY = 7;
    private static final EntitySchema SCHEMA = EntitySchema.builder()
        .fixed("x", -50, 50, 0.01)
        .fixed("y", -50, 50, 0.01)
        .angle("heading", 10)
        .intField("kind", 0, 3)
        .build();
    private static final SchemaField X = SCHEMA.field("x");
    private static final SchemaField Y = SCHEMA.field("y");
    private static final SchemaField HEADING = SCHEMA.field("heading");
    private static final SchemaField KIND = SCHEMA.field("kind");

    /** The arena's movement: axis bytes clamped to length 1, 6 units/s, heading along the motion. */
    static final StepFunction STEP = (state, input) ->
    {
        double ax = input[0] / 127.0;
        double ay = input[1] / 127.0;
        final double len = Math.sqrt(ax * ax + ay * ay);
        if (len > 1.0)
        {
            ax /= len;
            ay /= len;
        }
        if (ax == 0 && ay == 0)
        {
            return;
        }
        final double dt = 1.0 / TICK_RATE_HZ;
        state.setDouble(X, state.getDouble(X) + ax * 6.0 * dt);
        state.setDouble(Y, state.getDouble(Y) + ay * 6.0 * dt);
        state.setDouble(HEADING, Math.atan2(ay, ax));
    };

    /** The scripted server: inputs arrive after a latency, one is processed per tick. */
    private final class Server
    {
        final ArrayDeque<int[]> inFlight = new ArrayDeque<>();   // {arrivalTick, seq}
        final List<byte[]> payloads = new ArrayList<>();
        final ArrayDeque<Object[]> snapshots = new ArrayDeque<>(); // {deliveryTick, WorldState, seq}
        final EntityState entity = new EntityState(SCHEMA);
        final ArrayDeque<Integer> arrived = new ArrayDeque<>();
        int tick;
        int lastSeq;
        boolean present = true;
        int teleportAtSeq = -1;
        int kindChangeAtSeq = -1;

        int receive(final byte[] payload, final int latencyTicks)
        {
            payloads.add(payload.clone());
            final int seq = payloads.size();
            inFlight.add(new int[]{ tick + latencyTicks, seq });
            return seq;
        }

        void tick(final int deliveryDelayTicks)
        {
            tick++;
            while (!inFlight.isEmpty() && inFlight.peek()[0] <= tick)
            {
                arrived.add(inFlight.poll()[1]);
            }
            if (!arrived.isEmpty() && present)
            {
                final int seq = arrived.poll();
                STEP.step(entity, payloads.get(seq - 1));
                if (seq == kindChangeAtSeq)
                {
                    entity.setInt(KIND, 2);
                }
                if (seq == teleportAtSeq)
                {
                    entity.setDouble(X, entity.getDouble(X) + 5);
                }
                lastSeq = seq;
            }
            final WorldState s = new WorldState(SCHEMA, 1);
            if (present)
            {
                final int[] values = new int[SCHEMA.slotCount()];
                entity.copyTo(values, 0);
                s.capture(tick, tick * 33L, 1, new int[]{ ENTITY }, values);
            }
            else
            {
                s.capture(tick, tick * 33L, 0, new int[0], new int[0]);
            }
            snapshots.add(new Object[]{ tick + deliveryDelayTicks, s, lastSeq });
        }

        void deliverDue(final Predictor predictor)
        {
            while (!snapshots.isEmpty() && (int)snapshots.peek()[0] <= tick)
            {
                final Object[] s = snapshots.poll();
                predictor.onServerState((WorldState)s[1], (int)s[2]);
            }
        }
    }

    private final Server server = new Server();
    private final ClientStats stats = new ClientStats();

    private Predictor predictor(final int latencyTicks, final ServerClock clock)
    {
        return new Predictor(SCHEMA, ENTITY, STEP, (p, at) -> server.receive(p, latencyTicks), clock, TICK_RATE_HZ, 0, 64,
            ClientOptions.DEFAULT_INPUT_LEAD_MARGIN_TICKS, stats);
    }

    private static byte[] input(final int tick)
    {
        // Steer in a slow circle, stop now and then.
        if (tick % 40 > 34)
        {
            return new byte[]{ 0, 0 };
        }
        final double a = tick * 0.05;
        return new byte[]{ (byte)Math.round(Math.cos(a) * 127), (byte)Math.round(Math.sin(a) * 127) };
    }

    private void assertPredictedEqualsServer(final Predictor predictor)
    {
        final int[] predicted = new int[SCHEMA.slotCount()];
        final int[] actual = new int[SCHEMA.slotCount()];
        predictor.state().copyTo(predicted, 0);
        server.entity.copyTo(actual, 0);
        assertArrayEquals(actual, predicted, "predicted " + predictor.state() + " server " + server.entity);
    }

    @Test
    void shouldPredictExactlyAndReplayUnprocessedInputs()
    {
        server.entity.setDouble(X, 3.21);
        server.entity.setDouble(Y, -7.5);
        final Predictor predictor = predictor(3, null);
        server.tick(2);
        for (int t = 0; t < 200; t++)
        {
            server.deliverDue(predictor);
            predictor.sendInput(input(t));
            if (t > 10)
            {
                assertTrue(predictor.hasState());
                assertTrue(predictor.pendingInputs() >= 3 && predictor.pendingInputs() <= 7,
                    "in flight: " + predictor.pendingInputs());
            }
            server.tick(2);
        }
        for (int t = 0; t < 20; t++)
        {
            server.tick(0);
            server.deliverDue(predictor);
        }
        predictor.reconcile();

        assertEquals(0, predictor.mispredictions());
        assertEquals(0, predictor.pendingInputs());
        assertEquals(200, predictor.lastProcessedSeq());
        assertTrue(predictor.replayedInputs() > 200 * 3, "replays: " + predictor.replayedInputs());
        assertPredictedEqualsServer(predictor);
    }

    @Test
    void shouldCountMispredictionAndConvergeToServerState()
    {
        server.teleportAtSeq = 50;
        final Predictor predictor = predictor(2, null);
        final List<String> reported = new ArrayList<>();
        predictor.mispredictionListener((seq, tick, predicted, actual) ->
            reported.add(seq + ":" + (actual.getDouble(X) - predicted.getDouble(X))));
        final double[] xs = new double[120];
        server.tick(0);
        server.deliverDue(predictor);
        for (int t = 0; t < 120; t++)
        {
            server.deliverDue(predictor);
            predictor.sendInput(new byte[]{ 127, 0 });
            xs[t] = predictor.state().getDouble(X);
            server.tick(1);
        }
        for (int t = 0; t < 10; t++)
        {
            server.tick(0);
            server.deliverDue(predictor);
        }
        predictor.reconcile();

        assertEquals(1, predictor.mispredictions());
        assertEquals(1, stats.mispredictions());
        assertEquals(1, reported.size());
        assertTrue(reported.get(0).startsWith("50:5.0"), reported.toString());
        assertPredictedEqualsServer(predictor);
        // Steady motion of 0.2 per input, one correction of +5 when the snapshot of input 50 arrived.
        int jumps = 0;
        for (int t = 1; t < xs.length; t++)
        {
            final double step = xs[t] - xs[t - 1];
            if (Math.abs(step - 0.2) > 1e-6 && xs[t] < 50)
            {
                assertEquals(5.2, step, 1e-6, "the correction at input " + t);
                jumps++;
            }
        }
        assertEquals(1, jumps);
    }

    @Test
    void shouldCountOnlyPredictedFieldsOfASharedStepAsMispredictions()
    {
        server.kindChangeAtSeq = 30;
        server.teleportAtSeq = 60;
        final Predictor predictor = new Predictor(SCHEMA, ENTITY, new ArenaStep(SCHEMA, TICK_RATE_HZ),
            (p, at) -> server.receive(p, 2), null, TICK_RATE_HZ, 0, 64, ClientOptions.DEFAULT_INPUT_LEAD_MARGIN_TICKS,
            stats);
        final List<Integer> reported = new ArrayList<>();
        predictor.mispredictionListener((seq, tick, predicted, actual) -> reported.add(seq));
        server.tick(0);
        server.deliverDue(predictor);
        for (int t = 0; t < 100; t++)
        {
            server.deliverDue(predictor);
            predictor.sendInput(input(t));
            server.tick(1);
        }
        for (int t = 0; t < 10; t++)
        {
            server.tick(0);
            server.deliverDue(predictor);
        }
        predictor.reconcile();

        assertEquals(List.of(60), reported, "the server-only kind changed at input 30, x jumped at input 60");
        assertEquals(1, predictor.mispredictions());
        assertEquals(2, predictor.state().getInt(KIND), "server-only fields are taken from the server");
        assertEquals(ENTITY, predictor.state().entityId());
        assertPredictedEqualsServer(predictor);
    }

    @Test
    void shouldCountEveryFieldOfAStepFunctionAsPredicted()
    {
        server.kindChangeAtSeq = 30;
        final Predictor predictor = predictor(2, null);
        server.tick(0);
        server.deliverDue(predictor);
        for (int t = 0; t < 60; t++)
        {
            server.deliverDue(predictor);
            predictor.sendInput(input(t));
            server.tick(1);
        }
        server.tick(0);
        server.deliverDue(predictor);
        predictor.reconcile();

        assertEquals(1, predictor.mispredictions(), "a client-only StepFunction predicts every field");
        assertPredictedEqualsServer(predictor);
    }

    @Test
    void shouldRejectAStepPredictingFieldsOfAnotherSchema()
    {
        final EntitySchema other = EntitySchema.builder().fixed("x", -10, 10, 0.1).fixed("y", -10, 10, 0.1)
            .angle("heading", 8).build();
        final IllegalArgumentException e = org.junit.jupiter.api.Assertions.assertThrows(
            IllegalArgumentException.class,
            () -> new Predictor(SCHEMA, ENTITY, new ArenaStep(other, TICK_RATE_HZ), (p, at) -> 1, null,
                TICK_RATE_HZ, 0, 64, ClientOptions.DEFAULT_INPUT_LEAD_MARGIN_TICKS, stats));
        assertTrue(e.getMessage().contains("field=") && e.getMessage().contains("x"), e.getMessage());
    }

    @Test
    void shouldReplayInputsSentBeforeTheEntityWasKnown()
    {
        server.present = false;
        final Predictor predictor = predictor(1, null);
        for (int t = 0; t < 5; t++)
        {
            server.deliverDue(predictor);
            predictor.sendInput(new byte[]{ 0, 127 });
            server.tick(1);
        }
        server.deliverDue(predictor);
        predictor.reconcile();
        assertFalse(predictor.hasState());

        server.present = true;
        server.tick(0);
        server.deliverDue(predictor);
        predictor.reconcile();

        assertTrue(predictor.hasState());
        assertEquals(1, server.lastSeq, "the server processed one of the five so far");
        assertEquals(4, predictor.pendingInputs());
        assertEquals(-50 + 5 * 0.2, predictor.state().getDouble(Y), 1e-9,
            "server state (spawned at slot 0, y=-50, one input applied) plus the four replayed");
    }

    @ParameterizedTest
    @ValueSource(longs = { 16_666_667L, 50_000_000L, 8_333_333L })
    void shouldSendOneInputPerServerTickAimedAtTheMiddleOfTheInterval(final long frameNs)
    {
        final ServerClock clock = new ServerClock(TICK_RATE_HZ);
        final long offsetNs = 3_000_000_000L;
        final long tickZeroServerNs = 17_000_000L;
        final long oneWayNs = 4_000_000L;
        long now = 1_000_000_000L;
        for (int i = 0; i < 12; i++)
        {
            final long serverNs = now + oneWayNs + offsetNs;
            clock.onPong(now, now + 2 * oneWayNs, serverNs, (int)((serverNs - tickZeroServerNs) / PERIOD_NS));
            now += 97_000_000L;
        }
        final List<Double> arrivalTicks = new ArrayList<>();
        final long[] clockNow = { now };
        final Predictor predictor = new Predictor(SCHEMA, ENTITY, STEP, (p, at) ->
        {
            final long sendNs = Math.max(at, clockNow[0]);
            arrivalTicks.add((sendNs + oneWayNs + offsetNs - tickZeroServerNs) / (double)PERIOD_NS);
            return arrivalTicks.size();
        }, clock, TICK_RATE_HZ, 0, 64, ClientOptions.UNBOUNDED_INPUT_LEAD, stats);   // no server: timing only

        final long frames = 2_000_000_000L / frameNs;
        for (int frame = 0; frame < frames; frame++)
        {
            // Frames are late by up to a third of a frame.
            clockNow[0] = now + frame * frameNs + (frame % 3) * frameNs / 9;
            predictor.update(clockNow[0], new byte[]{ 1, 0 });
        }

        assertTrue(arrivalTicks.size() >= 58 && arrivalTicks.size() <= 63, "inputs in 2 s: " + arrivalTicks.size());
        for (int i = 1; i < arrivalTicks.size(); i++)
        {
            assertEquals((long)Math.floor(arrivalTicks.get(i - 1)) + 1, (long)Math.floor(arrivalTicks.get(i)),
                "one input per tick interval: " + arrivalTicks.subList(Math.max(0, i - 2), i + 1));
            final double phase = arrivalTicks.get(i) - Math.floor(arrivalTicks.get(i));
            assertTrue(phase > 0.3 && phase < 0.7, "arrives in the middle of the interval: " + phase);
        }
    }

    @Test
    void shouldSendAtTheTickRateBeforeTheClockIsSynchronized()
    {
        final Predictor predictor = predictor(1, new ServerClock(TICK_RATE_HZ));
        int sent = 0;
        for (int frame = 0; frame < 60; frame++)
        {
            sent += predictor.update(frame * 16_666_667L, new byte[]{ 0, 0 });
        }
        assertTrue(sent >= 29 && sent <= 31, "sent " + sent);
        assertEquals(sent, predictor.inputsSent());
        assertTrue(Arrays.asList(30, 31, 29).contains(server.payloads.size()));
    }

    /**
     * A time-driven server: inputs arrive one way later, queue, and one is applied per server tick; the
     * server ticks {@code periodFactor} times slower than the nominal rate the client's clock assumes (an
     * overloaded server), so a client sending one input per nominal tick makes its queue grow.
     */
    private static final class QueueingServer
    {
        final long oneWayNs;
        final long periodNs;
        final PriorityQueue<long[]> inFlight = new PriorityQueue<>((a, b) -> Long.compare(a[0], b[0]));
        final List<byte[]> payloads = new ArrayList<>();
        final ArrayDeque<Integer> queue = new ArrayDeque<>();
        final ArrayDeque<Object[]> snapshots = new ArrayDeque<>();
        final EntityState entity = new EntityState(SCHEMA);
        long nowNs;
        long nextTickNs;
        int tick;
        int lastSeq;
        int maxQueue;

        QueueingServer(final long oneWayNs, final long periodNs, final long firstTickNs)
        {
            this.oneWayNs = oneWayNs;
            this.periodNs = periodNs;
            this.nextTickNs = firstTickNs;
        }

        int receive(final byte[] payload, final long sendAtNs)
        {
            payloads.add(payload.clone());
            inFlight.add(new long[]{ Math.max(sendAtNs, nowNs) + oneWayNs, payloads.size() });
            return payloads.size();
        }

        void advanceTo(final long timeNs, final Predictor predictor)
        {
            nowNs = timeNs;
            while (!inFlight.isEmpty() && inFlight.peek()[0] <= timeNs)
            {
                queue.add((int)inFlight.poll()[1]);
            }
            maxQueue = Math.max(maxQueue, queue.size());
            if (timeNs >= nextTickNs)
            {
                nextTickNs += periodNs;
                tick++;
                if (!queue.isEmpty())
                {
                    lastSeq = queue.poll();
                    STEP.step(entity, payloads.get(lastSeq - 1));
                }
                final WorldState s = new WorldState(SCHEMA, 1);
                final int[] values = new int[SCHEMA.slotCount()];
                entity.copyTo(values, 0);
                s.capture(tick, tick * 33L, 1, new int[]{ ENTITY }, values);
                snapshots.add(new Object[]{ timeNs + oneWayNs, s, lastSeq });
            }
            while (!snapshots.isEmpty() && (long)snapshots.peek()[0] <= timeNs)
            {
                final Object[] s = snapshots.poll();
                predictor.onServerState((WorldState)s[1], (int)s[2]);
            }
        }
    }

    /**
     * Runs 10 s of a 60 fps game loop against a {@link QueueingServer} (60 ms round trip), then lets the
     * server drain.
     */
    private QueueingServer runAgainstQueueingServer(final double periodFactor, final int marginTicks,
        final Predictor[] out)
    {
        final ServerClock clock = new ServerClock(TICK_RATE_HZ);
        final long offsetNs = 3_000_000_000L;
        final long tickZeroServerNs = 17_000_000L;
        final long oneWayNs = 30_000_000L;
        long now = 1_000_000_000L;
        for (int i = 0; i < 12; i++)
        {
            final long serverNs = now + oneWayNs + offsetNs;
            clock.onPong(now, now + 2 * oneWayNs, serverNs, (int)((serverNs - tickZeroServerNs) / PERIOD_NS));
            now += 97_000_000L;
        }
        final long tickZeroLocalNs = tickZeroServerNs - offsetNs;
        final long firstTickNs = tickZeroLocalNs + ((now - tickZeroLocalNs) / PERIOD_NS + 1) * PERIOD_NS;
        final QueueingServer sim = new QueueingServer(oneWayNs, Math.round(PERIOD_NS * periodFactor), firstTickNs);
        final Predictor predictor = new Predictor(SCHEMA, ENTITY, STEP, sim::receive, clock, TICK_RATE_HZ, 0, 256,
            marginTicks, stats);
        out[0] = predictor;
        final long frameNs = 16_666_667L;
        final long startNs = now;
        final long endNs = startNs + 10_000_000_000L;
        int frame = 0;
        long nextFrameNs = startNs;
        for (long t = startNs; t < endNs; t += 1_000_000L)
        {
            sim.advanceTo(t, predictor);
            if (t >= nextFrameNs)
            {
                predictor.update(t, input(frame));
                frame++;
                nextFrameNs = startNs + frame * frameNs + (frame % 3) * frameNs / 9;
            }
        }
        for (long t = endNs; t < endNs + 30_000_000_000L && (sim.lastSeq < sim.payloads.size() ||
            !sim.snapshots.isEmpty()); t += 1_000_000L)
        {
            sim.advanceTo(t, predictor);
        }
        predictor.reconcile();
        return sim;
    }

    @Test
    void shouldNotSkipInputsWhileServerKeepsUp()
    {
        final Predictor[] predictor = new Predictor[1];
        final QueueingServer sim = runAgainstQueueingServer(1.0, ClientOptions.DEFAULT_INPUT_LEAD_MARGIN_TICKS, predictor);

        assertEquals(0, predictor[0].inputsSkipped(), predictor[0].toString());
        assertTrue(sim.payloads.size() >= 295 && sim.payloads.size() <= 305, "one input per tick: " + sim.payloads.size());
        assertTrue(sim.maxQueue <= 2, "server queue: " + sim.maxQueue);
        assertEquals(5, predictor[0].inputLeadLimit(), "ceil(60 ms / 33.3 ms + 0.75 lookahead) + 2");
        assertEquals(0, predictor[0].mispredictions());
        assertPredictedEquals(sim.entity, predictor[0]);
    }

    @Test
    void shouldBoundServerQueueBySkippingInputsWhenServerFallsBehind()
    {
        final Predictor[] unbounded = new Predictor[1];
        final QueueingServer backlog = runAgainstQueueingServer(1.1, ClientOptions.UNBOUNDED_INPUT_LEAD, unbounded);
        assertTrue(backlog.maxQueue >= 20, "without the bound the queue grows: " + backlog.maxQueue);
        assertEquals(0, unbounded[0].inputsSkipped());

        final Predictor[] bounded = new Predictor[1];
        final QueueingServer sim = runAgainstQueueingServer(1.1, ClientOptions.DEFAULT_INPUT_LEAD_MARGIN_TICKS, bounded);
        final Predictor p = bounded[0];
        assertTrue(sim.maxQueue <= 4, "with the bound the queue stays short: " + sim.maxQueue);
        // The server runs 1/1.1 of the ticks the client expects: about one in eleven ticks gets no input.
        assertTrue(p.inputsSkipped() >= 15 && p.inputsSkipped() <= 45, p.toString());
        assertEquals(p.inputsSkipped(), stats.inputsSkipped() - unbounded[0].inputsSkipped());
        assertEquals(0, p.mispredictions(), "skipping a tick predicts no step for it, as the server applies none");
        assertPredictedEquals(sim.entity, p);
    }

    private static void assertPredictedEquals(final EntityState server, final Predictor predictor)
    {
        final int[] predicted = new int[SCHEMA.slotCount()];
        final int[] actual = new int[SCHEMA.slotCount()];
        predictor.state().copyTo(predicted, 0);
        server.copyTo(actual, 0);
        assertArrayEquals(actual, predicted, "predicted " + predictor.state() + " server " + server);
    }
}
