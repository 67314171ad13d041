package io.tickwire.server.room;

import org.agrona.concurrent.IdleStrategy;
import org.agrona.concurrent.NanoClock;

import java.util.concurrent.locks.LockSupport;

/**
 * How a {@link RoomLoop} waits when a duty cycle found nothing to do: it parks until the loop has
 * work, {@link RoomLoop#COALESCE_NS} (1 ms) before the earliest tick deadline of its rooms (at most
 * {@code maxParkNs}), instead of waking every few hundred microseconds to look. Inbound work that
 * cannot wait for the next tick (a join that wants its {@code Welcome}, a resume, an operator's
 * create or close) wakes it early through {@link RoomLoop#wake()}; inputs, acks and leaves wait for
 * the next tick, which is when they are used anyway.
 * <p>
 * The wait is measured against the deadline, not a fixed or growing park, so a loop on a saturated
 * machine still asks to run exactly when its next tick is due: how late it then runs is up to the
 * scheduler, not to a back-off that grew while it was idle.
 * <p>
 * Thread: the loop's agent thread.
 */
public final class DeadlineIdleStrategy implements IdleStrategy
{
    private final RoomLoop loop;
    private final NanoClock clock;
    private final long maxParkNs;

    /**
     * @param loop      the loop whose next deadline bounds the wait.
     * @param clock     the loop's clock.
     * @param maxParkNs longest single park, for a loop with no rooms (or rooms far from due).
     */
    public DeadlineIdleStrategy(final RoomLoop loop, final NanoClock clock, final long maxParkNs)
    {
        this.loop = loop;
        this.clock = clock;
        this.maxParkNs = maxParkNs;
    }

    @Override
    public void idle(final int workCount)
    {
        if (workCount <= 0)
        {
            idle();
        }
    }

    @Override
    public void idle()
    {
        // The loop runs a tick once it is less than COALESCE_NS away, so that is when to be back.
        final long waitNs = Math.min(loop.nextDeadlineNs() - RoomLoop.COALESCE_NS - clock.nanoTime(), maxParkNs);
        if (waitNs > 0 && !loop.isStopping())
        {
            LockSupport.parkNanos(waitNs);
        }
    }

    @Override
    public void reset()
    {
    }

    @Override
    public String alias()
    {
        return "deadline";
    }
}
