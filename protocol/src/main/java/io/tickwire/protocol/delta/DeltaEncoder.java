package io.tickwire.protocol.delta;

import com.google.protobuf.CodedOutputStream;
import com.google.protobuf.WireFormat;
import io.tickwire.protocol.schema.EntitySchema;
import io.tickwire.protocol.schema.EntityTypes;
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
 * the per-connection ones, {@code last_input_seq} (which {@link #writeEnvelopeHeader} writes in front)
 * and the owner section (which {@link #prepareOwner} and {@link #writeOwner} write behind).
 * Protobuf fields concatenate, so header + body + owner section is one valid {@code ServerMessage}.</li>
 * </ol>
 * OWNER fields never go into the body: their slots are sent as 0 (or "") whatever the states hold, so a
 * shared body cannot leak them; their values travel in the owner section, to the owner only.
 * <p>
 * Scratch columns grow on demand and are reused, so in steady state encoding allocates nothing.
 * Not thread-safe: one encoder per room loop.
 */
public final class DeltaEncoder
{
    private static final int SERVER_MESSAGE_SNAPSHOT_TAG_SIZE =
        CodedOutputStream.computeTagSize(ServerMessage.SNAPSHOT_FIELD_NUMBER);
    /** Above this many slots, an entity's slots are range-compared before they are walked. */
    private static final int WIDE_TYPE_SLOTS = 8;

    private final EntityTypes types;
    private final int[] typeSlotCount;
    private final int[][] typeWrapMasks;
    private final long[] typeStringMask;
    private final long[] typeOwnerMask;
    /** Version 3's created_bits: per type, per slot, the bits of the slot's maximum (0 for STRING slots), and their sum. */
    private final int[][] typeSlotWidths;
    private final int[] typeCreatedBits;
    private final boolean hasOwnerFields;

    private WorldState current;
    private int baselineTick;
    private boolean packed;

    private int[] removedIdDeltas = new int[16];
    private int removedCount;
    private int removedBytes;

    private int[] createdIdDeltas = new int[16];
    private int[] createdIndexes = new int[16];
    private int createdCount;
    private int createdIdBytes;
    private int createdTypeBytes;
    private boolean createdNonZeroType;
    private int createdValueBytes;
    private long createdBitCount;
    private int createdBitsLength;
    private final BitWriter createdBits = new BitWriter();
    private int createdStringBytes;

    private final ChangeColumns changed = new ChangeColumns(
        Snapshot.CHANGED_IDS_FIELD_NUMBER, Snapshot.CHANGED_MASKS_FIELD_NUMBER,
        Snapshot.CHANGED_VALUES_FIELD_NUMBER, Snapshot.CHANGED_STRINGS_FIELD_NUMBER);
    private final PackedChanges packedChanges = new PackedChanges();
    private final ChangeColumns owner = new ChangeColumns(
        Snapshot.OWNER_IDS_FIELD_NUMBER, Snapshot.OWNER_MASKS_FIELD_NUMBER,
        Snapshot.OWNER_VALUES_FIELD_NUMBER, Snapshot.OWNER_STRINGS_FIELD_NUMBER);

    private int bodySize;
    private int ownerSize;
    /** A row of zeros: what the client holds in OWNER slots of an entity it does not own (or just received). */
    private int[] zeros = new int[0];

    /**
     * @param schema schema of the states of a single-type room this encoder will diff.
     */
    public DeltaEncoder(final EntitySchema schema)
    {
        this(EntityTypes.single(schema));
    }

    /**
     * @param types entity types of the states this encoder will diff.
     */
    public DeltaEncoder(final EntityTypes types)
    {
        this.types = types;
        final int n = types.count();
        this.typeSlotCount = new int[n];
        this.typeWrapMasks = new int[n][];
        this.typeStringMask = new long[n];
        this.typeOwnerMask = new long[n];
        this.typeSlotWidths = new int[n][];
        this.typeCreatedBits = new int[n];
        boolean anyOwner = false;
        for (int t = 0; t < n; t++)
        {
            final EntitySchema schema = types.schema(t);
            typeSlotCount[t] = schema.slotCount();
            typeWrapMasks[t] = new int[schema.slotCount()];
            for (int s = 0; s < schema.slotCount(); s++)
            {
                typeWrapMasks[t][s] = schema.slotWrapMask(s);
            }
            typeStringMask[t] = schema.stringSlotMask();
            typeOwnerMask[t] = schema.ownerSlotMask();
            anyOwner |= schema.ownerSlotMask() != 0;
            typeSlotWidths[t] = new int[schema.slotCount()];
            for (int s = 0; s < schema.slotCount(); s++)
            {
                if ((schema.stringSlotMask() & (1L << s)) == 0)
                {
                    typeSlotWidths[t][s] = createdSlotBits(schema.slotMax(s));
                    typeCreatedBits[t] += typeSlotWidths[t][s];
                }
            }
        }
        this.hasOwnerFields = anyOwner;
    }

    /**
     * @return the schema of type 0 (the only one of a single-type room).
     */
    public EntitySchema schema()
    {
        return types.schema(0);
    }

    /**
     * @return the entity types this encoder diffs.
     */
    public EntityTypes types()
    {
        return types;
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
        return prepare(baseline, current, false);
    }

    /**
     * Diff {@code current} against {@code baseline} into this encoder's scratch columns, with the changed section
     * as version 3's bit stream ({@code changed_bits}) or version 2's varint columns.
     *
     * @param baseline the state the client acknowledged, or null for a full snapshot.
     * @param current  the state to send.
     * @param packed   true for a connection that speaks protocol version 3 or later.
     * @return size in bytes of the body {@link #writeBody(CodedOutputStream)} will write.
     */
    public int prepare(final WorldState baseline, final WorldState current, final boolean packed)
    {
        this.current = current;
        this.packed = packed;
        this.baselineTick = baseline == null ? 0 : baseline.tick();
        removedCount = 0;
        removedBytes = 0;
        createdCount = 0;
        createdIdBytes = 0;
        createdTypeBytes = 0;
        createdNonZeroType = false;
        createdValueBytes = 0;
        createdBitCount = 0;
        createdBitsLength = 0;
        createdStringBytes = 0;
        changed.reset(!packed);

        final int stride = current.slotCount();
        final int baseCount = baseline == null ? 0 : baseline.count();
        final int[] baseIds = baseline == null ? null : baseline.idArray();
        final int[] baseValues = baseline == null ? null : baseline.valueArray();
        final String[] baseStrings = baseline == null ? null : baseline.stringArray();
        final int curCount = current.count();
        final int[] curIds = current.idArray();
        final int[] curTypes = current.typeArray();
        final int[] curValues = current.valueArray();
        final String[] curStrings = current.stringArray();

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
                addCreated(id - prevCreated, j, curTypes[j], curValues, curStrings, j * stride);
                prevCreated = id;
                j++;
            }
            else
            {
                final int id = curIds[j];
                final int type = curTypes[j];
                final int slots = typeSlotCount[type];
                final int baseOffset = i * stride;
                final int curOffset = j * stride;
                long mask = 0;
                // A few slots: compare them one by one (a vectorized range compare first costs more than it
                // saves, and is repeated for every changed entity). Many slots: the range compare finds most
                // entities unchanged in one pass.
                if (slots <= WIDE_TYPE_SLOTS ||
                    !Arrays.equals(baseValues, baseOffset, baseOffset + slots, curValues, curOffset, curOffset + slots))
                {
                    for (int s = 0; s < slots; s++)
                    {
                        if (baseValues[baseOffset + s] != curValues[curOffset + s])
                        {
                            mask |= 1L << s;
                        }
                    }
                    mask &= ~typeOwnerMask[type];
                }
                if (mask != 0)
                {
                    changed.add(id - prevChanged, i, mask, typeStringMask[type], typeWrapMasks[type],
                        baseValues, baseOffset, curValues, curStrings, curOffset);
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
        if (packed)
        {
            size += prepareCreatedBits();
        }
        else
        {
            size += packedFieldSize(Snapshot.CREATED_VALUES_FIELD_NUMBER, createdValueBytes);
        }
        if (createdNonZeroType)
        {
            size += packedFieldSize(Snapshot.CREATED_TYPES_FIELD_NUMBER, createdTypeBytes);
        }
        size += createdStringBytes;
        size += packed ? packedChanges.prepare(changed) + changed.stringsSize() : changed.size();
        if (current.serverTimeMs() != 0)
        {
            size += CodedOutputStream.computeUInt64Size(Snapshot.SERVER_TIME_MS_FIELD_NUMBER, current.serverTimeMs());
        }
        bodySize = size;
        ownerSize = 0;
        owner.reset(true);
        return size;
    }

    /**
     * Diff one connection's owner section (protocol version 2), after {@link #prepare} of the body it goes
     * with: for every entity of the connection's {@code view} that it owns now or owned at its baseline, the
     * OWNER slots whose value differs from what the client holds after the body (its baseline value when the
     * entity is in {@code ownedBaseline}, else 0 or ""). Entities it no longer owns go back to 0.
     *
     * @param ownedBaseline the owned entities (all slots) the client held at its acked tick, or null.
     * @param ownedCurrent  the entities the connection owns now, all slots, ids ascending; or null.
     * @param view          the state the body took the client to.
     * @return size in bytes of the section {@link #writeOwner(CodedOutputStream)} will write.
     */
    public int prepareOwner(final WorldState ownedBaseline, final WorldState ownedCurrent, final WorldState view)
    {
        owner.reset(true);
        ownerSize = 0;
        if (!hasOwnerFields)
        {
            return 0;
        }
        final int baseCount = ownedBaseline == null ? 0 : ownedBaseline.count();
        final int curCount = ownedCurrent == null ? 0 : ownedCurrent.count();
        int i = 0;
        int j = 0;
        int prev = 0;
        final int stride = view.slotCount();
        final int[] zeros = zeroRow(stride);
        while (i < baseCount || j < curCount)
        {
            final int baseId = i < baseCount ? ownedBaseline.idAt(i) : Integer.MAX_VALUE;
            final int curId = j < curCount ? ownedCurrent.idAt(j) : Integer.MAX_VALUE;
            final int id = Math.min(baseId, curId);
            final boolean inBase = baseId == id;
            final boolean inCur = curId == id;
            final int viewIndex = view.indexOf(id);
            if (viewIndex >= 0)
            {
                final int type = view.typeAt(viewIndex);
                final long ownerSlots = typeOwnerMask[type];
                final int[] baseValues = inBase ? ownedBaseline.valueArray() : zeros;
                final int baseOffset = inBase ? i * stride : 0;
                final int[] curValues = inCur ? ownedCurrent.valueArray() : zeros;
                final int curOffset = inCur ? j * stride : 0;
                long mask = 0;
                long remaining = ownerSlots;
                while (remaining != 0)
                {
                    final int s = Long.numberOfTrailingZeros(remaining);
                    remaining &= remaining - 1;
                    if (baseValues[baseOffset + s] != curValues[curOffset + s])
                    {
                        mask |= 1L << s;
                    }
                }
                if (mask != 0)
                {
                    owner.add(id - prev, -1, mask, typeStringMask[type], typeWrapMasks[type], baseValues, baseOffset,
                        curValues, inCur ? ownedCurrent.stringArray() : null, curOffset);
                    prev = id;
                }
            }
            if (inBase)
            {
                i++;
            }
            if (inCur)
            {
                j++;
            }
        }
        ownerSize = owner.size();
        return ownerSize;
    }

    private int[] zeroRow(final int stride)
    {
        if (zeros.length < stride)
        {
            zeros = new int[stride];
        }
        return zeros;
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

    private void addCreated(
        final int idDelta, final int index, final int type, final int[] curValues, final String[] curStrings,
        final int offset)
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
        createdTypeBytes += CodedOutputStream.computeUInt32SizeNoTag(type);
        createdNonZeroType |= type != 0;
        final long stringSlots = typeStringMask[type];
        final long ownerSlots = typeOwnerMask[type];
        int bytes = 0;
        for (int s = 0, n = typeSlotCount[type]; s < n; s++)
        {
            final long bit = 1L << s;
            if ((stringSlots & bit) != 0)
            {
                createdStringBytes += stringFieldSize(Snapshot.CREATED_STRINGS_FIELD_NUMBER,
                    (ownerSlots & bit) != 0 ? null : curStrings[offset + s]);
            }
            else
            {
                bytes += (ownerSlots & bit) != 0 ? 1 : CodedOutputStream.computeUInt32SizeNoTag(curValues[offset + s]);
            }
        }
        createdValueBytes += bytes;
        createdBitCount += typeCreatedBits[type];
    }

    /**
     * Version 3: write every created entity's numeric slots as fixed-width fields into {@link #createdBits}.
     *
     * @return bytes of the {@code created_bits} field (0 when there is nothing to send: the field is left out).
     */
    private int prepareCreatedBits()
    {
        if (createdBitCount == 0)
        {
            return 0;
        }
        final BitWriter w = createdBits;
        w.reset();
        final int stride = current.slotCount();
        final int[] values = current.valueArray();
        final int[] typeIds = current.typeArray();
        for (int c = 0; c < createdCount; c++)
        {
            final int index = createdIndexes[c];
            final int type = typeIds[index];
            final int offset = index * stride;
            final int[] widths = typeSlotWidths[type];
            final long ownerSlots = typeOwnerMask[type];
            final long stringSlots = typeStringMask[type];
            for (int s = 0, n = widths.length; s < n; s++)
            {
                final long bit = 1L << s;
                if ((stringSlots & bit) == 0)
                {
                    w.bits((ownerSlots & bit) != 0 ? 0 : values[offset + s], widths[s]);
                }
            }
        }
        createdBitsLength = w.finish();
        return CodedOutputStream.computeTagSize(Snapshot.CREATED_BITS_FIELD_NUMBER) +
            CodedOutputStream.computeUInt32SizeNoTag(createdBitsLength) + createdBitsLength;
    }

    /**
     * @return the bits of a created slot's field in version 3: the bit length of its maximum.
     */
    static int createdSlotBits(final int slotMax)
    {
        return 32 - Integer.numberOfLeadingZeros(slotMax);
    }

    private static int stringFieldSize(final int fieldNumber, final String text)
    {
        return text == null ? CodedOutputStream.computeTagSize(fieldNumber) + 1 :
            CodedOutputStream.computeStringSize(fieldNumber, text);
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
        final int stride = current.slotCount();
        final int[] values = current.valueArray();
        final int[] typeIds = current.typeArray();
        if (packed)
        {
            if (createdBitsLength != 0)
            {
                out.writeTag(Snapshot.CREATED_BITS_FIELD_NUMBER, WireFormat.WIRETYPE_LENGTH_DELIMITED);
                out.writeUInt32NoTag(createdBitsLength);
                out.writeRawBytes(createdBits.buffer(), 0, createdBitsLength);
            }
        }
        else if (createdValueBytes != 0)
        {
            out.writeTag(Snapshot.CREATED_VALUES_FIELD_NUMBER, WireFormat.WIRETYPE_LENGTH_DELIMITED);
            out.writeUInt32NoTag(createdValueBytes);
            for (int c = 0; c < createdCount; c++)
            {
                final int index = createdIndexes[c];
                final int type = typeIds[index];
                final int offset = index * stride;
                final long stringSlots = typeStringMask[type];
                final long ownerSlots = typeOwnerMask[type];
                for (int s = 0, n = typeSlotCount[type]; s < n; s++)
                {
                    final long bit = 1L << s;
                    if ((stringSlots & bit) == 0)
                    {
                        out.writeUInt32NoTag((ownerSlots & bit) != 0 ? 0 : values[offset + s]);
                    }
                }
            }
        }
        if (packed)
        {
            packedChanges.write(out);
        }
        else
        {
            changed.write(out);
        }
        if (current.serverTimeMs() != 0)
        {
            out.writeUInt64(Snapshot.SERVER_TIME_MS_FIELD_NUMBER, current.serverTimeMs());
        }
        if (createdNonZeroType)
        {
            out.writeTag(Snapshot.CREATED_TYPES_FIELD_NUMBER, WireFormat.WIRETYPE_LENGTH_DELIMITED);
            out.writeUInt32NoTag(createdTypeBytes);
            for (int c = 0; c < createdCount; c++)
            {
                out.writeUInt32NoTag(typeIds[createdIndexes[c]]);
            }
        }
        if (createdStringBytes != 0)
        {
            final String[] strings = current.stringArray();
            for (int c = 0; c < createdCount; c++)
            {
                final int index = createdIndexes[c];
                final int type = typeIds[index];
                final int offset = index * stride;
                long stringSlots = typeStringMask[type];
                while (stringSlots != 0)
                {
                    final int s = Long.numberOfTrailingZeros(stringSlots);
                    stringSlots &= stringSlots - 1;
                    final String text = (typeOwnerMask[type] & (1L << s)) != 0 ? null : strings[offset + s];
                    out.writeString(Snapshot.CREATED_STRINGS_FIELD_NUMBER, text == null ? "" : text);
                }
            }
        }
        changed.writeStrings(out);
    }

    /**
     * Write the owner section prepared by the last {@link #prepareOwner}: exactly the number of bytes it
     * returned (none when it returned 0). Goes after the body. Does not flush {@code out}.
     *
     * @param out destination.
     * @throws IOException from the stream.
     */
    public void writeOwner(final CodedOutputStream out) throws IOException
    {
        owner.write(out);
        owner.writeStrings(out);
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
        return encodeServerMessage(baseline, current, lastInputSeq, null, null);
    }

    /**
     * Convenience for tests, tools and benchmarks: prepare and write one whole {@code ServerMessage} with an
     * owner section into a new array.
     *
     * @param baseline      acked state or null.
     * @param current       state to send.
     * @param lastInputSeq  per-connection field.
     * @param ownedBaseline the connection's owned entities at its acked tick, or null.
     * @param ownedCurrent  the connection's owned entities now, or null.
     * @return the encoded {@code ServerMessage}.
     */
    public byte[] encodeServerMessage(
        final WorldState baseline,
        final WorldState current,
        final int lastInputSeq,
        final WorldState ownedBaseline,
        final WorldState ownedCurrent)
    {
        return encodeServerMessage(baseline, current, lastInputSeq, ownedBaseline, ownedCurrent, false);
    }

    /**
     * One whole {@code ServerMessage{snapshot}} in a fresh array, in version 2 or version 3 ({@code packed}) form.
     *
     * @param baseline      the acked state, or null for a full snapshot.
     * @param current       the state to send.
     * @param lastInputSeq  the connection's last applied input.
     * @param ownedBaseline the connection's owned entities at its baseline, or null.
     * @param ownedCurrent  the connection's owned entities now, or null.
     * @param packed        true for version 3's {@code changed_bits}.
     * @return the encoded {@code ServerMessage}.
     */
    public byte[] encodeServerMessage(
        final WorldState baseline,
        final WorldState current,
        final int lastInputSeq,
        final WorldState ownedBaseline,
        final WorldState ownedCurrent,
        final boolean packed)
    {
        final int body = prepare(baseline, current, packed);
        final int ownerBytes = prepareOwner(ownedBaseline, ownedCurrent, current);
        final byte[] bytes = new byte[envelopeHeaderSize(lastInputSeq, body + ownerBytes) + body + ownerBytes];
        final CodedOutputStream out = CodedOutputStream.newInstance(bytes);
        try
        {
            writeEnvelopeHeader(out, lastInputSeq, body + ownerBytes);
            writeBody(out);
            writeOwner(out);
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
        return changed.count;
    }

    /**
     * @return changed numeric slot values in the last prepare.
     */
    public int changedValueCount()
    {
        return changed.valueCount;
    }

    /**
     * @return owner section size of the last {@link #prepareOwner}.
     */
    public int ownerSize()
    {
        return ownerSize;
    }

    /**
     * One "changed" group of columns: ids, masks, numeric differences and texts. The body's changed section
     * and the owner section have the same shape under different field numbers.
     */
    private static final class ChangeColumns
    {
        private final int idsField;
        private final int masksField;
        private final int valuesField;
        private final int stringsField;
        private int[] idDeltas = new int[16];
        private long[] masks = new long[16];
        /** Per entity: its type's slot count (the mask's width in version 3), and the end of its values. */
        private byte[] maskWidths = new byte[16];
        /** Per entity: its index in the baseline (version 3 names changed entities by it). */
        private int[] baseIndexes = new int[16];
        private int[] valueEnds = new int[16];
        private int[] values = new int[64];
        private byte[] valueSlots = new byte[64];
        private String[] strings = new String[4];
        private int count;
        private int valueCount;
        private int stringCount;
        private int idBytes;
        private int maskBytes;
        private int valueBytes;
        private int stringBytes;
        private boolean varints;

        ChangeColumns(final int idsField, final int masksField, final int valuesField, final int stringsField)
        {
            this.idsField = idsField;
            this.masksField = masksField;
            this.valuesField = valuesField;
            this.stringsField = stringsField;
        }

        /**
         * @param varints true when the columns will be written as varints ({@link #size()}, {@link #write}); false
         *                when only version 3's stream will be written from them, which needs no varint sizes.
         */
        void reset(final boolean varints)
        {
            this.varints = varints;
            if (stringCount != 0)
            {
                Arrays.fill(strings, 0, stringCount, null);
            }
            count = 0;
            valueCount = 0;
            stringCount = 0;
            idBytes = 0;
            maskBytes = 0;
            valueBytes = 0;
            stringBytes = 0;
        }

        void add(
            final int idDelta,
            final int baseIndex,
            final long mask,
            final long stringSlots,
            final int[] wrapMasks,
            final int[] baseValues,
            final int baseOffset,
            final int[] curValues,
            final String[] curStrings,
            final int curOffset)
        {
            if (count == idDeltas.length)
            {
                idDeltas = Arrays.copyOf(idDeltas, count * 2);
                masks = Arrays.copyOf(masks, count * 2);
                maskWidths = Arrays.copyOf(maskWidths, count * 2);
                baseIndexes = Arrays.copyOf(baseIndexes, count * 2);
                valueEnds = Arrays.copyOf(valueEnds, count * 2);
            }
            idDeltas[count] = idDelta;
            masks[count] = mask;
            maskWidths[count] = (byte)wrapMasks.length;
            baseIndexes[count] = baseIndex;
            final int entity = count++;
            if (varints)
            {
                idBytes += CodedOutputStream.computeUInt32SizeNoTag(idDelta);
                maskBytes += CodedOutputStream.computeUInt64SizeNoTag(mask);
            }

            if (valueCount + Long.bitCount(mask) > values.length)
            {
                values = Arrays.copyOf(values, Math.max(values.length * 2, valueCount + Long.bitCount(mask)));
                valueSlots = Arrays.copyOf(valueSlots, values.length);
            }
            long remaining = mask;
            while (remaining != 0)
            {
                final int s = Long.numberOfTrailingZeros(remaining);
                remaining &= remaining - 1;
                if ((stringSlots & (1L << s)) != 0)
                {
                    if (stringCount == strings.length)
                    {
                        strings = Arrays.copyOf(strings, stringCount * 2);
                    }
                    final String text = curStrings == null ? null : curStrings[curOffset + s];
                    strings[stringCount++] = text == null ? "" : text;
                    stringBytes += CodedOutputStream.computeStringSize(stringsField, text == null ? "" : text);
                }
                else
                {
                    final int delta = valueDelta(baseValues[baseOffset + s], curValues[curOffset + s], wrapMasks[s]);
                    valueSlots[valueCount] = (byte)s;
                    values[valueCount++] = delta;
                    if (varints)
                    {
                        valueBytes += CodedOutputStream.computeSInt32SizeNoTag(delta);
                    }
                }
            }
            valueEnds[entity] = valueCount;
        }

        int size()
        {
            return packedFieldSize(idsField, idBytes) + packedFieldSize(masksField, maskBytes) +
                packedFieldSize(valuesField, valueBytes) + stringBytes;
        }

        int stringsSize()
        {
            return stringBytes;
        }

        void write(final CodedOutputStream out) throws IOException
        {
            writePackedUInt32(out, idsField, idDeltas, count, idBytes);
            if (maskBytes != 0)
            {
                out.writeTag(masksField, WireFormat.WIRETYPE_LENGTH_DELIMITED);
                out.writeUInt32NoTag(maskBytes);
                for (int c = 0; c < count; c++)
                {
                    out.writeUInt64NoTag(masks[c]);
                }
            }
            if (valueBytes != 0)
            {
                out.writeTag(valuesField, WireFormat.WIRETYPE_LENGTH_DELIMITED);
                out.writeUInt32NoTag(valueBytes);
                for (int v = 0; v < valueCount; v++)
                {
                    out.writeSInt32NoTag(values[v]);
                }
            }
        }

        void writeStrings(final CodedOutputStream out) throws IOException
        {
            for (int i = 0; i < stringCount; i++)
            {
                out.writeString(stringsField, strings[i]);
            }
        }
    }

    /**
     * Version 3's changed section: the ids, masks and differences a {@link ChangeColumns} collected, as one
     * {@code changed_bits} stream (protocol/README.md, "Version 3"). Per slot it picks the Exp-Golomb order that
     * makes that slot's values in this frame smallest (exactly, over orders 0..15; ties take the smaller order).
     * <p>
     * The size of a value's code at order k depends only on two numbers, so values are counted by them instead of
     * being sized sixteen times: for v with b bits whose top {@code ones} bits are ones, and t = b - ones, the code
     * has {@code 2b - 1 - k} bits for {@code k < t}, {@code 2b + 1 - k} up to {@code k = b - 1} (u = v + 2^k
     * carries into bit b there), and {@code k + 1} from {@code k = b} on. A frame's slots see few (b, t) pairs.
     */
    private static final class PackedChanges
    {
        private static final int ORDERS = 16;
        private static final int TAG_SIZE = CodedOutputStream.computeTagSize(Snapshot.CHANGED_BITS_FIELD_NUMBER);

        /** Values counted by (bit length 0..33, carry threshold 0..33). */
        private static final int SPAN = 34;
        private static final int ID_ROW = 64;

        private final BitWriter writer = new BitWriter();
        /** Per slot (and {@link #ID_ROW} for the gaps): counts by (b, t), and the buckets this frame touched. */
        private final int[][] histograms = new int[ID_ROW + 1][];
        private final short[][] touched = new short[ID_ROW + 1][];
        private final int[] touchedCount = new int[ID_ROW + 1];
        private final long[] costs = new long[ORDERS];
        private final int[] orders = new int[64];
        private int length;

        /**
         * @return bytes of the {@code changed_bits} field (0 when nothing changed: the field is left out).
         */
        int prepare(final ChangeColumns c)
        {
            length = 0;
            final int count = c.count;
            if (count == 0)
            {
                return 0;
            }
            int slots = 0;
            for (int v = 0; v < c.valueCount; v++)
            {
                slots = Math.max(slots, c.valueSlots[v] + 1);
            }
            for (int e = 0, previous = -1; e < count; e++)
            {
                tally(ID_ROW, c.baseIndexes[e] - previous - 1);
                previous = c.baseIndexes[e];
            }
            for (int v = 0; v < c.valueCount; v++)
            {
                tally(c.valueSlots[v], zigzagLess1(c.values[v]));
            }
            final int idOrder = cheapest(ID_ROW);
            for (int s = 0; s < slots; s++)
            {
                orders[s] = cheapest(s);
            }

            final BitWriter w = writer;
            w.reset();
            w.expGolomb(count, 0);
            w.bits(idOrder, 4);
            w.bits(slots, 7);
            for (int s = 0; s < slots; s++)
            {
                w.bits(orders[s], 4);
            }
            int v = 0;
            for (int e = 0, previous = -1; e < count; e++)
            {
                w.expGolomb(c.baseIndexes[e] - previous - 1, idOrder);
                previous = c.baseIndexes[e];
                final long mask = c.masks[e];
                if (e > 0 && mask == c.masks[e - 1])
                {
                    w.bits(1, 1);
                }
                else
                {
                    w.bits(0, 1);
                    final int width = c.maskWidths[e];
                    if (width <= 32)
                    {
                        w.bits(mask, width);
                    }
                    else
                    {
                        w.bits(mask & 0xFFFF_FFFFL, 32);
                        w.bits(mask >>> 32, width - 32);
                    }
                }
                for (final int end = c.valueEnds[e]; v < end; v++)
                {
                    w.expGolomb(zigzagLess1(c.values[v]), orders[c.valueSlots[v]]);
                }
            }
            length = w.finish();
            return TAG_SIZE + CodedOutputStream.computeUInt32SizeNoTag(length) + length;
        }

        void write(final CodedOutputStream out) throws IOException
        {
            if (length != 0)
            {
                out.writeTag(Snapshot.CHANGED_BITS_FIELD_NUMBER, WireFormat.WIRETYPE_LENGTH_DELIMITED);
                out.writeUInt32NoTag(length);
                out.writeRawBytes(writer.buffer(), 0, length);
            }
        }

        private void tally(final int row, final long value)
        {
            final int b = 64 - Long.numberOfLeadingZeros(value);
            final int t = b == 0 ? 0 : b - Long.numberOfLeadingZeros(~(value << (64 - b)));
            int[] histogram = histograms[row];
            if (histogram == null)
            {
                histogram = new int[SPAN * SPAN];
                histograms[row] = histogram;
                touched[row] = new short[SPAN * SPAN];
            }
            final int bucket = b * SPAN + t;
            if (histogram[bucket]++ == 0)
            {
                touched[row][touchedCount[row]++] = (short)bucket;
            }
        }

        /**
         * @return the order that makes the row's values smallest (ties: the smaller order); empties the row.
         */
        private int cheapest(final int row)
        {
            Arrays.fill(costs, 0L);
            final int[] histogram = histograms[row];
            final short[] buckets = touched[row];
            for (int i = 0, n = touchedCount[row]; i < n; i++)
            {
                final int bucket = buckets[i];
                final long count = histogram[bucket];
                histogram[bucket] = 0;
                final int b = bucket / SPAN;
                final int t = bucket % SPAN;
                for (int k = 0; k < ORDERS; k++)
                {
                    costs[k] += count * (k < t ? 2L * b - 1 - k : k < b ? 2L * b + 1 - k : k + 1);
                }
            }
            touchedCount[row] = 0;
            int best = 0;
            for (int k = 1; k < ORDERS; k++)
            {
                if (costs[k] < costs[best])
                {
                    best = k;
                }
            }
            return best;
        }

        /** A changed slot's difference is never 0, so the stream holds zigzag(d) - 1. */
        private static long zigzagLess1(final int delta)
        {
            return Integer.toUnsignedLong((delta << 1) ^ (delta >> 31)) - 1;
        }
    }
}
