package io.tickwire.loadtest;

import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.netty.util.concurrent.EventExecutor;
import io.tickwire.client.ClientOptions;
import io.tickwire.client.ReconnectPolicy;
import io.tickwire.client.JoinRequest;

import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.lang.management.OperatingSystemMXBean;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.LockSupport;

/**
 * A swarm of {@link Bot}s on one shared event loop group: starts them at the ramp-up rate (in groups
 * per room when asked), holds for the configured duration, samples the metrics once a second (printing
 * the progress line), stops every bot and assembles the {@link LoadTestReport}.
 * <p>
 * Threads: {@link #run()} runs on the calling (control) thread and returns when the swarm has stopped
 * and its event loops have terminated. {@link #isStopping()} is read by the bots' event loops.
 */
final class Swarm
{
    private static final long SAMPLE_PERIOD_NS = TimeUnit.SECONDS.toNanos(1);
    private static final long CONTROL_STEP_NS = TimeUnit.MILLISECONDS.toNanos(2);
    private static final long MIN_LAST_SAMPLE_NS = TimeUnit.MILLISECONDS.toNanos(250);
    private static final long LEAVE_TIMEOUT_MS = 10_000;
    private static final long SHUTDOWN_QUIET_MS = 0;
    private static final long SHUTDOWN_TIMEOUT_MS = 5_000;
    private static final int WORST_BOTS = 5;
    private static final double RATE_TOLERANCE = 0.10;

    private final LoadTestConfig config;
    private final PrintStream out;
    private final SwarmMetrics metrics = new SwarmMetrics();
    private final TrafficTotals current = new TrafficTotals();
    private final TrafficTotals previous = new TrafficTotals();
    private final TrafficTotals atMeasureStart = new TrafficTotals();
    private final List<IntervalSample> timeline = new ArrayList<>();
    private final List<String> warnings = new ArrayList<>();
    private final Set<String> claimedRooms = new HashSet<>();
    private final OperatingSystemMXBean os = ManagementFactory.getOperatingSystemMXBean();
    private volatile boolean stopping;
    private volatile boolean measuring;

    private Bot[] bots;
    private boolean[] groupOwnsRoom;
    private int groupsDecided;
    private int roomsKnownUpTo;
    private int sharedGroups;
    private int settledPrefix;
    private long startNanos;
    private long lastSampleNanos;
    private long lastCpuNanos;

    /**
     * @param config what to run.
     * @param out    where the progress lines go.
     */
    Swarm(final LoadTestConfig config, final PrintStream out)
    {
        this.config = config;
        this.out = out;
    }

    /**
     * @return true once the swarm began to stop: closes from then on are not errors. Any thread.
     */
    boolean isStopping()
    {
        return stopping;
    }

    /**
     * @return true from the start of the measured window until the stop. Any thread.
     */
    boolean isMeasuring()
    {
        return measuring && !stopping;
    }

