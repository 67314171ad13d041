package io.tickwire.client;

import io.tickwire.protocol.delta.WorldState;
import io.tickwire.protocol.schema.EntitySchema;
import io.tickwire.protocol.schema.SchemaField;
import org.junit.jupiter.api.Test;

import java.lang.management.ManagementFactory;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The interpolation buffer fed a scripted snapshot stream (server times, arrival times with jitter, late
 * and missing snapshots) and sampled with an injected clock: no network, no real time.
 */
class InterpolatorTest
{
    private static final long MS = 1_000_000L;
    private static final int TICK_RATE_HZ = 30;
    private static final double TICK_MS = 1000.0 / TICK_RATE_HZ;
    private static final double SPEED = 6.0;
    private static final long FRAME_NS = 16_666_667L;

    private static final EntitySchema SCHEMA = EntitySchema.builder()
        .fixed("x", -500, 500, 0.01)
        .angle("heading", 10)
        .intField("kind", 0, 3)
        .quaternion("rot", 12)
        .build();
    private static final SchemaField X = SCHEMA.field("x");
    private static final SchemaField HEADING = SCHEMA.field("heading");
    private static final SchemaField KIND = SCHEMA.field("kind");
    private static final SchemaField ROT = SCHEMA.field("rot");

    private final Interpolator interp = new Interpolator(SCHEMA, TICK_RATE_HZ, 2.0, 500, 250);
    private final RenderState out = interp.newRenderState();
    private final int slots = SCHEMA.slotCount();

    private static long serverTimeMs(final int tick)
    {
        return Math.round(tick * TICK_MS);
    }

    /** Entity 1 moves along x at SPEED; entity 2 exists from tick 40 on, kind = tick / 10 % 4. */
    private WorldState world(final int tick)
    {
        final int count = tick >= 40 ? 2 : 1;
        final int[] ids = { 1, 2 };
        final int[] values = new int[2 * slots];
        for (int i = 0; i < count; i++)
        {
            final int o = i * slots;
            values[o + X.firstSlot()] = X.quantize(-200 + SPEED * serverTimeMs(tick) / 1000.0);
            values[o + HEADING.firstSlot()] = HEADING.quantize(0);
            values[o + KIND.firstSlot()] = KIND.quantizeInt(tick / 10 % 4);
            ROT.quantizeQuaternion(0, 0, 0, 1, values, o + ROT.firstSlot());
        }
        final WorldState s = new WorldState(SCHEMA, count);
        s.capture(tick, serverTimeMs(tick), count, ids, values);
        return s;
    }

    @Test
    void shouldRenderContinuouslyAndNeverAheadOfDataDespiteJitterLateAndMissingSnapshots()
    {
        final Random random = new Random(42);
        final long latencyNs = 40 * MS;
        final long startLocalNs = 1_000_000_000L;
        int nextTick = 1;
        long nextArrivalNs = startLocalNs;
        long now = startLocalNs;
        double previousX = Double.NaN;
        int checkedFrames = 0;
        int extrapolatedFrames = 0;
        for (int frame = 0; frame < 60 * 20; frame++)
        {
            now += FRAME_NS + random.nextInt(2_000_000) - 1_000_000;
            while (nextArrivalNs <= now)
            {
                final boolean lost = random.nextInt(20) == 0;
                if (!lost)
                {
                    interp.onState(world(nextTick), nextArrivalNs);
                }
                nextTick++;
                // Jitter up to 30 ms, one snapshot in 50 late by 100 ms; arrivals stay in order like TCP.
                final long jitter = random.nextInt(30) * MS + (random.nextInt(50) == 0 ? 100 * MS : 0);
                nextArrivalNs = Math.max(nextArrivalNs,
                    startLocalNs + latencyNs + serverTimeMs(nextTick) * MS + jitter);
            }
            assertTrue(interp.sample(now, out));
            final double x = out.getDouble(out.indexOf(1), X);
            assertTrue(out.renderServerTimeMs() <= interp.newestServerTimeMs() + 250 + 1e-6,
                "never more than the extrapolation limit ahead: " + out);
            if (out.extrapolationMs() > 0)
            {
                extrapolatedFrames++;
            }
            if (frame > 120)
            {
                final double dtSeconds = FRAME_NS * 1.1 / 1e9;
                assertTrue(Math.abs(x - previousX) <= SPEED * dtSeconds * (1 + Interpolator.MAX_TIME_SCALE_DEVIATION) +
                    0.011, "frame " + frame + ": jump from " + previousX + " to " + x + ", " + out);
                assertTrue(x >= previousX, "frame " + frame + ": went backwards from " + previousX + " to " + x);
                checkedFrames++;
            }
            previousX = x;
        }
        assertTrue(checkedFrames > 1000);
        // Only the 100 ms stragglers (2%, beyond the 90th percentile the delay covers) need extrapolation.
        assertTrue(extrapolatedFrames < 120, "rarely extrapolates: " + extrapolatedFrames);
        final double delayTicks = interp.targetDelayNanos() / (TICK_MS * MS);
        // Two ticks plus the 90th percentile lateness: at most the 30 ms jitter plus a 100 ms straggler.
        assertTrue(delayTicks >= 2.0 && delayTicks <= 2.0 + 130 / TICK_MS, "delay in ticks " + delayTicks);
        assertEquals(TICK_MS * MS, interp.snapshotIntervalNanos(), 0.2 * MS);
    }

