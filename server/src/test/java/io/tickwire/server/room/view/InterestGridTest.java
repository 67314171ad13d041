package io.tickwire.server.room.view;

import org.agrona.collections.IntArrayList;
import org.junit.jupiter.api.Test;

import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

class InterestGridTest
{
    private static final long SEED = 0x5EED_6A1DL;

    @Test
    void shouldPlaceNegativeCoordinatesInNegativeCells()
    {
        final InterestGrid grid = new InterestGrid(64, 2);

        assertCell(grid.cellOf(0, 0), 0, 0);
        assertCell(grid.cellOf(63.999, 64.0), 0, 1);
        assertCell(grid.cellOf(-0.001, -64.0), -1, -1);
        assertCell(grid.cellOf(-64.001, 128.5), -2, 2);
        assertCell(grid.cellOf(-1e6, 1e6), -15625, 15625);
    }

    @Test
    void shouldRoundTripPackedCellKeys()
    {
        final int[] values = {0, 1, -1, 12345, -98765, Integer.MAX_VALUE, Integer.MIN_VALUE};
        for (final int x : values)
        {
            for (final int y : values)
            {
                assertCell(InterestGrid.pack(x, y), x, y);
            }
        }
    }

    @Test
    void shouldCollectTheSquareOfCellsInAscendingIndexOrder()
    {
        final InterestGrid grid = new InterestGrid(10, 1);
        // Index order deliberately crosses cells: 0 far right, 1 centre, 2 left neighbour, 3 two cells away.
        grid.add(0, 15, 5);
        grid.add(1, 5, 5);
        grid.add(2, -5, -5);
        grid.add(3, 25, 5);
        grid.add(4, 5, -15);

        final int[] out = new int[grid.size()];
        final int n = grid.collect(grid.cellOf(5, 5), out);

        assertArrayEquals(new int[]{0, 1, 2}, Arrays.copyOf(out, n));
        final int m = grid.collect(grid.cellOf(25, 5), out);
        assertArrayEquals(new int[]{0, 3}, Arrays.copyOf(out, m));
        assertEquals(0, grid.collect(grid.cellOf(500, 500), out));
    }

    @Test
    void shouldSortWithinACellWhenAddedOutOfOrder()
    {
        final InterestGrid grid = new InterestGrid(10, 0);
        grid.add(7, 1, 1);
        grid.add(3, 2, 2);
        grid.add(5, 3, 3);
        grid.add(1, 50, 50);

        final int[] out = new int[grid.size()];
        final int n = grid.collect(grid.cellOf(0, 0), out);

        assertArrayEquals(new int[]{3, 5, 7}, Arrays.copyOf(out, n));
    }

    @Test
    void shouldForgetEverythingOnClear()
    {
        final InterestGrid grid = new InterestGrid(10, 1);
        grid.add(0, 1, 1);
        grid.add(1, 2, 2);
        final int[] out = new int[8];
        assertEquals(2, grid.collect(grid.cellOf(0, 0), out));

        grid.clear();
        assertEquals(0, grid.size());
        assertEquals(0, grid.collect(grid.cellOf(0, 0), out));

        grid.add(4, 100, 100);
        assertEquals(0, grid.collect(grid.cellOf(0, 0), out));
        assertEquals(1, grid.collect(grid.cellOf(100, 100), out));
        assertEquals(4, out[0]);
    }

    @Test
    void shouldSaturateHugeCoordinatesIntoTheEdgeCells()
    {
        final InterestGrid grid = new InterestGrid(1, 1);
        grid.add(0, 1e300, 1e300);
        grid.add(1, Double.POSITIVE_INFINITY, 3e9);
        grid.add(2, -1e300, Double.NEGATIVE_INFINITY);
        grid.add(3, 0, 0);

        assertCell(grid.cellOf(1e300, 1e300), Integer.MAX_VALUE, Integer.MAX_VALUE);
        final int[] out = new int[grid.size()];
        int n = grid.collect(InterestGrid.pack(Integer.MAX_VALUE, Integer.MAX_VALUE), out);
        assertArrayEquals(new int[]{0, 1}, Arrays.copyOf(out, n));
        n = grid.collect(InterestGrid.pack(Integer.MIN_VALUE, Integer.MIN_VALUE), out);
        assertArrayEquals(new int[]{2}, Arrays.copyOf(out, n));
        n = grid.collect(grid.cellOf(0.5, 0.5), out);
        assertArrayEquals(new int[]{3}, Arrays.copyOf(out, n));
    }

