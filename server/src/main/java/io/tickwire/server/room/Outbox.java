package io.tickwire.server.room;

import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;
import org.agrona.concurrent.MessageHandler;
import org.agrona.concurrent.UnsafeBuffer;
import org.agrona.concurrent.ringbuffer.ManyToOneRingBuffer;
import org.agrona.concurrent.ringbuffer.RingBufferDescriptor;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Frames from the room loops to the connections of one event loop: a {@code ManyToOneRingBuffer}
 * that room loops fill during a duty cycle and the event loop drains in one task, writing each
 * frame to its channel and flushing each channel once. The room side owns the record layout; the
 * transport supplies the {@link Reader} and the executor the drain runs on, so nothing Netty-owned
 * is created or released by a room loop: frames are copied in as bytes.
 * <p>
 * Records: {@link #SNAPSHOT} and {@link #MESSAGE} are {@code [connectionId:8][ServerMessage bytes]};
 * {@link #CLOSE} is {@code [connectionId:8][closeCode:4][reason UTF-8]}.
 * <p>
 * Threads: {@link #claim}, {@link #commit}, {@link #abort}, {@link #offerClose} and
 * {@link #signal()} from any producer thread (room loops); the drain runs on the consumer executor.
 */
public final class Outbox
{
    /** A snapshot: dropped by the transport when the connection is not writable (the next delta covers it). */
    public static final int SNAPSHOT = 1;
    /** A message that must arrive (Welcome, game messages): never dropped while the connection lives. */
    public static final int MESSAGE = 2;
    /** Close the connection with a code and a reason, after the frames before it. */
    public static final int CLOSE = 3;

    /** Most records one drain task handles before it yields the event loop and schedules itself again. */
    static final int MAX_RECORDS_PER_DRAIN = 8192;

    private static final int CONNECTION_ID_OFFSET = 0;
    private static final int PAYLOAD_OFFSET = 8;
    private static final int CLOSE_CODE_OFFSET = 8;
    private static final int CLOSE_REASON_OFFSET = 12;
    private static final int MAX_CLOSE_REASON_BYTES = 123;

    /**
     * What the transport does with each record. Called on the consumer executor only.
     */
    public interface Reader
    {
        /**
         * One frame for one connection. The bytes are valid only during the call: copy them.
         *
         * @param connectionId the connection.
         * @param kind         {@link #SNAPSHOT} or {@link #MESSAGE}.
         * @param buffer       the ring's buffer.
         * @param offset       where the serialized {@code ServerMessage} starts.
         * @param length       its length.
         */
        void onFrame(long connectionId, int kind, DirectBuffer buffer, int offset, int length);

        /**
         * Close one connection.
         *
         * @param connectionId the connection.
         * @param code         close code.
         * @param reason       reason.
         */
        void onClose(long connectionId, int code, String reason);

        /**
         * The end of a drain: flush what was written.
         */
        void onDrainEnd();
    }

    private final ManyToOneRingBuffer ring;
    private final Executor consumer;
    private final Reader reader;
    private final AtomicBoolean scheduled = new AtomicBoolean();
    private final Runnable drainTask = this::drain;
    private final MessageHandler handler = this::onRecord;

    /**
     * @param capacityBytes ring capacity, a power of two; a frame may be at most an eighth of it.
     * @param consumer      where the drain runs (the event loop).
     * @param reader        what the drain does with each record.
     */
    public Outbox(final int capacityBytes, final Executor consumer, final Reader reader)
    {
        this.ring = new ManyToOneRingBuffer(new UnsafeBuffer(
            ByteBuffer.allocateDirect(capacityBytes + RingBufferDescriptor.TRAILER_LENGTH)));
        this.consumer = consumer;
        this.reader = reader;
    }

    /**
     * Claim room for one frame of {@code length} bytes; write it at the returned offset of
     * {@link #buffer()}, then {@link #commit} or {@link #abort}.
     *
     * @param connectionId the connection.
     * @param kind         {@link #SNAPSHOT} or {@link #MESSAGE}.
     * @param length       frame length in bytes.
     * @return the offset to write the frame at, or -1 when the outbox is full or the frame is
     * larger than an eighth of its capacity.
     */
    public int claim(final long connectionId, final int kind, final int length)
    {
        if (length + PAYLOAD_OFFSET > ring.maxMsgLength())
        {
            return -1;
        }
        final int index = ring.tryClaim(kind, length + PAYLOAD_OFFSET);
        if (index <= 0)
        {
            return -1;
        }
        ring.buffer().putLong(index + CONNECTION_ID_OFFSET, connectionId);
        return index + PAYLOAD_OFFSET;
    }

    /**
     * @return the buffer claimed offsets point into.
     */
    public MutableDirectBuffer buffer()
    {
        return ring.buffer();
    }

    /**
     * Publish a claimed frame.
     *
     * @param offset the offset {@link #claim} returned.
     */
    public void commit(final int offset)
    {
        ring.commit(offset - PAYLOAD_OFFSET);
    }

    /**
     * Give a claimed frame up.
     *
     * @param offset the offset {@link #claim} returned.
     */
    public void abort(final int offset)
    {
        ring.abort(offset - PAYLOAD_OFFSET);
    }

    /**
     * Copy one whole frame in.
     *
     * @param connectionId the connection.
     * @param kind         {@link #SNAPSHOT} or {@link #MESSAGE}.
     * @param frame        the serialized {@code ServerMessage}.
     * @return false when the outbox is full.
     */
    public boolean offer(final long connectionId, final int kind, final byte[] frame)
    {
        final int offset = claim(connectionId, kind, frame.length);
        if (offset < 0)
        {
            return false;
        }
        ring.buffer().putBytes(offset, frame);
        commit(offset);
        return true;
    }

    /**
     * Ask the transport to close a connection once the frames before this record are written.
     *
     * @param connectionId the connection.
     * @param code         close code.
     * @param reason       reason (cut to the 123 bytes a close frame can carry).
     * @return false when the outbox is full.
     */
    public boolean offerClose(final long connectionId, final int code, final String reason)
    {
        final byte[] utf8 = reason.getBytes(StandardCharsets.UTF_8);
        final int length = Math.min(utf8.length, MAX_CLOSE_REASON_BYTES);
        final int index = ring.tryClaim(CLOSE, CLOSE_REASON_OFFSET + length);
        if (index <= 0)
        {
            return false;
        }
        final MutableDirectBuffer buffer = ring.buffer();
        buffer.putLong(index + CONNECTION_ID_OFFSET, connectionId);
        buffer.putInt(index + CLOSE_CODE_OFFSET, code);
        buffer.putBytes(index + CLOSE_REASON_OFFSET, utf8, 0, length);
        ring.commit(index);
        return true;
    }

    /**
     * Make sure a drain runs after what was committed so far. Cheap when one is already pending.
     */
    public void signal()
    {
        if (!scheduled.get() && scheduled.compareAndSet(false, true))
        {
            consumer.execute(drainTask);
        }
    }

    /**
     * @return bytes committed and not yet drained.
     */
    public int pendingBytes()
    {
        return ring.size();
    }

    private void drain()
    {
        scheduled.set(false);
        try
        {
            ring.read(handler, MAX_RECORDS_PER_DRAIN);
        }
        finally
        {
            reader.onDrainEnd();
        }
        if (ring.size() > 0)
        {
            signal();
        }
    }

    private void onRecord(final int kind, final MutableDirectBuffer buffer, final int index, final int length)
    {
        final long connectionId = buffer.getLong(index + CONNECTION_ID_OFFSET);
        if (kind == CLOSE)
        {
            reader.onClose(connectionId, buffer.getInt(index + CLOSE_CODE_OFFSET),
                buffer.getStringWithoutLengthUtf8(index + CLOSE_REASON_OFFSET, length - CLOSE_REASON_OFFSET));
        }
        else
        {
            reader.onFrame(connectionId, kind, buffer, index + PAYLOAD_OFFSET, length - PAYLOAD_OFFSET);
        }
    }
}