    @Test
    void shouldSettleOnTwoTicksWithoutJitterAndAddMeasuredJitter()
    {
        long now = 0;
        for (int tick = 1; tick < 90; tick++)
        {
            interp.onState(world(tick), serverTimeMs(tick) * MS + 5 * MS);
        }
        assertEquals(2 * TICK_MS * MS, interp.targetDelayNanos(), MS);

        final Interpolator jittery = new Interpolator(SCHEMA, TICK_RATE_HZ, 2.0, 500, 250);
        for (int tick = 1; tick < 90; tick++)
        {
            jittery.onState(world(tick), serverTimeMs(tick) * MS + (tick % 2 == 0 ? 45 : 5) * MS);
        }
        assertEquals(2 * TICK_MS * MS + 40 * MS, jittery.targetDelayNanos(), MS);

        for (int f = 0; f < 600; f++)
        {
            now = serverTimeMs(89) * MS + f * FRAME_NS;
            jittery.sample(now, out);
        }
        assertEquals(jittery.targetDelayNanos(), jittery.delayNanos(), MS, "render clock steered to the target");
    }

    @Test
    void shouldExtrapolateForAtMostTheLimitThenHold()
    {
        for (int tick = 1; tick <= 30; tick++)
        {
            interp.onState(world(tick), serverTimeMs(tick) * MS);
        }
        final long newestMs = serverTimeMs(30);
        long now = newestMs * MS;
        interp.sample(now, out);
        double lastX = Double.NaN;
        for (int f = 0; f < 60; f++)
        {
            now += FRAME_NS;
            interp.sample(now, out);
            assertTrue(out.renderServerTimeMs() <= newestMs + 250 + 1e-6);
            lastX = out.getDouble(out.indexOf(1), X);
        }

        assertEquals(250, out.extrapolationMs(), 1e-6);
        assertEquals(-200 + SPEED * (newestMs + 250) / 1000.0, lastX, 0.02, "extrapolated along the motion");
        now += 10 * FRAME_NS;
        interp.sample(now, out);
        assertEquals(lastX, out.getDouble(out.indexOf(1), X), 1e-9, "holds after the limit");
    }

