package io.tickwire.loadtest;

import java.util.function.LongConsumer;

/**
 * Input round trips of one bot: the send time of each recent input sequence in a small ring, and the
 * rule that an input {@code N} is answered by the first snapshot whose {@code last_input_seq >= N}.
 * Inputs that fall out of the ring before an answer are counted as expired, not measured.
 * <p>
 * Thread: confined to the bot's event loop; not thread-safe.
 */
final class InputLatencyTracker
{
    /** Sequences remembered: 128 inputs, over 12 s at 10 inputs per second. */
    static final int CAPACITY = 128;
    private static final int MASK = CAPACITY - 1;

    private final long[] sendNanos = new long[CAPACITY];
    private int lastSentSeq;
    private int lastAnsweredSeq;
    private long expired;

    /**
     * An input went out.
     *
     * @param seq     its sequence, one more than the previous.
     * @param nowNanos {@link System#nanoTime()} when it was handed to the SDK.
     */
    void onSent(final int seq, final long nowNanos)
    {
        if (seq - lastAnsweredSeq > CAPACITY)
        {
            // The oldest unanswered send time is about to be overwritten.
            expired++;
            lastAnsweredSeq = seq - CAPACITY;
        }
        sendNanos[seq & MASK] = nowNanos;
        lastSentSeq = seq;
    }

    /**
     * A snapshot arrived saying the server applied inputs up to {@code lastInputSeq}.
     *
     * @param lastInputSeq    the snapshot's {@code last_input_seq}.
     * @param receiveNanos    {@link System#nanoTime()} when the snapshot was read.
     * @param roundTripNanos receives one round trip per newly answered input, oldest first.
     * @return inputs newly answered.
     */
    int onProcessed(final int lastInputSeq, final long receiveNanos, final LongConsumer roundTripNanos)
    {
        final int upTo = Math.min(lastInputSeq, lastSentSeq);
        int answered = 0;
        for (int seq = lastAnsweredSeq + 1; seq <= upTo; seq++)
        {
            roundTripNanos.accept(receiveNanos - sendNanos[seq & MASK]);
            answered++;
        }
        if (upTo > lastAnsweredSeq)
        {
            lastAnsweredSeq = upTo;
        }
        return answered;
    }

    /**
     * @return newest sequence sent, 0 before the first.
     */
    int lastSentSeq()
    {
        return lastSentSeq;
    }

    /**
     * @return newest sequence answered by a snapshot.
     */
    int lastAnsweredSeq()
    {
        return lastAnsweredSeq;
    }

    /**
     * @return inputs sent but not answered yet.
     */
    int inFlight()
    {
        return lastSentSeq - lastAnsweredSeq;
    }

    /**
     * @return inputs whose send time was overwritten before any snapshot answered them.
     */
    long expired()
    {
        return expired;
    }
}
