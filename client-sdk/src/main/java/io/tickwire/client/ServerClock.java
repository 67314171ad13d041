package io.tickwire.client;

import java.util.Arrays;

/**
 * The client's estimate of the server's clock and tick, from {@code Ping}/{@code Pong} round trips.
 * <p>
 * Each pong is one sample: {@code rtt = received - sent} (both {@link System#nanoTime()}), and
 * {@code offset = serverTimeNs - (sent + rtt / 2)}, the server clock minus the local clock assuming a
 * symmetric path. The estimator keeps the last {@link #WINDOW} samples and:
 * <ul>
 * <li><b>Rejects outliers:</b> once {@link #MIN_SAMPLES} samples are in, a sample whose round trip is more
 * than twice the window's median plus 1 ms is kept in the window (so a lasting change of the path
 * becomes the new median) but does not feed the RTT, jitter or offset estimates.</li>
 * <li><b>Offset:</b> the mean offset of the {@link #BEST_SAMPLES} lowest-RTT samples of the window (the
 * offset error of a sample is at most half its RTT, so the fastest are the truest; NTP's filter), then
 * an EWMA with gain 1/4; a step of more than 100 ms is taken at once.</li>
 * <li><b>RTT and jitter:</b> TCP's smoothed RTT and mean deviation (RFC 6298: gains 1/8 and 1/4).</li>
 * <li><b>Tick:</b> a pong says the room's tick was {@code n} at server time {@code S}, so the server time
 * {@code B} of tick 0 (ticks running every {@code P} ns) lies in {@code (S - (n+1)P, S - nP]}. The
 * estimator intersects these intervals over the newest samples that agree (a skipped tick makes older
 * samples disagree; they are dropped) and takes the middle; samples taken at random phases narrow it
 * quickly. The tick is a pure server-clock fact, so every sample counts, outliers included.</li>
 * </ul>
 * The SDK pings automatically (see {@link ClientOptions#pingIntervalMs()}); explicit
 * {@link RoomSession#ping()} calls feed the estimator too.
 * <p>
 * Threads: samples are added on the connection's event loop; every public getter is safe on any thread
 * and reads one consistent estimate (published as an immutable value).
 */
public final class ServerClock
{
    /** Samples kept. */
    public static final int WINDOW = 16;
    /** Lowest-RTT samples averaged for the offset. */
    public static final int BEST_SAMPLES = 4;
    /** Accepted samples before {@link #isSynchronized()} and before outliers are rejected. */
    public static final int MIN_SAMPLES = 4;

    private static final long OUTLIER_MARGIN_NS = 1_000_000L;
    private static final double OFFSET_GAIN = 0.25;
    private static final long OFFSET_STEP_NS = 100_000_000L;

    private final long tickPeriodNs;
    private final long[] sentNs = new long[WINDOW];
    private final long[] rttNs = new long[WINDOW];
    private final long[] offsetNs = new long[WINDOW];
    private final long[] serverNs = new long[WINDOW];
    private final long[] serverTick = new long[WINDOW];
    private final long[] scratch = new long[WINDOW];
    private final int[] order = new int[WINDOW];
    private int head;
    private int count;
    private long accepted;
    private long rejected;
    private double smoothedOffsetNs;
    private double srttNs;
    private double rttVarNs;
    private volatile Estimate estimate = Estimate.NONE;

    /**
     * @param tickRateHz the room's tick rate, from {@code Welcome}.
     */
    ServerClock(final int tickRateHz)
    {
        if (tickRateHz <= 0)
        {
            throw new IllegalArgumentException("tickRateHz must be positive: tickRateHz=" + tickRateHz);
        }
        this.tickPeriodNs = 1_000_000_000L / tickRateHz;
    }

    /**
     * Add one round trip. Thread: the event loop (tests: any one thread).
     *
     * @param pingSentNs   local {@link System#nanoTime()} when the ping was written (its {@code client_time}).
     * @param pongRecvNs   local {@link System#nanoTime()} when the pong was read.
     * @param serverTimeNs the pong's {@code server_time_ns}.
     * @param tick         the pong's {@code server_tick}.
     * @return true when the sample fed the RTT and offset estimates, false when rejected.
     */
    boolean onPong(final long pingSentNs, final long pongRecvNs, final long serverTimeNs, final int tick)
    {
        final long rtt = pongRecvNs - pingSentNs;
        if (rtt < 0)
        {
            rejected++;
            publish();
            return false;
        }
        final boolean outlier = accepted >= MIN_SAMPLES && rtt > 2 * medianRtt() + OUTLIER_MARGIN_NS;

        sentNs[head] = pingSentNs;
        rttNs[head] = rtt;
        offsetNs[head] = serverTimeNs - (pingSentNs + rtt / 2);
        serverNs[head] = serverTimeNs;
        serverTick[head] = Integer.toUnsignedLong(tick);
        head = (head + 1) % WINDOW;
        if (count < WINDOW)
        {
            count++;
        }

        if (outlier)
        {
            rejected++;
        }
        else
        {
            if (accepted == 0)
            {
                srttNs = rtt;
                rttVarNs = rtt / 2.0;
            }
            else
            {
                rttVarNs += (Math.abs(rtt - srttNs) - rttVarNs) * 0.25;
                srttNs += (rtt - srttNs) * 0.125;
            }
            final double rawOffset = bestOffset();
            if (accepted == 0 || Math.abs(rawOffset - smoothedOffsetNs) > OFFSET_STEP_NS)
            {
                smoothedOffsetNs = rawOffset;
            }
            else
            {
                smoothedOffsetNs += (rawOffset - smoothedOffsetNs) * OFFSET_GAIN;
            }
            accepted++;
        }
        publish();
        return !outlier;
    }

