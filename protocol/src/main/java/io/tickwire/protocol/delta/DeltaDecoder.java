package io.tickwire.protocol.delta;

import io.tickwire.protocol.schema.EntitySchema;
import io.tickwire.protocol.v1.Snapshot;

/**
 * Applies a {@code Snapshot} to the baseline state it names, producing the state at the
 * snapshot's tick. Everything is checked: ids must be strictly ascending, removed and changed ids
 * must exist in the baseline, created ids must not, column lengths must match the masks and the
 * schema, values must stay inside their slot's range, and the result must have
 * {@code entity_count} entities. On any failure a {@link DeltaException} is thrown and nothing
 * the caller keeps is modified except {@code out}.
 * <p>
 * Stateless apart from the schema: safe to share, but {@code out} must not be shared.
 */
public final class DeltaDecoder
{
    private final EntitySchema schema;
    private final int slotCount;
    private final int[] wrapMasks;
    private final int[] slotMax;

    /**
     * @param schema schema of the states this decoder produces (from {@code Welcome}).
     */
    public DeltaDecoder(final EntitySchema schema)
    {
        this.schema = schema;
        this.slotCount = schema.slotCount();
        this.wrapMasks = new int[slotCount];
        this.slotMax = new int[slotCount];
        for (int s = 0; s < slotCount; s++)
        {
            wrapMasks[s] = schema.slotWrapMask(s);
            slotMax[s] = schema.slotMax(s);
        }
    }

    /**
     * @return the schema.
     */
    public EntitySchema schema()
    {
        return schema;
    }

