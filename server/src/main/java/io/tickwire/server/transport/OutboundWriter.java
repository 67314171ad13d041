package io.tickwire.server.transport;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.EventLoop;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.tickwire.server.room.Outbox;
import org.agrona.DirectBuffer;
import org.agrona.collections.Long2ObjectHashMap;

import io.netty.handler.timeout.IdleStateEvent;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;

/**
 * The transport end of one event loop's {@link Outbox}: copies each frame the room loops put there
 * into a pooled buffer and writes it to its channel, then flushes each channel it wrote to once per
 * drain. A snapshot for a channel that is not writable is dropped and counted (the next delta
 * against the client's ack covers it); a message that must arrive goes through the channel's
 * outbound budget ({@link OutboundBudget}), which closes the connection rather than queue without
 * bound. Frames for connections that are gone or closing are dropped.
 * <p>
 * <p>
 * It also sweeps its sessions for the idle and join timeouts (a few times per shortest timeout, at most
 * every {@link #MAX_SWEEP_PERIOD_MS} ms) instead of a handler and a timer per connection: an open
 * WebSocket that never joins costs no scheduled task of its own (issue #12, heap per idle connection).
 * A session past its idle timeout gets an {@code IdleStateEvent}, one past its join timeout
 * {@link #JOIN_TIMEOUT}, fired down its pipeline to {@link ClientFrameHandler}.
 * <p>
 * Thread: its event loop (sessions register and unregister there, the outbox drains there).
 */
final class OutboundWriter implements Outbox.Reader
{
    /** User event: the session sent no {@code Join} within the join timeout. */
    static final Object JOIN_TIMEOUT = new Object()
    {
        @Override
        public String toString()
        {
            return "JOIN_TIMEOUT";
        }
    };
    /** Sweeps per shortest timeout: a timeout fires at most a quarter late. */
    static final int SWEEPS_PER_TIMEOUT = 4;
    /** Longest time between two sweeps. */
    static final long MAX_SWEEP_PERIOD_MS = 1000;

    private final EventLoop eventLoop;
    private final Outbox outbox;
    private final TransportCounters counters;
    private final Long2ObjectHashMap<Session> sessions = new Long2ObjectHashMap<>();
    private final ArrayList<Session> expired = new ArrayList<>();
    private boolean sweeping;
    private long idleTimeoutNs;
    private long joinTimeoutNs;
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

    void register(final Session session, final SessionLimits limits)
    {
        sessions.put(session.connectionId(), session);
        if (!sweeping)
        {
            // Every handler of a server has the same limits: the first session starts the loop's sweep.
            sweeping = true;
            idleTimeoutNs = TimeUnit.MILLISECONDS.toNanos(limits.idleTimeoutMs());
            joinTimeoutNs = TimeUnit.MILLISECONDS.toNanos(limits.joinTimeoutMs());
            final long shortest = Math.min(
                limits.idleTimeoutMs() > 0 ? limits.idleTimeoutMs() : Long.MAX_VALUE,
                limits.joinTimeoutMs() > 0 ? limits.joinTimeoutMs() : Long.MAX_VALUE);
            if (shortest != Long.MAX_VALUE)
            {
                final long periodMs = Math.max(1, Math.min(MAX_SWEEP_PERIOD_MS, shortest / SWEEPS_PER_TIMEOUT));
                eventLoop.scheduleAtFixedRate(this::sweep, periodMs, periodMs, TimeUnit.MILLISECONDS);
            }
        }
    }

    /**
     * Tell each session past its idle or join timeout (after the pass: telling may close and unregister).
     */
    void sweep()
    {
        final long nowNs = System.nanoTime();
        for (final Session session : sessions.values())
        {
            if (session.isClosing())
            {
                continue;
            }
            if ((idleTimeoutNs > 0 && nowNs - session.lastReadNanos() >= idleTimeoutNs) ||
                (joinTimeoutNs > 0 && !session.joinOffered() && nowNs - session.openedNanos() >= joinTimeoutNs))
            {
                expired.add(session);
            }
        }
        for (int i = 0; i < expired.size(); i++)
        {
            final Session session = expired.get(i);
            final boolean idle = idleTimeoutNs > 0 && nowNs - session.lastReadNanos() >= idleTimeoutNs;
            session.channel().pipeline().fireUserEventTriggered(
                idle ? IdleStateEvent.FIRST_READER_IDLE_STATE_EVENT : JOIN_TIMEOUT);
        }
        expired.clear();
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
