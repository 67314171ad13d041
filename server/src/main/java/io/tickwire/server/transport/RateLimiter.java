package io.tickwire.server.transport;

/**
 * A token bucket of {@code ratePerSecond} with a quarter-second burst (at least 4), plus an abuse
 * rule: a sender that has more than {@code ratePerSecond} refusals in each of
 * {@link #ABUSE_WINDOWS} one-second windows in a row (more than twice the rate, sustained) is
 * abusive and should be closed. Refused events are dropped by the caller and counted.
 * <p>
 * Thread: one channel's event loop. One instance per connection and kind of event (inputs, pings).
 */
final class RateLimiter
{
    /** Windows in a row with more refusals than the allowed rate before a sender is abusive. */
    static final int ABUSE_WINDOWS = 3;
    private static final long WINDOW_NS = 1_000_000_000L;

    /** {@link #acquire} result: the event may go through. */
    static final int ALLOWED = 0;
    /** {@link #acquire} result: over the rate, drop the event. */
    static final int REFUSED = 1;
    /** {@link #acquire} result: over the rate for {@link #ABUSE_WINDOWS} seconds in a row: close. */
    static final int ABUSIVE = 2;

    private final int ratePerSecond;
    private final double tokensPerNs;
    private final double burst;
    private double tokens;
    private long lastRefillNs;
    private long windowStartNs;
    private int refusedInWindow;
    private int abusiveWindows;

    RateLimiter(final int ratePerSecond, final long nowNs)
    {
        this.ratePerSecond = ratePerSecond;
        this.tokensPerNs = ratePerSecond / 1e9;
        this.burst = Math.max(4, ratePerSecond / 4.0);
        this.tokens = burst;
        this.lastRefillNs = nowNs;
        this.windowStartNs = nowNs;
    }

    /**
     * @return the allowed rate.
     */
    int ratePerSecond()
    {
        return ratePerSecond;
    }

    /**
     * Take one token.
     *
     * @param nowNs {@link System#nanoTime()}.
     * @return {@link #ALLOWED}, {@link #REFUSED} or {@link #ABUSIVE}.
     */
    int acquire(final long nowNs)
    {
        tokens = Math.min(burst, tokens + (nowNs - lastRefillNs) * tokensPerNs);
        lastRefillNs = nowNs;
        if (nowNs - windowStartNs >= WINDOW_NS)
        {
            abusiveWindows = refusedInWindow > ratePerSecond ? abusiveWindows + 1 : 0;
            refusedInWindow = 0;
            windowStartNs = nowNs;
            if (abusiveWindows >= ABUSE_WINDOWS)
            {
                return ABUSIVE;
            }
        }
        if (tokens >= 1.0)
        {
            tokens -= 1.0;
            return ALLOWED;
        }
        refusedInWindow++;
        return REFUSED;
    }
}
