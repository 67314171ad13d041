package io.tickwire.client;

import io.tickwire.protocol.CloseCodes;

import java.util.Objects;

/**
 * How a joined session comes back after its connection is lost: exponential backoff with jitter
 * between attempts, and when to give up. Each attempt opens a new connection and sends
 * {@code Join{room_id, resume_token}} with the token of the latest {@code Welcome}; the server answers
 * with {@code Welcome{resumed=true}} for the same player while its resume grace period runs
 * (server default 10 s, counted from when it noticed the loss), or closes with
 * {@link CloseCodes#RESUME_REJECTED}.
 * <p>
 * <b>Which losses reconnect</b> ({@link #reconnectsOn(int)}): a connection that ended without a
 * close frame from the server ({@link TickwireException#ABNORMAL_CLOSURE}, 1006): a reset, an I/O
 * error, a network path that died, or {@link ClientOptions#silenceTimeoutMs()} without a byte from the
 * server (a half-open connection); and the server's ack and idle timeouts (4007, 4010), after which
 * the server keeps the player for its resume grace period (the client stalled, e.g. a suspended
 * app). Any other close code from the server is its decision and is final:
 * 1000/1001 (normal, going away: server shutdown or operator), 1002/1003/1007/1009 (protocol errors),
 * 1008 (policy: rate or connection limits), 1011 (internal error, the room failed), 4006 (slow
 * consumer), 4009 (room closed), 4011 (ticket rejected), 4012 (resume rejected), 4013 (the player
 * resumed on another connection: reconnecting would fight over it).
 * <p>
 * <b>Which closes rejoin through the matchmaker</b> ({@link #rejoinsThroughMatchmakerOn(int)}):
 * {@link CloseCodes#SERVER_DRAINING} (4016) only. The player's server is going away, so there is nothing to
 * resume there; a {@link Matchmaker.Seat} asks the matchmaker for another room with this policy's backoff,
 * attempts and time bound ({@link Matchmaker#DEFAULT_REJOIN_POLICY}); a plain {@link TickwireClient} ends the
 * session with 4016 and leaves the rejoin to the game.
 * <p>
 * <b>Which failed attempts are retried</b> ({@link #retriesAttemptOn(int)}): connect failures, lost or
 * timed-out attempts (1006), 1013 (try again later) and {@link CloseCodes#SERVER_OVERLOADED} (4008, the
 * room loop's ring was full). Any other code ends the session with that code, notably
 * {@link CloseCodes#RESUME_REJECTED} (grace period over, or a token the server does not know).
 * <p>
 * Delays: attempt {@code n} (1-based) waits {@code d = min(maxDelayMs, initialDelayMs * multiplier^(n-1))}
 * shaped by {@link Jitter}: {@link Jitter#FULL} (default) a uniform value in {@code [0, d]},
 * {@link Jitter#HALF} in {@code [d/2, 3d/2]} (&plusmn;50 %), {@link Jitter#NONE} exactly {@code d}. The
 * session gives up when the next attempt would start more than {@link #giveUpAfterMs()} after the loss
 * (default 10 s, the server's default grace), or after {@link #maxAttempts()} attempts when that is set.
 * <p>
 * Immutable and thread-safe; build with {@link #builder()}, or use {@link #defaults()} or
 * {@link #disabled()}.
 */
public final class ReconnectPolicy
{
    /** Reconnect by default. */
    public static final boolean DEFAULT_ENABLED = true;
    /** Base delay before the first attempt (before jitter). */
    public static final long DEFAULT_INITIAL_DELAY_MS = 100;
    /** Cap of the exponential delay (before jitter). */
    public static final long DEFAULT_MAX_DELAY_MS = 5000;
    /** Growth of the delay per attempt. */
    public static final double DEFAULT_MULTIPLIER = 2.0;
    /** Uniform in [0, d]: spreads the clients of one failed network path. */
    public static final Jitter DEFAULT_JITTER = Jitter.FULL;
    /** No limit on the count of attempts; {@link #DEFAULT_GIVE_UP_AFTER_MS} bounds them. */
    public static final int DEFAULT_MAX_ATTEMPTS = 0;
    /** The server's default resume grace period: after it a resume is refused anyway. */
    public static final long DEFAULT_GIVE_UP_AFTER_MS = 10_000;
    /**
     * Most resent inputs beyond the server's last processed one while catching up after a resume. The
     * server queues at most 16 inputs per player and applies one per tick; sending a long backlog at once
     * would overflow that queue and lose inputs.
     */
    public static final int DEFAULT_RESEND_WINDOW_INPUTS = 12;

