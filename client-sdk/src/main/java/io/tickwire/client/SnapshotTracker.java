package io.tickwire.client;

import io.tickwire.protocol.delta.DeltaDecoder;
import io.tickwire.protocol.delta.DeltaException;
import io.tickwire.protocol.delta.WorldState;
import io.tickwire.protocol.schema.EntitySchema;
import io.tickwire.protocol.schema.EntityTypes;
import io.tickwire.protocol.v1.Snapshot;

/**
 * The client half of the Quake 3 model: the applied states kept as baselines, ordered by tick, and
 * the rule that turns a received {@code Snapshot} into the next state.
 * <ul>
 * <li>A snapshot whose tick is not after the newest applied tick is stale and ignored.</li>
 * <li>Baseline 0 applies to the empty world; any other baseline must be a retained state, else the
 * snapshot is refused ({@link #BASELINE_MISSING}) and nothing changes.</li>
 * <li>A snapshot that does not fit its baseline ({@link DeltaException}) is refused ({@link #INVALID})
 * and nothing changes.</li>
 * <li>After applying against baseline B &gt; 0, states older than B are dropped: the server never
 * goes back to a baseline older than one it used. Several deltas against the same old baseline (acks
 * lagging) therefore keep finding it.</li>
 * <li>At most {@code retainedStates} states are kept; when full, the oldest goes, except that the
 * baseline used last is spared while another can go.</li>
 * </ul>
 * States come from a pool: a dropped state is reused for a later snapshot, so at most
 * {@code retainedStates + 1} {@link WorldState}s are ever allocated.
 * <p>
 * Thread: confined to the connection's event loop; not thread-safe.
 */
final class SnapshotTracker
{
    /** The snapshot was applied; {@link #newest()} is its state. */
    static final int APPLIED = 0;
    /** The snapshot's tick is not after the newest applied tick; ignored. */
    static final int STALE = 1;
    /** The snapshot names a baseline that is not retained; nothing changed. */
    static final int BASELINE_MISSING = 2;
    /** The snapshot does not fit its baseline; nothing changed. */
    static final int INVALID = 3;

    private static final int INITIAL_ENTITY_CAPACITY = 16;

    private final EntityTypes types;
    private final DeltaDecoder decoder;
    private final int retainedStates;
    private final WorldState[] retained;
    private final WorldState[] free;
    private int retainedCount;
    private int freeCount;
    private int allocatedCount;
    private int lastBaselineTick;
    private WorldState newest;
    private String lastError;

    /**
     * A tracker of a room with one entity type.
     *
     * @param schema         schema from {@code Welcome}.
     * @param retainedStates most states kept, at least 2.
     */
    SnapshotTracker(final EntitySchema schema, final int retainedStates)
    {
        this(EntityTypes.single(schema), retainedStates);
    }

    /**
     * @param types          the room's entity types, from {@code Welcome} ({@link EntityTypes#fromWelcome}).
     * @param retainedStates most states kept, at least 2.
     */
    SnapshotTracker(final EntityTypes types, final int retainedStates)
    {
        if (retainedStates < ClientOptions.MIN_RETAINED_STATES)
        {
            throw new IllegalArgumentException("retainedStates too small: retainedStates=" + retainedStates +
                ", min=" + ClientOptions.MIN_RETAINED_STATES);
        }
        this.types = types;
        this.decoder = new DeltaDecoder(types);
        this.retainedStates = retainedStates;
        this.retained = new WorldState[retainedStates + 1];
        this.free = new WorldState[retainedStates + 1];
    }

