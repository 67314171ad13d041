package io.tickwire.server.room.view;

import org.agrona.collections.IntArrayList;
import org.agrona.collections.Long2LongHashMap;

import java.util.Arrays;

/**
 * A uniform spatial hash over one tick's entities, rebuilt every tick: {@link #clear()}, then
 * {@link #add} each positioned entity, then any number of {@link #collect} calls, one per distinct
 * view. An entity is known by its {@code entityIndex}, its index in that tick's state (which is
 * ascending by entity id), so what {@code collect} returns in ascending index order is in entity id
 * order, the order frames are built in.
 * <p>
 * Cells are squares of {@code cellSize} units; the cell of {@code (x, y)} is
 * {@code (floor(x / cellSize), floor(y / cellSize))}, packed into one {@code long} by {@link #cellOf}
 * (x in the high 32 bits, y in the low 32). Negative coordinates work as positive ones. A view is
 * the {@code (2r + 1)^2} cells centred on a cell, {@code r = viewRadiusCells}; so an entity within
 * Chebyshev distance {@code r * cellSize} of any point of the centre cell is always in the view,
 * and nothing farther than {@code (r + 1) * cellSize} is.
 * <p>
 * Range: cell coordinates are 32-bit, so positions are exact while
 * {@code |x / cellSize| < 2^31} (with 64 m cells, about 1.4e11 m). Farther positions, and infinities,
 * saturate into the outermost cell of their axis: an entity is never lost, it may only be seen by
 * views that reach the edge cell. NaN is refused.
 * <p>
 * Cost: {@code add} is one hash lookup; the first {@code collect} after adds sorts the entities by
 * cell once (a counting sort, O(entities + occupied cells)); each {@code collect} is
 * {@code min((2r + 1)^2, occupied cells)} lookups plus a sort of what it returns (a merge of the
 * per-cell runs above {@link #SORT_MAX_ENTITIES}). Steady state
 * allocates nothing: the arrays and the hash keep the largest size they have needed.
 * <p>
 * Thread: not thread-safe; owned by one room loop.
 */
public final class InterestGrid
{
    private static final long MISSING = -1L;
    private static final int INITIAL_ENTITIES = 64;
    private static final int INITIAL_CELLS = 64;
    /**
     * Views up to this many entities are sorted with {@link Arrays#sort(int[], int, int)}, which is
     * in place below the JDK's run-merging threshold (4,096) and fastest on the ~50-entity views of a
     * big world; larger ones merge their per-cell runs into a reused buffer instead.
     */
    static final int SORT_MAX_ENTITIES = 4096;

    private final double cellSize;
    private final int viewRadiusCells;
    private final Long2LongHashMap cellIdByKey;

    // Per added entity, in add order.
    private int[] entityIndexes = new int[INITIAL_ENTITIES];
    private int[] entityCellIds = new int[INITIAL_ENTITIES];
    private int entityCount;
    private int lastIndexAdded = Integer.MIN_VALUE;
    private boolean addedInOrder = true;

    // Per occupied cell, dense ids in order of first occupation.
    private long[] cellKeys = new long[INITIAL_CELLS];
    private int[] cellStarts = new int[INITIAL_CELLS + 1];
    private int cellCount;

    // Entity indexes grouped by cell: cell c holds byCell[cellStarts[c] .. cellStarts[c + 1]).
    private int[] byCell = new int[INITIAL_ENTITIES];
    private boolean built = true;

    private int[] scratch = new int[INITIAL_ENTITIES];
    // Merge of one collect's per-cell runs: run boundaries and the other half of the ping-pong.
    private int[] runBounds = new int[INITIAL_CELLS + 1];
    private int[] mergeBuffer = new int[INITIAL_ENTITIES];

    /**
     * @param cellSize        side of a cell in world units, finite and above 0.
     * @param viewRadiusCells view radius in cells, 0 (the centre cell only) up to 1024.
     * @throws IllegalArgumentException naming the value when out of range.
     */
    public InterestGrid(final double cellSize, final int viewRadiusCells)
    {
        if (!(cellSize > 0) || Double.isInfinite(cellSize))
        {
            throw new IllegalArgumentException("cell size must be finite and > 0: cellSize=" + cellSize);
        }
        if (viewRadiusCells < 0 || viewRadiusCells > 1024)
        {
            throw new IllegalArgumentException("view radius must be in [0, 1024] cells: viewRadiusCells=" +
                viewRadiusCells);
        }
        this.cellSize = cellSize;
        this.viewRadiusCells = viewRadiusCells;
        this.cellIdByKey = new Long2LongHashMap(INITIAL_CELLS * 2, 0.5f, MISSING, true);
    }

    /**
     * @return side of a cell in world units.
     */
    public double cellSize()
    {
        return cellSize;
    }

    /**
     * @return view radius in cells.
     */
    public int viewRadiusCells()
    {
        return viewRadiusCells;
    }

