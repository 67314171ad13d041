package io.tickwire.protocol.delta;

import io.tickwire.protocol.schema.EntitySchema;
import io.tickwire.protocol.schema.EntityTypes;
import io.tickwire.protocol.v1.Snapshot;

/**
 * Applies a {@code Snapshot} to the baseline state it names, producing the state at the
 * snapshot's tick. Everything is checked: ids must be strictly ascending, removed and changed ids
 * must exist in the baseline, created ids must not, types must exist, column lengths must match the
 * masks and the types, values must stay inside their slot's range, strings inside their field's length,
 * owner-section ids must be in the result and its masks on OWNER slots only, and the result must have
 * {@code entity_count} entities. On any failure a {@link DeltaException} is thrown and nothing
 * the caller keeps is modified except {@code out}.
 * <p>
 * A STRING slot's int in {@code out} is set to the snapshot's tick when its text changes (0 for ""), a local
 * change handle that never goes on the wire.
 * <p>
 * Stateless apart from the types: safe to share, but {@code out} must not be shared.
 */
public final class DeltaDecoder
{
    /** Where {@link #applyChanges} reads values: the varint changed column, version 3's stream, the owner column. */
    private static final int CHANGED = 0;
    private static final int PACKED = 1;
    private static final int OWNER = 2;

    private final EntityTypes types;
    private final int[] typeSlotCount;
    private final int[] typeNumericSlots;
    private final int[][] wrapMasks;
    private final int[][] slotMax;
    private final long[] stringMask;
    private final long[] ownerMask;
    private final int[][] maxLength;
    /** Version 3: the {@code changed_bits} stream of the snapshot being applied, its orders and last mask. */
    private final BitReader bits = new BitReader("changed_bits");
    private final BitReader createdBits = new BitReader("created_bits");
    /** Per type, per slot: the bits of a created value in version 3 (0 for STRING slots), and their sum. */
    private final int[][] createdWidths;
    private final int[] typeCreatedBits;
    private final int[] valueOrders = new int[64];
    private int valueOrderCount;
    private int idOrder;
    private long previousMask;
    private int changedCount;

    /**
     * @param schema schema of the single-type room whose states this decoder produces (from {@code Welcome}).
     */
    public DeltaDecoder(final EntitySchema schema)
    {
        this(EntityTypes.single(schema));
    }

    /**
     * @param types the room's entity types (from {@code Welcome}).
     */
    public DeltaDecoder(final EntityTypes types)
    {
        this.types = types;
        final int n = types.count();
        typeSlotCount = new int[n];
        typeNumericSlots = new int[n];
        wrapMasks = new int[n][];
        slotMax = new int[n][];
        stringMask = new long[n];
        ownerMask = new long[n];
        maxLength = new int[n][];
        createdWidths = new int[n][];
        typeCreatedBits = new int[n];
        for (int t = 0; t < n; t++)
        {
            final EntitySchema schema = types.schema(t);
            final int slots = schema.slotCount();
            typeSlotCount[t] = slots;
            stringMask[t] = schema.stringSlotMask();
            ownerMask[t] = schema.ownerSlotMask();
            typeNumericSlots[t] = slots - schema.stringSlotCount();
            wrapMasks[t] = new int[slots];
            slotMax[t] = new int[slots];
            createdWidths[t] = new int[slots];
            maxLength[t] = new int[slots];
            for (int s = 0; s < slots; s++)
            {
                wrapMasks[t][s] = schema.slotWrapMask(s);
                slotMax[t][s] = schema.slotMax(s);
                if ((stringMask[t] & (1L << s)) == 0)
                {
                    createdWidths[t][s] = DeltaEncoder.createdSlotBits(schema.slotMax(s));
                    typeCreatedBits[t] += createdWidths[t][s];
                }
            }
            for (final io.tickwire.protocol.schema.SchemaField f : schema.fields())
            {
                maxLength[t][f.firstSlot()] = f.maxLength();
            }
        }
    }

    /**
     * @return the schema of type 0 (the only one of a single-type room).
     */
    public EntitySchema schema()
    {
        return types.schema(0);
    }

