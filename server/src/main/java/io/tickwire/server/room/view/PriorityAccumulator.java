package io.tickwire.server.room.view;

import org.agrona.collections.Int2IntHashMap;

import java.util.Arrays;

/**
 * One connection's priority accumulator (Gaffer on Games' "priority accumulator"): per entity id a
 * float that grows each tick the entity has something to send and is not sent, and drops to zero
 * when it is sent. Under a per-tick byte budget the highest priorities go first, so a deferred
 * entity keeps gaining on the others and is eventually chosen, the near and important ones sooner.
 * <p>
 * A tick, for one connection:
 * <ol>
 *   <li>{@link #accumulate} each candidate (an entity in view whose delta is not empty) with
 *       {@link #weight}{@code (typeWeight, distanceCells)};</li>
 *   <li>{@link #select} with the candidates' estimated bytes and the budget left after the removals
 *       (always sent): it returns the chosen candidates in candidate order and resets their
 *       priority;</li>
 *   <li>{@link #retain} the ids still in view, or {@link #remove} those that left it.</li>
 * </ol>
 * Selection is greedy in priority order, ties to the earlier candidate: take a candidate when it
 * fits in what is left of the budget, skip it when not and keep trying the next (smaller ones may
 * still fit). The first candidate in priority order is taken even when it alone exceeds the budget,
 * so a single entity bigger than the budget cannot starve: a tick overshoots by at most that one
 * entity.
 * <p>
 * Delivery bound: with every candidate changing every tick, costs at most {@code cMax}, weights in
 * {@code [wMin, wMax]} and {@code k = max(1, floor(budget / cMax))}, each tick sends at least
 * {@code min(k, candidates)} entities of priority at least that of any deferred one, and no entity
 * waits more than the largest {@code W} with {@code k W <= (N - 1)(1 + (wMax / wMin) ln W)} ticks: an
 * entity sent ahead of one deferred {@code s} times has itself waited at least
 * {@code s wMin / wMax} ticks, which bounds how often it can go ahead (the derivation is in
 * {@code PriorityAccumulatorTest}). With equal weights it is a round robin: no entity waits more than
 * {@code ceil(N / k) - 1} ticks. With equal costs and type weights
 * an entity is never first sent after a farther one.
 * <p>
 * Allocation: none in steady state (Agrona primitive map with reused iterators; scratch arrays keep
 * their largest size).
 * <p>
 * Thread: not thread-safe; owned by the room loop that builds the connection's frames.
 */
public final class PriorityAccumulator
{
    /** Map value for "not tracked": the bits of a NaN no accumulation can produce. */
    private static final int MISSING = -1;
    private static final int INITIAL_CANDIDATES = 64;

    private final Int2IntHashMap priorityBitsById = new Int2IntHashMap(128, 0.5f, MISSING, true);
    private long[] order = new long[INITIAL_CANDIDATES];
    private boolean[] chosen = new boolean[INITIAL_CANDIDATES];
    private int lastUsedBytes;

    /**
     * The per-tick weight of an entity: its type's weight divided by its distance from the
     * viewpoint in cells, distances under one cell counting as one.
     *
     * @param typeWeight    the entity type's weight, finite and at least 0.
     * @param distanceCells distance from the connection's viewpoint, in cells, at least 0.
     * @return {@code typeWeight / max(1, distanceCells)}.
     */
    public static float weight(final float typeWeight, final double distanceCells)
    {
        return (float)(typeWeight / Math.max(1.0, distanceCells));
    }

    /**
     * Add a tick's weight to an entity's priority, tracking it from zero if it was not.
     *
     * @param entityId the entity.
     * @param weight   finite, at least 0; usually {@link #weight}.
     * @return the entity's priority now.
     * @throws IllegalArgumentException when the weight is negative, infinite or NaN.
     */
    public float accumulate(final int entityId, final float weight)
    {
        if (!(weight >= 0) || weight == Float.POSITIVE_INFINITY)
        {
            throw new IllegalArgumentException("weight must be finite and >= 0: entityId=" + entityId +
                ", weight=" + weight);
        }
        final int bits = priorityBitsById.get(entityId);
        final float before = bits == MISSING ? 0f : Float.intBitsToFloat(bits);
        // Saturate rather than reach infinity after an absurdly long wait: the order stays defined.
        final float after = Math.min(before + weight, Float.MAX_VALUE);
        priorityBitsById.put(entityId, Float.floatToRawIntBits(after));
        return after;
    }

    /**
     * @param entityId the entity.
     * @return its accumulated priority, 0 when not tracked.
     */
    public float priority(final int entityId)
    {
        final int bits = priorityBitsById.get(entityId);
        return bits == MISSING ? 0f : Float.intBitsToFloat(bits);
    }

    /**
     * The entity was sent: its priority starts again from zero. No effect when it is not tracked.
     *
     * @param entityId the entity.
     */
    public void reset(final int entityId)
    {
        if (priorityBitsById.containsKey(entityId))
        {
            priorityBitsById.put(entityId, 0);
        }
    }

    /**
     * Stop tracking an entity (it left the view or was destroyed).
     *
     * @param entityId the entity.
     * @return true when it was tracked.
     */
    public boolean remove(final int entityId)
    {
        return priorityBitsById.remove(entityId) != MISSING;
    }

