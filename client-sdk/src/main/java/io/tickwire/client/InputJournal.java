package io.tickwire.client;

import com.google.protobuf.ByteString;
import io.netty.channel.EventLoop;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.IntSupplier;

/**
 * The session's inputs: assigns sequences, keeps every input until a snapshot reports it processed,
 * writes the due ones in sequence order, and after a resume rewrites those the server did not process,
 * paced by {@link ReconnectPolicy#resendWindowInputs()}. Sequences {@code [oldestSeq, inputSeq]} not
 * known processed are kept in {@code unprocessed[seq % capacity]}, each with the view tick of the moment it was
 * sent (the server tick the game was showing, {@link Interpolator#viewTick()}), which every write and rewrite of
 * it carries as {@code Input.view_tick}: lag compensation on the server rewinds to what the player saw when
 * the input was sampled, not when it was (re)written.
 * <p>
 * Threads: {@link #send} and {@link #sendAt} from any thread: they reserve the sequence under a lock and
 * hand the write to the event loop, so that wire order is sequence order whichever thread calls. Everything
 * else runs on the session's event loop.
 */
final class InputJournal
{
    private static final Logger LOG = LoggerFactory.getLogger(InputJournal.class);

    /**
     * Where the journal writes inputs; implemented by the session's state machine. Thread: the event loop.
     */
    interface Output
    {
        /** @return true while the current connection is joined and open. */
        boolean isWritable();

        /**
         * Write one input (not flushed).
         *
         * @param viewTick the server tick the game showed when it sent the input, 0 = unknown.
         */
        void writeInput(int seq, ByteString payload, int viewTick);

        /** Flush the inputs written. */
        void flushInputs();
    }

    private final Object lock = new Object();
    private final EventLoop eventLoop;
    private final Output output;
    private final BooleanSupplier reconnecting;
    private final ReconnectPolicy policy;
    private final ClientStats stats;
    private final IntSupplier viewTick;
    private final ByteString[] unprocessed;  // guarded by lock
    private final int[] viewTicks;           // guarded by lock, parallel to unprocessed
    private int inputSeq;                    // guarded by lock
    private int oldestSeq = 1;               // guarded by lock
    private int sentSeq;                     // guarded by lock: written on the current link (or processed)
    private int dueSeq;                      // event loop: newest input whose send time has come
    private int highestWrittenSeq;           // event loop: newest input ever written, to count resends
    private boolean catchingUp;              // event loop: resending after a resume, paced by the window
    private volatile int lastProcessedInputSeq;

    /**
     * @param reconnecting true while the session is between connections: a full buffer then refuses inputs.
     * @param capacity     most unprocessed inputs kept, {@link ClientOptions#maxPendingInputs()}.
     * @param viewTick     the server tick the game shows now (0 = unknown); read on the sending thread.
     */
    InputJournal(
        final EventLoop eventLoop,
        final Output output,
        final BooleanSupplier reconnecting,
        final ReconnectPolicy policy,
        final int capacity,
        final ClientStats stats,
        final IntSupplier viewTick)
    {
        this.viewTick = viewTick;
        this.viewTicks = new int[capacity];
        this.eventLoop = eventLoop;
        this.output = output;
        this.reconnecting = reconnecting;
        this.policy = policy;
        this.stats = stats;
        this.unprocessed = new ByteString[capacity];
    }

    /**
     * @return the last input sequence the server had processed at the newest applied snapshot. Any thread.
     */
    int lastProcessedInputSeq()
    {
        return lastProcessedInputSeq;
    }

    /**
     * @return the newest input whose send time has come. Event loop.
     */
    int dueSeq()
    {
        return dueSeq;
    }

    /**
     * Assign the next input sequence, keep the input until the server reports it processed, and have the
     * event loop write it now (after the ones before it). Any thread.
     *
     * @return the sequence, or 0 when refused: the connection is down and the buffer is full of unwritten inputs.
     */
    int send(final byte[] payload)
    {
        final ByteString bytes = ByteString.copyFrom(payload);
        final int shown = viewTick.getAsInt();
        synchronized (lock)
        {
            final int seq = reserve(bytes, shown);
            if (seq != 0)
            {
                // Queued even on the event loop, so that wire order is sequence order whichever thread calls.
                try
                {
                    eventLoop.execute(() -> onDue(seq));
                }
                catch (final RejectedExecutionException ex)
                {
                    LOG.debug("event loop shut down, dropped an input: seq={}", seq);
                }
            }
            return seq;
        }
    }

    /**
     * Assign the next input sequence, keep the input, and have it written at a given local time (at once
     * when it is past) by a scheduled task of the event loop, after every input before it. Any thread;
     * the {@link Predictor}'s {@link Predictor.InputSender}.
     *
     * @param sendAtNanos {@link System#nanoTime()} to write it at, {@link Long#MIN_VALUE} for now.
     * @return the sequence, or 0 when refused (see {@link #send(byte[])}).
     */
    int sendAt(final byte[] payload, final long sendAtNanos)
    {
        final ByteString bytes = ByteString.copyFrom(payload);
        final int shown = viewTick.getAsInt();
        synchronized (lock)
        {
            final int seq = reserve(bytes, shown);
            if (seq == 0)
            {
                return 0;
            }
            final long delayNs = sendAtNanos == Long.MIN_VALUE ? 0 : Math.max(0, sendAtNanos - System.nanoTime());
            try
            {
                eventLoop.schedule(() -> onDue(seq), delayNs, TimeUnit.NANOSECONDS);
            }
            catch (final RejectedExecutionException ex)
            {
                LOG.debug("event loop shut down, dropped an input: seq={}", seq);
            }
            return seq;
        }
    }