    /**
     * @return entities added since the last {@link #clear()}; an {@code int[]} of this length always
     * holds what {@link #collect(long, int[])} returns.
     */
    public int size()
    {
        return entityCount;
    }

    /**
     * @return distinct cells occupied since the last {@link #clear()}.
     */
    public int occupiedCells()
    {
        return cellCount;
    }

    /**
     * Forget every entity; start of a tick's rebuild. Keeps the capacity.
     */
    public void clear()
    {
        cellIdByKey.clear();
        entityCount = 0;
        cellCount = 0;
        lastIndexAdded = Integer.MIN_VALUE;
        addedInOrder = true;
        built = true;
    }

    /**
     * Place an entity. Add each entity at most once per tick; ascending {@code entityIndex} order is
     * the cheap path, any order works.
     *
     * @param entityIndex the entity's index in this tick's state, 0 or above.
     * @param x           position, world units.
     * @param y           position, world units.
     * @throws IllegalArgumentException when the index is negative or a coordinate is NaN.
     */
    public void add(final int entityIndex, final double x, final double y)
    {
        if (entityIndex < 0)
        {
            throw new IllegalArgumentException("entity index must be >= 0: entityIndex=" + entityIndex);
        }
        final long key = cellOf(x, y);
        long cellId = cellIdByKey.get(key);
        if (cellId == MISSING)
        {
            cellId = cellCount;
            if (cellCount == cellKeys.length)
            {
                cellKeys = Arrays.copyOf(cellKeys, cellCount * 2);
                cellStarts = Arrays.copyOf(cellStarts, cellCount * 2 + 1);
            }
            cellKeys[cellCount++] = key;
            cellIdByKey.put(key, cellId);
        }
        if (entityCount == entityIndexes.length)
        {
            entityIndexes = Arrays.copyOf(entityIndexes, entityCount * 2);
            entityCellIds = Arrays.copyOf(entityCellIds, entityCount * 2);
        }
        entityIndexes[entityCount] = entityIndex;
        entityCellIds[entityCount] = (int)cellId;
        entityCount++;
        if (entityIndex <= lastIndexAdded)
        {
            addedInOrder = false;
        }
        lastIndexAdded = entityIndex;
        built = false;
    }

    /**
     * @param x position, world units.
     * @param y position, world units.
     * @return the packed key of the cell holding {@code (x, y)}.
     * @throws IllegalArgumentException when a coordinate is NaN.
     */
    public long cellOf(final double x, final double y)
    {
        if (Double.isNaN(x) || Double.isNaN(y))
        {
            throw new IllegalArgumentException("position must not be NaN: x=" + x + ", y=" + y);
        }
        // (int) of a double saturates at Integer.MIN_VALUE / MAX_VALUE: far positions land in the edge cell.
        return pack((int)Math.floor(x / cellSize), (int)Math.floor(y / cellSize));
    }

    /**
     * @param cellX cell column.
     * @param cellY cell row.
     * @return the packed cell key.
     */
    public static long pack(final int cellX, final int cellY)
    {
        return ((long)cellX << 32) | (cellY & 0xFFFF_FFFFL);
    }

    /**
     * @param cellKey a packed cell key.
     * @return its column.
     */
    public static int cellX(final long cellKey)
    {
        return (int)(cellKey >> 32);
    }

    /**
     * @param cellKey a packed cell key.
     * @return its row.
     */
    public static int cellY(final long cellKey)
    {
        return (int)cellKey;
    }

    /**
     * The entities in the view centred on {@code centerCell}, in ascending index order.
     *
     * @param centerCell a key from {@link #cellOf} (any cell, occupied or not).
     * @param out        receives the entity indexes from position 0; at least {@link #size()} long.
     * @return how many were written.
     * @throws IllegalArgumentException when {@code out} is shorter than {@link #size()}.
     */
    public int collect(final long centerCell, final int[] out)
    {
        if (out.length < entityCount)
        {
            throw new IllegalArgumentException("output too small: length=" + out.length + ", entities=" +
                entityCount);
        }
        ensureBuilt();
        final int cx = cellX(centerCell);
        final int cy = cellY(centerCell);
        final int r = viewRadiusCells;
        final long side = 2L * r + 1;
        final boolean probe = side * side <= cellCount;
        final int maxRuns = probe ? (int)(side * side) : cellCount;
        if (runBounds.length < maxRuns + 1)
        {
            runBounds = new int[Math.max(maxRuns + 1, runBounds.length * 2)];
        }
        final int[] bounds = runBounds;
        int n = 0;
        int runs = 0;
        if (probe)
        {
            final long fromX = Math.max((long)cx - r, Integer.MIN_VALUE);
            final long toX = Math.min((long)cx + r, Integer.MAX_VALUE);
            final long fromY = Math.max((long)cy - r, Integer.MIN_VALUE);
            final long toY = Math.min((long)cy + r, Integer.MAX_VALUE);
            for (long gx = fromX; gx <= toX; gx++)
            {
                for (long gy = fromY; gy <= toY; gy++)
                {
                    final long cellId = cellIdByKey.get(pack((int)gx, (int)gy));
                    if (cellId != MISSING)
                    {
                        bounds[runs++] = n;
                        n = appendCell((int)cellId, out, n);
                    }
                }
            }
        }
        else
        {
            // Fewer occupied cells than cells in a view: scan the occupied ones instead of probing empties.
            for (int c = 0; c < cellCount; c++)
            {
                final long key = cellKeys[c];
                if (Math.abs((long)cellX(key) - cx) <= r && Math.abs((long)cellY(key) - cy) <= r)
                {
                    bounds[runs++] = n;
                    n = appendCell(c, out, n);
                }
            }
        }
        bounds[runs] = n;
        if (runs > 1)
        {
            if (n <= SORT_MAX_ENTITIES)
            {
                Arrays.sort(out, 0, n);
            }
            else
            {
                mergeRuns(out, n, runs);
            }
        }
        return n;
    }

