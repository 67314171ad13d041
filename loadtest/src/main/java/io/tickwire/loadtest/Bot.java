package io.tickwire.loadtest;

import io.netty.channel.EventLoop;
import io.netty.util.concurrent.ScheduledFuture;
import io.tickwire.client.ClientOptions;
import io.tickwire.client.ClientStats;
import io.tickwire.client.JoinRequest;
import io.tickwire.client.RoomSession;
import io.tickwire.client.SessionListener;
import io.tickwire.client.SnapshotInfo;
import io.tickwire.client.TickwireClient;
import io.tickwire.client.TickwireException;
import io.tickwire.protocol.CloseCodes;
import io.tickwire.loadtest.spi.BotBehaviour;
import io.tickwire.loadtest.spi.BotContext;

import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import java.util.function.LongConsumer;

/**
 * One bot: a real {@link TickwireClient} on one event loop of the swarm's shared group. It joins, sends
 * inputs at the configured rate with its {@link BotBehaviour}, lets the SDK ack every snapshot, pings the
 * server periodically, and records what it sees into {@link SwarmMetrics} and its own counters.
 * <p>
 * Threads: {@link #start} and {@link #stop} are called by the control thread; everything else (SDK
 * callbacks, timers, the {@code onXxx} methods) runs on the bot's event loop, which owns the mutable
 * fields below. The control thread reads {@link #state()}, {@link #roomId()} and {@link #stats()} while
 * the bot runs, and the per-bot results once the event loops have terminated.
 */
final class Bot implements SessionListener, BotContext
{
    static final int NOT_STARTED = 0;
    static final int JOINING = 1;
    static final int JOINED = 2;
    static final int FAILED = 3;

    private final int index;
    private final EventLoop loop;
    private final ClientOptions options;
    private final LoadTestConfig config;
    private final SwarmMetrics metrics;
    private final Swarm swarm;
    private final SplittableRandom random;
    private final InputLatencyTracker inputs = new InputLatencyTracker();
    private final LongConsumer inputRttSink = this::onInputRtt;
    private final BotBehaviour behaviour;

    private volatile int state = NOT_STARTED;
    private volatile String roomId;
    private TickwireClient client;
    private long startNanos;

    // Event loop state.
    private RoomSession session;
    private boolean connectedCounted;
    private boolean closed;
    private ScheduledFuture<?> inputTask;
    private ScheduledFuture<?> pingTask;
    private long tickPeriodNanos;
    private long joinedNanos;
    private long closedNanos;
    private long lastSnapshotNanos;
    private long firstServerTimeMs;
    private long lastServerTimeMs;
    private long measuredSnapshots;
    private long snapshotsApplied;
    private long inputRttCount;
    private long inputRttSumNanos;
    private long inputRttMaxNanos;
    private long pongs;
    private long errors;
    private long messagesSent;
    private long messagesReceived;

    Bot(
        final int index,
        final EventLoop loop,
        final ClientOptions options,
        final LoadTestConfig config,
        final SwarmMetrics metrics,
        final Swarm swarm)
    {
        this.index = index;
        this.loop = loop;
        this.options = options;
        this.config = config;
        this.metrics = metrics;
        this.swarm = swarm;
        this.random = new SplittableRandom(config.seed() * 1_000_003L + index);
        this.behaviour = config.behaviour().create(this);
    }

    /**
     * Connect and join. Control thread.
     *
     * @param request what to join.
     */
    void start(final JoinRequest request)
    {
        client = new TickwireClient(options);
        client.addListener(this);
        state = JOINING;
        startNanos = System.nanoTime();
        final CompletableFuture<RoomSession> future = client.join(request);
        future.whenComplete(this::onJoinSettled);
    }

    private void onJoinSettled(final RoomSession joined, final Throwable failure)
    {
        final long nowNanos = System.nanoTime();
        if (failure != null)
        {
            final Throwable cause = failure instanceof CompletionException && failure.getCause() != null ?
                failure.getCause() : failure;
            final int code = cause instanceof TickwireException ?
                ((TickwireException)cause).closeCode() : TickwireException.ABNORMAL_CLOSURE;
            state = FAILED;
            if (!swarm.isStopping() || code != CloseCodes.NORMAL)
            {
                metrics.onJoinFailed();
                metrics.error("join", code, String.valueOf(cause.getMessage()));
            }
            return;
        }
        roomId = joined.roomId();
        metrics.recordConnectTime(nowNanos - startNanos);
        if (loop.inEventLoop())
        {
            onJoined(joined, nowNanos);
        }
        else
        {
            loop.execute(() -> onJoined(joined, nowNanos));
        }
    }