    @Test
    void shouldRefuseNanAndBadArguments()
    {
        final InterestGrid grid = new InterestGrid(64, 2);
        assertThrows(IllegalArgumentException.class, () -> grid.add(0, Double.NaN, 0));
        assertThrows(IllegalArgumentException.class, () -> grid.cellOf(0, Double.NaN));
        assertThrows(IllegalArgumentException.class, () -> grid.add(-1, 0, 0));
        assertThrows(IllegalArgumentException.class, () -> new InterestGrid(0, 2));
        assertThrows(IllegalArgumentException.class, () -> new InterestGrid(Double.NaN, 2));
        assertThrows(IllegalArgumentException.class, () -> new InterestGrid(64, -1));
        grid.add(0, 1, 1);
        grid.add(1, 2, 2);
        final IllegalArgumentException ex =
            assertThrows(IllegalArgumentException.class, () -> grid.collect(0L, new int[1]));
        assertEquals("output too small: length=1, entities=2", ex.getMessage());
    }

    /**
     * Random worlds (negative, far from the origin, sparse and dense, added in order or shuffled)
     * against a brute-force cell check, plus the two distance guarantees that do not depend on how
     * cells are computed: everything within {@code r * cellSize} (Chebyshev) of a point of the centre
     * cell is in, nothing farther than {@code (r + 1) * cellSize} is.
     */
    @Test
    void shouldMatchBruteForceOnRandomWorlds()
    {
        final SplittableRandom random = new SplittableRandom(SEED);
        final double[] cellSizes = {0.5, 7.25, 64, 100.125};
        // Grids are reused across trials, so clear() must forget everything before each rebuild.
        final InterestGrid[][] grids = new InterestGrid[cellSizes.length][4];
        for (int trial = 0; trial < 300; trial++)
        {
            final int sizeIndex = random.nextInt(cellSizes.length);
            final double cellSize = cellSizes[sizeIndex];
            // Every 25th trial is dense: views of thousands of entities, past the sort into the run merge.
            final boolean dense = trial % 25 == 0;
            final int r = dense ? 3 : random.nextInt(4);
            if (grids[sizeIndex][r] == null)
            {
                grids[sizeIndex][r] = new InterestGrid(cellSize, r);
            }
            final InterestGrid grid = grids[sizeIndex][r];
            grid.clear();

            final int count = dense ? InterestGrid.SORT_MAX_ENTITIES + 1 + random.nextInt(8000) :
                random.nextInt(4) == 0 ? random.nextInt(10) : random.nextInt(3000);
            final double span = cellSize * (dense ? 2 : 1 + random.nextInt(200));
            final double origin = random.nextBoolean() ? 0 : (random.nextDouble() * 2 - 1) * 1e9;
            final double[] xs = new double[count];
            final double[] ys = new double[count];
            for (int i = 0; i < count; i++)
            {
                xs[i] = origin + (random.nextDouble() * 2 - 1) * span;
                ys[i] = origin + (random.nextDouble() * 2 - 1) * span;
            }
            final int[] addOrder = identity(count);
            if (random.nextBoolean())
            {
                shuffle(addOrder, random);
            }
            for (final int i : addOrder)
            {
                grid.add(i, xs[i], ys[i]);
            }

            final int[] out = new int[count];
            final IntArrayList list = new IntArrayList();
            for (int v = 0; v < 20; v++)
            {
                final double px;
                final double py;
                if (count > 0 && random.nextBoolean())
                {
                    final int at = random.nextInt(count);
                    px = xs[at];
                    py = ys[at];
                }
                else
                {
                    px = origin + (random.nextDouble() * 2 - 1) * span * 1.2;
                    py = origin + (random.nextDouble() * 2 - 1) * span * 1.2;
                }
                final long center = grid.cellOf(px, py);
                final int n = grid.collect(center, out);
                final int[] got = Arrays.copyOf(out, n);
                final int[] expected = bruteForce(xs, ys, cellSize, r, px, py);
                assertArrayEquals(expected, got, () -> "trial cellSize=" + cellSize + " r=" + r + " at " + px +
                    "," + py);
                assertEquals(n, grid.collect(center, list));
                assertArrayEquals(got, list.toIntArray());
                checkDistances(xs, ys, got, cellSize, r, px, py);
            }
        }
    }

