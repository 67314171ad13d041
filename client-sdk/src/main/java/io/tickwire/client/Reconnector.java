package io.tickwire.client;

import io.netty.channel.EventLoop;
import io.netty.util.concurrent.ScheduledFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * Resumes a lost session on new connections as the {@link ReconnectPolicy} says: counts attempts, waits
 * the backoff with jitter between them, bounds the attempts' connect timeouts by what is left of
 * {@link ReconnectPolicy#giveUpAfterMs()}, and gives up with the loss's close code and a reason.
 * <p>
 * Thread: the session's event loop, except {@link #isReconnecting()} (any thread).
 */
final class Reconnector
{
    private static final Logger LOG = LoggerFactory.getLogger(Reconnector.class);

    /**
     * What the reconnector asks of the session's state machine. Thread: the event loop.
     */
    interface Attempts
    {
        /**
         * Open a new connection that resumes the session.
         *
         * @param attempt   1 for the first attempt after the loss.
         * @param timeoutMs bound on its connect and on its {@code Welcome}.
         */
        void connect(int attempt, int timeoutMs);

        /** No resume: the session is over, report the close. */
        void giveUp(int code, String reason);
    }

    private final ReconnectPolicy policy;
    private final boolean enabled;
    private final EventLoop eventLoop;
    private final int connectTimeoutMs;
    private final Attempts attempts;
    private final String uri;
    private volatile boolean reconnecting;
    private ScheduledFuture<?> timer;
    private int attempt;
    private long lostAtNs;
    private int lossCode;
    private String lossReason = "";

    /**
     * @param enabled false when the session cannot open connections (no connector) or the policy is off.
     */
    Reconnector(
        final ReconnectPolicy policy,
        final boolean enabled,
        final EventLoop eventLoop,
        final int connectTimeoutMs,
        final Attempts attempts,
        final String uri)
    {
        this.policy = policy;
        this.enabled = enabled && policy.enabled();
        this.eventLoop = eventLoop;
        this.connectTimeoutMs = connectTimeoutMs;
        this.attempts = attempts;
        this.uri = uri;
    }

    /**
     * @return true between a loss that is being resumed and the resume or giving up. Any thread.
     */
    boolean isReconnecting()
    {
        return reconnecting;
    }

    /**
     * @return the current attempt, 0 when none.
     */
    int attempt()
    {
        return attempt;
    }

    /**
     * @return true when a connection lost with this close code is resumed.
     */
    boolean resumesAfter(final int closeCode)
    {
        return enabled && ReconnectPolicy.reconnectsOn(closeCode);
    }

    /**
     * The welcomed connection was lost with {@code code}: from now on the session is reconnecting.
     * {@link #scheduleAttempt()} starts the first attempt.
     */
    void onLost(final int code, final String reason)
    {
        reconnecting = true;
        attempt = 0;
        lostAtNs = System.nanoTime();
        lossCode = code;
        lossReason = reason;
    }

    /**
     * Schedule the next attempt after its backoff, or give up when attempts or time are used up.
     */
    void scheduleAttempt()
    {
        attempt++;
        if (policy.maxAttempts() > 0 && attempt > policy.maxAttempts())
        {
            giveUp(lossCode, lossReason + "; no resume after " + policy.maxAttempts() + " attempts");
            return;
        }
        final long delayMs = policy.delayMs(attempt, ThreadLocalRandom.current().nextDouble());
        final long elapsedMs = (System.nanoTime() - lostAtNs) / 1_000_000;
        if (elapsedMs + delayMs >= policy.giveUpAfterMs())
        {
            giveUp(lossCode, lossReason + "; no resume within giveUpAfterMs=" + policy.giveUpAfterMs() + " (" +
                (attempt - 1) + " attempts)");
            return;
        }
        try
        {
            timer = eventLoop.schedule(this::onTimer, delayMs, TimeUnit.MILLISECONDS);
        }
        catch (final RejectedExecutionException ex)
        {
            giveUp(lossCode, lossReason + "; event loop shut down");
        }
    }

    /**
     * An attempt's connection failed or closed before its {@code Welcome}: try again, unless the code says
     * the session cannot be resumed.
     */
    void onAttemptFailed(final int code, final String reason)
    {
        if (!reconnecting)
        {
            return;
        }
        if (!ReconnectPolicy.retriesAttemptOn(code))
        {
            giveUp(code, reason);
            return;
        }
        LOG.debug("resume attempt failed: uri={}, attempt={}, code={}, reason={}", uri, attempt, code, reason);
        scheduleAttempt();
    }

    /**
     * The session was resumed.
     */
    void onResumed()
    {
        reconnecting = false;
        attempt = 0;
    }

    /**
     * Stop trying (the session is closed locally or given up); cancels a scheduled attempt.
     */
    void stop()
    {
        reconnecting = false;
        if (timer != null)
        {
            timer.cancel(false);
            timer = null;
        }
    }

    private void onTimer()
    {
        timer = null;
        if (!reconnecting)
        {
            return;
        }
        final long remainingMs = policy.giveUpAfterMs() - (System.nanoTime() - lostAtNs) / 1_000_000;
        final int timeoutMs = (int)Math.max(1, Math.min(connectTimeoutMs, remainingMs));
        try
        {
            attempts.connect(attempt, timeoutMs);
        }
        catch (final RuntimeException ex)
        {
            giveUp(lossCode, lossReason + "; cannot connect: " + ex);
        }
    }

    private void giveUp(final int code, final String reason)
    {
        LOG.debug("giving up the session: uri={}, code={}, reason={}", uri, code, reason);
        stop();
        attempts.giveUp(code, reason);
    }
}
