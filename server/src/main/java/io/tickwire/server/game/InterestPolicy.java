package io.tickwire.server.game;

import java.util.HashMap;
import java.util.Map;

/**
 * What each connection of a room receives: by default every entity of the room ({@link #everything()}); with a
 * grid, the entities in the cells around the connection's viewpoint, plus global entities and the ones it
 * owns (interest management). Entities entering a connection's view reach it as creations, leaving it as
 * removals; the delta against its acknowledged view stays exact. Connections with the same center cell and
 * the same {@link Player#audience()} share one encoded snapshot body.
 * <p>
 * Position fields are looked up by name in each entity type; a type without both is global (always in view).
 * Immutable once built; declare it once per room type ({@link GameLogicFactory#interest()}).
 */
public final class InterestPolicy
{
    private static final InterestPolicy EVERYTHING = new InterestPolicy(0, 0, null, null, Map.of());

    private final double cellSize;
    private final int viewRadiusCells;
    private final String xField;
    private final String yField;
    private final Map<String, Float> typeWeights;

    private InterestPolicy(final double cellSize, final int viewRadiusCells, final String xField, final String yField,
        final Map<String, Float> typeWeights)
    {
        this.cellSize = cellSize;
        this.viewRadiusCells = viewRadiusCells;
        this.xField = xField;
        this.yField = yField;
        this.typeWeights = Map.copyOf(typeWeights);
    }

    /**
     * @return every connection sees every entity (the default).
     */
    public static InterestPolicy everything()
    {
        return EVERYTHING;
    }

    /**
     * A uniform grid over the fields "x" and "y": a connection sees the (2r+1)^2 cells around its viewpoint.
     *
     * @param cellSize        edge of a cell, in the position fields' units (e.g. 64 metres).
     * @param viewRadiusCells r: cells seen in each direction from the viewpoint's cell (1 gives 3x3 cells).
     * @return the policy.
     */
    public static InterestPolicy grid(final double cellSize, final int viewRadiusCells)
    {
        if (!(cellSize > 0) || !Double.isFinite(cellSize))
        {
            throw new IllegalArgumentException("cell size must be positive: cellSize=" + cellSize);
        }
        if (viewRadiusCells < 0 || viewRadiusCells > 64)
        {
            throw new IllegalArgumentException("view radius out of range: viewRadiusCells=" + viewRadiusCells +
                ", allowed=0..64");
        }
        return new InterestPolicy(cellSize, viewRadiusCells, "x", "y", Map.of());
    }

    /**
     * @param x name of the field holding an entity's x.
     * @param y name of the field holding an entity's y.
     * @return a copy of this grid that reads positions from these fields.
     */
    public InterestPolicy positionFields(final String x, final String y)
    {
        requireGrid();
        return new InterestPolicy(cellSize, viewRadiusCells, x, y, typeWeights);
    }

    /**
     * How much an entity type matters when a connection's snapshot budget cannot carry every change: each tick
     * an entity waits, its priority grows by its type weight divided by its distance in cells. Default 1.
     *
     * @param type   an entity type name.
     * @param weight positive weight (projectiles near you: high; distant decoration: low).
     * @return a copy with that weight.
     */
    public InterestPolicy typeWeight(final String type, final float weight)
    {
        if (!(weight > 0))
        {
            throw new IllegalArgumentException("type weight must be positive: type=" + type + ", weight=" + weight);
        }
        final Map<String, Float> weights = new HashMap<>(typeWeights);
        weights.put(type, weight);
        return new InterestPolicy(cellSize, viewRadiusCells, xField, yField, weights);
    }

    private void requireGrid()
    {
        if (!isGrid())
        {
            throw new IllegalStateException("position fields and weights belong to a grid: use InterestPolicy.grid");
        }
    }

    /**
     * @return true for a grid, false for {@link #everything()}.
     */
    public boolean isGrid()
    {
        return cellSize > 0;
    }

    /**
     * @return the cell edge, 0 for {@link #everything()}.
     */
    public double cellSize()
    {
        return cellSize;
    }

    /**
     * @return cells seen in each direction from the viewpoint's cell.
     */
    public int viewRadiusCells()
    {
        return viewRadiusCells;
    }

    /**
     * @return the x position field name, null for {@link #everything()}.
     */
    public String xField()
    {
        return xField;
    }

    /**
     * @return the y position field name, null for {@link #everything()}.
     */
    public String yField()
    {
        return yField;
    }

    /**
     * @param type an entity type name.
     * @return its weight, 1 unless set.
     */
    public float typeWeight(final String type)
    {
        return typeWeights.getOrDefault(type, 1f);
    }

    @Override
    public String toString()
    {
        return isGrid() ? "InterestPolicy.grid{cellSize=" + cellSize + ", viewRadiusCells=" + viewRadiusCells +
            ", position=" + xField + "," + yField + ", typeWeights=" + typeWeights + '}' : "InterestPolicy.everything";
    }
}
