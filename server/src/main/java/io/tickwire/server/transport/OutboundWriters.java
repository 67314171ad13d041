package io.tickwire.server.transport;

import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.util.concurrent.EventExecutor;

import java.util.IdentityHashMap;
import java.util.Map;

/**
 * One {@link OutboundWriter} (and so one outbox) per event loop of the worker group, created once
 * at start-up and looked up by a channel's event loop when its session is created.
 * <p>
 * Thread-safe after construction (read-only).
 */
public final class OutboundWriters
{
    private final Map<EventExecutor, OutboundWriter> byLoop = new IdentityHashMap<>();

    /**
     * @param workers       the event loops that own client channels.
     * @param capacityBytes each outbox's ring capacity (a power of two).
     * @param counters      transport counters.
     */
    public OutboundWriters(final EventLoopGroup workers, final int capacityBytes, final TransportCounters counters)
    {
        for (final EventExecutor executor : workers)
        {
            byLoop.put(executor, new OutboundWriter((EventLoop)executor, capacityBytes, counters));
        }
    }

    OutboundWriter forLoop(final EventExecutor loop)
    {
        final OutboundWriter writer = byLoop.get(loop);
        if (writer == null)
        {
            throw new IllegalStateException("channel on an event loop outside the worker group: " + loop);
        }
        return writer;
    }

    /**
     * @return bytes waiting in every outbox (frames committed by room loops and not yet drained).
     */
    public long pendingBytes()
    {
        long total = 0;
        for (final OutboundWriter writer : byLoop.values())
        {
            total += writer.outbox().pendingBytes();
        }
        return total;
    }
}
