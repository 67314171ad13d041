package io.tickwire.protocol.delta;

import com.google.protobuf.CodedOutputStream;
import com.google.protobuf.WireFormat;
import io.tickwire.protocol.schema.EntitySchema;
import io.tickwire.protocol.v1.ServerMessage;
import io.tickwire.protocol.v1.Snapshot;

import java.io.IOException;
import java.util.Arrays;

/**
 * Encodes the {@code Snapshot} that takes a client from a baseline state to the current one.
 * <p>
 * Two steps, so that the caller can size its buffer and share one encoded body between every
 * connection with the same baseline:
 * <ol>
 * <li>{@link #prepare(WorldState, WorldState)} diffs the two states (one merge walk over ids
 * sorted ascending) into scratch columns and returns the body's exact size;</li>
 * <li>{@link #writeBody(CodedOutputStream)} writes the body: every {@code Snapshot} field except
 * the per-connection {@code last_input_seq}, which {@link #writeEnvelopeHeader} writes in front.
 * Protobuf fields concatenate, so header + body is one valid {@code ServerMessage}.</li>
 * </ol>
 * Scratch columns grow on demand and are reused, so in steady state encoding allocates nothing.
 * Not thread-safe: one encoder per room loop.
 */
public final class DeltaEncoder
{
    private static final int SERVER_MESSAGE_SNAPSHOT_TAG_SIZE =
        CodedOutputStream.computeTagSize(ServerMessage.SNAPSHOT_FIELD_NUMBER);

    private final EntitySchema schema;
    private final int slotCount;
    private final int[] wrapMasks;

    private WorldState current;
    private int baselineTick;

    private int[] removedIdDeltas = new int[16];
    private int removedCount;
    private int removedBytes;

    private int[] createdIdDeltas = new int[16];
    private int[] createdIndexes = new int[16];
    private int createdCount;
    private int createdIdBytes;
    private int createdValueBytes;

    private int[] changedIdDeltas = new int[16];
    private long[] changedMasks = new long[16];
    private int changedCount;
    private int changedIdBytes;
    private int changedMaskBytes;

    private int[] changedValues = new int[64];
    private int changedValueCount;
    private int changedValueBytes;

    private int bodySize;

    /**
     * @param schema schema of the states this encoder will diff.
     */
    public DeltaEncoder(final EntitySchema schema)
    {
        this.schema = schema;
        this.slotCount = schema.slotCount();
        this.wrapMasks = new int[slotCount];
        for (int s = 0; s < slotCount; s++)
        {
            wrapMasks[s] = schema.slotWrapMask(s);
        }
    }

    /**
     * @return the schema this encoder diffs.
     */
    public EntitySchema schema()
    {
        return schema;
    }

