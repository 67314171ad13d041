package io.tickwire.client;

import io.tickwire.protocol.delta.WorldState;
import io.tickwire.protocol.schema.EntitySchema;
import io.tickwire.protocol.schema.EntityTypes;

import java.util.Arrays;

/**
 * Entity events between two consecutive states: one merge walk over both id arrays (ascending), with
 * an array comparison of the slots of entities in both. Events come out in ascending id order.
 * <p>
 * STRING slots hold local change handles, not texts: two states decoded from different baselines may hold
 * the same text under different handles, so when a row differs and its type has STRING fields, those slots
 * are compared by text (an entity is "changed" only when a number or a text differs). Equal handles always
 * mean equal texts (a decoder gives a new handle each time it writes a text). An id whose type differs between
 * the two states (ids are not reused by the server, but a diff must not mix layouts) is reported removed, then
 * added.
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
        final int[] nextTypes = next.typeArray();
        final int[] nextValues = next.valueArray();
        final int nextCount = next.count();
        final int prevCount = previous == null ? 0 : previous.count();
        final int[] prevIds = previous == null ? null : previous.idArray();
        final int[] prevTypes = previous == null ? null : previous.typeArray();
        final int[] prevValues = previous == null ? null : previous.valueArray();
        final EntityTypes types = next.types();
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
                if (prevTypes[i] != nextTypes[j])
                {
                    sink.onEntity(REMOVED, prevIds[i]);
                    sink.onEntity(ADDED, nextIds[j]);
                }
                else if (!Arrays.equals(prevValues, i * slots, (i + 1) * slots, nextValues, j * slots, (j + 1) * slots) &&
                    differs(types.schema(nextTypes[j]), previous, i, next, j))
                {
                    sink.onEntity(CHANGED, nextIds[j]);
                }
                i++;
                j++;
            }
        }
    }

    /**
     * Whether two rows of one type whose ints differ hold different content: numbers by value, texts by text.
     */
    private static boolean differs(
        final EntitySchema schema, final WorldState a, final int ia, final WorldState b, final int ib)
    {
        final long stringSlots = schema.stringSlotMask();
        if (stringSlots == 0)
        {
            return true;
        }
        for (int s = 0, n = schema.slotCount(); s < n; s++)
        {
            if ((stringSlots & (1L << s)) != 0)
            {
                if (a.valueAt(ia, s) != b.valueAt(ib, s) && !a.stringAt(ia, s).equals(b.stringAt(ib, s)))
                {
                    return true;
                }
            }
            else if (a.valueAt(ia, s) != b.valueAt(ib, s))
            {
                return true;
            }
        }
        return false;
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
