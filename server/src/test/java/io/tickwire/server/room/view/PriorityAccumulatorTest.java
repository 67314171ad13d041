package io.tickwire.server.room.view;

import org.junit.jupiter.api.Test;

import java.lang.management.ManagementFactory;
import java.util.Arrays;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PriorityAccumulatorTest
{
    private static final long SEED = 0xACC0_2026L;
    /** Random worlds of the delivery-bound test: 20 by default, 400 with {@code -Plong}. */
    private static final int BOUND_TRIALS =
        Math.min(400, Math.max(10, Integer.getInteger("tickwire.property.steps", 3000) / 150));

    @Test
    void shouldWeighByTypeOverDistanceInCellsWithAFloorOfOneCell()
    {
        assertEquals(2f, PriorityAccumulator.weight(2f, 0));
        assertEquals(2f, PriorityAccumulator.weight(2f, 0.5));
        assertEquals(0.5f, PriorityAccumulator.weight(2f, 4));
        assertEquals(0f, PriorityAccumulator.weight(0f, 4));
    }

    @Test
    void shouldAccumulateResetAndRemove()
    {
        final PriorityAccumulator acc = new PriorityAccumulator();
        assertEquals(0f, acc.priority(7));
        assertEquals(1.5f, acc.accumulate(7, 1.5f));
        assertEquals(2.0f, acc.accumulate(7, 0.5f));
        assertEquals(1, acc.size());

        acc.reset(7);
        assertEquals(0f, acc.priority(7));
        assertEquals(1, acc.size());
        acc.reset(8);
        assertEquals(1, acc.size(), "reset does not start tracking");

        assertTrue(acc.remove(7));
        assertFalse(acc.remove(7));
        assertEquals(0, acc.size());
        assertThrows(IllegalArgumentException.class, () -> acc.accumulate(1, -1f));
        assertThrows(IllegalArgumentException.class, () -> acc.accumulate(1, Float.NaN));
        assertThrows(IllegalArgumentException.class, () -> acc.accumulate(1, Float.POSITIVE_INFINITY));
    }

    @Test
    void shouldRetainOnlyTheIdsStillPresent()
    {
        final PriorityAccumulator acc = new PriorityAccumulator();
        for (int id = 0; id < 10; id++)
        {
            acc.accumulate(id, id);
        }

        assertEquals(7, acc.retain(new int[]{2, 5, 9, 42}, 3));

        assertEquals(3, acc.size());
        assertEquals(2f, acc.priority(2));
        assertEquals(5f, acc.priority(5));
        assertEquals(9f, acc.priority(9));
        assertEquals(0f, acc.priority(4));
    }

    @Test
    void shouldTakeHighestPriorityFirstAndKeepTryingSmallerOnes()
    {
        final PriorityAccumulator acc = new PriorityAccumulator();
        final int[] ids = {10, 20, 30, 40};
        final int[] costs = {50, 60, 30, 5};
        acc.accumulate(10, 2f);
        acc.accumulate(20, 3f);
        acc.accumulate(30, 1f);
        acc.accumulate(40, 0.5f);
        final int[] chosen = new int[4];

        // 20 (60) fits, 10 (50) does not in the 40 left, 30 (30) does, 40 (5) does: 95 of 100.
        final int n = acc.select(ids, costs, 4, 100, chosen);

        assertArrayEquals(new int[]{1, 2, 3}, Arrays.copyOf(chosen, n));
        assertEquals(95, acc.lastUsedBytes());
        assertEquals(0f, acc.priority(20), "sent: reset");
        assertEquals(0f, acc.priority(30));
        assertEquals(2f, acc.priority(10), "deferred: keeps its priority");
    }

    @Test
    void shouldSendTheTopCandidateEvenWhenItAloneExceedsTheBudget()
    {
        final PriorityAccumulator acc = new PriorityAccumulator();
        acc.accumulate(1, 1f);
        acc.accumulate(2, 5f);
        final int[] chosen = new int[2];

        final int n = acc.select(new int[]{1, 2}, new int[]{10, 500}, 2, 100, chosen);

        assertArrayEquals(new int[]{1}, Arrays.copyOf(chosen, n), "one overshoot, then nothing else");
        assertEquals(500, acc.lastUsedBytes());
        assertEquals(0, acc.select(new int[]{1}, new int[]{10}, 0, 100, chosen));
    }

    @Test
    void shouldBreakTiesByCandidateOrder()
    {
        final PriorityAccumulator acc = new PriorityAccumulator();
        final int[] ids = {3, 4, 5, 6};
        for (final int id : ids)
        {
            acc.accumulate(id, 1f);
        }
        final int[] chosen = new int[4];
        final int n = acc.select(ids, new int[]{10, 10, 10, 10}, 4, 20, chosen);
        assertArrayEquals(new int[]{0, 1}, Arrays.copyOf(chosen, n));
    }

    /**
     * N entities that change every tick, random costs, distances and type weights, a fixed budget:
     * every selection is greedy (whatever was skipped did not fit in what was left), at least
     * {@code k} are sent per tick, and no entity waits longer than {@link #waitBound}.
     */
    @Test
    void shouldDeliverEveryChangingEntityWithinTheBound()
    {
        final SplittableRandom random = new SplittableRandom(SEED);
        final float[] typeWeights = {1f, 2f};
        long worstSeen = 0;
        for (int trial = 0; trial < BOUND_TRIALS; trial++)
        {
            final int count = 1 + random.nextInt(trial % 10 == 0 ? 40 : 150);
            final int[] ids = new int[count];
            final int[] costs = new int[count];
            final float[] weights = new float[count];
            int cMax = 0;
            float wMin = Float.MAX_VALUE;
            float wMax = 0;
            int nextId = random.nextInt(1000);
            for (int i = 0; i < count; i++)
            {
                nextId += 1 + random.nextInt(5);
                ids[i] = nextId;
                costs[i] = 1 + random.nextInt(60);
                cMax = Math.max(cMax, costs[i]);
                weights[i] = PriorityAccumulator.weight(
                    typeWeights[random.nextInt(typeWeights.length)], random.nextDouble() * 8);
                wMin = Math.min(wMin, weights[i]);
                wMax = Math.max(wMax, weights[i]);
            }
            // Mostly several entities per tick; now and then a budget under one entity (k = 1 by the overshoot).
            final int budget = trial % 10 == 0 ?
                random.nextInt(cMax) : cMax * (1 + random.nextInt(Math.max(1, count / 2))) + random.nextInt(cMax);
            final int k = Math.max(1, budget / cMax);
            final long bound = waitBound(count, k, wMax / wMin);

            final PriorityAccumulator acc = new PriorityAccumulator();
            final int[] chosen = new int[count];
            final int[] lastSent = new int[count];
            Arrays.fill(lastSent, -1);
            // Longer than the bound, so an entity that is never chosen fails the test.
            final long ticks = 2 * bound + 10;
            long worstWait = 0;
            for (int tick = 0; tick < ticks; tick++)
            {
                for (int i = 0; i < count; i++)
                {
                    acc.accumulate(ids[i], weights[i]);
                }
                final int n = acc.select(ids, costs, count, budget, chosen);
                assertGreedy(costs, count, budget, chosen, n, acc.lastUsedBytes());
                assertTrue(n >= Math.min(k, count), "at least k chosen: n=" + n + ", k=" + k);
                for (int c = 0; c < n; c++)
                {
                    final int i = chosen[c];
                    worstWait = Math.max(worstWait, tick - lastSent[i] - 1);
                    lastSent[i] = tick;
                }
            }
            for (int i = 0; i < count; i++)
            {
                worstWait = Math.max(worstWait, ticks - 1 - lastSent[i]);
            }
            final long w = worstWait;
            assertTrue(w <= bound, () -> "an entity waited " + w + " ticks, bound " + bound + " (count=" + count +
                ", budget=" + budget + ", k=" + k + ")");
            worstSeen = Math.max(worstSeen, w);
        }
        assertTrue(worstSeen > 0, "some entity had to wait: the budgets must bite");
    }

    /**
     * The longest an always-changing entity can wait: the largest {@code W} with
     * {@code k W <= (N - 1)(1 + R ln W)}, {@code R = wMax / wMin}.
     * <p>
     * Why: when entity e is deferred, what was chosen ahead of it (priority at least e's) cost more
     * than {@code budget - c_e >= budget - cMax}, so at least {@code k = max(1, floor(budget / cMax))}
     * entities went ahead (under one entity's cost, the top candidate is always taken: still one). Say
     * e waits {@code W} ticks; at its s-th deferral its priority is {@code s w_e}, so an entity f
     * chosen ahead of it then has waited at least {@code s w_e / w_f = s rho} ticks since its own last
     * send. If f goes ahead at deferrals {@code s_1 < ... < s_m}, then
     * {@code s_(j+1) - s_j >= s_(j+1) rho}, so {@code 1 <= s_1 <= W (1 - rho)^(m - 1)} and
     * {@code m <= 1 + ln W / rho <= 1 + R ln W}. The {@code k W} entities that went ahead are at most
     * {@code (N - 1)} such f. A 1e-4 slack on R covers float rounding in the accumulated priorities.
     */
    private static long waitBound(final int count, final int k, final double weightRatio)
    {
        final double c = count - 1;
        final double r = weightRatio * (1 + 1e-4);
        long last = 0;
        for (long w = 1; w < 10_000_000; w++)
        {
            final boolean possible = k * (double)w <= c * (1 + r * Math.log(w));
            if (possible)
            {
                last = w;
            }
            else if (k > c * r / w)
            {
                // Past the crossing and the gap only widens from here (the left side grows faster).
                break;
            }
        }
        return last;
    }

    /**
     * Equal type weights at one distance: a round robin, k per tick, so no entity waits more than
     * {@code ceil(N / k) - 1} ticks (an entity chosen ahead of e last went out no later than e, so
     * at most once during e's wait).
     */
    @Test
    void shouldRoundRobinWhenWeightsAreEqual()
    {
        final SplittableRandom random = new SplittableRandom(SEED + 1);
        for (int trial = 0; trial < 50; trial++)
        {
            final int count = 1 + random.nextInt(500);
            final int cost = 1 + random.nextInt(40);
            final int budget = cost * (1 + random.nextInt(30)) + random.nextInt(cost);
            final int k = budget / cost;
            final int[] ids = new int[count];
            final int[] costs = new int[count];
            for (int i = 0; i < count; i++)
            {
                ids[i] = i * 3;
                costs[i] = cost;
            }
            final PriorityAccumulator acc = new PriorityAccumulator();
            final int[] chosen = new int[count];
            final int[] lastSent = new int[count];
            Arrays.fill(lastSent, -1);
            final int bound = (count + k - 1) / k - 1;
            for (int tick = 0; tick < 4 * (bound + 1); tick++)
            {
                for (int i = 0; i < count; i++)
                {
                    acc.accumulate(ids[i], 1f);
                }
                final int n = acc.select(ids, costs, count, budget, chosen);
                assertEquals(Math.min(k, count), n);
                for (int c = 0; c < n; c++)
                {
                    final int i = chosen[c];
                    final int waited = tick - lastSent[i] - 1;
                    assertTrue(waited <= bound, "waited " + waited + ", bound " + bound);
                    lastSent[i] = tick;
                }
            }
        }
    }

    /**
     * Equal costs and type weights, random distances: the order of first delivery is the order of
     * distance (closer never first sent after farther), and the first tick sends the nearest ones.
     */
    @Test
    void shouldSendNearestFirst()
    {
        final SplittableRandom random = new SplittableRandom(SEED + 2);
        for (int trial = 0; trial < 40; trial++)
        {
            final int count = 2 + random.nextInt(300);
            final int cost = 1 + random.nextInt(40);
            final int k = 1 + random.nextInt(20);
            final int budget = cost * k;
            final int[] ids = new int[count];
            final int[] costs = new int[count];
            final double[] distances = new double[count];
            for (int i = 0; i < count; i++)
            {
                ids[i] = 100 + i;
                costs[i] = cost;
                distances[i] = 1 + random.nextDouble() * 30;
            }
            final PriorityAccumulator acc = new PriorityAccumulator();
            final int[] chosen = new int[count];
            final int[] firstSent = new int[count];
            Arrays.fill(firstSent, -1);
            int unsent = count;
            for (int tick = 0; unsent > 0; tick++)
            {
                assertTrue(tick < 100_000, "never finished");
                for (int i = 0; i < count; i++)
                {
                    acc.accumulate(ids[i], PriorityAccumulator.weight(1f, distances[i]));
                }
                final int n = acc.select(ids, costs, count, budget, chosen);
                for (int c = 0; c < n; c++)
                {
                    if (firstSent[chosen[c]] < 0)
                    {
                        firstSent[chosen[c]] = tick;
                        unsent--;
                    }
                }
                if (tick == 0)
                {
                    final double[] sorted = distances.clone();
                    Arrays.sort(sorted);
                    for (int c = 0; c < n; c++)
                    {
                        assertTrue(distances[chosen[c]] <= sorted[Math.min(k, count) - 1],
                            "first tick sends the " + k + " nearest");
                    }
                }
            }
            for (int a = 0; a < count; a++)
            {
                for (int b = 0; b < count; b++)
                {
                    // Weights are floats: only compare pairs whose weights differ.
                    if (PriorityAccumulator.weight(1f, distances[a]) > PriorityAccumulator.weight(1f, distances[b]))
                    {
                        assertTrue(firstSent[a] <= firstSent[b], "nearer entity at " + distances[a] +
                            " first sent at tick " + firstSent[a] + ", farther at " + distances[b] + " at tick " +
                            firstSent[b]);
                    }
                }
            }
        }
    }

    @Test
    void shouldNotAllocateInSteadyState()
    {
        final com.sun.management.ThreadMXBean threads =
            (com.sun.management.ThreadMXBean)ManagementFactory.getThreadMXBean();
        final SplittableRandom random = new SplittableRandom(SEED);
        final int count = 500;
        final int[] ids = new int[count];
        final int[] costs = new int[count];
        final float[] weights = new float[count];
        for (int i = 0; i < count; i++)
        {
            ids[i] = i * 2;
            costs[i] = 10 + random.nextInt(40);
            weights[i] = PriorityAccumulator.weight(1f, random.nextDouble() * 10);
        }
        final PriorityAccumulator acc = new PriorityAccumulator();
        final int[] chosen = new int[count];
        long sum = 0;
        for (int round = 0; round < 3; round++)
        {
            final long before = threads.getCurrentThreadAllocatedBytes();
            for (int tick = 0; tick < 200; tick++)
            {
                for (int i = 0; i < count; i++)
                {
                    acc.accumulate(ids[i], weights[i]);
                }
                sum += acc.select(ids, costs, count, 1200, chosen);
                sum += acc.retain(ids, count);
            }
            final long allocated = threads.getCurrentThreadAllocatedBytes() - before;
            if (round > 0)
            {
                assertTrue(allocated < 1024, "allocated " + allocated + " bytes in steady state");
            }
        }
        assertTrue(sum > 0);
    }

    private static void assertGreedy(
        final int[] costs, final int count, final int budget, final int[] chosen, final int n, final int used)
    {
        final boolean[] isChosen = new boolean[count];
        long sum = 0;
        for (int c = 0; c < n; c++)
        {
            if (c > 0)
            {
                assertTrue(chosen[c] > chosen[c - 1], "chosen positions ascending");
            }
            isChosen[chosen[c]] = true;
            sum += costs[chosen[c]];
        }
        assertEquals(sum, used);
        assertTrue(sum <= budget || n == 1, "over budget with more than one entity: used=" + sum + ", budget=" +
            budget);
        final long left = budget - sum;
        for (int i = 0; i < count; i++)
        {
            if (!isChosen[i])
            {
                assertTrue(costs[i] > left, "skipped a candidate of " + costs[i] + " bytes with " + left + " left");
            }
        }
    }
}
