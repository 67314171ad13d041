package io.tickwire.protocol.delta;

import io.tickwire.protocol.schema.EntitySchema;
import io.tickwire.protocol.v1.Snapshot;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * The meaning of a {@code Snapshot} written the slow, obvious way (sets and a sorted map), as the
 * oracle the fuzz tests compare {@link DeltaDecoder} with: a frame the model calls invalid must be
 * rejected, and a frame it accepts must decode to exactly the model's state. Covers only what the
 * decoder promises in its Javadoc; thread: the test's.
 */
final class SnapshotModel
{
    private SnapshotModel()
    {
    }

    /**
     * @param schema   schema of both states.
     * @param baseline the state the client holds for the snapshot's baseline tick, or null.
     * @param snapshot the parsed snapshot.
     * @return the state the snapshot describes, or null when it is invalid for that baseline.
     */
    static WorldState apply(final EntitySchema schema, final WorldState baseline, final Snapshot snapshot)
    {
        final int slots = schema.slotCount();
        final int baselineTick = snapshot.getBaselineTick();
        if (baselineTick != 0 && (baseline == null || baseline.tick() != baselineTick))
        {
            return null;
        }
        if (snapshot.getTick() == 0 ||
            (baselineTick != 0 && Integer.compareUnsigned(snapshot.getTick(), baselineTick) <= 0))
        {
            return null;
        }
        // A single-type schema without strings or owner fields (all the model covers): every version 2
        // column must be empty, except created_types naming type 0 once per created id.
        if (snapshot.getCreatedStringsCount() != 0 || snapshot.getChangedStringsCount() != 0 ||
            snapshot.getOwnerIdsCount() != 0 || snapshot.getOwnerMasksCount() != 0 ||
            snapshot.getOwnerValuesCount() != 0 || snapshot.getOwnerStringsCount() != 0)
        {
            return null;
        }
        if (snapshot.getCreatedTypesCount() != 0 && (snapshot.getCreatedTypesCount() !=
            snapshot.getCreatedIdsCount() || snapshot.getCreatedTypesList().stream().anyMatch(t -> t != 0)))
        {
            return null;
        }
        final TreeMap<Integer, int[]> entities = new TreeMap<>();
        if (baselineTick != 0)
        {
            for (int i = 0; i < baseline.count(); i++)
            {
                final int[] values = new int[slots];
                for (int s = 0; s < slots; s++)
                {
                    values[s] = baseline.valueAt(i, s);
                }
                entities.put(baseline.idAt(i), values);
            }
        }
        final Set<Integer> baselineIds = new HashSet<>(entities.keySet());
        final List<Integer> removed = ids(snapshot.getRemovedIdsList());
        final List<Integer> created = ids(snapshot.getCreatedIdsList());
        final List<Integer> changed = ids(snapshot.getChangedIdsList());
        if (removed == null || created == null || changed == null)
        {
            return null;
        }
        for (final int id : removed)
        {
            if (!baselineIds.contains(id))
            {
                return null;
            }
            entities.remove(id);
        }
        if (snapshot.getChangedMasksCount() != changed.size())
        {
            return null;
        }
        int valueIndex = 0;
        for (int c = 0; c < changed.size(); c++)
        {
            final int id = changed.get(c);
            final long mask = snapshot.getChangedMasks(c);
            if (!baselineIds.contains(id) || removed.contains(id) || mask == 0 || (slots < 64 && mask >>> slots != 0))
            {
                return null;
            }
            final int[] values = entities.get(id);
            for (int s = 0; s < slots; s++)
            {
                if ((mask & (1L << s)) == 0)
                {
                    continue;
                }
                if (valueIndex >= snapshot.getChangedValuesCount())
                {
                    return null;
                }
                final int delta = snapshot.getChangedValues(valueIndex++);
                final int wrapMask = schema.slotWrapMask(s);
                final long value = wrapMask != 0 ? (values[s] + delta) & wrapMask : (long)values[s] + delta;
                if (value < 0 || value > schema.slotMax(s))
                {
                    return null;
                }
                values[s] = (int)value;
            }
        }
        if (valueIndex != snapshot.getChangedValuesCount() ||
            snapshot.getCreatedValuesCount() != (long)created.size() * slots)
        {
            return null;
        }
        for (int c = 0; c < created.size(); c++)
        {
            final int id = created.get(c);
            if (baselineIds.contains(id))
            {
                return null;
            }
            final int[] values = new int[slots];
            for (int s = 0; s < slots; s++)
            {
                values[s] = snapshot.getCreatedValues(c * slots + s);
                if (Integer.compareUnsigned(values[s], schema.slotMax(s)) > 0)
                {
                    return null;
                }
            }
            entities.put(id, values);
        }
        if (entities.size() != snapshot.getEntityCount())
        {
            return null;
        }
        final int count = entities.size();
        final int[] ids = new int[count];
        final int[] values = new int[count * slots];
        int i = 0;
        for (final Map.Entry<Integer, int[]> e : entities.entrySet())
        {
            ids[i] = e.getKey();
            System.arraycopy(e.getValue(), 0, values, i * slots, slots);
            i++;
        }
        final WorldState state = new WorldState(schema, count);
        state.capture(snapshot.getTick(), snapshot.getServerTimeMs(), count, ids, values);
        return state;
    }

    /**
     * @return the absolute ids of a delta-coded id column, or null when a delta is 0 or an id leaves
     * the positive int range.
     */
    private static List<Integer> ids(final List<Integer> deltas)
    {
        final List<Integer> ids = new ArrayList<>(deltas.size());
        long id = 0;
        for (final int delta : deltas)
        {
            if (delta == 0)
            {
                return null;
            }
            id += Integer.toUnsignedLong(delta);
            if (id > Integer.MAX_VALUE)
            {
                return null;
            }
            ids.add((int)id);
        }
        return ids;
    }
}