    /**
     * {@link #collect(long, int[])} into an Agrona list, cleared first.
     *
     * @param centerCell a key from {@link #cellOf}.
     * @param out        cleared, then receives the entity indexes in ascending order.
     * @return how many were added.
     */
    public int collect(final long centerCell, final IntArrayList out)
    {
        if (scratch.length < entityCount)
        {
            scratch = new int[Math.max(entityCount, scratch.length * 2)];
        }
        final int n = collect(centerCell, scratch);
        out.clear();
        for (int i = 0; i < n; i++)
        {
            out.addInt(scratch[i]);
        }
        return n;
    }

    /**
     * Each cell's run is ascending already: merge adjacent runs pairwise, ping-ponging between
     * {@code out} and a reused buffer, {@code n log2(runs)} moves and no allocation (the JDK's sort
     * allocates a buffer for large arrays made of a few runs, exactly this shape).
     */
    private void mergeRuns(final int[] out, final int n, final int runCount)
    {
        if (mergeBuffer.length < n)
        {
            mergeBuffer = new int[Math.max(n, mergeBuffer.length * 2)];
        }
        final int[] bounds = runBounds;
        int[] src = out;
        int[] dst = mergeBuffer;
        int runs = runCount;
        while (runs > 1)
        {
            int merged = 0;
            int r = 0;
            for (; r + 1 < runs; r += 2)
            {
                merge(src, bounds[r], bounds[r + 1], bounds[r + 2], dst);
                bounds[merged++] = bounds[r];
            }
            if (r < runs)
            {
                System.arraycopy(src, bounds[r], dst, bounds[r], bounds[r + 1] - bounds[r]);
                bounds[merged++] = bounds[r];
            }
            bounds[merged] = n;
            runs = merged;
            final int[] t = src;
            src = dst;
            dst = t;
        }
        if (src != out)
        {
            System.arraycopy(src, 0, out, 0, n);
        }
    }

    private static void merge(final int[] src, final int from, final int middle, final int to, final int[] dst)
    {
        int a = from;
        int b = middle;
        int o = from;
        while (a < middle && b < to)
        {
            dst[o++] = src[a] < src[b] ? src[a++] : src[b++];
        }
        if (a < middle)
        {
            System.arraycopy(src, a, dst, o, middle - a);
        }
        else if (b < to)
        {
            System.arraycopy(src, b, dst, o, to - b);
        }
    }

    private int appendCell(final int cellId, final int[] out, final int n)
    {
        final int from = cellStarts[cellId];
        final int length = cellStarts[cellId + 1] - from;
        System.arraycopy(byCell, from, out, n, length);
        return n + length;
    }

    private void ensureBuilt()
    {
        if (built)
        {
            return;
        }
        // Counting sort by cell id: count, prefix-sum into starts, place (stable, so add order is kept per cell).
        final int[] starts = cellStarts;
        Arrays.fill(starts, 0, cellCount + 1, 0);
        for (int i = 0; i < entityCount; i++)
        {
            starts[entityCellIds[i] + 1]++;
        }
        for (int c = 0; c < cellCount; c++)
        {
            starts[c + 1] += starts[c];
        }
        if (byCell.length < entityCount)
        {
            byCell = new int[Math.max(entityCount, byCell.length * 2)];
        }
        // starts[c] is used as the fill cursor of cell c, then shifted back below.
        for (int i = 0; i < entityCount; i++)
        {
            byCell[starts[entityCellIds[i]]++] = entityIndexes[i];
        }
        for (int c = cellCount; c > 0; c--)
        {
            starts[c] = starts[c - 1];
        }
        starts[0] = 0;
        if (!addedInOrder)
        {
            for (int c = 0; c < cellCount; c++)
            {
                Arrays.sort(byCell, starts[c], starts[c + 1]);
            }
        }
        built = true;
    }
}