    private static final ReconnectPolicy DEFAULTS = builder().build();
    private static final ReconnectPolicy DISABLED = builder().enabled(false).build();

    /** How the delay of an attempt is randomized. */
    public enum Jitter
    {
        /** Exactly the exponential delay. */
        NONE,
        /** Uniform in {@code [0, d]} ("full jitter"). */
        FULL,
        /** Uniform in {@code [d/2, 3d/2]}: &plusmn;50 %. */
        HALF
    }

    private final boolean enabled;
    private final long initialDelayMs;
    private final long maxDelayMs;
    private final double multiplier;
    private final Jitter jitter;
    private final int maxAttempts;
    private final long giveUpAfterMs;
    private final int resendWindowInputs;

    private ReconnectPolicy(final Builder b)
    {
        this.enabled = b.enabled;
        this.initialDelayMs = b.initialDelayMs;
        this.maxDelayMs = b.maxDelayMs;
        this.multiplier = b.multiplier;
        this.jitter = b.jitter;
        this.maxAttempts = b.maxAttempts;
        this.giveUpAfterMs = b.giveUpAfterMs;
        this.resendWindowInputs = b.resendWindowInputs;
    }

    /**
     * @return the default policy: enabled, 100 ms doubling to 5 s, full jitter, give up after 10 s.
     */
    public static ReconnectPolicy defaults()
    {
        return DEFAULTS;
    }

    /**
     * @return a policy that never reconnects: a lost connection closes the session at once.
     */
    public static ReconnectPolicy disabled()
    {
        return DISABLED;
    }

    /**
     * @return a builder holding the defaults.
     */
    public static Builder builder()
    {
        return new Builder();
    }

    /**
     * The rule for a lost connection of a joined session, see the class comment.
     *
     * @param closeCode the code the connection ended with (the server's, or 1006 without a close frame).
     * @return true when the session tries to resume.
     */
    public static boolean reconnectsOn(final int closeCode)
    {
        return closeCode == TickwireException.ABNORMAL_CLOSURE || closeCode == CloseCodes.ACK_TIMEOUT ||
            closeCode == CloseCodes.IDLE_TIMEOUT;
    }

    /**
     * The rule for a session whose server drains, see the class comment.
     *
     * @param closeCode the code the session ended with.
     * @return true when a {@link Matchmaker.Seat} rejoins through the matchmaker.
     */
    public static boolean rejoinsThroughMatchmakerOn(final int closeCode)
    {
        return closeCode == CloseCodes.SERVER_DRAINING;
    }

    /**
     * The rule for a failed resume attempt, see the class comment.
     *
     * @param closeCode the code the attempt ended with.
     * @return true when another attempt follows (time and attempts permitting).
     */
    public static boolean retriesAttemptOn(final int closeCode)
    {
        return closeCode == TickwireException.ABNORMAL_CLOSURE ||
            closeCode == CloseCodes.SERVER_OVERLOADED ||
            closeCode == 1013;
    }

    /**
     * @return true when lost connections are resumed.
     */
    public boolean enabled()
    {
        return enabled;
    }

    /**
     * @return base delay of the first attempt in milliseconds, before jitter.
     */
    public long initialDelayMs()
    {
        return initialDelayMs;
    }

    /**
     * @return cap of the exponential delay in milliseconds, before jitter.
     */
    public long maxDelayMs()
    {
        return maxDelayMs;
    }

    /**
     * @return factor between the delays of consecutive attempts.
     */
    public double multiplier()
    {
        return multiplier;
    }

    /**
     * @return how delays are randomized.
     */
    public Jitter jitter()
    {
        return jitter;
    }

    /**
     * @return most attempts per loss, 0 for no limit but {@link #giveUpAfterMs()}.
     */
    public int maxAttempts()
    {
        return maxAttempts;
    }

    /**
     * @return milliseconds after the loss past which no attempt starts.
     */
    public long giveUpAfterMs()
    {
        return giveUpAfterMs;
    }

    /**
     * @return most inputs sent beyond the server's last processed one while resending after a resume.
     */
    public int resendWindowInputs()
    {
        return resendWindowInputs;
    }

    /**
     * The delay before an attempt. Pure; any thread.
     *
     * @param attempt  1 for the first attempt after a loss.
     * @param random01 a uniform random number in {@code [0, 1)}.
     * @return the delay in milliseconds.
     */
    public long delayMs(final int attempt, final double random01)
    {
        final double exponential = initialDelayMs * Math.pow(multiplier, Math.max(0, attempt - 1));
        final double d = Math.min(maxDelayMs, exponential);
        switch (jitter)
        {
            case FULL:
                return Math.round(d * random01);
            case HALF:
                return Math.round(d * (0.5 + random01));
            default:
                return Math.round(d);
        }
    }