    /**
     * Run the swarm to the end. Control thread.
     *
     * @return what it measured.
     */
    LoadTestReport run()
    {
        final Instant startedAt = Instant.now();
        final int threads = config.threads();
        // Lean bots run on epoll where it is available (Linux): the profile of 500 NIO bots spent about a
        // third of its samples in the JDK selector (key-set resets, update and deregister queues).
        final boolean epoll = config.lean() && Epoll.isAvailable();
        final EventLoopGroup group = new MultiThreadIoEventLoopGroup(
            threads, new DefaultThreadFactory("loadtest-bot", true),
            epoll ? EpollIoHandler.newFactory() : NioIoHandler.newFactory());
        try
        {
            final List<EventLoop> loops = new ArrayList<>();
            final List<ClientOptions> options = new ArrayList<>();
            for (final EventExecutor executor : group)
            {
                final EventLoop loop = (EventLoop)executor;
                loops.add(loop);
                // One loop as the client's "group": group.next() on a loop is the loop itself, so the
                // swarm knows which thread each bot lives on.
                // Bots ping on their own schedule: the SDK's automatic pings would add traffic and
                // mix their round trips into the measured ping RTT.
                final ClientOptions.Builder b = ClientOptions.builder()
                    .uri(config.url())
                    .eventLoopGroup(loop, epoll ? EpollSocketChannel.class : NioSocketChannel.class)
                    .connectTimeoutMs(config.connectTimeoutMs())
                    .pingIntervalMs(0)
                    // A lost bot is an error to count, not something to hide behind a resume.
                    .reconnect(ReconnectPolicy.disabled());
                if (config.retainedStates() != null)
                {
                    b.retainedStates(config.retainedStates());
                }
                if (config.ackIntervalMs() != null)
                {
                    b.ackIntervalMs(config.ackIntervalMs());
                }
                options.add(b.build());
            }
            final int n = config.bots();
            bots = new Bot[n];
            for (int i = 0; i < n; i++)
            {
                bots[i] = new Bot(i, loops.get(i % loops.size()), options.get(i % loops.size()), config, metrics, this);
            }
            final int p = config.playersPerRoom();
            groupOwnsRoom = new boolean[p == 0 ? 0 : (n + p - 1) / p];
            return drive(startedAt, group);
        }
        finally
        {
            stopping = true;
            group.shutdownGracefully(SHUTDOWN_QUIET_MS, SHUTDOWN_TIMEOUT_MS, TimeUnit.MILLISECONDS)
                .awaitUninterruptibly(SHUTDOWN_TIMEOUT_MS * 2);
        }
    }

    private LoadTestReport drive(final Instant startedAt, final EventLoopGroup group)
    {
        final int n = bots.length;
        startNanos = System.nanoTime();
        lastSampleNanos = startNanos;
        lastCpuNanos = processCpuNanos();
        long nextSampleNanos = startNanos + SAMPLE_PERIOD_NS;
        timeline.add(new IntervalSample(0, 0, 0, 0, 0, 0, 0, 0, 0, 0, Double.NaN, Double.NaN, Double.NaN, Double.NaN,
            Double.NaN, 0, Double.NaN));
        long holdStartNanos = 0;
        long measureStartNanos = 0;
        final long warmupNanos = config.warmup().toNanos();
        final long measureNanos = config.duration().toNanos();
        int nextStart = 0;

        while (true)
        {
            final long now = System.nanoTime();
            decideGroups();
            final int allowed = allowedStarts(now);
            while (nextStart < allowed && canStart(nextStart))
            {
                bots[nextStart].start(config.tickets().apply(nextStart, requestFor(nextStart)));
                nextStart++;
            }
            if (nextStart == n && holdStartNanos == 0)
            {
                holdStartNanos = System.nanoTime();
            }
            if (holdStartNanos != 0 && measureStartNanos == 0 && now - (holdStartNanos + warmupNanos) >= 0)
            {
                measureStartNanos = System.nanoTime();
                measuring = true;
                metrics.startMeasuring();
                atMeasureStart.sum(bots);
            }
            if (now - nextSampleNanos >= 0)
            {
                final IntervalSample sample = sample(now, nextStart, true);
                if (config.progress())
                {
                    out.println(TextSummary.progressLine(sample, n));
                    out.flush();
                }
                nextSampleNanos += SAMPLE_PERIOD_NS;
                if (nextSampleNanos - now < 0)
                {
                    nextSampleNanos = now + SAMPLE_PERIOD_NS;
                }
            }
            if (measureStartNanos != 0 && now - (measureStartNanos + measureNanos) >= 0)
            {
                break;
            }
            if (nextStart == n && metrics.joined() == 0 && allSettled())
            {
                warnings.add("no bot could join: stopped early; see the errors");
                break;
            }
            LockSupport.parkNanos(CONTROL_STEP_NS);
        }

        final long stopNanos = System.nanoTime();
        final int connectedAtEnd = metrics.connected();
        stopping = true;
        for (final Bot bot : bots)
        {
            bot.stop();
        }
        final boolean partialWorthAPoint = stopNanos - lastSampleNanos >= MIN_LAST_SAMPLE_NS;
        final IntervalSample last = sample(stopNanos, nextStart, partialWorthAPoint);
        if (config.progress() && partialWorthAPoint)
        {
            out.println(TextSummary.progressLine(last, n));
        }
        final TrafficTotals end = new TrafficTotals();
        end.copyFrom(current);
        if (holdStartNanos == 0)
        {
            holdStartNanos = stopNanos;
        }
        if (measureStartNanos == 0)
        {
            measureStartNanos = stopNanos;
            atMeasureStart.copyFrom(end);
        }

        leaveAll();
        group.shutdownGracefully(SHUTDOWN_QUIET_MS, SHUTDOWN_TIMEOUT_MS, TimeUnit.MILLISECONDS)
            .awaitUninterruptibly(SHUTDOWN_TIMEOUT_MS * 2);

        return buildReport(startedAt, stopNanos, holdStartNanos, measureStartNanos, nextStart, connectedAtEnd, end);
    }