    @Test
    void shouldInterpolateAnglesTheShortWayRound()
    {
        final WorldState a = world(1);
        final WorldState b = world(2);
        a.valueArray()[HEADING.firstSlot()] = HEADING.quantize(Math.toRadians(350));
        b.valueArray()[HEADING.firstSlot()] = HEADING.quantize(Math.toRadians(10));
        interp.onState(a, 0);
        interp.onState(b, 1);
        interp.onState(world(3), 2);

        long now = serverTimeMs(1) * MS;
        boolean sawMiddle = false;
        for (int f = 0; f < 10; f++)
        {
            final long render = serverTimeMs(1) * MS + f * 3 * MS;
            interpAt(render);
            final double deg = Math.toDegrees(out.getDouble(0, HEADING));
            assertTrue(deg >= 349.6 || deg <= 10.4, "short way: " + deg + " at alpha " + out.alpha());
            sawMiddle |= deg < 1 || deg > 359;
            now = render;
        }
        assertTrue(sawMiddle, "passes through 0");
        assertEquals(0, Interpolator.shortestTurn(Math.toRadians(350), Math.toRadians(350)), 1e-12);
        assertEquals(Math.toRadians(20), Interpolator.shortestTurn(Math.toRadians(350), Math.toRadians(10)), 1e-9);
        assertEquals(Math.toRadians(-20), Interpolator.shortestTurn(Math.toRadians(10), Math.toRadians(350)), 1e-9);
    }

    /** Render exactly at a server time, bypassing the render clock. */
    private void interpAt(final long renderServerNs)
    {
        interp.sampleAt(renderServerNs, out);
    }

    @Test
    void shouldSlerpQuaternionsAndStepInts()
    {
        final WorldState a = world(1);
        final WorldState b = world(2);
        ROT.quantizeQuaternion(0, 0, 0, 1, a.valueArray(), ROT.firstSlot());
        final double half = Math.toRadians(90) / 2;
        ROT.quantizeQuaternion(0, 0, Math.sin(half), Math.cos(half), b.valueArray(), ROT.firstSlot());
        a.valueArray()[KIND.firstSlot()] = KIND.quantizeInt(1);
        b.valueArray()[KIND.firstSlot()] = KIND.quantizeInt(2);
        interp.onState(a, 0);
        interp.onState(b, 1);

        interpAt((serverTimeMs(1) * MS + serverTimeMs(2) * MS) / 2);

        final double[] q = new double[4];
        out.getQuaternion(0, ROT, q);
        final double quarter = Math.toRadians(45) / 2;
        assertEquals(Math.sin(quarter), q[2], 2e-3);
        assertEquals(Math.cos(quarter), q[3], 2e-3);
        assertEquals(1.0, q[0] * q[0] + q[1] * q[1] + q[2] * q[2] + q[3] * q[3], 1e-9);
        assertEquals(1, out.getInt(0, KIND), "ints step: the older snapshot's value until the newer one's time");
    }

    @Test
    void shouldShowEntitiesFromTheirFirstSnapshotOn()
    {
        for (int tick = 38; tick <= 42; tick++)
        {
            interp.onState(world(tick), tick);
        }
        interpAt(serverTimeMs(39) * MS + 10 * MS);
        assertEquals(1, out.count(), "entity 2 exists from tick 40");
        interpAt(serverTimeMs(40) * MS + 10 * MS);
        assertEquals(2, out.count());
        assertEquals(2, out.entityIdAt(1));
    }

    @Test
    void shouldNotAllocatePerFrame()
    {
        for (int tick = 1; tick <= 60; tick++)
        {
            interp.onState(world(tick), serverTimeMs(tick) * MS);
        }
        long now = serverTimeMs(60) * MS - 200 * MS;
        for (int f = 0; f < 20_000; f++)
        {
            interp.sample(now + (f % 6) * FRAME_NS, out);
        }
        final com.sun.management.ThreadMXBean threads =
            (com.sun.management.ThreadMXBean)ManagementFactory.getThreadMXBean();
        final long tid = Thread.currentThread().getId();
        final long before = threads.getThreadAllocatedBytes(tid);
        for (int f = 0; f < 10_000; f++)
        {
            interp.sample(now + (f % 6) * FRAME_NS, out);
        }
        final long allocated = threads.getThreadAllocatedBytes(tid) - before;
        assertTrue(allocated < 10_000, "allocated " + allocated + " bytes in 10000 frames");
    }
}