    /**
     * @return the entity types.
     */
    public EntityTypes types()
    {
        return types;
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
        final int tick = snapshot.getTick();
        if (tick == 0 || (baselineTick != 0 && Integer.compareUnsigned(tick, baselineTick) <= 0))
        {
            throw new DeltaException(
                "snapshot tick not after baseline: tick=" + tick + ", baselineTick=" + baselineTick);
        }

        final int removedCount = snapshot.getRemovedIdsCount();
        final int createdCount = snapshot.getCreatedIdsCount();
        final boolean packed = !snapshot.getChangedBits().isEmpty();
        final int changedCount = packed ? beginPacked(snapshot) : snapshot.getChangedIdsCount();
        final int typeCount = snapshot.getCreatedTypesCount();
        if (typeCount != 0 && typeCount != createdCount)
        {
            throw new DeltaException("created_types length mismatch: created=" + createdCount + ", types=" + typeCount);
        }
        long expectedCreatedValues = 0;
        long expectedCreatedBits = 0;
        long expectedCreatedStrings = 0;
        for (int c = 0; c < typeCount; c++)
        {
            final int type = snapshot.getCreatedTypes(c);
            if (type < 0 || type >= typeSlotCount.length)
            {
                throw new DeltaException("created type unknown: index=" + c + ", type=" +
                    Integer.toUnsignedString(type) + ", types=" + typeSlotCount.length);
            }
            expectedCreatedValues += typeNumericSlots[type];
            expectedCreatedBits += typeCreatedBits[type];
            expectedCreatedStrings += Long.bitCount(stringMask[type]);
        }
        if (typeCount == 0)
        {
            expectedCreatedValues = (long)createdCount * typeNumericSlots[0];
            expectedCreatedBits = (long)createdCount * typeCreatedBits[0];
            expectedCreatedStrings = (long)createdCount * Long.bitCount(stringMask[0]);
        }
        // Version 3 form: created_bits, or neither field when the created slots need no bits (every value is 0).
        final boolean createdPacked = !snapshot.getCreatedBits().isEmpty() ||
            (expectedCreatedBits == 0 && snapshot.getCreatedValuesCount() == 0);
        if (createdPacked)
        {
            beginCreatedBits(snapshot, expectedCreatedBits);
        }
        else if (snapshot.getCreatedValuesCount() != expectedCreatedValues)
        {
            throw new DeltaException("created_values length mismatch: created=" + createdCount +
                (typeCount == 0 ? ", slots=" + typeNumericSlots[0] : "") + ", expected=" + expectedCreatedValues +
                ", values=" + snapshot.getCreatedValuesCount());
        }
        if (snapshot.getCreatedStringsCount() != expectedCreatedStrings)
        {
            throw new DeltaException("created_strings length mismatch: expected=" + expectedCreatedStrings +
                ", strings=" + snapshot.getCreatedStringsCount());
        }
        if (!packed && snapshot.getChangedMasksCount() != changedCount)
        {
            throw new DeltaException("changed_masks length mismatch: changed=" + changedCount + ", masks=" +
                snapshot.getChangedMasksCount());
        }
        final int expectedCount = snapshot.getEntityCount();
        final int baseCount = baseline == null ? 0 : baseline.count();
        final long resultCount = (long)baseCount - removedCount + createdCount;
        if (resultCount != expectedCount)
        {
            throw new DeltaException("entity count mismatch: baseline=" + baseCount + ", removed=" + removedCount +
                ", created=" + createdCount + ", entity_count=" + expectedCount);
        }

        out.reset(tick, snapshot.getServerTimeMs());
        out.ensureCapacity(expectedCount);
        final int stride = out.slotCount();
        final int[] baseIds = baseline == null ? null : baseline.idArray();
        final int[] baseTypes = baseline == null ? null : baseline.typeArray();

        int b = 0;
        int r = 0;
        int c = 0;
        int ch = 0;
        int createdValueIndex = 0;
        int createdStringIndex = 0;
        int valueIndex = 0;
        int stringIndex = 0;
        long nextRemoved = removedCount > 0 ? readId(snapshot.getRemovedIds(0), 0, "removed_ids", 0) : Long.MAX_VALUE;
        long nextCreated = createdCount > 0 ? readId(snapshot.getCreatedIds(0), 0, "created_ids", 0) : Long.MAX_VALUE;
        long nextChanged = changedCount == 0 ? Long.MAX_VALUE :
            packed ? readPackedId(-1, 0, baseIds, baseCount) : readId(snapshot.getChangedIds(0), 0, "changed_ids", 0);

        while (b < baseCount || c < createdCount)
        {
            final long baseId = b < baseCount ? Integer.toUnsignedLong(baseIds[b]) : Long.MAX_VALUE;
            if (nextCreated < baseId)
            {
                final int type = typeCount == 0 ? 0 : snapshot.getCreatedTypes(c);
                out.appendEntity((int)nextCreated, type);
                final int index = out.count() - 1;
                final int outOffset = index * stride;
                final int[] outValues = out.valueArray();
                final long strings = stringMask[type];
                final int[] max = slotMax[type];
                for (int s = 0, n = typeSlotCount[type]; s < n; s++)
                {
                    if ((strings & (1L << s)) != 0)
                    {
                        final String text = snapshot.getCreatedStrings(createdStringIndex++);
                        checkString(text, type, s, nextCreated);
                        out.setString(index, s, text, tick);
                        continue;
                    }
                    final int v = createdPacked ? (int)createdBits.bits(createdWidths[type][s]) :
                        snapshot.getCreatedValues(createdValueIndex++);
                    if (v != 0 && (ownerMask[type] & (1L << s)) != 0)
                    {
                        throw new DeltaException("created value for an owner-only field: id=" + nextCreated +
                            ", slot=" + s + ", value=" + Integer.toUnsignedString(v));
                    }
                    if (Integer.compareUnsigned(v, max[s]) > 0)
                    {
                        throw new DeltaException("created value out of range: id=" + nextCreated + ", slot=" + s +
                            ", value=" + Integer.toUnsignedString(v) + ", max=" + max[s]);
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

            final int type = baseTypes[b];
            out.appendEntity(baseIds[b], type, baseline, b);
            if (nextChanged == baseId)
            {
                final int index = out.count() - 1;
                final long mask = packed ? readPackedMask(type, ch) : snapshot.getChangedMasks(ch);
                checkMask(mask, type, "changed", ch);
                if ((mask & ownerMask[type]) != 0)
                {
                    throw new DeltaException("changed mask names an owner-only field: id=" + baseId + ", mask=0x" +
                        Long.toHexString(mask));
                }
                final long next = applyChanges(out, index, type, mask, snapshot, packed ? PACKED : CHANGED,
                    valueIndex, stringIndex, tick, baseId);
                valueIndex = (int)next;
                stringIndex = (int)(next >>> 32);
                ch++;
                nextChanged = ch >= changedCount ? Long.MAX_VALUE : packed ? readPackedId(b, ch, baseIds, baseCount) :
                    readId(snapshot.getChangedIds(ch), nextChanged, "changed_ids", ch);
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
        if (createdPacked)
        {
            createdBits.finish();
        }
        if (packed)
        {
            bits.finish();
        }
        else if (valueIndex != snapshot.getChangedValuesCount())
        {
            throw new DeltaException("changed_values length mismatch: expected=" + valueIndex + ", values=" +
                snapshot.getChangedValuesCount());
        }
        if (stringIndex != snapshot.getChangedStringsCount())
        {
            throw new DeltaException("changed_strings length mismatch: expected=" + stringIndex + ", strings=" +
                snapshot.getChangedStringsCount());
        }
        applyOwnerSection(snapshot, out, tick);
        this.changedCount = changedCount;
    }

    /**
     * @return entities in the changed section of the last snapshot {@link #apply} applied (in either form).
     */
    public int changedCount()
    {
        return changedCount;
    }

    /**
     * Start reading version 3's {@code changed_bits}: the entity count and, when it is not 0, the orders.
     *
     * @return the number of changed entities.
     */
    private int beginPacked(final Snapshot snapshot) throws DeltaException
    {
        if (snapshot.getChangedIdsCount() != 0 || snapshot.getChangedMasksCount() != 0 ||
            snapshot.getChangedValuesCount() != 0)
        {
            throw new DeltaException("changed_bits and changed columns both present: ids=" +
                snapshot.getChangedIdsCount() + ", masks=" + snapshot.getChangedMasksCount() + ", values=" +
                snapshot.getChangedValuesCount());
        }
        bits.reset(snapshot.getChangedBits());
        final long count = bits.expGolomb(0);
        if (count > Integer.MAX_VALUE)
        {
            throw new DeltaException("changed_bits malformed: count=" + count);
        }
        previousMask = 0;
        valueOrderCount = 0;
        if (count != 0)
        {
            idOrder = (int)bits.bits(4);
            valueOrderCount = (int)bits.bits(7);
            if (valueOrderCount > 64)
            {
                throw new DeltaException("changed_bits malformed: orderCount=" + valueOrderCount + ", at most 64");
            }
            for (int s = 0; s < valueOrderCount; s++)
            {
                valueOrders[s] = (int)bits.bits(4);
            }
        }
        return (int)count;
    }

    private void beginCreatedBits(final Snapshot snapshot, final long expectedBits) throws DeltaException
    {
        if (snapshot.getCreatedValuesCount() != 0)
        {
            throw new DeltaException("created_bits and created_values both present: values=" +
                snapshot.getCreatedValuesCount());
        }
        final long expectedBytes = (expectedBits + 7) >>> 3;
        if (snapshot.getCreatedBits().size() != expectedBytes)
        {
            throw new DeltaException("created_bits length mismatch: expected=" + expectedBytes + ", bytes=" +
                snapshot.getCreatedBits().size());
        }
        createdBits.reset(snapshot.getCreatedBits());
    }

    /**
     * Version 3 names a changed entity by its place in the baseline: the gap is the number of baseline entities
     * between it and the previous changed one.
     *
     * @param previous baseline index of the previous changed entity, -1 before the first.
     * @return the id of the next changed entity.
     */
    private long readPackedId(final int previous, final int index, final int[] baseIds, final int baseCount)
        throws DeltaException
    {
        final long at = previous + bits.expGolomb(idOrder) + 1;
        if (at >= baseCount)
        {
            throw new DeltaException("changed_bits index out of range: index=" + index + ", baselineIndex=" + at +
                ", baseline=" + baseCount);
        }
        return Integer.toUnsignedLong(baseIds[(int)at]);
    }

    private long readPackedMask(final int type, final int index) throws DeltaException
    {
        final long mask;
        if (bits.bits(1) != 0)
        {
            if (index == 0)
            {
                throw new DeltaException("changed_bits malformed: sameMask on the first entity");
            }
            mask = previousMask;
        }
        else
        {
            mask = bits.mask(typeSlotCount[type]);
        }
        previousMask = mask;
        return mask;
    }

    /**
     * @return the next value of version 3's stream: slot {@code s}'s difference, from its Exp-Golomb code.
     */
    private int readPackedValue(final int s, final long id) throws DeltaException
    {
        if (s >= valueOrderCount)
        {
            throw new DeltaException("changed_bits malformed: value for slot " + s + " at id=" + id +
                ", orderCount=" + valueOrderCount);
        }
        final long zigzag = bits.expGolomb(valueOrders[s]) + 1;
        if (zigzag > 0xFFFF_FFFFL)
        {
            throw new DeltaException("changed_bits malformed: value too large at id=" + id + ", slot=" + s);
        }
        return (int)(zigzag >>> 1) ^ -(int)(zigzag & 1);
    }

    private void checkMask(final long mask, final int type, final String section, final int index)
        throws DeltaException
    {
        final int slots = typeSlotCount[type];
        final long validMask = slots == 64 ? -1L : (1L << slots) - 1;
        if (mask == 0 || (mask & ~validMask) != 0)
        {
            throw new DeltaException(section + " mask invalid: index=" + index + ", mask=0x" + Long.toHexString(mask) +
                ", type=" + type + ", slots=" + slots);
        }
    }

    private void checkString(final String text, final int type, final int slot, final long id) throws DeltaException
    {
        // UTF-8 is at most 3 bytes per UTF-16 unit; the exact count only when the cheap bound fails.
        final int limit = maxLength[type][slot];
        if (text.length() > limit || (text.length() * 3 > limit && utf8Length(text) > limit))
        {
            throw new DeltaException("string too long: id=" + id + ", slot=" + slot + ", chars=" + text.length() +
                ", maxLength=" + limit);
        }
    }

    private static int utf8Length(final String text)
    {
        int bytes = 0;
        for (int i = 0, n = text.length(); i < n; i++)
        {
            final char ch = text.charAt(i);
            bytes += ch < 0x80 ? 1 : ch < 0x800 ? 2 : Character.isSurrogate(ch) ? 2 : 3;
        }
        return bytes;
    }

    /**
     * Apply one entity's changed (or owner) slots to {@code out}'s entity at {@code index}, values read from
     * {@code section}: {@link #CHANGED}, {@link #PACKED} or {@link #OWNER}.
     *
     * @return the next value index in the low 32 bits, the next string index in the high 32 bits.
     */
    private long applyChanges(
        final WorldState out,
        final int index,
        final int type,
        final long mask,
        final Snapshot snapshot,
        final int section,
        final int firstValue,
        final int firstString,
        final int tick,
        final long id) throws DeltaException
    {
        final int[] outValues = out.valueArray();
        final int outOffset = index * out.slotCount();
        final long strings = stringMask[type];
        final int[] wraps = wrapMasks[type];
        final int[] max = slotMax[type];
        final boolean ownerSection = section == OWNER;
        final int valueLimit = ownerSection ? snapshot.getOwnerValuesCount() : snapshot.getChangedValuesCount();
        final int stringLimit = ownerSection ? snapshot.getOwnerStringsCount() : snapshot.getChangedStringsCount();
        int valueIndex = firstValue;
        int stringIndex = firstString;
        long remaining = mask;
        while (remaining != 0)
        {
            final int s = Long.numberOfTrailingZeros(remaining);
            remaining &= remaining - 1;
            if ((strings & (1L << s)) != 0)
            {
                if (stringIndex >= stringLimit)
                {
                    throw new DeltaException((ownerSection ? "owner" : "changed") +
                        "_strings length mismatch: too short at id=" + id + ", strings=" + stringLimit);
                }
                final String text = ownerSection ? snapshot.getOwnerStrings(stringIndex++) :
                    snapshot.getChangedStrings(stringIndex++);
                checkString(text, type, s, id);
                out.setString(index, s, text, tick);
                continue;
            }
            final int delta;
            if (section == PACKED)
            {
                delta = readPackedValue(s, id);
            }
            else
            {
                if (valueIndex >= valueLimit)
                {
                    throw new DeltaException((ownerSection ? "owner" : "changed") +
                        "_values length mismatch: too short at id=" + id + ", values=" + valueLimit);
                }
                delta = ownerSection ? snapshot.getOwnerValues(valueIndex++) : snapshot.getChangedValues(valueIndex++);
            }
            final int wrap = wraps[s];
            final long v = wrap != 0 ? ((outValues[outOffset + s] + delta) & wrap) :
                (long)outValues[outOffset + s] + delta;
            if (v < 0 || v > max[s])
            {
                throw new DeltaException((ownerSection ? "owner" : "changed") + " value out of range: id=" + id +
                    ", slot=" + s + ", value=" + v + ", max=" + max[s]);
            }
            outValues[outOffset + s] = (int)v;
        }
        return ((long)stringIndex << 32) | (valueIndex & 0xFFFF_FFFFL);
    }

    private void applyOwnerSection(final Snapshot snapshot, final WorldState out, final int tick)
        throws DeltaException
    {
        final int count = snapshot.getOwnerIdsCount();
        if (count == 0 && snapshot.getOwnerMasksCount() == 0 && snapshot.getOwnerValuesCount() == 0 &&
            snapshot.getOwnerStringsCount() == 0)
        {
            return;
        }
        if (snapshot.getOwnerMasksCount() != count)
        {
            throw new DeltaException("owner_masks length mismatch: owner=" + count + ", masks=" +
                snapshot.getOwnerMasksCount());
        }
        int valueIndex = 0;
        int stringIndex = 0;
        long id = 0;
        for (int o = 0; o < count; o++)
        {
            id = readId(snapshot.getOwnerIds(o), id, "owner_ids", o);
            final int index = out.indexOf((int)id);
            if (index < 0)
            {
                throw new DeltaException("owner id not in view: id=" + id);
            }
            final int type = out.typeAt(index);
            final long mask = snapshot.getOwnerMasks(o);
            checkMask(mask, type, "owner", o);
            if ((mask & ~ownerMask[type]) != 0)
            {
                throw new DeltaException("owner mask names a field that is not owner-only: id=" + id + ", mask=0x" +
                    Long.toHexString(mask) + ", ownerSlots=0x" + Long.toHexString(ownerMask[type]));
            }
            final long next = applyChanges(out, index, type, mask, snapshot, OWNER, valueIndex, stringIndex, tick, id);
            valueIndex = (int)next;
            stringIndex = (int)(next >>> 32);
        }
        if (valueIndex != snapshot.getOwnerValuesCount() || stringIndex != snapshot.getOwnerStringsCount())
        {
            throw new DeltaException("owner section length mismatch: values used=" + valueIndex + " of " +
                snapshot.getOwnerValuesCount() + ", strings used=" + stringIndex + " of " +
                snapshot.getOwnerStringsCount());
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