    /**
     * Bots ping on their own schedule ({@code --ping-interval}). An SDK that pings by itself (a
     * {@code pingIntervalMs} builder option, 0 = off) would double the ping traffic and mix its pings into
     * the measured ping RTT, so its automatic pings are switched off. Reflective because the option is not
     * in every SDK build this module is compiled against; an SDK without it does not ping by itself.
     */
    private int allowedStarts(final long now)
    {
        final int n = bots.length;
        final double rate = config.rampUpPerSecond();
        if (rate <= 0)
        {
            return n;
        }
        final double elapsedSeconds = (now - startNanos) / 1e9;
        return (int)Math.min(n, Math.floor(rate * elapsedSeconds) + 1);
    }

    private boolean canStart(final int i)
    {
        final int p = config.playersPerRoom();
        if (p == 0)
        {
            return true;
        }
        final int pos = i % p;
        if (pos == 0)
        {
            // A group's first bot waits until every earlier join settled, so that the previous group
            // holds its seats before this one asks the server for a room by type.
            advanceSettledPrefix(i);
            return settledPrefix >= i;
        }
        return i / p < groupsDecided;
    }

    private void advanceSettledPrefix(final int limit)
    {
        while (settledPrefix < limit && bots[settledPrefix].isSettled())
        {
            settledPrefix++;
        }
    }

    private void decideGroups()
    {
        final int p = config.playersPerRoom();
        while (p > 0 && groupsDecided < groupOwnsRoom.length)
        {
            final int leaderIndex = groupsDecided * p;
            final Bot leader = bots[leaderIndex];
            if (!leader.isSettled())
            {
                return;
            }
            // Every earlier bot has settled (the leader waited for it): a room any of them is in is taken.
            while (roomsKnownUpTo < leaderIndex)
            {
                final Bot earlier = bots[roomsKnownUpTo++];
                if (earlier.state() == Bot.JOINED && earlier.roomId() != null)
                {
                    claimedRooms.add(earlier.roomId());
                }
            }
            final String roomId = leader.roomId();
            if (leader.state() == Bot.JOINED && roomId != null)
            {
                final boolean owns = claimedRooms.add(roomId);
                groupOwnsRoom[groupsDecided] = owns;
                if (!owns)
                {
                    sharedGroups++;
                }
            }
            groupsDecided++;
        }
    }

    private JoinRequest requestFor(final int i)
    {
        if (!config.roomIds().isEmpty())
        {
            return JoinRequest.byId(config.roomIds().get(i % config.roomIds().size()));
        }
        final int p = config.playersPerRoom();
        if (p == 0 || i % p == 0)
        {
            return JoinRequest.byType(config.roomType());
        }
        final int g = i / p;
        return groupOwnsRoom[g] ? JoinRequest.byId(bots[g * p].roomId()) : JoinRequest.byType(config.roomType());
    }

    private boolean allSettled()
    {
        for (final Bot bot : bots)
        {
            if (!bot.isSettled())
            {
                return false;
            }
        }
        return true;
    }

