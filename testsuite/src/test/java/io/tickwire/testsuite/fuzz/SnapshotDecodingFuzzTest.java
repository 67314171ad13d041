package io.tickwire.testsuite.fuzz;

import com.code_intelligence.jazzer.junit.FuzzTest;
import com.google.protobuf.InvalidProtocolBufferException;
import io.tickwire.protocol.delta.DeltaDecoder;
import io.tickwire.protocol.delta.DeltaEncoder;
import io.tickwire.protocol.delta.DeltaException;
import io.tickwire.protocol.delta.WorldState;
import io.tickwire.protocol.v1.ServerMessage;
import io.tickwire.protocol.v1.Snapshot;
import org.junit.jupiter.api.Timeout;

import java.nio.ByteBuffer;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Fuzzes the SDK's snapshot path with frames from a hostile or broken server: {@code
 * ServerMessage.parseFrom} over the frame's NIO buffer (as {@code ClientConnection} does; a direct
 * buffer unless the protobuf-java runtime has the direct decoder's overflow bug, see
 * {@link DirectDecoding}), then
 * {@link DeltaDecoder#apply} against a fixed baseline of a schema with every field kind.
 * <p>
 * Properties, for any bytes:
 * <ul>
 * <li>the only failures are {@link InvalidProtocolBufferException} and {@link DeltaException};</li>
 * <li>a failed apply leaves the baseline untouched;</li>
 * <li>a successful apply yields {@code entity_count} entities with strictly ascending ids in
 * [1, 2^31 - 1] and every slot within [0, slotMax]: nothing out of range reaches the game;</li>
 * <li>re-encoding the result against the same baseline and applying it again gives the same state.</li>
 * </ul>
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class SnapshotDecodingFuzzTest
{
    private static final DeltaDecoder DECODER = new DeltaDecoder(Seeds.SCHEMA);
    private static final DeltaEncoder ENCODER = new DeltaEncoder(Seeds.SCHEMA);
    private static final WorldState PRISTINE_BASELINE = Seeds.baseline();

    @FuzzTest(maxDuration = "5m")
    void shouldApplyOrRejectEverySnapshot(final byte[] frame)
    {
        final ServerMessage message;
        try
        {
            message = ServerMessage.parseFrom(
                DirectDecoding.SAFE ? DirectDecoding.direct(frame) : ByteBuffer.wrap(frame));
        }
        catch (final InvalidProtocolBufferException ex)
        {
            return;
        }
        if (!message.hasSnapshot())
        {
            return;
        }
        final Snapshot snapshot = message.getSnapshot();
        final WorldState baseline = snapshot.getBaselineTick() == 0 ? null : Seeds.baseline();
        final WorldState out = new WorldState(Seeds.SCHEMA, 1);
        try
        {
            DECODER.apply(baseline, snapshot, out);
        }
        catch (final DeltaException ex)
        {
            assertBaselineUntouched(baseline);
            return;
        }
        assertBaselineUntouched(baseline);
        assertValid(snapshot, out);

        final byte[] reencoded = ENCODER.encodeServerMessage(baseline, out, snapshot.getLastInputSeq());
        final WorldState again = new WorldState(Seeds.SCHEMA, out.count());
        try
        {
            DECODER.apply(baseline, ServerMessage.parseFrom(reencoded).getSnapshot(), again);
        }
        catch (final DeltaException | InvalidProtocolBufferException ex)
        {
            fail("re-encoded snapshot does not apply: " + ex, ex);
        }
        assertNull(out.firstDifference(again), "re-encoded snapshot gives the same state");
        assertEquals(out.tick(), again.tick());
    }

    private static void assertBaselineUntouched(final WorldState baseline)
    {
        if (baseline != null)
        {
            assertNull(PRISTINE_BASELINE.firstDifference(baseline), "baseline untouched");
            assertEquals(PRISTINE_BASELINE.tick(), baseline.tick(), "baseline tick untouched");
        }
    }

    private static void assertValid(final Snapshot snapshot, final WorldState out)
    {
        assertEquals(snapshot.getTick(), out.tick(), "tick");
        assertEquals(snapshot.getEntityCount(), out.count(), "entity_count");
        final int slots = out.slotCount();
        long previousId = 0;
        for (int i = 0; i < out.count(); i++)
        {
            final long id = out.idAt(i);
            assertTrue(id > previousId && id <= Integer.MAX_VALUE, "ids ascending in [1, 2^31-1]: index=" + i +
                ", id=" + id + ", previous=" + previousId);
            previousId = id;
            for (int s = 0; s < slots; s++)
            {
                final int value = out.valueAt(i, s);
                final int max = Seeds.SCHEMA.slotMax(s);
                assertTrue(value >= 0 && value <= max, "slot in range: id=" + id + ", slot=" + s + ", value=" +
                    value + ", max=" + max);
            }
        }
    }
}