    /**
     * Diff {@code current} against {@code baseline} into this encoder's scratch columns.
     *
     * @param baseline the state the client acknowledged, or null for a full snapshot.
     * @param current  the state to send.
     * @return size in bytes of the body {@link #writeBody(CodedOutputStream)} will write.
     */
    public int prepare(final WorldState baseline, final WorldState current)
    {
        this.current = current;
        this.baselineTick = baseline == null ? 0 : baseline.tick();
        removedCount = 0;
        removedBytes = 0;
        createdCount = 0;
        createdIdBytes = 0;
        createdValueBytes = 0;
        changedCount = 0;
        changedIdBytes = 0;
        changedMaskBytes = 0;
        changedValueCount = 0;
        changedValueBytes = 0;

        final int slots = slotCount;
        final int baseCount = baseline == null ? 0 : baseline.count();
        final int[] baseIds = baseline == null ? null : baseline.idArray();
        final int[] baseValues = baseline == null ? null : baseline.valueArray();
        final int curCount = current.count();
        final int[] curIds = current.idArray();
        final int[] curValues = current.valueArray();

        int prevRemoved = 0;
        int prevCreated = 0;
        int prevChanged = 0;
        int i = 0;
        int j = 0;
        while (i < baseCount || j < curCount)
        {
            if (j >= curCount || (i < baseCount && baseIds[i] < curIds[j]))
            {
                final int id = baseIds[i++];
                addRemoved(id - prevRemoved);
                prevRemoved = id;
            }
            else if (i >= baseCount || curIds[j] < baseIds[i])
            {
                final int id = curIds[j];
                addCreated(id - prevCreated, j, curValues, j * slots);
                prevCreated = id;
                j++;
            }
            else
            {
                final int id = curIds[j];
                final int baseOffset = i * slots;
                final int curOffset = j * slots;
                // Most entities are unchanged: one vectorized range compare, then the slot walk only if needed.
                long mask = 0;
                if (!Arrays.equals(baseValues, baseOffset, baseOffset + slots, curValues, curOffset, curOffset + slots))
                {
                    for (int s = 0; s < slots; s++)
                    {
                        if (baseValues[baseOffset + s] != curValues[curOffset + s])
                        {
                            mask |= 1L << s;
                        }
                    }
                }
                if (mask != 0)
                {
                    addChanged(id - prevChanged, mask, baseValues, baseOffset, curValues, curOffset);
                    prevChanged = id;
                }
                i++;
                j++;
            }
        }

        int size = 0;
        size += uint32FieldSize(Snapshot.TICK_FIELD_NUMBER, current.tick());
        size += uint32FieldSize(Snapshot.BASELINE_TICK_FIELD_NUMBER, baselineTick);
        size += uint32FieldSize(Snapshot.ENTITY_COUNT_FIELD_NUMBER, curCount);
        size += packedFieldSize(Snapshot.REMOVED_IDS_FIELD_NUMBER, removedBytes);
        size += packedFieldSize(Snapshot.CREATED_IDS_FIELD_NUMBER, createdIdBytes);
        size += packedFieldSize(Snapshot.CREATED_VALUES_FIELD_NUMBER, createdValueBytes);
        size += packedFieldSize(Snapshot.CHANGED_IDS_FIELD_NUMBER, changedIdBytes);
        size += packedFieldSize(Snapshot.CHANGED_MASKS_FIELD_NUMBER, changedMaskBytes);
        size += packedFieldSize(Snapshot.CHANGED_VALUES_FIELD_NUMBER, changedValueBytes);
        if (current.serverTimeMs() != 0)
        {
            size += CodedOutputStream.computeUInt64Size(Snapshot.SERVER_TIME_MS_FIELD_NUMBER, current.serverTimeMs());
        }
        bodySize = size;
        return size;
    }

    private void addRemoved(final int idDelta)
    {
        if (removedCount == removedIdDeltas.length)
        {
            removedIdDeltas = Arrays.copyOf(removedIdDeltas, removedCount * 2);
        }
        removedIdDeltas[removedCount++] = idDelta;
        removedBytes += CodedOutputStream.computeUInt32SizeNoTag(idDelta);
    }

    private void addCreated(final int idDelta, final int index, final int[] curValues, final int offset)
    {
        if (createdCount == createdIdDeltas.length)
        {
            createdIdDeltas = Arrays.copyOf(createdIdDeltas, createdCount * 2);
            createdIndexes = Arrays.copyOf(createdIndexes, createdCount * 2);
        }
        createdIdDeltas[createdCount] = idDelta;
        createdIndexes[createdCount] = index;
        createdCount++;
        createdIdBytes += CodedOutputStream.computeUInt32SizeNoTag(idDelta);
        int bytes = 0;
        for (int s = 0; s < slotCount; s++)
        {
            bytes += CodedOutputStream.computeUInt32SizeNoTag(curValues[offset + s]);
        }
        createdValueBytes += bytes;
    }

    private void addChanged(
        final int idDelta,
        final long mask,
        final int[] baseValues,
        final int baseOffset,
        final int[] curValues,
        final int curOffset)
    {
        if (changedCount == changedIdDeltas.length)
        {
            changedIdDeltas = Arrays.copyOf(changedIdDeltas, changedCount * 2);
            changedMasks = Arrays.copyOf(changedMasks, changedCount * 2);
        }
        changedIdDeltas[changedCount] = idDelta;
        changedMasks[changedCount] = mask;
        changedCount++;
        changedIdBytes += CodedOutputStream.computeUInt32SizeNoTag(idDelta);
        changedMaskBytes += CodedOutputStream.computeUInt64SizeNoTag(mask);

        if (changedValueCount + slotCount > changedValues.length)
        {
            changedValues = Arrays.copyOf(changedValues, Math.max(changedValues.length * 2, changedValueCount + slotCount));
        }
        long remaining = mask;
        while (remaining != 0)
        {
            final int s = Long.numberOfTrailingZeros(remaining);
            remaining &= remaining - 1;
            final int delta = valueDelta(baseValues[baseOffset + s], curValues[curOffset + s], wrapMasks[s]);
            changedValues[changedValueCount++] = delta;
            changedValueBytes += CodedOutputStream.computeSInt32SizeNoTag(delta);
        }
    }

