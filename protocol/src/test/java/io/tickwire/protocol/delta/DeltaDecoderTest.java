package io.tickwire.protocol.delta;

import io.tickwire.protocol.schema.EntitySchema;
import io.tickwire.protocol.v1.ServerMessage;
import io.tickwire.protocol.v1.Snapshot;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.function.UnaryOperator;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Structured corruptions of one valid snapshot: each must be rejected with a
 * {@link DeltaException} that names the values, leaving the baseline untouched.
 */
class DeltaDecoderTest
{
    private static final EntitySchema SCHEMA = EntitySchema.builder()
        .intField("hp", 0, 100)
        .fixed("x", -10, 10, 0.5)
        .angle("yaw", 6)
        .bool("alive")
        .quaternion("rot", 5)
        .build();
    private static final int SLOTS = SCHEMA.slotCount();

    private final WorldState baseline = state(10, new int[]{1, 2, 3, 5, 8}, 0);
    private final WorldState current = current();
    private final DeltaDecoder decoder = new DeltaDecoder(SCHEMA);
    private final Snapshot valid = encode(baseline, current);

    private static WorldState state(final int tick, final int[] ids, final int salt)
    {
        final int[] values = new int[ids.length * SLOTS];
        for (int i = 0; i < ids.length; i++)
        {
            for (int s = 0; s < SLOTS; s++)
            {
                values[i * SLOTS + s] = Math.min(SCHEMA.slotMax(s), (ids[i] * 7 + s * 3 + salt) % 20);
            }
        }
        final WorldState state = new WorldState(SCHEMA, ids.length);
        state.capture(tick, tick * 16L, ids.length, ids, values);
        return state;
    }

    private static WorldState current()
    {
        // 2 removed, 4 and 9 created, 3 and 8 changed (8's yaw wraps across 0), 1 and 5 unchanged.
        final WorldState next = state(12, new int[]{1, 3, 4, 5, 8, 9}, 0);
        final int[] values = next.valueArray();
        values[SLOTS + 0] = 99;
        values[SLOTS + 1] = 0;
        values[4 * SLOTS + 2] = 63;
        values[4 * SLOTS + 6] = 31;
        return next;
    }

    private static Snapshot encode(final WorldState base, final WorldState cur)
    {
        try
        {
            return ServerMessage.parseFrom(new DeltaEncoder(SCHEMA).encodeServerMessage(base, cur, 5)).getSnapshot();
        }
        catch (final Exception ex)
        {
            throw new AssertionError(ex);
        }
    }

    @Test
    void shouldApplyTheValidSnapshot() throws DeltaException
    {
        assertEquals(List.of(2), valid.getRemovedIdsList());
        assertEquals(List.of(4, 5), valid.getCreatedIdsList());
        assertEquals(List.of(3, 5), valid.getChangedIdsList());
        assertEquals(6, valid.getEntityCount());

        final WorldState out = new WorldState(SCHEMA, 0);
        decoder.apply(baseline, valid, out);

        assertNull(current.firstDifference(out));
        assertEquals(12, out.tick());
        assertEquals(12 * 16L, out.serverTimeMs());
    }

    @Test
    void shouldApplyAFullSnapshotToNoBaseline() throws DeltaException
    {
        final WorldState out = new WorldState(SCHEMA, 0);
        final WorldState empty = new WorldState(SCHEMA, 0);
        decoder.apply(null, encode(null, current), out);
        assertNull(current.firstDifference(out));
        decoder.apply(empty, encode(null, current), out);
        assertNull(current.firstDifference(out));
    }

    @Test
    void shouldRejectUnknownOrWrongBaseline()
    {
        assertRejected(valid, null, "baseline not held", "baselineTick=10", "given=none");
        assertRejected(valid, state(11, new int[]{1, 2, 3, 5, 8}, 0), "baseline not held", "given=11");
        assertThrows(IllegalArgumentException.class, () -> decoder.apply(baseline, valid, baseline));
    }