    /**
     * Stop tracking every entity not in {@code idsAscending[0 .. count)}: the removals of ids no
     * longer present, in one pass over the tracked ids.
     *
     * @param idsAscending the ids still present, strictly ascending.
     * @param count        how many of them.
     * @return how many were removed.
     */
    public int retain(final int[] idsAscending, final int count)
    {
        int removed = 0;
        final Int2IntHashMap.KeyIterator it = priorityBitsById.keySet().iterator();
        while (it.hasNext())
        {
            final int id = it.nextValue();
            if (Arrays.binarySearch(idsAscending, 0, count, id) < 0)
            {
                it.remove();
                removed++;
            }
        }
        return removed;
    }

    /**
     * @return entities tracked.
     */
    public int size()
    {
        return priorityBitsById.size();
    }

    /**
     * Forget every entity (the connection starts over, e.g. a full snapshot).
     */
    public void clear()
    {
        priorityBitsById.clear();
    }

    /**
     * Choose what to send this tick under a byte budget, highest accumulated priority first, and
     * reset the chosen ones' priority.
     *
     * @param ids         candidate entity ids; candidates not tracked have priority 0.
     * @param costBytes   each candidate's estimated bytes, at least 0.
     * @param count       how many candidates.
     * @param budgetBytes bytes this tick may use, at least 0.
     * @param chosenOut   receives the positions (into {@code ids}) of the chosen candidates, ascending,
     *                    so in id order when the candidates are; at least {@code count} long.
     * @return how many were chosen; {@link #lastUsedBytes()} is their total cost.
     * @throws IllegalArgumentException when an array is too short or a cost or the budget is negative.
     */
    public int select(
        final int[] ids, final int[] costBytes, final int count, final int budgetBytes, final int[] chosenOut)
    {
        if (count < 0 || ids.length < count || costBytes.length < count || chosenOut.length < count)
        {
            throw new IllegalArgumentException("arrays shorter than count: count=" + count + ", ids=" +
                ids.length + ", costBytes=" + costBytes.length + ", chosenOut=" + chosenOut.length);
        }
        if (budgetBytes < 0)
        {
            throw new IllegalArgumentException("budget must be >= 0: budgetBytes=" + budgetBytes);
        }
        if (order.length < count)
        {
            final int capacity = Math.max(count, order.length * 2);
            order = new long[capacity];
            chosen = new boolean[capacity];
        }
        long total = 0;
        int minCost = Integer.MAX_VALUE;
        for (int i = 0; i < count; i++)
        {
            final int cost = costBytes[i];
            if (cost < 0)
            {
                throw new IllegalArgumentException("cost must be >= 0: entityId=" + ids[i] + ", costBytes=" + cost);
            }
            total += cost;
            minCost = Math.min(minCost, cost);
        }

        if (total <= budgetBytes)
        {
            // Everything fits: no order needed.
            Arrays.fill(chosen, 0, count, true);
        }
        else
        {
            final long[] heap = order;
            for (int i = 0; i < count; i++)
            {
                // Priorities are finite and >= 0, whose float bits order as ints: invert for descending
                // priority; the position in the low half breaks ties (earlier first) and finds the candidate.
                final int bits = Float.floatToRawIntBits(priority(ids[i]));
                heap[i] = ((long)(Integer.MAX_VALUE - bits) << 32) | i;
                chosen[i] = false;
            }
            // A min-heap popped until the budget is spent: O(count + chosen log count), not a full sort.
            for (int i = (count >>> 1) - 1; i >= 0; i--)
            {
                siftDown(heap, i, count);
            }
            long remaining = budgetBytes;
            boolean any = false;
            int size = count;
            while (size > 0 && remaining >= minCost)
            {
                final int i = (int)heap[0];
                heap[0] = heap[--size];
                siftDown(heap, 0, size);
                final int cost = costBytes[i];
                if (cost <= remaining || !any)
                {
                    chosen[i] = true;
                    remaining -= cost;
                    any = true;
                }
            }
            if (!any && count > 0)
            {
                // Budget under the smallest cost: the top candidate still goes, so nothing starves.
                chosen[(int)heap[0]] = true;
            }
        }

        int n = 0;
        long used = 0;
        for (int i = 0; i < count; i++)
        {
            if (chosen[i])
            {
                chosenOut[n++] = i;
                used += costBytes[i];
                reset(ids[i]);
            }
        }
        lastUsedBytes = (int)Math.min(used, Integer.MAX_VALUE);
        return n;
    }

    private static void siftDown(final long[] heap, final int from, final int size)
    {
        int i = from;
        final long value = heap[i];
        while (true)
        {
            int child = 2 * i + 1;
            if (child >= size)
            {
                break;
            }
            if (child + 1 < size && heap[child + 1] < heap[child])
            {
                child++;
            }
            if (heap[child] >= value)
            {
                break;
            }
            heap[i] = heap[child];
            i = child;
        }
        heap[i] = value;
    }

    /**
     * @return the estimated bytes of what the last {@link #select} chose.
     */
    public int lastUsedBytes()
    {
        return lastUsedBytes;
    }
}
