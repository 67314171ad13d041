package io.tickwire.client;

import io.netty.channel.EventLoop;
import io.netty.util.concurrent.ScheduledFuture;
import io.tickwire.protocol.v1.Pong;

import java.util.concurrent.TimeUnit;

/**
 * Round trips and the server clock: the session's automatic pings (every
 * {@link ClientOptions#initialPingIntervalMs()} for the first {@link ClientOptions#INITIAL_PING_COUNT}, then
 * every {@link ClientOptions#pingIntervalMs()}, from the first snapshot of each connection on), and each
 * {@code Pong} turned into a round-trip time and a {@link ServerClock} sample.
 * <p>
 * Thread: the session's event loop, except the getters (any thread).
 */
final class PingKeeper
{
    /**
     * Where the keeper writes pings; implemented by the session's state machine. Thread: the event loop.
     */
    interface Output
    {
        /** @return true while the current connection is joined and open. */
        boolean isWritable();

        /** Write and flush a {@code Ping} carrying {@link System#nanoTime()} now. */
        void writePing();
    }

    private final EventLoop eventLoop;
    private final Output output;
    private final boolean autoPing;
    private final int initialPingIntervalMs;
    private final int pingIntervalMs;
    private final ClientStats stats;
    private volatile ServerClock clock;
    private volatile long lastRttNanos = -1;
    private ScheduledFuture<?> timer;
    private boolean started;
    private int autoPingsSent;

    /**
     * @param autoPing true to ping on a timer once a connection's first snapshot is applied.
     */
    PingKeeper(final EventLoop eventLoop, final Output output, final boolean autoPing, final ClientOptions options,
        final ClientStats stats)
    {
        this.eventLoop = eventLoop;
        this.output = output;
        this.autoPing = autoPing && options.pingIntervalMs() > 0;
        this.initialPingIntervalMs = options.initialPingIntervalMs();
        this.pingIntervalMs = options.pingIntervalMs();
        this.stats = stats;
    }

    /**
     * @return the session's clock, null before {@code Welcome}. Any thread.
     */
    ServerClock clock()
    {
        return clock;
    }

    /**
     * @return round-trip time of the newest {@code Pong} in nanoseconds, -1 before the first. Any thread.
     */
    long lastRttNanos()
    {
        return lastRttNanos;
    }

    /**
     * The session joined: its clock runs at the room's tick rate.
     */
    void onJoined(final int tickRateHz)
    {
        clock = new ServerClock(tickRateHz);
    }

    /**
     * A snapshot was applied: start the automatic pings if this connection has not yet.
     */
    void onSnapshotApplied()
    {
        if (autoPing && !started)
        {
            started = true;
            cancel();
            onTimer();
        }
    }

    /**
     * A new connection resumed the session: its automatic pings start over with the next snapshot.
     */
    void onResumed()
    {
        started = false;
        autoPingsSent = 0;
    }

    /**
     * Ping now when the connection is writable (an explicit {@code ping()}).
     */
    void pingNow()
    {
        if (output.isWritable())
        {
            output.writePing();
        }
    }

    /**
     * Take a {@code Pong}'s sample.
     *
     * @return the round-trip time in nanoseconds.
     */
    long onPong(final Pong pong)
    {
        final long receiveNanos = System.nanoTime();
        final long rttNanos = receiveNanos - pong.getClientTime();
        stats.pongsReceived++;
        lastRttNanos = rttNanos;
        clock.onPong(pong.getClientTime(), receiveNanos, pong.getServerTimeNs(), pong.getServerTick());
        return rttNanos;
    }

    /**
     * Stop the automatic pings (the connection is gone).
     */
    void cancel()
    {
        if (timer != null)
        {
            timer.cancel(false);
            timer = null;
        }
    }

    private void onTimer()
    {
        timer = null;
        if (!output.isWritable())
        {
            return;
        }
        output.writePing();
        autoPingsSent++;
        final int delayMs = autoPingsSent < ClientOptions.INITIAL_PING_COUNT ? initialPingIntervalMs : pingIntervalMs;
        timer = eventLoop.schedule(this::onTimer, delayMs, TimeUnit.MILLISECONDS);
    }
}
