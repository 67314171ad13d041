package io.tickwire.loadtest;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * {@code java -jar tickwire-loadtest.jar}: point a swarm of bots at a room server, watch the progress
 * line, read the summary and the reports. Exit codes: {@value LoadTest#EXIT_OK} completed with every gate
 * held, {@value LoadTest#EXIT_FAILURE} no bot joined, none connected at the end or reports not written,
 * {@value LoadTest#EXIT_USAGE} bad arguments, {@value LoadTest#EXIT_GATE_BREACHED} a gate was breached.
 * <p>
 * Threads: the thread that calls {@link #main} or {@link #execute} becomes the control thread.
 */
@Command(
    name = "tickwire-loadtest",
    mixinStandardHelpOptions = true,
    version = "tickwire-loadtest 0.1.0",
    sortOptions = false,
    usageHelpAutoWidth = true,
    exitCodeOnInvalidInput = LoadTest.EXIT_USAGE,
    description = {
        "Bot swarm load test for a Tickwire room server: real client-SDK bots on one shared event loop group " +
            "join rooms, steer, ack snapshots and ping. Prints a progress line every second, then a summary, " +
            "and writes loadtest-report.json and a self-contained loadtest-report.html.",
        "",
        "Exit codes: 0 completed (every gate held), 1 no bot joined or none connected at the end or reports not " +
            "written, 2 bad arguments, 3 a gate was breached."
    })
public final class LoadTestMain implements Callable<Integer>
{
    @Spec
    CommandSpec spec;

    @Option(names = "--url", defaultValue = LoadTestConfig.DEFAULT_URL, paramLabel = "<ws-url>",
        description = "Server WebSocket URL (default ${DEFAULT-VALUE}).")
    String url;

    @Option(names = "--bots", defaultValue = "" + LoadTestConfig.DEFAULT_BOTS, paramLabel = "<n>",
        description = "Bots in the swarm (default ${DEFAULT-VALUE}).")
    int bots;

    @Option(names = "--duration", defaultValue = "30s", converter = DurationConverter.class, paramLabel = "<time>",
        description = "Length of the measured window, e.g. 500ms, 30s, 2m (default ${DEFAULT-VALUE}); " +
            "ramp-up and warm-up come on top.")
    Duration duration;

    @Option(names = "--warmup", defaultValue = "0s", converter = DurationConverter.class, paramLabel = "<time>",
        description = "Run this long after the last bot started before measuring: latencies and rates of the " +
            "warm-up count in the whole-run figures only (default ${DEFAULT-VALUE}).")
    Duration warmup;

    @Option(names = "--out", defaultValue = ".", paramLabel = "<dir>",
        description = "Report directory, created when missing (default: the working directory).")
    Path out;

    @Option(names = "--room-type", defaultValue = LoadTestConfig.DEFAULT_ROOM_TYPE, paramLabel = "<type>",
        description = "Room type bots join by (default ${DEFAULT-VALUE}).")
    String roomType;

    @Option(names = "--room-ids", split = ",", paramLabel = "<id>",
        description = "Join these existing rooms by id instead, round-robin (comma list).")
    List<String> roomIds;

    @Option(names = "--players-per-room", defaultValue = "0", paramLabel = "<n>",
        description = "Group bots n per room: the first of a group joins by type, the rest join its room by id " +
            "(default 0: the server places every bot).")
    int playersPerRoom;

    @Option(names = "--ramp-up", defaultValue = "" + LoadTestConfig.DEFAULT_RAMP_UP_PER_SECOND, paramLabel = "<per-s>",
        description = "New connections per second, 0 for all at once (default ${DEFAULT-VALUE}).")
    double rampUp;

    @Option(names = "--input-rate", defaultValue = "" + LoadTestConfig.DEFAULT_INPUT_RATE_HZ, paramLabel = "<per-s>",
        description = "Inputs per second per bot (default ${DEFAULT-VALUE}).")
    double inputRate;

    @Option(names = "--behaviour", defaultValue = BotBehaviours.DEFAULT, paramLabel = "<name>",
        description = "What each bot does. Built in, for the arena: walk: steer in a slowly turning direction; " +
            "idle: no inputs; burst: inputs in bursts every " + BotBehaviours.BURST_PERIOD_MS + " ms at the same " +
            "mean rate; wander: walk to random waypoints across the whole map (big worlds; any room with FIXED x and " +
            "y fields and the arena's input). Or a game's behaviour from a --bot-jar (default ${DEFAULT-VALUE}).")
    String behaviour;

    @Option(names = "--bot-jar", paramLabel = "<jar>",
        description = "A jar with bot behaviours for your game (BotBehaviourFactory in META-INF/services); repeat " +
            "for more.")
    List<Path> botJars;

    @Option(names = "--ticket-secret", paramLabel = "<secret>",
        description = "The server's ticket secret: mint a join ticket per bot (player bot-N, the room type or id " +
            "it joins).")
    String ticketSecret;

    @Option(names = "--ticket-claim", paramLabel = "<key=value>",
        description = "A claim every minted ticket carries (name, team...); repeat for more.")
    Map<String, String> ticketClaims = new LinkedHashMap<>();

    @Option(names = "--ticket-ttl", defaultValue = "10m", converter = DurationConverter.class, paramLabel = "<time>",
        description = "Lifetime of a minted ticket from its bot's start (default ${DEFAULT-VALUE}).")
    Duration ticketTtl;

    @Option(names = "--ticket-file", paramLabel = "<file>",
        description = "Tickets from your backend, one a line: bot N takes line N+1; needs at least one per bot.")
    Path ticketFile;

    @Option(names = "--ping-interval", defaultValue = "1s", converter = DurationConverter.class, paramLabel = "<time>",
        description = "Each bot pings the server this often to measure RTT (default ${DEFAULT-VALUE}).")
    Duration pingInterval;

    @Option(names = "--threads", paramLabel = "<n>",
        description = "Threads of the shared event loop group (default: one per core).")
    Integer threads;

    @Option(names = "--lean", description = "Lean bots: the same SDK clients on the epoll transport (Linux), for " +
        "swarms of thousands on one machine.")
    boolean lean;

    @Option(names = "--retained-states", paramLabel = "<n>",
        description = "Baselines each bot keeps (default: the SDK's, 64); fewer save memory, and a baseline a " +
        "bot no longer holds is a counted error and a full-snapshot request.")
    Integer retainedStates;

    @Option(names = "--ack-interval-ms", paramLabel = "<ms>",
        description = "The bots' SDK ack interval: an Ack frame of its own only when no input carried an ack for " +
        "this long; 0 acks every snapshot in its own frame (default: the SDK's, 100).")
    Integer ackIntervalMs;

    @Option(names = "--connect-timeout-ms", defaultValue = "" + LoadTestConfig.DEFAULT_CONNECT_TIMEOUT_MS,
        paramLabel = "<ms>", description = "TCP connect timeout, and again for handshake plus Welcome " +
        "(default ${DEFAULT-VALUE}).")
    int connectTimeoutMs;

    @Option(names = "--seed", defaultValue = "" + LoadTestConfig.DEFAULT_SEED, paramLabel = "<n>",
        description = "Seed of the bots' steering (default ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--quiet", description = "No progress line; the summary is still printed.")
    boolean quiet;

    @Option(names = "--max-errors", paramLabel = "<n>",
        description = "Gate: exit 3 when more errors than this were counted.")
    Long maxErrors;

    @Option(names = "--max-p99-input-rtt-ms", paramLabel = "<ms>",
        description = "Gate: exit 3 when the p99 input round trip is above this.")
    Double maxP99InputRttMs;

    @Option(names = "--min-connected-ratio", paramLabel = "<0..1>",
        description = "Gate: exit 3 when fewer than this share of the bots are connected at the end.")
    Double minConnectedRatio;

    private PrintStream stdout = System.out;
    private PrintStream stderr = System.err;

    /**
     * @param args command line.
     */
    public static void main(final String[] args)
    {
        System.exit(execute(args, System.out, System.err));
    }

    /**
     * Parse and run, as {@link #main} does, without exiting the JVM.
     *
     * @param args command line.
     * @param out  progress, summary and help.
     * @param err  usage errors and problems.
     * @return the exit code.
     */
    public static int execute(final String[] args, final PrintStream out, final PrintStream err)
    {
        final LoadTestMain main = new LoadTestMain();
        main.stdout = out;
        main.stderr = err;
        final CommandLine cli = new CommandLine(main);
        cli.setOut(new PrintWriter(out, true, StandardCharsets.UTF_8));
        cli.setErr(new PrintWriter(err, true, StandardCharsets.UTF_8));
        return cli.execute(args);
    }

    LoadTestConfig toConfig()
    {
        final LoadTestConfig.Builder b = LoadTestConfig.builder()
            .url(url)
            .bots(bots)
            .duration(duration)
            .warmup(warmup)
            .outDir(out)
            .roomType(roomType)
            .roomIds(roomIds)
            .playersPerRoom(playersPerRoom)
            .rampUpPerSecond(rampUp)
            .inputRateHz(inputRate)
            .behaviour(BotBehaviours.select(behaviour, botJars == null ? List.of() : botJars))
            .tickets(tickets())
            .pingInterval(pingInterval)
            .connectTimeoutMs(connectTimeoutMs)
            .lean(lean)
            .ackIntervalMs(ackIntervalMs)
            .retainedStates(retainedStates)
            .seed(seed)
            .progress(!quiet)
            .maxErrors(maxErrors)
            .maxP99InputRttMs(maxP99InputRttMs)
            .minConnectedRatio(minConnectedRatio);
        if (threads != null)
        {
            b.threads(threads);
        }
        return b.build();
    }

    private TicketSource tickets()
    {
        if (ticketSecret != null && ticketFile != null)
        {
            throw new IllegalArgumentException("--ticket-secret and --ticket-file exclude each other");
        }
        if (ticketFile != null)
        {
            return TicketSource.file(ticketFile, bots);
        }
        if (!ticketClaims.isEmpty() && ticketSecret == null)
        {
            throw new IllegalArgumentException("--ticket-claim needs --ticket-secret: claims=" + ticketClaims);
        }
        return ticketSecret == null ? TicketSource.none() : TicketSource.minted(ticketSecret, ticketClaims, ticketTtl);
    }

    @Override
    public Integer call()
    {
        final LoadTestConfig config;
        try
        {
            config = toConfig();
        }
        catch (final IllegalArgumentException ex)
        {
            throw new ParameterException(spec.commandLine(), ex.getMessage(), ex);
        }
        return LoadTest.run(config, stdout, stderr).exitCode();
    }

    /**
     * Picocli converter for {@link Duration} options, via {@link Durations#parse}.
     */
    static final class DurationConverter implements CommandLine.ITypeConverter<Duration>
    {
        @Override
        public Duration convert(final String value)
        {
            try
            {
                return Durations.parse(value);
            }
            catch (final IllegalArgumentException ex)
            {
                throw new CommandLine.TypeConversionException(ex.getMessage());
            }
        }
    }
}
