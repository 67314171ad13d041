package io.tickwire.server.metrics;

import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.tickwire.server.room.LoopCounters;
import io.tickwire.server.room.LoopObserver;
import io.tickwire.server.room.RoomDirectory;
import io.tickwire.server.transport.SessionRegistry;
import io.tickwire.server.transport.TransportCounters;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.ToDoubleFunction;
import java.util.function.ToLongFunction;

/**
 * The server's meters, registered once at start-up on a {@link PrometheusMeterRegistry}. Counters
 * are {@link FunctionCounter}s and {@link Gauge}s over the loops' {@link LoopCounters} and the
 * transport's {@link TransportCounters}, read at scrape time. The only meters fed from a room loop
 * are its tick-duration {@link Timer} and snapshot-size {@link DistributionSummary}, through the
 * {@link LoopObserver} each loop is given: fed once per tick or encode, never looked up.
 * <p>
 * Tags are bounded: {@code loop} (one per room loop), {@code kind}, {@code record}, {@code reason}
 * (a fixed set of close codes). No per-room or per-session tags.
 */
public final class ServerMetrics implements AutoCloseable
{
    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final JvmGcMetrics gcMetrics = new JvmGcMetrics();
    private final DistributionSummary snapshotSize;

    /**
     * Create the registry with JVM, process and the server-wide meters.
     *
     * @param directory rooms.
     * @param sessions  sessions.
     * @param transport transport counters.
     */
    public ServerMetrics(final RoomDirectory directory, final SessionRegistry sessions, final TransportCounters transport)
    {
        new JvmMemoryMetrics().bindTo(registry);
        gcMetrics.bindTo(registry);
        new JvmThreadMetrics().bindTo(registry);
        new ClassLoaderMetrics().bindTo(registry);
        new ProcessorMetrics().bindTo(registry);
        new UptimeMetrics().bindTo(registry);

        Gauge.builder("tickwire.rooms", directory, RoomDirectory::roomCount)
            .description("Rooms open").register(registry);
        Gauge.builder("tickwire.sessions", sessions, SessionRegistry::size)
            .description("WebSocket sessions open (joined or not)").register(registry);

        adder("tickwire.connections.opened", transport.connectionsOpened, "WebSocket handshakes completed");
        adder("tickwire.frames.in", transport.framesIn, "Binary frames received from clients");
        adder("tickwire.bytes.in", transport.bytesIn, "Payload bytes received from clients");
        adder("tickwire.frames.control.out", transport.controlFramesOut,
            "Frames sent other than snapshots (welcome, pong, error)");
        adder("tickwire.bytes.control.out", transport.controlBytesOut, "Payload bytes of non-snapshot frames sent");
        adder("tickwire.frames.rejected", transport.badFrames,
            "Frames rejected: text, unparseable, out of order, invalid join");
        FunctionCounter.builder("tickwire.ring.refusals", transport.inputsDropped, LongAdder::sum)
            .tag("record", "input").description("Records a full room-loop ring refused").register(registry);
        FunctionCounter.builder("tickwire.ring.refusals", transport.acksDropped, LongAdder::sum)
            .tag("record", "ack").description("Records a full room-loop ring refused").register(registry);
        FunctionCounter.builder("tickwire.ring.refusals", transport.joinsRefusedOverload, LongAdder::sum)
            .tag("record", "join").description("Records a full room-loop ring refused").register(registry);
        FunctionCounter.builder("tickwire.ring.refusals", transport.leaveRetries, LongAdder::sum)
            .tag("record", "leave").description("Records a full room-loop ring refused (leaves are retried)")
            .register(registry);
        adder("tickwire.inputs.rate.limited", transport.inputsRateLimited,
            "Inputs dropped because a session exceeded maxInputsPerSecond");
        adder("tickwire.handshake.timeouts", transport.handshakeTimeouts,
            "Connections closed because the WebSocket upgrade did not complete in time (slowloris)");
        adder("tickwire.outbound.dropped", transport.outboundDropped,
            "Frames not written that could be dropped (snapshots, pongs): connection not writable or gone");
        adder("tickwire.outbound.budget.closes", transport.outboundBudgetCloses,
            "Connections closed because a write would have exceeded maxOutboundBytes");
        adder("tickwire.pings.rate.limited", transport.pingsRateLimited,
            "Pings (WebSocket or protobuf) left unanswered because a session exceeded maxPingsPerSecond");
        adder("tickwire.join.timeouts", transport.joinTimeouts,
            "Connections closed because they sent no Join within joinTimeoutMs (4014)");
        FunctionCounter.builder("tickwire.connections.refused", transport.connectionsRefusedTotal, LongAdder::sum)
            .tag("reason", "max_connections").description("TCP connections closed at once by a connection limit")
            .register(registry);
        FunctionCounter.builder("tickwire.connections.refused", transport.connectionsRefusedPerAddress, LongAdder::sum)
            .tag("reason", "max_per_address").description("TCP connections closed at once by a connection limit")
            .register(registry);
        for (int i = 0; i <= TransportCounters.DISCONNECT_CODES.length; i++)
        {
            final boolean other = i == TransportCounters.DISCONNECT_CODES.length;
            FunctionCounter.builder("tickwire.disconnects", transport.disconnects[i], LongAdder::sum)
                .tag("reason", other ? "other" : TransportCounters.DISCONNECT_REASONS[i])
                .tag("code", other ? "other" : String.valueOf(TransportCounters.DISCONNECT_CODES[i]))
                .description("Connections closed, by the close code the server chose (client_closed: the client did)")
                .register(registry);
        }

        snapshotSize = DistributionSummary.builder("tickwire.snapshot.size")
            .baseUnit("bytes")
            .description("Size of each encoded snapshot body (one per distinct baseline per room tick)")
            .serviceLevelObjectives(64, 256, 1024, 4096, 16384, 65536)
            .register(registry);
        adder("tickwire.messages.in", transport.messagesIn, "Game messages from clients handed to a room loop");
        adder("tickwire.message.closes", transport.messageCloses,
            "Connections closed for a game message: too large (1009), over the rate (1008), ring full (4008)");
        adder("tickwire.upgrades.refused", transport.upgradesRefused,
            "WebSocket upgrade requests refused: Sec-WebSocket-Version not 13 (426) or a malformed Sec-WebSocket-Key (400)");
    }

