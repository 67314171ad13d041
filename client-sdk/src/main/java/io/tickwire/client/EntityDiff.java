package io.tickwire.client;

import io.tickwire.protocol.delta.WorldState;

import java.util.Arrays;

/**
 * Entity events between two consecutive states: one merge walk over both id arrays (ascending), with
 * an array comparison of the slots of entities in both. Events come out in ascending id order.
 * <p>
 * Thread: whichever delivers the events (stateless).
 */
final class EntityDiff
{
    static final int ADDED = 0;
    static final int CHANGED = 1;
    static final int REMOVED = 2;

    /** Receives the events of one diff. */
    interface Sink
    {
        void onEntity(int event, int entityId);
    }

    private EntityDiff()
    {
    }

    /**
     * @param previous the state before, null for the empty world.
     * @param next     the state after.
     * @param sink     receives added, changed and removed entities in ascending id order.
     */
    static void diff(final WorldState previous, final WorldState next, final Sink sink)
    {
        final int slots = next.slotCount();
        final int[] nextIds = next.idArray();
        final int[] nextValues = next.valueArray();
        final int nextCount = next.count();
        final int prevCount = previous == null ? 0 : previous.count();
        final int[] prevIds = previous == null ? null : previous.idArray();
        final int[] prevValues = previous == null ? null : previous.valueArray();
        int i = 0;
        int j = 0;
        while (i < prevCount || j < nextCount)
        {
            if (j == nextCount || (i < prevCount && prevIds[i] < nextIds[j]))
            {
                sink.onEntity(REMOVED, prevIds[i++]);
            }
            else if (i == prevCount || nextIds[j] < prevIds[i])
            {
                sink.onEntity(ADDED, nextIds[j++]);
            }
            else
            {
                if (!Arrays.equals(prevValues, i * slots, (i + 1) * slots, nextValues, j * slots, (j + 1) * slots))
                {
                    sink.onEntity(CHANGED, nextIds[j]);
                }
                i++;
                j++;
            }
        }
    }

    /**
     * Events collected for delivery on another thread: pairs of event and id.
     */
    static final class Collector implements Sink
    {
        int[] events = new int[32];
        int size;

        @Override
        public void onEntity(final int event, final int entityId)
        {
            if (size + 2 > events.length)
            {
                events = Arrays.copyOf(events, events.length * 2);
            }
            events[size++] = event;
            events[size++] = entityId;
        }
    }
}