    @Test
    void shouldNotAllocateInSteadyState()
    {
        final com.sun.management.ThreadMXBean threads =
            (com.sun.management.ThreadMXBean)ManagementFactory.getThreadMXBean();
        final SplittableRandom random = new SplittableRandom(SEED);
        final InterestGrid grid = new InterestGrid(64, 2);
        final double[] xs = new double[2000];
        final double[] ys = new double[2000];
        for (int i = 0; i < xs.length; i++)
        {
            xs[i] = random.nextDouble() * 2000 - 1000;
            ys[i] = random.nextDouble() * 2000 - 1000;
        }
        final int[] out = new int[xs.length];
        final IntArrayList list = new IntArrayList(xs.length, Integer.MIN_VALUE);
        long sum = 0;
        for (int round = 0; round < 3; round++)
        {
            final long before = threads.getCurrentThreadAllocatedBytes();
            for (int tick = 0; tick < 50; tick++)
            {
                grid.clear();
                for (int i = 0; i < xs.length; i++)
                {
                    grid.add(i, xs[i] + tick, ys[i] - tick);
                }
                for (int v = 0; v < 100; v++)
                {
                    sum += grid.collect(grid.cellOf(xs[v], ys[v]), out);
                    sum += grid.collect(grid.cellOf(ys[v], xs[v]), list);
                }
            }
            final long allocated = threads.getCurrentThreadAllocatedBytes() - before;
            if (round > 0)
            {
                // The first round grows the arrays; later rounds must not allocate (a little slack for the bean).
                assertTrue(allocated < 1024, "allocated " + allocated + " bytes in steady state");
            }
        }
        assertTrue(sum > 0);
    }

    @Test
    void shouldNotAllocateForViewsOfThousandsOfEntities()
    {
        final com.sun.management.ThreadMXBean threads =
            (com.sun.management.ThreadMXBean)ManagementFactory.getThreadMXBean();
        final SplittableRandom random = new SplittableRandom(SEED + 1);
        // Radius 20 of 64 m cells covers the whole 2 km map: every collect merges ~1,000 runs into 10,000.
        final InterestGrid grid = new InterestGrid(64, 20);
        final int count = 10_000;
        final int[] out = new int[count];
        for (int round = 0; round < 3; round++)
        {
            final long before = threads.getCurrentThreadAllocatedBytes();
            for (int tick = 0; tick < 5; tick++)
            {
                grid.clear();
                for (int i = 0; i < count; i++)
                {
                    grid.add(i, random.nextDouble() * 1280 - 640, random.nextDouble() * 1280 - 640);
                }
                assertEquals(count, grid.collect(grid.cellOf(0, 0), out));
                for (int i = 0; i < count; i++)
                {
                    assertEquals(i, out[i]);
                }
            }
            final long allocated = threads.getCurrentThreadAllocatedBytes() - before;
            if (round > 0)
            {
                assertTrue(allocated < 1024, "allocated " + allocated + " bytes in steady state");
            }
        }
    }

    private static int[] bruteForce(
        final double[] xs, final double[] ys, final double cellSize, final int r, final double px, final double py)
    {
        final long cx = (long)Math.floor(px / cellSize);
        final long cy = (long)Math.floor(py / cellSize);
        final List<Integer> in = new ArrayList<>();
        for (int i = 0; i < xs.length; i++)
        {
            final long ex = (long)Math.floor(xs[i] / cellSize);
            final long ey = (long)Math.floor(ys[i] / cellSize);
            if (Math.abs(ex - cx) <= r && Math.abs(ey - cy) <= r)
            {
                in.add(i);
            }
        }
        return in.stream().mapToInt(Integer::intValue).toArray();
    }

    private static void checkDistances(
        final double[] xs, final double[] ys, final int[] got, final double cellSize, final int r,
        final double px, final double py)
    {
        final boolean[] isIn = new boolean[xs.length];
        for (final int i : got)
        {
            isIn[i] = true;
        }
        // Relative slack: positions near 1e9 carry rounding in the division by the cell size.
        final double eps = 1e-6 * cellSize + Math.ulp(Math.abs(px) + Math.abs(py)) * 8;
        for (int i = 0; i < xs.length; i++)
        {
            final double chebyshev = Math.max(Math.abs(xs[i] - px), Math.abs(ys[i] - py));
            if (chebyshev < r * cellSize - eps && !isIn[i])
            {
                fail("entity " + i + " at distance " + chebyshev + " missing (r * cellSize = " + r * cellSize + ")");
            }
            if (chebyshev > (r + 1) * cellSize + eps && isIn[i])
            {
                fail("entity " + i + " at distance " + chebyshev + " included ((r + 1) * cellSize = " +
                    (r + 1) * cellSize + ")");
            }
        }
    }

    private static int[] identity(final int n)
    {
        final int[] a = new int[n];
        for (int i = 0; i < n; i++)
        {
            a[i] = i;
        }
        return a;
    }

    private static void shuffle(final int[] a, final SplittableRandom random)
    {
        for (int i = a.length - 1; i > 0; i--)
        {
            final int j = random.nextInt(i + 1);
            final int t = a[i];
            a[i] = a[j];
            a[j] = t;
        }
    }

    private static void assertCell(final long key, final int x, final int y)
    {
        assertEquals(x, InterestGrid.cellX(key), "cell x");
        assertEquals(y, InterestGrid.cellY(key), "cell y");
    }
}
