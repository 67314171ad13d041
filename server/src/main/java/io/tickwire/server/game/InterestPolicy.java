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
    private static final InterestPolicy EVERYTHING = new InterestPolicy(0, 0, null, null, Map.of(), null);

    /**
     * Game-defined relevance (teams, stealth, line of sight from a cell): asked for every entity a shared view
     * would hold, except the viewer's own entities. Views are shared by every connection with the same center
     * cell and audience, so the answer may depend on those and the world, not on one player.
     */
    @FunctionalInterface
    public interface Relevance
    {
        /** {@code cellX} and {@code cellY} of a view of the whole room (no grid, or a viewer without a position). */
        int WHOLE_ROOM = Integer.MIN_VALUE;

        /**
         * @param world       the room's world, this tick.
         * @param entityIndex the entity's index in the world ({@link World#entityIdAt(int)} gives its id).
         * @param audience    the viewers' audience.
         * @param cellX       the view's center cell (x / cell size, floored), or {@link #WHOLE_ROOM}.
         * @param cellY       the view's center cell, or {@link #WHOLE_ROOM}.
         * @return false to keep the entity out of this view.
         */
        boolean isRelevant(World world, int entityIndex, int audience, int cellX, int cellY);
    }

    private final double cellSize;
    private final int viewRadiusCells;
    private final String xField;
    private final String yField;
    private final Map<String, Float> typeWeights;
    private final Relevance relevance;

    private InterestPolicy(final double cellSize, final int viewRadiusCells, final String xField, final String yField,
        final Map<String, Float> typeWeights, final Relevance relevance)
    {
        this.cellSize = cellSize;
        this.viewRadiusCells = viewRadiusCells;
        this.xField = xField;
        this.yField = yField;
        this.typeWeights = Map.copyOf(typeWeights);
        this.relevance = relevance;
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
        return new InterestPolicy(cellSize, viewRadiusCells, "x", "y", Map.of(), null);
    }

    /**
     * @param x name of the field holding an entity's x.
     * @param y name of the field holding an entity's y.
     * @return a copy of this grid that reads positions from these fields.
     */
    public InterestPolicy positionFields(final String x, final String y)
    {
        requireGrid();
        return new InterestPolicy(cellSize, viewRadiusCells, x, y, typeWeights, relevance);
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
        return new InterestPolicy(cellSize, viewRadiusCells, xField, yField, weights, relevance);
    }

    /**
     * Add game-defined relevance on top of the cells (or of the whole room, for {@link #everything()}): e.g. a
     * stealthed entity seen only by its own team. Costs one call per entity per distinct view per tick.
     *
     * @param hook decides, per view (center cell and audience), which candidates it keeps.
     * @return a copy with the hook.
     */
    public InterestPolicy relevance(final Relevance hook)
    {
        return new InterestPolicy(cellSize, viewRadiusCells, xField, yField, typeWeights,
            java.util.Objects.requireNonNull(hook, "hook"));
    }

    /**
     * @return the game's relevance hook, or null.
     */
    public Relevance relevance()
    {
        return relevance;
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
            ", position=" + xField + "," + yField + ", typeWeights=" + typeWeights +
            (relevance == null ? "" : ", relevance") + '}' :
            "InterestPolicy.everything" + (relevance == null ? "" : "{relevance}");
    }
}
