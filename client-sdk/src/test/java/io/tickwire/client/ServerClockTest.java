package io.tickwire.client;

import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The time-sync estimator with scripted round trips: a server clock at a known offset, paths with known
 * one-way delays, a room ticking at a known phase.
 */
class ServerClockTest
{
    private static final long MS = 1_000_000L;
    private static final int TICK_RATE_HZ = 30;
    private static final long PERIOD_NS = 1_000_000_000L / TICK_RATE_HZ;

    private final ServerClock clock = new ServerClock(TICK_RATE_HZ);
    private final long offsetNs = 5_000_000_000L;
    private final long tickZeroServerNs = 1_234_567_890L;

    /** One round trip sent at local {@code sentNs} with the given one-way delays. */
    private boolean roundTrip(final long sentNs, final long upNs, final long downNs)
    {
        final long serverNs = sentNs + upNs + offsetNs;
        final int tick = (int)Math.floorDiv(serverNs - tickZeroServerNs, PERIOD_NS);
        return clock.onPong(sentNs, sentNs + upNs + downNs, serverNs, tick);
    }

    @Test
    void shouldTakeOffsetFromLowestRoundTripSamples()
    {
        final Random random = new Random(1);
        long t = 10_000 * MS;
        for (int i = 0; i < 40; i++)
        {
            // Asymmetric paths: the slow samples are slow one way only, so their offsets are off by up to 20 ms.
            final long up = MS + (i % 3 == 0 ? 0 : random.nextInt(40) * MS);
            roundTrip(t, up, MS);
            t += 100 * MS;
        }

        assertTrue(clock.isSynchronized());
        assertTrue(Math.abs(clock.offsetNanos() - offsetNs) < MS / 2, "offset error " + (clock.offsetNanos() - offsetNs));
        assertEquals(t + offsetNs, clock.estimatedServerTimeNanos(t), MS);
    }

    @Test
    void shouldRejectRoundTripOutliersButAdoptLastingChange()
    {
        long t = 0;
        for (int i = 0; i < 8; i++)
        {
            assertTrue(roundTrip(t, 1 * MS, 1 * MS));
            t += 100 * MS;
        }
        final long offsetBefore = clock.offsetNanos();

        assertFalse(roundTrip(t, 300 * MS, 1 * MS), "a 301 ms round trip among 2 ms ones is an outlier");

        assertEquals(1, clock.rejectedSamples());
        assertEquals(2 * MS, clock.rttNanos(), MS / 10);
        assertEquals(offsetBefore, clock.offsetNanos(), "outlier does not move the offset");

        for (int i = 0; i < 2 * ServerClock.WINDOW; i++)
        {
            t += 100 * MS;
            roundTrip(t, 25 * MS, 25 * MS);
        }
        assertTrue(clock.rttNanos() > 40 * MS, "the new path is adopted: rtt=" + clock.rttNanos());
        assertTrue(Math.abs(clock.offsetNanos() - offsetNs) < MS, "symmetric path keeps the offset");
    }

    @Test
    void shouldMeasureJitterAsMeanDeviationOfRoundTrips()
    {
        long t = 0;
        for (int i = 0; i < 64; i++)
        {
            roundTrip(t, (i % 2 == 0 ? 1 : 5) * MS, MS);
            t += 100 * MS;
        }

        assertEquals(4 * MS, clock.rttNanos(), MS);
        assertTrue(clock.jitterNanos() > MS && clock.jitterNanos() < 3 * MS, "jitter " + clock.jitterNanos());
    }

    @Test
    void shouldEstimateFractionalTickFromPongsAtRandomPhases()
    {
        final Random random = new Random(7);
        long t = 50 * MS;
        for (int i = 0; i < ServerClock.WINDOW; i++)
        {
            roundTrip(t, MS, MS);
            t += 100 * MS + random.nextInt(30) * MS;
        }

        for (int k = 0; k < 10; k++)
        {
            final long local = t + k * 7 * MS;
            final double expected = (double)(local + offsetNs - tickZeroServerNs) / PERIOD_NS;
            assertEquals(expected, clock.estimatedServerTick(local), 0.15, "tick at local " + local);
        }
    }

    @Test
    void shouldFollowTheRoomWhenTicksWereSkipped()
    {
        long t = 0;
        for (int i = 0; i < 10; i++)
        {
            roundTrip(t, MS, MS);
            t += 110 * MS;
        }
        // The room skipped two ticks: from now on tick n happens two periods later.
        for (int i = 0; i < 6; i++)
        {
            final long serverNs = t + MS + offsetNs;
            final int tick = (int)Math.floorDiv(serverNs - tickZeroServerNs, PERIOD_NS) - 2;
            clock.onPong(t, t + 2 * MS, serverNs, tick);
            t += 110 * MS;
        }

        final double expected = (double)(t + offsetNs - tickZeroServerNs) / PERIOD_NS - 2;
        assertEquals(expected, clock.estimatedServerTick(t), 0.5);
    }

    @Test
    void shouldReportNothingBeforeTheFirstSample()
    {
        assertFalse(clock.isSynchronized());
        assertEquals(-1, clock.rttNanos());
        assertTrue(Double.isNaN(clock.estimatedServerTick(0)));
    }
}