    @Test
    void shouldRejectTicksNotAfterTheBaseline()
    {
        assertRejected(with(b -> b.setTick(10)), baseline, "tick=10", "baselineTick=10");
        assertRejected(with(b -> b.setTick(9)), baseline, "tick=9", "baselineTick=10");
        assertRejected(with(b -> b.setTick(0)), baseline, "tick=0");
        assertRejected(with(b -> b.setTick(0).setBaselineTick(0).clearRemovedIds().clearChangedIds()
            .clearChangedMasks().clearChangedValues()), null, "tick=0");
    }

    @Test
    void shouldRejectIdsThatAreNotStrictlyAscending()
    {
        assertRejected(with(b -> b.setCreatedIds(1, 0)), baseline, "created_ids not strictly ascending", "index=1");
        assertRejected(with(b -> b.setChangedIds(1, 0)), baseline, "changed_ids not strictly ascending", "index=1");
        assertRejected(with(b -> b.setRemovedIds(0, 0)), baseline, "removed_ids not strictly ascending", "index=0");
        assertRejected(with(b -> b.setCreatedIds(1, -1)), baseline, "created_ids id out of range", "id=4294967299");
        assertRejected(with(b -> b.setCreatedIds(0, Integer.MIN_VALUE)), baseline, "created_ids id out of range",
            "id=2147483648");
    }

    @Test
    void shouldRejectIdsThatContradictTheBaseline()
    {
        assertRejected(with(b -> b.setCreatedIds(0, 3)), baseline, "created id already in baseline", "id=3");
        assertRejected(with(b -> b.setCreatedIds(1, 4)), baseline, "created id already in baseline", "id=8");
        assertRejected(with(b -> b.setRemovedIds(0, 4)), baseline, "removed id not in baseline", "id=4");
        assertRejected(with(b -> b.setRemovedIds(0, 100)), baseline, "removed id not in baseline", "id=100");
        assertRejected(with(b -> b.setChangedIds(0, 2)), baseline, "id both removed and changed", "id=2");
        assertRejected(with(b -> b.setChangedIds(1, 3)), baseline, "changed id not in baseline", "id=6");
        assertRejected(with(b -> b.setChangedIds(1, 90)), baseline, "changed id not in baseline", "id=93");
    }

    @Test
    void shouldRejectColumnsOfTheWrongLength()
    {
        assertRejected(with(b -> b.addCreatedValues(0)), baseline, "created_values length mismatch", "created=2",
            "slots=8", "values=17");
        assertRejected(with(b -> dropLastCreatedValue(b)), baseline, "created_values length mismatch", "values=15");
        assertRejected(with(b -> b.addChangedMasks(1)), baseline, "changed_masks length mismatch", "changed=2",
            "masks=3");
        assertRejected(with(b -> b.clearChangedMasks().addChangedMasks(valid.getChangedMasks(0))), baseline,
            "changed_masks length mismatch", "masks=1");
        assertRejected(with(b -> b.addChangedValues(1)), baseline, "changed_values length mismatch", "expected=4",
            "values=5");
        assertRejected(with(b -> b.clearChangedValues().addChangedValues(1)), baseline,
            "changed_values length mismatch", "values=1");
        assertRejected(with(b -> b.addCreatedIds(1)), baseline, "created_values length mismatch", "created=3");
        assertRejected(with(b -> b.addChangedIds(1)), baseline, "changed_masks length mismatch", "changed=3");
    }

    @Test
    void shouldRejectInvalidMasks()
    {
        assertRejected(with(b -> b.setChangedMasks(0, 0)), baseline, "changed mask invalid", "index=0", "mask=0x0");
        assertRejected(with(b -> b.setChangedMasks(1, valid.getChangedMasks(1) | 1L << SLOTS)), baseline,
            "changed mask invalid", "index=1", "slots=8");
        assertRejected(with(b -> b.setChangedMasks(1, Long.MIN_VALUE)), baseline, "changed mask invalid",
            "mask=0x8000000000000000");
    }

