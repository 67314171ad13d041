package io.tickwire.loadtest;

import org.HdrHistogram.Histogram;
import org.HdrHistogram.HistogramIterationValue;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * Percentiles of one latency histogram in milliseconds, plus its percentile distribution curve for the
 * HTML plot. Every value is NaN when nothing was recorded. Immutable.
 *
 * @param count   values recorded.
 * @param minMs   smallest.
 * @param meanMs  mean.
 * @param p50Ms   median.
 * @param p90Ms   90th percentile.
 * @param p99Ms   99th percentile.
 * @param p999Ms  99.9th percentile.
 * @param maxMs   largest.
 * @param curve   points {percentile, value in ms} from 0 to 100, ascending.
 */
record LatencySummary(
    long count,
    double minMs,
    double meanMs,
    double p50Ms,
    double p90Ms,
    double p99Ms,
    double p999Ms,
    double maxMs,
    List<double[]> curve)
{
    private static final int PERCENTILE_TICKS_PER_HALF_DISTANCE = 5;
    private static final double US_PER_MS = 1000.0;

    /**
     * @param histogram values in microseconds.
     * @return its summary.
     */
    static LatencySummary of(final Histogram histogram)
    {
        final long count = histogram.getTotalCount();
        if (count == 0)
        {
            return new LatencySummary(0, Double.NaN, Double.NaN, Double.NaN, Double.NaN, Double.NaN, Double.NaN,
                Double.NaN, List.of());
        }
        final List<double[]> curve = new ArrayList<>();
        for (final HistogramIterationValue v : histogram.percentiles(PERCENTILE_TICKS_PER_HALF_DISTANCE))
        {
            curve.add(new double[]{ v.getPercentileLevelIteratedTo(), v.getValueIteratedTo() / US_PER_MS });
        }
        return new LatencySummary(
            count,
            histogram.getMinValue() / US_PER_MS,
            histogram.getMean() / US_PER_MS,
            histogram.getValueAtPercentile(50) / US_PER_MS,
            histogram.getValueAtPercentile(90) / US_PER_MS,
            histogram.getValueAtPercentile(99) / US_PER_MS,
            histogram.getValueAtPercentile(99.9) / US_PER_MS,
            histogram.getMaxValue() / US_PER_MS,
            Collections.unmodifiableList(curve));
    }

    /**
     * @param histogram values in microseconds, may be null.
     * @param percentile 0..100.
     * @return the value at that percentile in ms, NaN when empty.
     */
    static double percentileMs(final Histogram histogram, final double percentile)
    {
        return histogram == null || histogram.getTotalCount() == 0 ?
            Double.NaN : histogram.getValueAtPercentile(percentile) / US_PER_MS;
    }
}