    /**
     * The difference the wire carries for one slot.
     *
     * @param base     baseline value.
     * @param current  current value.
     * @param wrapMask {@code 2^bits - 1} for a wrapping slot, 0 otherwise.
     * @return {@code current - base}, for a wrapping slot reduced into [-2^(bits-1), 2^(bits-1)).
     */
    static int valueDelta(final int base, final int current, final int wrapMask)
    {
        if (wrapMask == 0)
        {
            return current - base;
        }
        final int d = (current - base) & wrapMask;
        final int half = (wrapMask >>> 1) + 1;
        return d >= half ? d - (wrapMask + 1) : d;
    }

    private static int uint32FieldSize(final int fieldNumber, final int value)
    {
        return value == 0 ? 0 : CodedOutputStream.computeUInt32Size(fieldNumber, value);
    }

    private static int packedFieldSize(final int fieldNumber, final int dataBytes)
    {
        return dataBytes == 0 ? 0 :
            CodedOutputStream.computeTagSize(fieldNumber) + CodedOutputStream.computeUInt32SizeNoTag(dataBytes) +
            dataBytes;
    }

    /**
     * Write the body prepared by the last {@link #prepare(WorldState, WorldState)}: exactly the
     * number of bytes it returned. Does not flush {@code out}.
     *
     * @param out destination.
     * @throws IOException from the stream.
     */
    public void writeBody(final CodedOutputStream out) throws IOException
    {
        if (current.tick() != 0)
        {
            out.writeUInt32(Snapshot.TICK_FIELD_NUMBER, current.tick());
        }
        if (baselineTick != 0)
        {
            out.writeUInt32(Snapshot.BASELINE_TICK_FIELD_NUMBER, baselineTick);
        }
        if (current.count() != 0)
        {
            out.writeUInt32(Snapshot.ENTITY_COUNT_FIELD_NUMBER, current.count());
        }
        writePackedUInt32(out, Snapshot.REMOVED_IDS_FIELD_NUMBER, removedIdDeltas, removedCount, removedBytes);
        writePackedUInt32(out, Snapshot.CREATED_IDS_FIELD_NUMBER, createdIdDeltas, createdCount, createdIdBytes);
        if (createdValueBytes != 0)
        {
            out.writeTag(Snapshot.CREATED_VALUES_FIELD_NUMBER, WireFormat.WIRETYPE_LENGTH_DELIMITED);
            out.writeUInt32NoTag(createdValueBytes);
            final int[] values = current.valueArray();
            final int slots = slotCount;
            for (int c = 0; c < createdCount; c++)
            {
                final int offset = createdIndexes[c] * slots;
                for (int s = 0; s < slots; s++)
                {
                    out.writeUInt32NoTag(values[offset + s]);
                }
            }
        }
        writePackedUInt32(out, Snapshot.CHANGED_IDS_FIELD_NUMBER, changedIdDeltas, changedCount, changedIdBytes);
        if (changedMaskBytes != 0)
        {
            out.writeTag(Snapshot.CHANGED_MASKS_FIELD_NUMBER, WireFormat.WIRETYPE_LENGTH_DELIMITED);
            out.writeUInt32NoTag(changedMaskBytes);
            for (int c = 0; c < changedCount; c++)
            {
                out.writeUInt64NoTag(changedMasks[c]);
            }
        }
        if (changedValueBytes != 0)
        {
            out.writeTag(Snapshot.CHANGED_VALUES_FIELD_NUMBER, WireFormat.WIRETYPE_LENGTH_DELIMITED);
            out.writeUInt32NoTag(changedValueBytes);
            for (int v = 0; v < changedValueCount; v++)
            {
                out.writeSInt32NoTag(changedValues[v]);
            }
        }
        if (current.serverTimeMs() != 0)
        {
            out.writeUInt64(Snapshot.SERVER_TIME_MS_FIELD_NUMBER, current.serverTimeMs());
        }
    }

