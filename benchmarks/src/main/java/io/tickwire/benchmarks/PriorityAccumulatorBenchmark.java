package io.tickwire.benchmarks;

import io.tickwire.server.room.view.PriorityAccumulator;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;

/**
 * One connection's budget work per tick (issue #14): {@code candidates} changed entities in its view
 * (about 50 in the 2,000-entity big world with 64 m cells and radius 2), each accumulated with
 * {@code typeWeight / distance}, then a selection under 1,067 bytes (256 kbit/s at 30 Hz) with 12 to
 * 60 bytes per entity, then the retain pass that drops ids no longer in view. Nothing is allocated per
 * operation; check {@code gc.alloc.rate.norm} with {@code -prof gc}.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-exports", "java.base/jdk.internal.misc=ALL-UNNAMED"})
public class PriorityAccumulatorBenchmark
{
    private static final int BUDGET_BYTES = 256_000 / 8 / 30;

    @Param({"50", "500"})
    public int candidates;

    private PriorityAccumulator accumulator;
    private int[] ids;
    private int[] costs;
    private float[] weights;
    private int[] chosen;

    @Setup
    public void setup()
    {
        final SplittableRandom random = new SplittableRandom(20261126L);
        accumulator = new PriorityAccumulator();
        ids = new int[candidates];
        costs = new int[candidates];
        weights = new float[candidates];
        chosen = new int[candidates];
        int id = 0;
        for (int i = 0; i < candidates; i++)
        {
            id += 1 + random.nextInt(40);
            ids[i] = id;
            costs[i] = 12 + random.nextInt(49);
            weights[i] = PriorityAccumulator.weight(random.nextBoolean() ? 1f : 4f, random.nextDouble() * 3);
        }
    }

    /**
     * @return entities chosen, so the work cannot be eliminated.
     */
    @Benchmark
    public int tick()
    {
        final PriorityAccumulator acc = accumulator;
        final int n = candidates;
        for (int i = 0; i < n; i++)
        {
            acc.accumulate(ids[i], weights[i]);
        }
        final int picked = acc.select(ids, costs, n, BUDGET_BYTES, chosen);
        acc.retain(ids, n);
        return picked;
    }
}