    private IntervalSample sample(final long now, final int started, final boolean addToTimeline)
    {
        metrics.sampleInterval();
        current.sum(bots);
        final double dt = Math.max(1e-3, (now - lastSampleNanos) / 1e9);
        final long cpuNanos = processCpuNanos();
        final double cpuPercent = cpuNanos < 0 || lastCpuNanos < 0 ?
            Double.NaN : 100.0 * (cpuNanos - lastCpuNanos) / (now - lastSampleNanos);
        final IntervalSample s = new IntervalSample(
            (now - startNanos) / 1e9,
            started,
            metrics.connected(),
            (current.snapshots - previous.snapshots) / dt,
            (current.full - previous.full) / dt,
            (current.bytesIn - previous.bytesIn) / dt / 1000.0,
            (current.bytesOut - previous.bytesOut) / dt / 1000.0,
            (current.framesIn - previous.framesIn) / dt,
            (current.framesOut - previous.framesOut) / dt,
            (current.inputs - previous.inputs) / dt,
            LatencySummary.percentileMs(metrics.intervalInputRtt(), 50),
            LatencySummary.percentileMs(metrics.intervalInputRtt(), 99),
            LatencySummary.percentileMs(metrics.intervalPingRtt(), 50),
            LatencySummary.percentileMs(metrics.intervalPingRtt(), 99),
            LatencySummary.percentileMs(metrics.intervalSnapshotJitter(), 99),
            metrics.errorCount(),
            cpuPercent);
        if (addToTimeline)
        {
            timeline.add(s);
        }
        previous.copyFrom(current);
        lastSampleNanos = now;
        lastCpuNanos = cpuNanos;
        return s;
    }

    private long processCpuNanos()
    {
        if (os instanceof com.sun.management.OperatingSystemMXBean)
        {
            return ((com.sun.management.OperatingSystemMXBean)os).getProcessCpuTime();
        }
        return -1;
    }

    private void leaveAll()
    {
        final List<CompletableFuture<Void>> leaving = new ArrayList<>(bots.length);
        for (final Bot bot : bots)
        {
            leaving.add(bot.leave());
        }
        try
        {
            CompletableFuture.allOf(leaving.toArray(new CompletableFuture<?>[0]))
                .get(LEAVE_TIMEOUT_MS, TimeUnit.MILLISECONDS);
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
        }
        catch (final ExecutionException | TimeoutException ex)
        {
            warnings.add("not every bot closed within " + LEAVE_TIMEOUT_MS + " ms: " + ex);
        }
        for (final Bot bot : bots)
        {
            bot.close();
        }
    }

