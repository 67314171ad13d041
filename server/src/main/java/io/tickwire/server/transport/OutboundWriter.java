package io.tickwire.server.transport;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.EventLoop;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.tickwire.server.room.Outbox;
import org.agrona.DirectBuffer;
import org.agrona.collections.Long2ObjectHashMap;

import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * The transport end of one event loop's {@link Outbox}: copies each frame the room loops put there
 * into a pooled buffer and writes it to its channel, then flushes each channel it wrote to once per
 * drain. A snapshot for a channel that is not writable is dropped and counted (the next delta
 * against the client's ack covers it); a message that must arrive goes through the channel's
 * outbound budget ({@link OutboundBudget}), which closes the connection rather than queue without
 * bound. Frames for connections that are gone or closing are dropped.
 * <p>
 * Thread: its event loop (sessions register and unregister there, the outbox drains there).
 */
final class OutboundWriter implements Outbox.Reader
{
    private final EventLoop eventLoop;
    private final Outbox outbox;
    private final TransportCounters counters;
    private final Long2ObjectHashMap<Session> sessions = new Long2ObjectHashMap<>();
    private Channel[] dirty = new Channel[64];
    private int dirtyCount;
    private ByteBuffer view;
    private ByteBuffer viewSource;

    OutboundWriter(final EventLoop eventLoop, final int capacityBytes, final TransportCounters counters)
    {
        this.eventLoop = eventLoop;
        this.counters = counters;
        this.outbox = new Outbox(capacityBytes, eventLoop, this);
    }

    /**
     * @return the outbox room loops write this event loop's frames into.
     */
    Outbox outbox()
    {
        return outbox;
    }

    /**
     * @return the event loop this writer belongs to.
     */
    EventLoop eventLoop()
    {
        return eventLoop;
    }

    void register(final Session session)
    {
        sessions.put(session.connectionId(), session);
    }

    void unregister(final Session session)
    {
        sessions.remove(session.connectionId());
    }

    @Override
    public void onFrame(final long connectionId, final int kind, final DirectBuffer buffer, final int offset,
        final int length)
    {
        final Session session = sessions.get(connectionId);
        if (session == null || session.isClosing())
        {
            counters.outboundDropped.increment();
            return;
        }
        final Channel channel = session.channel();
        if (kind == Outbox.SNAPSHOT && !channel.isWritable())
        {
            counters.outboundDropped.increment();
            return;
        }
        final ByteBuf frame = channel.alloc().ioBuffer(length, length);
        frame.writeBytes(slice(buffer, offset, length));
        channel.write(new BinaryWebSocketFrame(frame), channel.voidPromise());
        markDirty(channel);
    }

    @Override
    public void onClose(final long connectionId, final int code, final String reason)
    {
        final Session session = sessions.get(connectionId);
        if (session != null)
        {
            session.closeWith(code, reason);
        }
    }

    @Override
    public void onDrainEnd()
    {
        for (int i = 0; i < dirtyCount; i++)
        {
            dirty[i].flush();
            dirty[i] = null;
        }
        dirtyCount = 0;
    }

    private void markDirty(final Channel channel)
    {
        for (int i = dirtyCount - 1; i >= 0 && i >= dirtyCount - 4; i--)
        {
            if (dirty[i] == channel)
            {
                return;
            }
        }
        if (dirtyCount == dirty.length)
        {
            dirty = Arrays.copyOf(dirty, dirtyCount * 2);
        }
        dirty[dirtyCount++] = channel;
    }

    /**
     * A reused view of the outbox's direct memory positioned on one frame: the copy into the pooled
     * buffer is one memory copy, with no temporary array or view per frame.
     */
    private ByteBuffer slice(final DirectBuffer buffer, final int offset, final int length)
    {
        final ByteBuffer source = buffer.byteBuffer();
        if (source != viewSource)
        {
            viewSource = source;
            view = source.duplicate();
        }
        final int start = buffer.wrapAdjustment() + offset;
        view.clear();
        view.position(start).limit(start + length);
        return view;
    }
}
