package io.tickwire.server.room;

import io.tickwire.protocol.delta.WorldState;
import io.tickwire.protocol.schema.EntityTypes;

/**
 * The last {@code capacity} captured snapshots of a room, one {@link WorldState} per tick in a
 * ring. A captured state is immutable until its slot is reused {@code capacity} ticks later, and
 * it is shared by every connection of the room: one copy per tick, not one per client. A
 * connection's acked baseline is a lookup here; a baseline that left the ring means a full
 * snapshot.
 * <p>
 * Thread: the owning room loop.
 */
final class SnapshotHistory
{
    private final WorldState[] ring;

    SnapshotHistory(final EntityTypes types, final int capacity, final int initialEntities)
    {
        if (capacity < 2)
        {
            throw new IllegalArgumentException("snapshot history too short: capacity=" + capacity + ", min=2");
        }
        ring = new WorldState[capacity];
        for (int i = 0; i < capacity; i++)
        {
            ring[i] = new WorldState(types, initialEntities);
        }
    }

    int capacity()
    {
        return ring.length;
    }

    /**
     * The slot to capture {@code tick} into; its previous content leaves the history.
     */
    WorldState slotFor(final int tick)
    {
        return ring[Integer.remainderUnsigned(tick, ring.length)];
    }

    /**
     * @return the state captured at {@code tick}, or null when it is 0 or no longer held.
     */
    WorldState get(final int tick)
    {
        if (tick == 0)
        {
            return null;
        }
        final WorldState state = ring[Integer.remainderUnsigned(tick, ring.length)];
        return state.tick() == tick ? state : null;
    }
}