    /**
     * Register the meters of one room loop and return the observer it feeds.
     *
     * @param loopIndex loop index, the {@code loop} tag.
     * @param counters  the loop's counters.
     * @param players   reads the loop's connection count.
     * @return the observer to give the loop.
     */
    public LoopObserver bindLoop(final int loopIndex, final LoopCounters counters, final ToDoubleFunction<Integer> players)
    {
        final String loop = String.valueOf(loopIndex);
        final Timer tickDuration = Timer.builder("tickwire.tick.duration")
            .tag("loop", loop)
            .description("Duration of one room tick: game logic, capture and snapshot send")
            .publishPercentileHistogram()
            .minimumExpectedValue(Duration.ofNanos(10_000))
            .maximumExpectedValue(Duration.ofMillis(200))
            .register(registry);
        loopCounter("tickwire.ticks", loop, counters, c -> c.ticks, "Room ticks run");
        loopCounter("tickwire.tick.overruns", loop, counters, c -> c.tickOverruns,
            "Ticks that took longer than the tick period");
        loopCounter("tickwire.ticks.skipped", loop, counters, c -> c.ticksSkipped,
            "Tick slots dropped because a room fell more than maxCatchUpTicks behind");
        loopCounter("tickwire.snapshot.encodes", loop, counters, c -> c.encodes,
            "Snapshot bodies encoded (one per distinct baseline per room tick)");
        FunctionCounter.builder("tickwire.view.frames", counters, c -> c.viewFramesShared)
            .tag("loop", loop).tag("kind", "shared")
            .description("Per-connection views built: shared by every connection with the same cell and audience, or private")
            .register(registry);
        FunctionCounter.builder("tickwire.view.frames", counters, c -> c.viewFramesPrivate)
            .tag("loop", loop).tag("kind", "private")
            .description("Per-connection views built: shared by every connection with the same cell and audience, or private")
            .register(registry);
        loopCounter("tickwire.view.changes.deferred", loop, counters, c -> c.viewChangesDeferred,
            "Entity changes a per-connection snapshot budget deferred to a later tick");
        FunctionCounter.builder("tickwire.snapshots.sent", counters, c -> c.snapshotsFull)
            .tag("loop", loop).tag("kind", "full").description("Snapshots written, by kind").register(registry);
        FunctionCounter.builder("tickwire.snapshots.sent", counters, c -> c.snapshotsDelta)
            .tag("loop", loop).tag("kind", "delta").description("Snapshots written, by kind").register(registry);
        loopCounter("tickwire.snapshot.bytes.out", loop, counters, c -> c.snapshotBytesOut,
            "Snapshot bytes handed to channels (WebSocket framing excluded)");
        loopCounter("tickwire.snapshots.skipped", loop, counters, c -> c.snapshotsSkippedUnwritable,
            "Snapshots skipped because the client's channel was not writable");
        loopCounter("tickwire.snapshots.throttled", loop, counters, c -> c.snapshotsThrottled,
            "Snapshots not sent to a client whose acks lag more than half the snapshot history (it gets every 2nd or 4th tick)");
        loopCounter("tickwire.outbox.full", loop, counters, c -> c.outboxFull,
            "Frames a room loop could not put in an event loop's outbox (snapshot skipped, or welcome and close)");
        loopCounter("tickwire.players.detach.refused", loop, counters, c -> c.detachesRefused,
            "Lost players removed at once instead of kept for a resume (never acked, or address over maxDetachedPerAddress)");
        loopCounter("tickwire.inputs.applied", loop, counters, c -> c.inputsApplied, "Inputs given to game logic");
        loopCounter("tickwire.inputs.stale", loop, counters, c -> c.inputsStale,
            "Inputs dropped as duplicate or out of order");
        loopCounter("tickwire.inputs.queue.full", loop, counters, c -> c.inputsQueueFull,
            "Inputs dropped because the player already had 16 inputs queued");
        loopCounter("tickwire.joins", loop, counters, c -> c.joins, "Players joined a room");
        loopCounter("tickwire.leaves", loop, counters, c -> c.leaves, "Players left a room");
        loopCounter("tickwire.players.detached", loop, counters, c -> c.detaches,
            "Players whose connection was lost and who were kept for a resume");
        loopCounter("tickwire.players.resumed", loop, counters, c -> c.resumes,
            "Players resumed on a new connection within the grace period");
        loopCounter("tickwire.rooms.opened", loop, counters, c -> c.roomsCreated, "Rooms opened");
        loopCounter("tickwire.rooms.closed", loop, counters, c -> c.roomsClosed, "Rooms closed");
        loopCounter("tickwire.game.errors", loop, counters, c -> c.gameErrors,
            "Game logic exceptions (in onJoinAttempt/onJoin they refuse the player, elsewhere they close the room)");
        loopCounter("tickwire.messages.delivered", loop, counters, c -> c.messagesIn,
            "Game messages from clients handed to the game's onMessage");
        loopCounter("tickwire.messages.out", loop, counters, c -> c.messagesOut,
            "Game messages written for players (one per recipient)");
        loopCounter("tickwire.message.bytes.out", loop, counters, c -> c.messageBytesOut,
            "Bytes of game message frames written for players");
        loopCounter("tickwire.joins.refused", loop, counters, c -> c.joinsRefused,
            "Joins the game refused in onJoinAttempt, or failed in onJoinAttempt/onJoin (1011)");
        loopCounter("tickwire.kicks", loop, counters, c -> c.kicks, "Players the game kicked");
        Gauge.builder("tickwire.players", loopIndex, players)
            .tag("loop", loop).description("Players in this loop's rooms").register(registry);

        return new LoopObserver()
        {
            @Override
            public void onTick(final long durationNs)
            {
                tickDuration.record(durationNs, TimeUnit.NANOSECONDS);
            }

            @Override
            public void onEncode(final int bodyBytes)
            {
                snapshotSize.record(bodyBytes);
            }
        };
    }

    private void adder(final String name, final LongAdder adder, final String description)
    {
        FunctionCounter.builder(name, adder, LongAdder::sum).description(description).register(registry);
    }

    private void loopCounter(final String name, final String loop, final LoopCounters counters,
        final ToLongFunction<LoopCounters> read, final String description)
    {
        FunctionCounter.builder(name, counters, read::applyAsLong)
            .tag("loop", loop).description(description).register(registry);
    }

    /**
     * @return the Prometheus text exposition of every meter.
     */
    public String scrape()
    {
        return registry.scrape();
    }

    /**
     * @return the registry, for embedding applications that add their own meters.
     */
    public PrometheusMeterRegistry registry()
    {
        return registry;
    }

    @Override
    public void close()
    {
        gcMetrics.close();
        registry.close();
    }
}