    /**
     * Apply {@code snapshot} to {@code baseline} into {@code out}.
     *
     * @param baseline the state at {@code snapshot.getBaselineTick()}, or null when that is 0.
     * @param snapshot the received snapshot.
     * @param out      receives the new state; must not be {@code baseline}.
     * @throws DeltaException when the snapshot does not fit the baseline.
     */
    public void apply(final WorldState baseline, final Snapshot snapshot, final WorldState out) throws DeltaException
    {
        if (baseline == out)
        {
            throw new IllegalArgumentException("out must not be the baseline");
        }
        final int baselineTick = snapshot.getBaselineTick();
        if (baselineTick == 0)
        {
            if (baseline != null && baseline.count() != 0)
            {
                throw new IllegalArgumentException("full snapshot must be applied to a null baseline");
            }
        }
        else
        {
            if (baseline == null || baseline.tick() != baselineTick)
            {
                throw new DeltaException("baseline not held: tick=" + snapshot.getTick() + ", baselineTick=" +
                    baselineTick + ", given=" + (baseline == null ? "none" : baseline.tick()));
            }
        }
        if (snapshot.getTick() == 0 || (baselineTick != 0 && Integer.compareUnsigned(snapshot.getTick(), baselineTick) <= 0))
        {
            throw new DeltaException(
                "snapshot tick not after baseline: tick=" + snapshot.getTick() + ", baselineTick=" + baselineTick);
        }

        final int slots = slotCount;
        final int removedCount = snapshot.getRemovedIdsCount();
        final int createdCount = snapshot.getCreatedIdsCount();
        final int changedCount = snapshot.getChangedIdsCount();
        if (snapshot.getCreatedValuesCount() != (long)createdCount * slots)
        {
            throw new DeltaException("created_values length mismatch: created=" + createdCount + ", slots=" + slots +
                ", values=" + snapshot.getCreatedValuesCount());
        }
        if (snapshot.getChangedMasksCount() != changedCount)
        {
            throw new DeltaException("changed_masks length mismatch: changed=" + changedCount + ", masks=" +
                snapshot.getChangedMasksCount());
        }
        final long validMask = slots == 64 ? -1L : (1L << slots) - 1;
        long expectedValues = 0;
        for (int c = 0; c < changedCount; c++)
        {
            final long mask = snapshot.getChangedMasks(c);
            if (mask == 0 || (mask & ~validMask) != 0)
            {
                throw new DeltaException("changed mask invalid: index=" + c + ", mask=0x" + Long.toHexString(mask) +
                    ", slots=" + slots);
            }
            expectedValues += Long.bitCount(mask);
        }
        if (snapshot.getChangedValuesCount() != expectedValues)
        {
            throw new DeltaException("changed_values length mismatch: expected=" + expectedValues + ", values=" +
                snapshot.getChangedValuesCount());
        }
        final int expectedCount = snapshot.getEntityCount();
        final int baseCount = baseline == null ? 0 : baseline.count();
        final long resultCount = (long)baseCount - removedCount + createdCount;
        if (resultCount != expectedCount)
        {
            throw new DeltaException("entity count mismatch: baseline=" + baseCount + ", removed=" + removedCount +
                ", created=" + createdCount + ", entity_count=" + expectedCount);
        }

        out.reset(snapshot.getTick(), snapshot.getServerTimeMs());
        out.ensureCapacity(expectedCount);
        final int[] baseIds = baseline == null ? null : baseline.idArray();
        final int[] baseValues = baseline == null ? null : baseline.valueArray();

        int b = 0;
        int r = 0;
        int c = 0;
        int ch = 0;
        int valueIndex = 0;
        long nextRemoved = removedCount > 0 ? readId(snapshot.getRemovedIds(0), 0, "removed_ids", 0) : Long.MAX_VALUE;
        long nextCreated = createdCount > 0 ? readId(snapshot.getCreatedIds(0), 0, "created_ids", 0) : Long.MAX_VALUE;
        long nextChanged = changedCount > 0 ? readId(snapshot.getChangedIds(0), 0, "changed_ids", 0) : Long.MAX_VALUE;

        while (b < baseCount || c < createdCount)
        {
            final long baseId = b < baseCount ? Integer.toUnsignedLong(baseIds[b]) : Long.MAX_VALUE;
            if (nextCreated < baseId)
            {
                final int createdOffset = c * slots;
                out.appendEntity((int)nextCreated);
                final int outOffset = (out.count() - 1) * slots;
                final int[] outValues = out.valueArray();
                for (int s = 0; s < slots; s++)
                {
                    final int v = snapshot.getCreatedValues(createdOffset + s);
                    if (Integer.compareUnsigned(v, slotMax[s]) > 0)
                    {
                        throw new DeltaException("created value out of range: id=" + nextCreated + ", slot=" + s +
                            ", value=" + Integer.toUnsignedString(v) + ", max=" + slotMax[s]);
                    }
                    outValues[outOffset + s] = v;
                }
                c++;
                nextCreated = c < createdCount ?
                    readId(snapshot.getCreatedIds(c), nextCreated, "created_ids", c) : Long.MAX_VALUE;
                continue;
            }
            if (nextCreated == baseId)
            {
                throw new DeltaException("created id already in baseline: id=" + baseId);
            }
            if (nextRemoved < baseId)
            {
                throw new DeltaException("removed id not in baseline: id=" + nextRemoved);
            }
            if (nextChanged < baseId)
            {
                throw new DeltaException("changed id not in baseline: id=" + nextChanged);
            }
            if (nextRemoved == baseId)
            {
                if (nextChanged == baseId)
                {
                    throw new DeltaException("id both removed and changed: id=" + baseId);
                }
                b++;
                r++;
                nextRemoved = r < removedCount ?
                    readId(snapshot.getRemovedIds(r), nextRemoved, "removed_ids", r) : Long.MAX_VALUE;
                continue;
            }

            out.appendEntity(baseIds[b], baseValues, b * slots);
            if (nextChanged == baseId)
            {
                final int[] outValues = out.valueArray();
                final int outOffset = (out.count() - 1) * slots;
                long mask = snapshot.getChangedMasks(ch);
                while (mask != 0)
                {
                    final int s = Long.numberOfTrailingZeros(mask);
                    mask &= mask - 1;
                    final int delta = snapshot.getChangedValues(valueIndex++);
                    final int wrap = wrapMasks[s];
                    final long v = wrap != 0 ? ((outValues[outOffset + s] + delta) & wrap) :
                        (long)outValues[outOffset + s] + delta;
                    if (v < 0 || v > slotMax[s])
                    {
                        throw new DeltaException("changed value out of range: id=" + baseId + ", slot=" + s +
                            ", value=" + v + ", max=" + slotMax[s]);
                    }
                    outValues[outOffset + s] = (int)v;
                }
                ch++;
                nextChanged = ch < changedCount ?
                    readId(snapshot.getChangedIds(ch), nextChanged, "changed_ids", ch) : Long.MAX_VALUE;
            }
            b++;
        }
        if (r != removedCount)
        {
            throw new DeltaException("removed id not in baseline: id=" + nextRemoved);
        }
        if (ch != changedCount)
        {
            throw new DeltaException("changed id not in baseline: id=" + nextChanged);
        }
    }

    private static long readId(final int delta, final long previous, final String column, final int index)
        throws DeltaException
    {
        final long d = Integer.toUnsignedLong(delta);
        if (d == 0)
        {
            throw new DeltaException(column + " not strictly ascending: index=" + index + ", delta=0");
        }
        final long id = previous + d;
        if (id > 0xFFFF_FFFFL || id > Integer.MAX_VALUE)
        {
            throw new DeltaException(column + " id out of range: index=" + index + ", id=" + id);
        }
        return id;
    }
}
