package io.tickwire.server.room;

import com.google.protobuf.CodedOutputStream;
import com.google.protobuf.WireFormat;
import io.tickwire.protocol.CloseCodes;
import org.agrona.ExpandableArrayBuffer;

import java.io.IOException;
import java.util.ArrayList;

/**
 * Writes the game's messages to players: encodes one {@code ServerMessage.message} frame per send (the same
 * bytes for every recipient) and copies it into each recipient's {@link Outbox} as a {@link Outbox#MESSAGE},
 * which the transport never drops while the connection lives. A recipient whose outbox is full is closed
 * (4008) rather than left with a gap in its messages.
 * <p>
 * Thread: the owning room loop. The encode reuses one buffer and one {@link CodedOutputStream}.
 */
final class GameMessages
{
    /** {@code ServerMessage.message} field number. */
    static final int SERVER_MESSAGE_FIELD = 5;
    private static final int TYPE_FIELD = 1;
    private static final int PAYLOAD_FIELD = 2;
    private static final int TICK_FIELD = 3;

    private final ExpandableArrayBuffer frame = new ExpandableArrayBuffer(256);
    private final BufferSink sink = new BufferSink();
    private final CodedOutputStream out = CodedOutputStream.newInstance(sink, 256);
    final LoopCounters counters;
    private final TouchedOutboxes touched;
    private int frameLength;

    GameMessages(final LoopCounters counters, final TouchedOutboxes touched)
    {
        this.counters = counters;
        this.touched = touched;
    }

    /**
     * Encode the frame the next {@link #deliver} calls write.
     */
    void encode(final int type, final byte[] payload, final int tick)
    {
        final int body = CodedOutputStream.computeUInt32Size(TYPE_FIELD, type) +
            (payload.length == 0 ? 0 : CodedOutputStream.computeByteArraySize(PAYLOAD_FIELD, payload)) +
            (tick == 0 ? 0 : CodedOutputStream.computeUInt32Size(TICK_FIELD, tick));
        sink.wrap(frame, 0);
        try
        {
            out.writeTag(SERVER_MESSAGE_FIELD, WireFormat.WIRETYPE_LENGTH_DELIMITED);
            out.writeUInt32NoTag(body);
            out.writeUInt32(TYPE_FIELD, type);
            if (payload.length != 0)
            {
                out.writeByteArray(PAYLOAD_FIELD, payload);
            }
            if (tick != 0)
            {
                out.writeUInt32(TICK_FIELD, tick);
            }
            out.flush();
        }
        catch (final IOException ex)
        {
            throw new IllegalStateException("message encode failed: type=" + type + ", length=" + payload.length, ex);
        }
        frameLength = sink.position();
    }

    /**
     * Write the encoded frame to one connection: queued behind its {@code Welcome} while it joins.
     *
     * @return true when queued; false when the connection is detached, closing, or was closed because its
     * outbox was full.
     */
    boolean deliver(final Connection c)
    {
        final ClientLink link = c.link;
        if (link == null || c.closing || !link.isOpen())
        {
            return false;
        }
        if (c.welcomePending)
        {
            final byte[] copy = new byte[frameLength];
            frame.getBytes(0, copy);
            if (c.framesAfterWelcome == null)
            {
                c.framesAfterWelcome = new ArrayList<>();
            }
            c.framesAfterWelcome.add(copy);
            return true;
        }
        return put(c, frame, frameLength);
    }

    /**
     * Write what was queued behind a joining connection's {@code Welcome}.
     */
    void flushAfterWelcome(final Connection c)
    {
        c.welcomePending = false;
        final ArrayList<byte[]> queued = c.framesAfterWelcome;
        c.framesAfterWelcome = null;
        if (queued == null)
        {
            return;
        }
        for (int i = 0; i < queued.size() && !c.closing; i++)
        {
            final byte[] bytes = queued.get(i);
            put(c, new org.agrona.concurrent.UnsafeBuffer(bytes), bytes.length);
        }
    }

    private boolean put(final Connection c, final org.agrona.DirectBuffer bytes, final int length)
    {
        final ClientLink link = c.link;
        final Outbox outbox = link.outbox();
        final int offset = outbox.claim(link.connectionId(), Outbox.MESSAGE, length);
        if (offset < 0)
        {
            counters.outboxFull++;
            c.closing = true;
            link.close(CloseCodes.SERVER_OVERLOADED, "server overloaded: outbound queue full, game message not sent");
            return false;
        }
        outbox.buffer().putBytes(offset, bytes, 0, length);
        outbox.commit(offset);
        touched.add(outbox);
        counters.messagesOut++;
        counters.messageBytesOut += length;
        return true;
    }
}