    @Override
    public String toString()
    {
        return "ReconnectPolicy{enabled=" + enabled + ", initialDelayMs=" + initialDelayMs + ", maxDelayMs=" +
            maxDelayMs + ", multiplier=" + multiplier + ", jitter=" + jitter + ", maxAttempts=" + maxAttempts +
            ", giveUpAfterMs=" + giveUpAfterMs + ", resendWindowInputs=" + resendWindowInputs + '}';
    }

    /**
     * Collects the policy; {@link #build()} validates it. Not thread-safe.
     */
    public static final class Builder
    {
        private boolean enabled = DEFAULT_ENABLED;
        private long initialDelayMs = DEFAULT_INITIAL_DELAY_MS;
        private long maxDelayMs = DEFAULT_MAX_DELAY_MS;
        private double multiplier = DEFAULT_MULTIPLIER;
        private Jitter jitter = DEFAULT_JITTER;
        private int maxAttempts = DEFAULT_MAX_ATTEMPTS;
        private long giveUpAfterMs = DEFAULT_GIVE_UP_AFTER_MS;
        private int resendWindowInputs = DEFAULT_RESEND_WINDOW_INPUTS;

        private Builder()
        {
        }

        /**
         * @param enabled false to close the session when its connection is lost.
         * @return this.
         */
        public Builder enabled(final boolean enabled)
        {
            this.enabled = enabled;
            return this;
        }

        /**
         * @param delayMs base delay of the first attempt, at least 0.
         * @return this.
         */
        public Builder initialDelayMs(final long delayMs)
        {
            this.initialDelayMs = delayMs;
            return this;
        }

        /**
         * @param delayMs cap of the exponential delay, at least the initial delay.
         * @return this.
         */
        public Builder maxDelayMs(final long delayMs)
        {
            this.maxDelayMs = delayMs;
            return this;
        }

        /**
         * @param multiplier growth per attempt, at least 1.
         * @return this.
         */
        public Builder multiplier(final double multiplier)
        {
            this.multiplier = multiplier;
            return this;
        }

        /**
         * @param jitter how delays are randomized.
         * @return this.
         */
        public Builder jitter(final Jitter jitter)
        {
            this.jitter = Objects.requireNonNull(jitter, "jitter");
            return this;
        }

        /**
         * @param attempts most attempts per loss, 0 for no limit.
         * @return this.
         */
        public Builder maxAttempts(final int attempts)
        {
            this.maxAttempts = attempts;
            return this;
        }

        /**
         * @param ms time after the loss past which no attempt starts; match the server's resume grace.
         * @return this.
         */
        public Builder giveUpAfterMs(final long ms)
        {
            this.giveUpAfterMs = ms;
            return this;
        }

        /**
         * @param inputs most resent inputs beyond the server's last processed one while catching up, at
         *               least 1; keep it below the server's per-player input queue (16).
         * @return this.
         */
        public Builder resendWindowInputs(final int inputs)
        {
            this.resendWindowInputs = inputs;
            return this;
        }

        /**
         * @return the validated policy.
         * @throws IllegalArgumentException naming the setting and its value when one is invalid.
         */
        public ReconnectPolicy build()
        {
            if (initialDelayMs < 0)
            {
                throw new IllegalArgumentException("initialDelayMs must be >= 0: initialDelayMs=" + initialDelayMs);
            }
            if (maxDelayMs < initialDelayMs)
            {
                throw new IllegalArgumentException("maxDelayMs must be >= initialDelayMs: maxDelayMs=" + maxDelayMs +
                    ", initialDelayMs=" + initialDelayMs);
            }
            if (!(multiplier >= 1.0) || Double.isInfinite(multiplier))
            {
                throw new IllegalArgumentException("multiplier must be a finite value >= 1: multiplier=" + multiplier);
            }
            if (maxAttempts < 0)
            {
                throw new IllegalArgumentException("maxAttempts must be >= 0: maxAttempts=" + maxAttempts);
            }
            if (giveUpAfterMs <= 0)
            {
                throw new IllegalArgumentException("giveUpAfterMs must be positive: giveUpAfterMs=" + giveUpAfterMs);
            }
            if (resendWindowInputs < 1)
            {
                throw new IllegalArgumentException("resendWindowInputs must be positive: resendWindowInputs=" +
                    resendWindowInputs);
            }
            return new ReconnectPolicy(this);
        }
    }
}