    private long medianRtt()
    {
        int n = 0;
        for (int i = 0; i < count; i++)
        {
            scratch[n++] = rttNs[i];
        }
        Arrays.sort(scratch, 0, n);
        return scratch[n / 2];
    }

    private double bestOffset()
    {
        // Selection of the BEST_SAMPLES lowest round trips; WINDOW is small, so a partial selection sort.
        for (int i = 0; i < count; i++)
        {
            order[i] = i;
        }
        final int best = Math.min(BEST_SAMPLES, count);
        double sum = 0;
        for (int k = 0; k < best; k++)
        {
            int min = k;
            for (int j = k + 1; j < count; j++)
            {
                if (rttNs[order[j]] < rttNs[order[min]])
                {
                    min = j;
                }
            }
            final int t = order[k];
            order[k] = order[min];
            order[min] = t;
            sum += offsetNs[order[k]];
        }
        return sum / best;
    }

    private void publish()
    {
        if (accepted == 0)
        {
            estimate = new Estimate(0, -1, -1, Double.NaN, accepted, rejected);
            return;
        }
        // Tick 0's server time from the newest samples that agree with each other.
        double low = Double.NEGATIVE_INFINITY;
        double high = Double.POSITIVE_INFINITY;
        for (int k = 0; k < count; k++)
        {
            final int i = Math.floorMod(head - 1 - k, WINDOW);
            final double sampleLow = serverNs[i] - (serverTick[i] + 1.0) * tickPeriodNs;
            final double sampleHigh = serverNs[i] - (double)serverTick[i] * tickPeriodNs;
            final double newLow = Math.max(low, sampleLow);
            final double newHigh = Math.min(high, sampleHigh);
            if (newLow > newHigh)
            {
                break;
            }
            low = newLow;
            high = newHigh;
        }
        estimate = new Estimate(
            Math.round(smoothedOffsetNs), Math.round(srttNs), Math.round(rttVarNs), (low + high) / 2.0, accepted,
            rejected);
    }

    /**
     * @return true once {@link #MIN_SAMPLES} round trips were accepted.
     */
    public boolean isSynchronized()
    {
        return estimate.accepted >= MIN_SAMPLES;
    }

    /**
     * @return round trips accepted.
     */
    public long acceptedSamples()
    {
        return estimate.accepted;
    }

    /**
     * @return round trips rejected as outliers (or with a negative RTT).
     */
    public long rejectedSamples()
    {
        return estimate.rejected;
    }

    /**
     * @return the room's tick period in nanoseconds (from {@code Welcome}'s tick rate).
     */
    public long tickPeriodNanos()
    {
        return tickPeriodNs;
    }

    /**
     * @return server clock minus local {@link System#nanoTime()}, in nanoseconds; 0 before the first sample.
     */
    public long offsetNanos()
    {
        return estimate.offsetNs;
    }

    /**
     * @return smoothed round-trip time in nanoseconds, -1 before the first sample.
     */
    public long rttNanos()
    {
        return estimate.rttNs;
    }

    /**
     * @return round-trip jitter (mean deviation of the RTT) in nanoseconds, -1 before the first sample.
     */
    public long jitterNanos()
    {
        return estimate.jitterNs;
    }

    /**
     * @return the server's clock now ({@code Pong.server_time_ns}'s clock: nanoseconds since the server
     * process started), estimated; meaningful once a sample arrived.
     */
    public long estimatedServerTimeNanos()
    {
        return estimatedServerTimeNanos(System.nanoTime());
    }

    /**
     * @param localNanos a local {@link System#nanoTime()}.
     * @return the server's clock at that local time, estimated.
     */
    public long estimatedServerTimeNanos(final long localNanos)
    {
        return localNanos + estimate.offsetNs;
    }

    /**
     * @return the room's tick now, fractional ({@code 41.5}: half way from tick 41 to tick 42), or
     * {@link Double#NaN} before the first sample.
     */
    public double estimatedServerTick()
    {
        return estimatedServerTick(System.nanoTime());
    }

    /**
     * @param localNanos a local {@link System#nanoTime()}.
     * @return the room's fractional tick at that local time, or {@link Double#NaN} before the first sample.
     */
    public double estimatedServerTick(final long localNanos)
    {
        final Estimate e = estimate;
        return (localNanos + e.offsetNs - e.tickZeroServerNs) / tickPeriodNs;
    }

    @Override
    public String toString()
    {
        final Estimate e = estimate;
        return "ServerClock{offsetNs=" + e.offsetNs + ", rttNs=" + e.rttNs + ", jitterNs=" + e.jitterNs +
            ", accepted=" + e.accepted + ", rejected=" + e.rejected + '}';
    }

    private static final class Estimate
    {
        static final Estimate NONE = new Estimate(0, -1, -1, Double.NaN, 0, 0);

        final long offsetNs;
        final long rttNs;
        final long jitterNs;
        final double tickZeroServerNs;
        final long accepted;
        final long rejected;

        Estimate(
            final long offsetNs,
            final long rttNs,
            final long jitterNs,
            final double tickZeroServerNs,
            final long accepted,
            final long rejected)
        {
            this.offsetNs = offsetNs;
            this.rttNs = rttNs;
            this.jitterNs = jitterNs;
            this.tickZeroServerNs = tickZeroServerNs;
            this.accepted = accepted;
            this.rejected = rejected;
        }
    }
}
