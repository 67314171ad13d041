package io.tickwire.loadtest;

import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

/**
 * The swarm's shared measurements. Bots record from their event loops; the control thread swaps out
 * interval histograms once a second and accumulates them into run totals.
 * <p>
 * Threads: the {@code record*}, {@link #error}, {@link #onConnected} and {@link #onDisconnected} methods
 * are safe on any thread (HdrHistogram {@link Recorder}s take concurrent writers; counters are atomics and
 * adders). {@link #sampleInterval}, {@link #startMeasuring} and the accumulated histograms (whole run, and
 * the measured window after ramp-up and warm-up) belong to the control thread.
 */
final class SwarmMetrics
{
    /** Largest value a histogram holds, in microseconds; larger values are clamped to it. */
    static final long HIGHEST_TRACKABLE_US = TimeUnit.MINUTES.toMicros(10);
    private static final int SIGNIFICANT_DIGITS = 3;

    private final Recorder inputRtt = newRecorder();
    private final Recorder pingRtt = newRecorder();
    private final Recorder snapshotInterval = newRecorder();
    private final Recorder snapshotJitter = newRecorder();
    private final Recorder connectTime = newRecorder();

    private final Histogram totalInputRtt = newHistogram();
    private final Histogram totalPingRtt = newHistogram();
    private final Histogram totalSnapshotInterval = newHistogram();
    private final Histogram totalSnapshotJitter = newHistogram();
    private final Histogram totalConnectTime = newHistogram();

    private final Histogram measuredInputRtt = newHistogram();
    private final Histogram measuredPingRtt = newHistogram();
    private final Histogram measuredSnapshotInterval = newHistogram();
    private final Histogram measuredSnapshotJitter = newHistogram();
    private boolean measuring;

    private Histogram intervalInputRtt;
    private Histogram intervalPingRtt;
    private Histogram intervalSnapshotInterval;
    private Histogram intervalSnapshotJitter;
    private Histogram intervalConnectTime;

    private final ConcurrentHashMap<String, ErrorEntry> errors = new ConcurrentHashMap<>();
    private final LongAdder errorCount = new LongAdder();
    private final AtomicInteger connected = new AtomicInteger();
    private final AtomicInteger peakConnected = new AtomicInteger();
    private final AtomicInteger joined = new AtomicInteger();
    private final AtomicInteger joinFailures = new AtomicInteger();
    private final AtomicInteger disconnects = new AtomicInteger();
    private final LongAdder inputsExpired = new LongAdder();
    private volatile int tickRateHz;

    private static Recorder newRecorder()
    {
        return new Recorder(1, HIGHEST_TRACKABLE_US, SIGNIFICANT_DIGITS);
    }

    private static Histogram newHistogram()
    {
        return new Histogram(1, HIGHEST_TRACKABLE_US, SIGNIFICANT_DIGITS);
    }

    private static void record(final Recorder recorder, final long nanos)
    {
        recorder.recordValue(Math.max(1, Math.min(HIGHEST_TRACKABLE_US, nanos / 1000)));
    }

    /** @param nanos input round trip. */
    void recordInputRtt(final long nanos)
    {
        record(inputRtt, nanos);
    }

    /** @param nanos ping round trip. */
    void recordPingRtt(final long nanos)
    {
        record(pingRtt, nanos);
    }

    /**
     * @param intervalNanos time since the bot's previous snapshot.
     * @param periodNanos   the room's tick period.
     */
    void recordSnapshotInterval(final long intervalNanos, final long periodNanos)
    {
        record(snapshotInterval, intervalNanos);
        record(snapshotJitter, Math.abs(intervalNanos - periodNanos));
    }

    /** @param nanos from starting the connect to {@code Welcome}. */
    void recordConnectTime(final long nanos)
    {
        record(connectTime, nanos);
    }

    /** @param count inputs that expired unanswered. */
    void recordInputsExpired(final long count)
    {
        inputsExpired.add(count);
    }

    /**
     * A bot joined.
     *
     * @param roomTickRateHz the room's tick rate from {@code Welcome}.
     */
    void onConnected(final int roomTickRateHz)
    {
        tickRateHz = roomTickRateHz;
        joined.incrementAndGet();
        final int now = connected.incrementAndGet();
        peakConnected.accumulateAndGet(now, Math::max);
    }

    /**
     * A joined bot's connection closed.
     *
     * @param unexpected true when the swarm was not stopping.
     */
    void onDisconnected(final boolean unexpected)
    {
        connected.decrementAndGet();
        if (unexpected)
        {
            disconnects.incrementAndGet();
        }
    }

    /** A join failed. */
    void onJoinFailed()
    {
        joinFailures.incrementAndGet();
    }