    private LoadTestReport buildReport(
        final Instant startedAt,
        final long stopNanos,
        final long holdStartNanos,
        final long measureStartNanos,
        final int started,
        final int connectedAtEnd,
        final TrafficTotals end)
    {
        final List<Bot.BotResult> results = new ArrayList<>(bots.length);
        for (final Bot bot : bots)
        {
            results.add(bot.result(stopNanos));
        }
        final int tickRateHz = metrics.tickRateHz();
        final double measureSeconds = (stopNanos - measureStartNanos) / 1e9;
        final double elapsedSeconds = (stopNanos - startNanos) / 1e9;

        final double[] rates = results.stream()
            .filter(r -> r.joined() && !Double.isNaN(r.snapshotRateHz()))
            .mapToDouble(Bot.BotResult::snapshotRateHz).sorted().toArray();
        int outside = 0;
        for (final double r : rates)
        {
            if (tickRateHz > 0 && Math.abs(r - tickRateHz) > RATE_TOLERANCE * tickRateHz)
            {
                outside++;
            }
        }
        final LoadTestReport.Distribution rateDistribution = rates.length == 0 ?
            new LoadTestReport.Distribution(0, Double.NaN, Double.NaN, Double.NaN, Double.NaN, Double.NaN, 0) :
            new LoadTestReport.Distribution(rates.length, rates[0], at(rates, 0.01), at(rates, 0.5),
                Arrays.stream(rates).average().orElse(Double.NaN), rates[rates.length - 1], outside);

        final Map<String, Integer> perRoom = new HashMap<>();
        for (final Bot.BotResult r : results)
        {
            if (r.joined() && r.roomId() != null)
            {
                perRoom.merge(r.roomId(), 1, Integer::sum);
            }
        }
        final int p = config.playersPerRoom();
        final LoadTestReport.Rooms rooms = new LoadTestReport.Rooms(
            perRoom.size(),
            perRoom.values().stream().mapToInt(Integer::intValue).min().orElse(0),
            perRoom.values().stream().mapToInt(Integer::intValue).average().orElse(0),
            perRoom.values().stream().mapToInt(Integer::intValue).max().orElse(0),
            groupOwnsRoom.length,
            sharedGroups);
        if (sharedGroups > 0)
        {
            warnings.add(sharedGroups + " of " + groupOwnsRoom.length + " groups landed in a room another group " +
                "already had: the server's join by type fills any room with a free seat before creating one, so " +
                "those groups joined by type and rooms hold up to " + rooms.maxBots() + " bots instead of " + p +
                ". Start the server with --max-players " + p + " for rooms of exactly " + p + ".");
        }
        if (metrics.inputsExpired() > 0)
        {
            warnings.add(metrics.inputsExpired() + " inputs were never answered by a snapshot within " +
                InputLatencyTracker.CAPACITY + " later inputs; their round trips are missing from the histogram.");
        }

        final double dt = Math.max(1e-3, measureSeconds);
        double cpuSum = 0;
        int cpuCount = 0;
        for (final IntervalSample s : timeline)
        {
            if (!Double.isNaN(s.botCpuPercent()))
            {
                cpuSum += s.botCpuPercent();
                cpuCount++;
            }
        }
        final long measuredSnapshots = end.snapshots - atMeasureStart.snapshots;
        final LoadTestReport.Rates steady = new LoadTestReport.Rates(
            measuredSnapshots / dt,
            connectedAtEnd == 0 ? Double.NaN : measuredSnapshots / dt / connectedAtEnd,
            (end.bytesIn - atMeasureStart.bytesIn) / dt / 1000.0,
            (end.bytesOut - atMeasureStart.bytesOut) / dt / 1000.0,
            (end.framesIn - atMeasureStart.framesIn) / dt,
            (end.framesOut - atMeasureStart.framesOut) / dt,
            (end.inputs - atMeasureStart.inputs) / dt,
            measuredSnapshots == 0 ? Double.NaN : (double)(end.bytesIn - atMeasureStart.bytesIn) / measuredSnapshots,
            cpuCount == 0 ? Double.NaN : cpuSum / cpuCount);

        final List<Bot.BotResult> worst = results.stream()
            .filter(r -> !Double.isNaN(r.maxInputRttMs()))
            .sorted(Comparator.comparingDouble(Bot.BotResult::maxInputRttMs).reversed())
            .limit(WORST_BOTS)
            .toList();

        return new LoadTestReport(
            config,
            startedAt,
            elapsedSeconds,
            (holdStartNanos - startNanos) / 1e9,
            (measureStartNanos - holdStartNanos) / 1e9,
            measureSeconds,
            "Java " + System.getProperty("java.version") + " (" + System.getProperty("java.vm.name") + "), " +
                Runtime.getRuntime().availableProcessors() + " cores, " + System.getProperty("os.name") + " " +
                System.getProperty("os.arch") + ", " + config.threads() + " bot event loop threads",
            new LoadTestReport.BotCounts(bots.length, started, metrics.joined(), metrics.joinFailures(),
                connectedAtEnd, metrics.peakConnected(), metrics.disconnects()),
            tickRateHz,
            rooms,
            LoadTestReport.Totals.of(end),
            steady,
            rateDistribution,
            LatencySummary.of(metrics.measuredInputRtt()),
            LatencySummary.of(metrics.measuredPingRtt()),
            LatencySummary.of(metrics.measuredSnapshotInterval()),
            LatencySummary.of(metrics.measuredSnapshotJitter()),
            LatencySummary.of(metrics.totalInputRtt()),
            LatencySummary.of(metrics.totalPingRtt()),
            LatencySummary.of(metrics.totalConnectTime()),
            metrics.inputsExpired(),
            metrics.errorCount(),
            metrics.errors(),
            worst,
            List.copyOf(results),
            List.copyOf(timeline),
            List.copyOf(warnings));
    }

    private static double at(final double[] sorted, final double quantile)
    {
        final int i = (int)Math.min(sorted.length - 1, Math.max(0, Math.ceil(quantile * sorted.length) - 1));
        return sorted[i];
    }
}