    /**
     * Apply a snapshot following the rules in the class comment.
     *
     * @param snapshot the received snapshot.
     * @return {@link #APPLIED}, {@link #STALE}, {@link #BASELINE_MISSING} or {@link #INVALID}; for the
     * last two {@link #lastError()} says why.
     */
    int apply(final Snapshot snapshot)
    {
        final int tick = snapshot.getTick();
        if (newest != null && Integer.compareUnsigned(tick, newest.tick()) <= 0)
        {
            return STALE;
        }

        final int baselineTick = snapshot.getBaselineTick();
        WorldState baseline = null;
        if (baselineTick != 0)
        {
            baseline = find(baselineTick);
            if (baseline == null)
            {
                lastError = "baseline not retained: tick=" + Integer.toUnsignedString(tick) + ", baselineTick=" +
                    Integer.toUnsignedString(baselineTick) + ", retained=" + describeRetained();
                return BASELINE_MISSING;
            }
        }

        final WorldState out = acquire();
        try
        {
            decoder.apply(baseline, snapshot, out);
        }
        catch (final DeltaException ex)
        {
            free[freeCount++] = out;
            lastError = "snapshot does not fit its baseline: tick=" + Integer.toUnsignedString(tick) +
                ", baselineTick=" + Integer.toUnsignedString(baselineTick) + ", reason=" + ex.getMessage();
            return INVALID;
        }

        if (baselineTick != 0)
        {
            lastBaselineTick = baselineTick;
            pruneBefore(baselineTick);
        }
        retained[retainedCount++] = out;
        if (retainedCount > retainedStates)
        {
            evictOne();
        }
        newest = out;
        return APPLIED;
    }

    /**
     * @return the newest applied state, or null before the first; valid until the next {@link #apply}.
     */
    WorldState newest()
    {
        return newest;
    }

    /**
     * @return tick of the newest applied state, 0 before the first.
     */
    int newestTick()
    {
        return newest == null ? 0 : newest.tick();
    }

    /**
     * @param tick a tick.
     * @return the retained state at that tick, or null.
     */
    WorldState find(final int tick)
    {
        for (int i = retainedCount - 1; i >= 0; i--)
        {
            final WorldState s = retained[i];
            if (s.tick() == tick)
            {
                return s;
            }
        }
        return null;
    }

    /**
     * @return number of retained states.
     */
    int retainedCount()
    {
        return retainedCount;
    }

    /**
     * @param index in [0, retainedCount), oldest first.
     * @return the tick of that retained state.
     */
    int retainedTickAt(final int index)
    {
        return retained[index].tick();
    }

    /**
     * @return {@link WorldState}s allocated so far (the pool's size).
     */
    int allocatedCount()
    {
        return allocatedCount;
    }

    /**
     * @return entities in the changed section of the last applied snapshot (either protocol form).
     */
    int lastChangedCount()
    {
        return decoder.changedCount();
    }

    /**
     * @return why the last refused snapshot was refused.
     */
    String lastError()
    {
        return lastError;
    }

    /**
     * @return the schema of type 0 (the only one of a single-type room).
     */
    EntitySchema schema()
    {
        return types.schema(0);
    }

    /**
     * @return the entity types states are decoded with.
     */
    EntityTypes types()
    {
        return types;
    }

    private WorldState acquire()
    {
        if (freeCount > 0)
        {
            final WorldState s = free[--freeCount];
            free[freeCount] = null;
            return s;
        }
        allocatedCount++;
        return new WorldState(types, INITIAL_ENTITY_CAPACITY);
    }

    private void pruneBefore(final int baselineTick)
    {
        int drop = 0;
        while (drop < retainedCount && Integer.compareUnsigned(retained[drop].tick(), baselineTick) < 0)
        {
            free[freeCount++] = retained[drop];
            drop++;
        }
        if (drop > 0)
        {
            System.arraycopy(retained, drop, retained, 0, retainedCount - drop);
            for (int i = retainedCount - drop; i < retainedCount; i++)
            {
                retained[i] = null;
            }
            retainedCount -= drop;
        }
    }

    private void evictOne()
    {
        final int victim = retained[0].tick() == lastBaselineTick && retainedCount > 2 ? 1 : 0;
        free[freeCount++] = retained[victim];
        System.arraycopy(retained, victim + 1, retained, victim, retainedCount - victim - 1);
        retained[--retainedCount] = null;
    }

    private String describeRetained()
    {
        if (retainedCount == 0)
        {
            return "none";
        }
        return retainedCount + " states, ticks " + Integer.toUnsignedString(retained[0].tick()) + ".." +
            Integer.toUnsignedString(retained[retainedCount - 1].tick());
    }
}