    /**
     * {@code Welcome} of a first join said the server processed inputs up to {@code processed} (joined with
     * the resume token of an earlier client): continue its sequence. Event loop.
     */
    void onJoined(final int processed)
    {
        if (processed == 0)
        {
            return;
        }
        lastProcessedInputSeq = processed;
        synchronized (lock)
        {
            inputSeq = processed;
            oldestSeq = processed + 1;
            sentSeq = processed;
        }
        dueSeq = processed;
        highestWrittenSeq = processed;
    }

    /**
     * An applied snapshot said the server processed inputs up to {@code processed}: forget them. Event loop.
     */
    void onProcessed(final int processed)
    {
        lastProcessedInputSeq = processed;
        synchronized (lock)
        {
            trimProcessed(processed);
            if (Integer.compareUnsigned(sentSeq, processed) < 0)
            {
                sentSeq = processed;
            }
        }
    }

    /**
     * A resume's {@code Welcome} said the server processed inputs up to {@code processed}: everything after
     * it is rewritten on the new connection, paced by the resend window ({@link #flush()} starts it). Event loop.
     */
    void onResumed(final int processed)
    {
        lastProcessedInputSeq = processed;
        synchronized (lock)
        {
            trimProcessed(processed);
            sentSeq = processed;
        }
        catchingUp = true;
    }

    /**
     * Continue a resend paced by the window, after a snapshot moved the processed sequence on. Event loop.
     */
    void onSnapshotApplied()
    {
        if (catchingUp)
        {
            flush();
        }
    }

    /**
     * Write, in sequence order, every due input not yet written on this connection; while catching up
     * after a resume, only up to {@link ReconnectPolicy#resendWindowInputs()} beyond the last processed one.
     * Event loop.
     */
    void flush()
    {
        if (!output.isWritable())
        {
            return;
        }
        final int window = policy.resendWindowInputs();
        final int capacity = unprocessed.length;
        boolean wrote = false;
        while (true)
        {
            final int seq;
            final ByteString payload;
            final int shown;
            synchronized (lock)
            {
                if (Integer.compareUnsigned(sentSeq, dueSeq) >= 0)
                {
                    catchingUp = false;
                    break;
                }
                seq = sentSeq + 1;
                if (catchingUp && seq - lastProcessedInputSeq > window)
                {
                    break;
                }
                sentSeq = seq;
                final boolean kept = Integer.compareUnsigned(seq, oldestSeq) >= 0 &&
                    Integer.compareUnsigned(seq, inputSeq) <= 0;
                payload = kept ? unprocessed[Integer.remainderUnsigned(seq, capacity)] : null;
                shown = kept ? viewTicks[Integer.remainderUnsigned(seq, capacity)] : 0;
            }
            if (payload != null)
            {
                write(seq, payload, shown);
                wrote = true;
            }
        }
        if (wrote)
        {
            output.flushInputs();
        }
    }

    private void onDue(final int seq)
    {
        if (Integer.compareUnsigned(seq, dueSeq) > 0)
        {
            dueSeq = seq;
        }
        flush();
    }

    private void write(final int seq, final ByteString payload, final int shown)
    {
        output.writeInput(seq, payload, shown);
        stats.inputsSent++;
        if (Integer.compareUnsigned(seq, highestWrittenSeq) <= 0)
        {
            stats.inputsResent++;
        }
        else
        {
            highestWrittenSeq = seq;
        }
    }

    /**
     * Keep one input. When the buffer is full the oldest input goes if it has been written on the current
     * connection (it can no longer be resent); otherwise (down, or still waiting to be resent) the new
     * input is refused so that no sequence is ever skipped. Caller holds {@code lock}.
     */
    private int reserve(final ByteString bytes, final int shown)
    {
        final int capacity = unprocessed.length;
        if (inputSeq - oldestSeq + 1 >= capacity)
        {
            if (reconnecting.getAsBoolean() || Integer.compareUnsigned(oldestSeq, sentSeq) > 0)
            {
                stats.inputsRefused++;
                return 0;
            }
            unprocessed[Integer.remainderUnsigned(oldestSeq, capacity)] = null;
            oldestSeq++;
        }
        final int seq = ++inputSeq;
        unprocessed[Integer.remainderUnsigned(seq, capacity)] = bytes;
        viewTicks[Integer.remainderUnsigned(seq, capacity)] = shown;
        return seq;
    }

    /**
     * Forget inputs up to {@code processed}. Caller holds {@code lock}.
     */
    private void trimProcessed(final int processed)
    {
        final int capacity = unprocessed.length;
        while (Integer.compareUnsigned(oldestSeq, inputSeq) <= 0 && Integer.compareUnsigned(oldestSeq, processed) <= 0)
        {
            unprocessed[Integer.remainderUnsigned(oldestSeq, capacity)] = null;
            oldestSeq++;
        }
    }
}