    private void onJoined(final RoomSession joined, final long nowNanos)
    {
        session = joined;
        joinedNanos = nowNanos;
        state = JOINED;
        if (closed)
        {
            return;
        }
        connectedCounted = true;
        tickPeriodNanos = TimeUnit.SECONDS.toNanos(1) / Math.max(1, joined.tickRateHz());
        metrics.onConnected(joined.tickRateHz());
        if (swarm.isStopping())
        {
            return;
        }
        final long pingPeriodNanos = config.pingInterval().toNanos();
        pingTask = loop.scheduleAtFixedRate(
            this::onPingTimer, random.nextLong(pingPeriodNanos), pingPeriodNanos, TimeUnit.NANOSECONDS);
        behaviour.onJoined();
        final double rate = config.inputRateHz();
        final int perTimer = rate > 0 ? behaviour.inputsPerSlot(rate) : 0;
        if (perTimer > 0)
        {
            final long periodNanos = Math.max(1, Math.round(perTimer * 1e9 / rate));
            inputTask = loop.scheduleAtFixedRate(
                this::onInputTimer, random.nextLong(periodNanos), periodNanos, TimeUnit.NANOSECONDS);
        }
    }

    private void onInputTimer()
    {
        if (session == null || closed)
        {
            return;
        }
        behaviour.onInputSlot();
    }

    @Override
    public int sendInput(final byte[] payload)
    {
        if (session == null || closed)
        {
            return -1;
        }
        final int seq = session.sendInput(payload);
        final long before = inputs.expired();
        inputs.onSent(seq, System.nanoTime());
        if (inputs.expired() != before)
        {
            metrics.recordInputsExpired(inputs.expired() - before);
        }
        return seq;
    }

    @Override
    public boolean send(final int type, final byte[] payload)
    {
        if (session == null || closed || !session.send(type, payload))
        {
            return false;
        }
        messagesSent++;
        return true;
    }

    @Override
    public int botIndex()
    {
        return index;
    }

    @Override
    public SplittableRandom random()
    {
        return random;
    }

    @Override
    public double inputRateHz()
    {
        return config.inputRateHz();
    }

    @Override
    public RoomSession session()
    {
        return session;
    }

    private void onPingTimer()
    {
        if (session != null && !closed)
        {
            session.ping();
        }
    }

    private void onInputRtt(final long nanos)
    {
        metrics.recordInputRtt(nanos);
        inputRttCount++;
        inputRttSumNanos += nanos;
        inputRttMaxNanos = Math.max(inputRttMaxNanos, nanos);
    }

    @Override
    public void onSnapshot(final RoomSession s, final SnapshotInfo info)
    {
        if (swarm.isStopping())
        {
            return;
        }
        final long receiveNanos = info.receiveTimeNanos();
        if (snapshotsApplied > 0 && tickPeriodNanos > 0)
        {
            metrics.recordSnapshotInterval(receiveNanos - lastSnapshotNanos, tickPeriodNanos);
        }
        lastSnapshotNanos = receiveNanos;
        snapshotsApplied++;
        if (swarm.isMeasuring())
        {
            if (measuredSnapshots == 0)
            {
                firstServerTimeMs = info.serverTimeMs();
            }
            lastServerTimeMs = info.serverTimeMs();
            measuredSnapshots++;
        }
        inputs.onProcessed(info.lastInputSeq(), receiveNanos, inputRttSink);
        if (!closed)
        {
            behaviour.onSnapshot(info);
        }
    }

    @Override
    public void onMessage(final RoomSession s, final int type, final byte[] payload, final int tick)
    {
        messagesReceived++;
        if (!swarm.isStopping() && !closed)
        {
            behaviour.onMessage(type, payload, tick);
        }
    }

    @Override
    public void onPong(final RoomSession s, final long rttNanos, final int serverTick)
    {
        pongs++;
        metrics.recordPingRtt(rttNanos);
    }

    @Override
    public void onError(final RoomSession s, final int code, final String message)
    {
        errors++;
        metrics.error("error", code, message);
    }