    private static void writePackedUInt32(
        final CodedOutputStream out, final int fieldNumber, final int[] values, final int count, final int bytes)
        throws IOException
    {
        if (bytes == 0)
        {
            return;
        }
        out.writeTag(fieldNumber, WireFormat.WIRETYPE_LENGTH_DELIMITED);
        out.writeUInt32NoTag(bytes);
        for (int i = 0; i < count; i++)
        {
            out.writeUInt32NoTag(values[i]);
        }
    }

    /**
     * Size of the per-connection bytes that go in front of a shared body.
     *
     * @param lastInputSeq the connection's last processed input sequence.
     * @param bodySize     the size {@link #prepare(WorldState, WorldState)} returned.
     * @return bytes {@link #writeEnvelopeHeader(CodedOutputStream, int, int)} writes.
     */
    public static int envelopeHeaderSize(final int lastInputSeq, final int bodySize)
    {
        final int snapshotSize = perConnectionFieldsSize(lastInputSeq) + bodySize;
        return SERVER_MESSAGE_SNAPSHOT_TAG_SIZE + CodedOutputStream.computeUInt32SizeNoTag(snapshotSize) +
            perConnectionFieldsSize(lastInputSeq);
    }

    /**
     * Write the per-connection prefix of a {@code ServerMessage{snapshot}}: the envelope's tag and
     * length, then the connection's own {@code Snapshot} fields. The shared body follows it.
     *
     * @param out          destination.
     * @param lastInputSeq the connection's last processed input sequence (0 = none yet).
     * @param bodySize     size of the body that will follow.
     * @throws IOException from the stream.
     */
    public static void writeEnvelopeHeader(final CodedOutputStream out, final int lastInputSeq, final int bodySize)
        throws IOException
    {
        out.writeTag(ServerMessage.SNAPSHOT_FIELD_NUMBER, WireFormat.WIRETYPE_LENGTH_DELIMITED);
        out.writeUInt32NoTag(perConnectionFieldsSize(lastInputSeq) + bodySize);
        if (lastInputSeq != 0)
        {
            out.writeUInt32(Snapshot.LAST_INPUT_SEQ_FIELD_NUMBER, lastInputSeq);
        }
    }

    private static int perConnectionFieldsSize(final int lastInputSeq)
    {
        return uint32FieldSize(Snapshot.LAST_INPUT_SEQ_FIELD_NUMBER, lastInputSeq);
    }

    /**
     * Convenience for tests, tools and benchmarks: prepare and write one whole
     * {@code ServerMessage} into a new array.
     *
     * @param baseline     acked state or null.
     * @param current      state to send.
     * @param lastInputSeq per-connection field.
     * @return the encoded {@code ServerMessage}.
     */
    public byte[] encodeServerMessage(final WorldState baseline, final WorldState current, final int lastInputSeq)
    {
        final int body = prepare(baseline, current);
        final byte[] bytes = new byte[envelopeHeaderSize(lastInputSeq, body) + body];
        final CodedOutputStream out = CodedOutputStream.newInstance(bytes);
        try
        {
            writeEnvelopeHeader(out, lastInputSeq, body);
            writeBody(out);
            out.checkNoSpaceLeft();
        }
        catch (final IOException ex)
        {
            throw new IllegalStateException("encoded size mismatch: expected=" + bytes.length, ex);
        }
        return bytes;
    }

    /**
     * @return baseline tick of the last prepare (0 for a full snapshot).
     */
    public int baselineTick()
    {
        return baselineTick;
    }

    /**
     * @return body size of the last prepare.
     */
    public int bodySize()
    {
        return bodySize;
    }

    /**
     * @return entities removed since the baseline in the last prepare.
     */
    public int removedCount()
    {
        return removedCount;
    }

    /**
     * @return entities new since the baseline in the last prepare.
     */
    public int createdCount()
    {
        return createdCount;
    }

    /**
     * @return entities with at least one changed slot in the last prepare.
     */
    public int changedCount()
    {
        return changedCount;
    }

    /**
     * @return changed slot values in the last prepare.
     */
    public int changedValueCount()
    {
        return changedValueCount;
    }
}