    @Test
    void shouldRejectValuesOutOfRange()
    {
        assertRejected(with(b -> b.setCreatedValues(0, 101)), baseline, "created value out of range", "id=4",
            "slot=0", "value=101", "max=100");
        assertRejected(with(b -> b.setCreatedValues(SLOTS + 4, 4)), baseline, "created value out of range", "id=9",
            "slot=4", "value=4", "max=3");
        assertRejected(with(b -> b.setCreatedValues(3, -1)), baseline, "created value out of range",
            "value=4294967295", "max=1");
        assertRejected(with(b -> b.setChangedValues(0, 200)), baseline, "changed value out of range", "id=3",
            "slot=0", "max=100");
        assertRejected(with(b -> b.setChangedValues(0, -1000)), baseline, "changed value out of range", "id=3",
            "value=-", "max=100");
        assertRejected(with(b -> b.setChangedValues(0, Integer.MAX_VALUE)), baseline, "changed value out of range",
            "slot=0");
        assertRejected(with(b -> b.setChangedValues(0, Integer.MIN_VALUE)), baseline, "changed value out of range",
            "slot=0");
    }

    @Test
    void shouldWrapAngleDeltasInsteadOfRejectingThem() throws DeltaException
    {
        final int yawIndex = 2;
        final int yawOfEight = valid.getChangedValuesCount() - 2;
        assertEquals(0b100_0100L, valid.getChangedMasks(1));
        assertEquals(List.of(98, -4, -3, 17), valid.getChangedValuesList());
        final Snapshot bigTurn = with(b -> b.setChangedValues(yawOfEight, valid.getChangedValues(yawOfEight) + 64));
        final WorldState out = new WorldState(SCHEMA, 0);

        decoder.apply(baseline, bigTurn, out);

        assertEquals(current.valueAt(4, yawIndex), out.valueAt(4, yawIndex));
    }

    @Test
    void shouldRejectAWrongEntityCount()
    {
        assertRejected(with(b -> b.setEntityCount(5)), baseline, "entity count mismatch", "baseline=5", "removed=1",
            "created=2", "entity_count=5");
        assertRejected(with(b -> b.setEntityCount(7)), baseline, "entity_count=7");
        assertRejected(with(b -> b.setEntityCount(-1)), baseline, "entity_count=-1");
        // Six removals from five entities: the count check passes with -1, the walk must still fail.
        assertRejected(with(b -> b.clearCreatedIds().clearCreatedValues().clearChangedIds().clearChangedMasks()
            .clearChangedValues().setEntityCount(-1).clearRemovedIds()
            .addAllRemovedIds(List.of(1, 1, 1, 2, 3, 100))), baseline, "removed id not in baseline", "id=108");
    }

    @Test
    void shouldRejectAFullSnapshotThatChangesOrRemoves()
    {
        assertRejected(with(b -> b.setBaselineTick(0).clearRemovedIds().setEntityCount(2)), null,
            "changed id not in baseline", "id=3");
        assertRejected(with(b -> b.setBaselineTick(0).clearChangedIds().clearChangedMasks().clearChangedValues()
            .setEntityCount(1)), null, "removed id not in baseline", "id=2");
        assertRejected(with(b -> b.setBaselineTick(0).clearChangedIds().clearChangedMasks().clearChangedValues()
            .clearRemovedIds().setEntityCount(3)), null, "entity count mismatch", "baseline=0", "entity_count=3");
    }

    private static Snapshot.Builder dropLastCreatedValue(final Snapshot.Builder b)
    {
        final List<Integer> values = List.copyOf(b.getCreatedValuesList());
        return b.clearCreatedValues().addAllCreatedValues(values.subList(0, values.size() - 1));
    }

    private Snapshot with(final UnaryOperator<Snapshot.Builder> change)
    {
        return change.apply(valid.toBuilder()).build();
    }

    private void assertRejected(final Snapshot snapshot, final WorldState base, final String... fragments)
    {
        final int[] baseIds = base == null ? null : base.idArray().clone();
        final int[] baseValues = base == null ? null : base.valueArray().clone();
        final int baseCount = base == null ? 0 : base.count();
        final WorldState out = new WorldState(SCHEMA, 0);

        final DeltaException ex = assertThrows(DeltaException.class, () -> decoder.apply(base, snapshot, out));

        for (final String fragment : fragments)
        {
            assertTrue(ex.getMessage().contains(fragment), () -> "'" + ex.getMessage() + "' lacks '" + fragment + "'");
        }
        if (base != null)
        {
            assertEquals(baseCount, base.count());
            assertArrayEquals(baseIds, base.idArray(), "baseline ids modified");
            assertArrayEquals(baseValues, base.valueArray(), "baseline values modified");
        }
    }
}