    @Override
    public void onClosed(final RoomSession s, final int closeCode, final String reason)
    {
        if (closed)
        {
            return;
        }
        closed = true;
        closedNanos = System.nanoTime();
        cancelTimers();
        if (connectedCounted)
        {
            final boolean unexpected = !swarm.isStopping();
            metrics.onDisconnected(unexpected);
            if (unexpected)
            {
                errors++;
                metrics.error("disconnect", closeCode, reason);
            }
        }
    }

    /**
     * Stop the timers; the connection stays open until {@link #leave()}. Control thread.
     */
    void stop()
    {
        loop.execute(this::cancelTimers);
    }

    /**
     * Leave the room (or cancel a pending join). Control thread.
     *
     * @return completes when the connection is closed.
     */
    CompletableFuture<Void> leave()
    {
        final TickwireClient c = client;
        if (c == null)
        {
            return CompletableFuture.completedFuture(null);
        }
        final RoomSession s = c.session();
        if (s == null)
        {
            c.close();
            return CompletableFuture.completedFuture(null);
        }
        return s.leave();
    }

    /**
     * Release the client; after {@link #leave()} this returns quickly. Control thread.
     */
    void close()
    {
        final TickwireClient c = client;
        if (c != null)
        {
            c.close();
        }
    }

    private void cancelTimers()
    {
        if (inputTask != null)
        {
            inputTask.cancel(false);
            inputTask = null;
        }
        if (pingTask != null)
        {
            pingTask.cancel(false);
            pingTask = null;
        }
    }

    int index()
    {
        return index;
    }

    int state()
    {
        return state;
    }

    boolean isSettled()
    {
        final int s = state;
        return s == JOINED || s == FAILED;
    }

    String roomId()
    {
        return roomId;
    }

    /**
     * @return the SDK's live counters, or null before {@link #start}.
     */
    ClientStats stats()
    {
        final TickwireClient c = client;
        return c == null ? null : c.stats();
    }

    /**
     * What this bot saw, read after its event loop terminated. Control thread.
     *
     * @param endNanos when the run ended, for bots still connected.
     * @return the bot's figures.
     */
    BotResult result(final long endNanos)
    {
        final long connectedNanos = joinedNanos == 0 ?
            0 : (closedNanos == 0 ? endNanos : Math.min(closedNanos, endNanos)) - joinedNanos;
        // Per second of the room's clock from the first to the last snapshot of the measured window: every
        // tick delivered gives the tick rate exactly, whatever the bot's own event loop lag (which bunches
        // arrivals and shows in the jitter and round trips instead); ticks skipped or not sent lower it.
        final double snapshotRateHz = measuredSnapshots > 1 && lastServerTimeMs > firstServerTimeMs ?
            (measuredSnapshots - 1) * 1000.0 / (lastServerTimeMs - firstServerTimeMs) : Double.NaN;
        return new BotResult(
            index,
            roomId,
            state == JOINED,
            connectedNanos / 1e9,
            snapshotsApplied,
            snapshotRateHz,
            inputs.lastSentSeq(),
            inputRttCount,
            inputRttCount == 0 ? Double.NaN : inputRttSumNanos / 1e6 / inputRttCount,
            inputRttCount == 0 ? Double.NaN : inputRttMaxNanos / 1e6,
            pongs,
            errors,
            messagesSent,
            messagesReceived);
    }

    /**
     * One bot's figures. Immutable.
     *
     * @param index           bot number, from 0.
     * @param roomId          room it joined, null when it never joined.
     * @param joined          true when it joined.
     * @param connectedSeconds time from {@code Welcome} to close (or the end of the run).
     * @param snapshots       snapshots applied.
     * @param snapshotRateHz  snapshots applied in the measured window per second of server time (first to last
     *                        of the window), NaN with fewer than two.
     * @param inputsSent      inputs sent.
     * @param inputsAnswered  inputs answered by a snapshot (round trips measured).
     * @param meanInputRttMs  mean input round trip, NaN without one.
     * @param maxInputRttMs   largest input round trip, NaN without one.
     * @param pongs           pongs received.
     * @param errors          errors and unexpected disconnects seen after joining.
     * @param messagesSent    game messages the behaviour sent.
     * @param messagesReceived game messages received.
     */
    record BotResult(
        int index,
        String roomId,
        boolean joined,
        double connectedSeconds,
        long snapshots,
        double snapshotRateHz,
        long inputsSent,
        long inputsAnswered,
        double meanInputRttMs,
        double maxInputRttMs,
        long pongs,
        long errors,
        long messagesSent,
        long messagesReceived)
    {
    }
}
