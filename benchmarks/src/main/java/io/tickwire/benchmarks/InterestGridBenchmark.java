package io.tickwire.benchmarks;

import io.tickwire.server.room.view.InterestGrid;
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
 * The interest grid's share of one big-world tick (issue #14): {@code entities} movers on a
 * 2 km x 2 km map (cells of 64 m, view radius 2 cells, so a view is 320 m square), each moving up
 * to 10 m/s at 30 Hz and wrapping at the edges; per tick the grid is rebuilt from scratch and
 * {@code views} viewpoints (the first {@code views} entities, the players) collect their view, in
 * entity index order.
 * <p>
 * {@code tick}: move + rebuild + every collect, one room tick's grid work. {@code rebuild}: move +
 * rebuild only. {@code collectOne}: one view on a built grid. The move is a few adds per entity, in
 * every variant that rebuilds, so positions change as in a game. Nothing is allocated per operation;
 * check {@code gc.alloc.rate.norm} with {@code -prof gc}.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-exports", "java.base/jdk.internal.misc=ALL-UNNAMED"})
public class InterestGridBenchmark
{
    private static final double HALF_SIZE_M = 1000.0;
    private static final double CELL_SIZE_M = 64.0;
    private static final int VIEW_RADIUS_CELLS = 2;
    private static final double MAX_SPEED_M_PER_S = 10.0;
    private static final double TICK_S = 1.0 / 30;

    @Param({"2000"})
    public int entities;

    @Param({"10", "100", "200"})
    public int views;

    private InterestGrid grid;
    private double[] xs;
    private double[] ys;
    private double[] dxs;
    private double[] dys;
    private int[] out;
    private int collectCursor;

    @Setup
    public void setup()
    {
        final SplittableRandom random = new SplittableRandom(20261126L);
        grid = new InterestGrid(CELL_SIZE_M, VIEW_RADIUS_CELLS);
        xs = new double[entities];
        ys = new double[entities];
        dxs = new double[entities];
        dys = new double[entities];
        for (int i = 0; i < entities; i++)
        {
            xs[i] = (random.nextDouble() * 2 - 1) * HALF_SIZE_M;
            ys[i] = (random.nextDouble() * 2 - 1) * HALF_SIZE_M;
            final double heading = random.nextDouble() * 2 * Math.PI;
            final double step = random.nextDouble() * MAX_SPEED_M_PER_S * TICK_S;
            dxs[i] = Math.cos(heading) * step;
            dys[i] = Math.sin(heading) * step;
        }
        out = new int[entities];
        rebuild();
    }

    /**
     * @return entities seen over all views, so the work cannot be eliminated.
     */
    @Benchmark
    public long tick()
    {
        rebuild();
        long seen = 0;
        for (int v = 0; v < views; v++)
        {
            seen += grid.collect(grid.cellOf(xs[v], ys[v]), out);
        }
        return seen;
    }

    /**
     * @return occupied cells.
     */
    @Benchmark
    public int rebuild()
    {
        final InterestGrid g = grid;
        g.clear();
        for (int i = 0; i < entities; i++)
        {
            double x = xs[i] + dxs[i];
            double y = ys[i] + dys[i];
            x = x > HALF_SIZE_M ? x - 2 * HALF_SIZE_M : x < -HALF_SIZE_M ? x + 2 * HALF_SIZE_M : x;
            y = y > HALF_SIZE_M ? y - 2 * HALF_SIZE_M : y < -HALF_SIZE_M ? y + 2 * HALF_SIZE_M : y;
            xs[i] = x;
            ys[i] = y;
            g.add(i, x, y);
        }
        return g.occupiedCells();
    }

    /**
     * @return entities in one view (the viewpoints taken in turn).
     */
    @Benchmark
    public int collectOne()
    {
        final int v = collectCursor;
        collectCursor = v + 1 == views ? 0 : v + 1;
        return grid.collect(grid.cellOf(xs[v], ys[v]), out);
    }
}
