package io.tickwire.server.room.view;

import io.tickwire.protocol.delta.WorldState;
import io.tickwire.protocol.schema.EntityTypes;
import io.tickwire.server.game.Player;
import org.agrona.collections.IntArrayList;

/**
 * One connection's side of views: the frame it was sent at each recent tick (a ring as long as the room's
 * snapshot history), the owned entities it was sent at each tick (for its owner section), the entities it owns
 * now, and its priority accumulator for the snapshot budget.
 * <p>
 * Thread: the owning room loop.
 */
public final class ConnectionView
{
    final Player player;
    final ViewFrame[] sent;
    final WorldState[] ownedSent;
    final IntArrayList owned = new IntArrayList();
    /** Priorities of entities the snapshot budget deferred. */
    final PriorityAccumulator accumulator = new PriorityAccumulator();
    int lastSentTick;

    ConnectionView(final Player player, final EntityTypes types, final int ringLength, final boolean ownerSections)
    {
        this.player = player;
        this.sent = new ViewFrame[ringLength];
        this.ownedSent = ownerSections ? new WorldState[ringLength] : null;
        if (ownerSections)
        {
            for (int i = 0; i < ringLength; i++)
            {
                ownedSent[i] = new WorldState(types, 2);
            }
        }
    }

    /**
     * @param tick a tick this connection acknowledged.
     * @return the frame it was sent at that tick, or null when not held (never sent, or out of the ring).
     */
    ViewFrame frameAt(final int tick)
    {
        if (tick == 0)
        {
            return null;
        }
        final ViewFrame frame = sent[Integer.remainderUnsigned(tick, sent.length)];
        return frame != null && frame.state.tick() == tick ? frame : null;
    }

    WorldState ownedAt(final int tick)
    {
        if (ownedSent == null || tick == 0)
        {
            return null;
        }
        final WorldState state = ownedSent[Integer.remainderUnsigned(tick, ownedSent.length)];
        return state.tick() == tick ? state : null;
    }

    /**
     * @return the entity ids this connection owns this tick, ascending.
     */
    public IntArrayList owned()
    {
        return owned;
    }
}