    /**
     * Count one error.
     *
     * @param kind    what failed: {@code join}, {@code error} (an {@code Error} or SDK protocol error),
     *                {@code disconnect} (closed while the swarm was running).
     * @param code    close or error code.
     * @param message the first message of this kind and code is kept as a sample.
     */
    void error(final String kind, final int code, final String message)
    {
        errors.computeIfAbsent(kind + "/" + code, k -> new ErrorEntry(kind, code, message)).count.increment();
        errorCount.increment();
    }

    /**
     * Swap out the interval histograms; read them with the {@code interval*} getters. Control thread.
     */
    void sampleInterval()
    {
        intervalInputRtt = inputRtt.getIntervalHistogram(intervalInputRtt);
        intervalPingRtt = pingRtt.getIntervalHistogram(intervalPingRtt);
        intervalSnapshotInterval = snapshotInterval.getIntervalHistogram(intervalSnapshotInterval);
        intervalSnapshotJitter = snapshotJitter.getIntervalHistogram(intervalSnapshotJitter);
        intervalConnectTime = connectTime.getIntervalHistogram(intervalConnectTime);
        totalInputRtt.add(intervalInputRtt);
        totalPingRtt.add(intervalPingRtt);
        totalSnapshotInterval.add(intervalSnapshotInterval);
        totalSnapshotJitter.add(intervalSnapshotJitter);
        totalConnectTime.add(intervalConnectTime);
        if (measuring)
        {
            measuredInputRtt.add(intervalInputRtt);
            measuredPingRtt.add(intervalPingRtt);
            measuredSnapshotInterval.add(intervalSnapshotInterval);
            measuredSnapshotJitter.add(intervalSnapshotJitter);
        }
    }

    /**
     * Start the measured window: what was recorded so far goes to the whole-run totals only, everything
     * from now on to the measured histograms as well. Control thread.
     */
    void startMeasuring()
    {
        sampleInterval();
        measuring = true;
    }

    Histogram measuredInputRtt()
    {
        return measuredInputRtt;
    }

    Histogram measuredPingRtt()
    {
        return measuredPingRtt;
    }

    Histogram measuredSnapshotInterval()
    {
        return measuredSnapshotInterval;
    }

    Histogram measuredSnapshotJitter()
    {
        return measuredSnapshotJitter;
    }

    Histogram intervalInputRtt()
    {
        return intervalInputRtt;
    }

    Histogram intervalPingRtt()
    {
        return intervalPingRtt;
    }

    Histogram intervalSnapshotJitter()
    {
        return intervalSnapshotJitter;
    }

    Histogram totalInputRtt()
    {
        return totalInputRtt;
    }

    Histogram totalPingRtt()
    {
        return totalPingRtt;
    }

    Histogram totalSnapshotInterval()
    {
        return totalSnapshotInterval;
    }

    Histogram totalSnapshotJitter()
    {
        return totalSnapshotJitter;
    }

    Histogram totalConnectTime()
    {
        return totalConnectTime;
    }

    long errorCount()
    {
        return errorCount.sum();
    }

    int connected()
    {
        return connected.get();
    }

    int peakConnected()
    {
        return peakConnected.get();
    }

    int joined()
    {
        return joined.get();
    }

    int joinFailures()
    {
        return joinFailures.get();
    }

    int disconnects()
    {
        return disconnects.get();
    }

    long inputsExpired()
    {
        return inputsExpired.sum();
    }

    int tickRateHz()
    {
        return tickRateHz;
    }

    /**
     * @return errors by kind and code, most frequent first.
     */
    List<ErrorSummary> errors()
    {
        final List<ErrorSummary> list = new ArrayList<>();
        for (final ErrorEntry e : errors.values())
        {
            list.add(new ErrorSummary(e.kind, e.code, CloseCodeNames.name(e.code), e.count.sum(), e.sample));
        }
        list.sort(Comparator.comparingLong(ErrorSummary::count).reversed()
            .thenComparing(ErrorSummary::kind).thenComparingInt(ErrorSummary::code));
        return list;
    }

    private static final class ErrorEntry
    {
        final String kind;
        final int code;
        final String sample;
        final LongAdder count = new LongAdder();

        ErrorEntry(final String kind, final int code, final String sample)
        {
            this.kind = kind;
            this.code = code;
            this.sample = sample == null ? "" : sample;
        }
    }

    /**
     * Errors of one kind and code. Immutable.
     *
     * @param kind   {@code join}, {@code error} or {@code disconnect}.
     * @param code   close or error code.
     * @param name   the code's name.
     * @param count  how many.
     * @param sample the first message.
     */
    record ErrorSummary(String kind, int code, String name, long count, String sample)
    {
    }
}
