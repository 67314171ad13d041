package io.tickwire.loadtest;

import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;

import io.tickwire.loadtest.spi.BotBehaviourFactory;

/**
 * Everything a load test run is configured with: immutable, built with {@link #builder()} and validated
 * once in {@link Builder#build()} with messages that name the option and the value. Defaults are the
 * {@code DEFAULT_*} constants.
 */
public final class LoadTestConfig
{
    /** The server's WebSocket URL when none is given: a local server with its defaults. */
    public static final String DEFAULT_URL = "ws://127.0.0.1:7070/ws";
    /** Bots in the swarm. */
    public static final int DEFAULT_BOTS = 100;
    /** Length of the measured window. */
    public static final Duration DEFAULT_DURATION = Duration.ofSeconds(30);
    /** Time between the start of the last bot and the measured window: none by default. */
    public static final Duration DEFAULT_WARMUP = Duration.ZERO;
    /** Room type bots join by. */
    public static final String DEFAULT_ROOM_TYPE = "arena";
    /** New connections per second while ramping up. */
    public static final double DEFAULT_RAMP_UP_PER_SECOND = 200;
    /** Inputs per second per bot. */
    public static final double DEFAULT_INPUT_RATE_HZ = 10;
    /** Pings per bot: one every this long. */
    public static final Duration DEFAULT_PING_INTERVAL = Duration.ofSeconds(1);
    /** Bound on the TCP connect, and again on handshake plus {@code Welcome}. */
    public static final int DEFAULT_CONNECT_TIMEOUT_MS = 5000;
    /** Seed of the bots' steering. */
    public static final long DEFAULT_SEED = 42;
    /** Most inputs per second per bot (the server's ring and the game would drown long before). */
    public static final double MAX_INPUT_RATE_HZ = 1000;

    private final URI url;
    private final int bots;
    private final Duration duration;
    private final Duration warmup;
    private final Path outDir;
    private final String roomType;
    private final List<String> roomIds;
    private final int playersPerRoom;
    private final double rampUpPerSecond;
    private final double inputRateHz;
    private final BotBehaviourFactory behaviour;
    private final TicketSource tickets;
    private final Duration pingInterval;
    private final int threads;
    private final boolean lean;
    private final Integer ackIntervalMs;
    private final Integer retainedStates;
    private final int connectTimeoutMs;
    private final long seed;
    private final boolean progress;
    private final Long maxErrors;
    private final Double maxP99InputRttMs;
    private final Double minConnectedRatio;

    private LoadTestConfig(final Builder b, final URI url)
    {
        this.url = url;
        this.bots = b.bots;
        this.duration = b.duration;
        this.warmup = b.warmup;
        this.outDir = b.outDir;
        this.roomType = b.roomType;
        this.roomIds = Collections.unmodifiableList(new ArrayList<>(b.roomIds));
        this.playersPerRoom = b.playersPerRoom;
        this.rampUpPerSecond = b.rampUpPerSecond;
        this.inputRateHz = b.inputRateHz;
        this.behaviour = b.behaviour;
        this.tickets = b.tickets;
        this.pingInterval = b.pingInterval;
        this.threads = b.threads;
        this.lean = b.lean;
        this.ackIntervalMs = b.ackIntervalMs;
        this.retainedStates = b.retainedStates;
        this.connectTimeoutMs = b.connectTimeoutMs;
        this.seed = b.seed;
        this.progress = b.progress;
        this.maxErrors = b.maxErrors;
        this.maxP99InputRttMs = b.maxP99InputRttMs;
        this.minConnectedRatio = b.minConnectedRatio;
    }

    /**
     * @return a builder with every default set.
     */
    public static Builder builder()
    {
        return new Builder();
    }

    /** @return the server's WebSocket URL. */
    public URI url()
    {
        return url;
    }

    /** @return bots in the swarm. */
    public int bots()
    {
        return bots;
    }

    /**
     * @return length of the measured window, which starts {@link #warmup()} after the last bot was started;
     * ramp-up and warm-up come on top.
     */
    public Duration duration()
    {
        return duration;
    }

    /** @return time from the start of the last bot to the measured window; not in the steady-state figures. */
    public Duration warmup()
    {
        return warmup;
    }

    /** @return directory the reports are written to. */
    public Path outDir()
    {
        return outDir;
    }

    /** @return room type bots join by (when {@link #roomIds()} is empty). */
    public String roomType()
    {
        return roomType;
    }

    /** @return room ids bots join round-robin, empty to join by type. */
    public List<String> roomIds()
    {
        return roomIds;
    }

    /** @return bots per room when grouping (the first of a group joins by type, the rest its room by id), 0 off. */
    public int playersPerRoom()
    {
        return playersPerRoom;
    }

    /** @return connections started per second during ramp-up, 0 for all at once. */
    public double rampUpPerSecond()
    {
        return rampUpPerSecond;
    }

    /** @return inputs per second per bot (mean rate for the {@code burst} behaviour). */
    public double inputRateHz()
    {
        return inputRateHz;
    }

    /** @return what each bot does in its room: the arena's {@code walk} unless chosen otherwise. */
    public BotBehaviourFactory behaviour()
    {
        return behaviour;
    }

    /** @return where each bot's join ticket comes from. */
    TicketSource tickets()
    {
        return tickets;
    }

    /** @return time between two pings of a bot. */
    public Duration pingInterval()
    {
        return pingInterval;
    }

    /** @return threads of the shared event loop group. */
    public int threads()
    {
        return threads;
    }

    /**
     * @return true for lean bots: the same SDK clients (decode, apply and ack every snapshot, inputs, pings;
     * no interpolation or prediction, which no bot asks for) on the epoll transport where it is available
     * (Linux; NIO elsewhere), so one machine holds a bigger swarm.
     */
    public boolean lean()
    {
        return lean;
    }

    /** @return the bots' {@code ClientOptions.retainedStates}, null for the SDK's default (64). */
    public Integer retainedStates()
    {
        return retainedStates;
    }

    /** @return the bots' {@code ClientOptions.ackIntervalMs}, null for the SDK's default. */
    public Integer ackIntervalMs()
    {
        return ackIntervalMs;
    }

    /** @return connect timeout per bot in milliseconds. */
    public int connectTimeoutMs()
    {
        return connectTimeoutMs;
    }

    /** @return seed of the bots' steering. */
    public long seed()
    {
        return seed;
    }

    /** @return true to print a progress line every second. */
    public boolean progress()
    {
        return progress;
    }

    /** @return gate: most errors allowed, null for no gate. */
    public Long maxErrors()
    {
        return maxErrors;
    }

    /** @return gate: highest p99 input round trip in milliseconds, null for no gate. */
    public Double maxP99InputRttMs()
    {
        return maxP99InputRttMs;
    }

    /** @return gate: lowest share of bots connected at the end, null for no gate. */
    public Double minConnectedRatio()
    {
        return minConnectedRatio;
    }

    @Override
    public String toString()
    {
        return "url=" + url + ", bots=" + bots + ", duration=" + Durations.format(duration) + ", warmup=" +
            Durations.format(warmup) + ", out=" + outDir +
            ", " + (roomIds.isEmpty() ? "roomType=" + roomType : "roomIds=" + roomIds) + ", playersPerRoom=" +
            playersPerRoom + ", rampUp=" + rampUpPerSecond + "/s, inputRate=" + inputRateHz + "/s, behaviour=" +
            behaviour.name() + ", pingInterval=" + Durations.format(pingInterval) + ", threads=" + threads +
            (lean ? ", lean" : "") + (ackIntervalMs == null ? "" : ", ackIntervalMs=" + ackIntervalMs) +
            (retainedStates == null ? "" : ", retainedStates=" + retainedStates);
    }

    /**
     * Collects options; {@link #build()} validates them. Not thread-safe.
     */
    public static final class Builder
    {
        private String url = DEFAULT_URL;
        private int bots = DEFAULT_BOTS;
        private Duration duration = DEFAULT_DURATION;
        private Duration warmup = DEFAULT_WARMUP;
        private Path outDir = Path.of(".");
        private String roomType = DEFAULT_ROOM_TYPE;
        private List<String> roomIds = List.of();
        private int playersPerRoom;
        private double rampUpPerSecond = DEFAULT_RAMP_UP_PER_SECOND;
        private double inputRateHz = DEFAULT_INPUT_RATE_HZ;
        private BotBehaviourFactory behaviour = BotBehaviours.builtIn(BotBehaviours.DEFAULT);
        private TicketSource tickets = TicketSource.none();
        private Duration pingInterval = DEFAULT_PING_INTERVAL;
        private int threads = Runtime.getRuntime().availableProcessors();
        private boolean lean;
        private Integer ackIntervalMs;
        private Integer retainedStates;
        private int connectTimeoutMs = DEFAULT_CONNECT_TIMEOUT_MS;
        private long seed = DEFAULT_SEED;
        private boolean progress = true;
        private Long maxErrors;
        private Double maxP99InputRttMs;
        private Double minConnectedRatio;

        private Builder()
        {
        }

        /** @param url server WebSocket URL, {@code ws://host:port/path}. @return this. */
        public Builder url(final String url)
        {
            this.url = url;
            return this;
        }

        /** @param bots bots in the swarm. @return this. */
        public Builder bots(final int bots)
        {
            this.bots = bots;
            return this;
        }

        /** @param duration length of the measured window. @return this. */
        public Builder duration(final Duration duration)
        {
            this.duration = duration;
            return this;
        }

        /** @param warmup time after the last bot started before the measured window. @return this. */
        public Builder warmup(final Duration warmup)
        {
            this.warmup = warmup;
            return this;
        }

        /** @param dir report directory. @return this. */
        public Builder outDir(final Path dir)
        {
            this.outDir = dir;
            return this;
        }

        /** @param type room type to join by. @return this. */
        public Builder roomType(final String type)
        {
            this.roomType = type;
            return this;
        }

        /** @param ids room ids to join round-robin, empty to join by type. @return this. */
        public Builder roomIds(final List<String> ids)
        {
            this.roomIds = ids == null ? List.of() : ids;
            return this;
        }

        /** @param players bots per room, 0 to let the server place every bot. @return this. */
        public Builder playersPerRoom(final int players)
        {
            this.playersPerRoom = players;
            return this;
        }

        /** @param perSecond connections per second, 0 for all at once. @return this. */
        public Builder rampUpPerSecond(final double perSecond)
        {
            this.rampUpPerSecond = perSecond;
            return this;
        }

        /** @param hz inputs per second per bot. @return this. */
        public Builder inputRateHz(final double hz)
        {
            this.inputRateHz = hz;
            return this;
        }

        /** @param behaviour what each bot does, a built-in one or a game's. @return this. */
        public Builder behaviour(final BotBehaviourFactory behaviour)
        {
            this.behaviour = behaviour;
            return this;
        }

        /** @param tickets where each bot's join ticket comes from. @return this. */
        Builder tickets(final TicketSource tickets)
        {
            this.tickets = tickets;
            return this;
        }

        /** @param interval time between pings of one bot. @return this. */
        public Builder pingInterval(final Duration interval)
        {
            this.pingInterval = interval;
            return this;
        }

        /** @param threads event loop threads shared by all bots. @return this. */
        public Builder threads(final int threads)
        {
            this.threads = threads;
            return this;
        }

        /** @param lean true for lean bots ({@link LoadTestConfig#lean()}). @return this. */
        public Builder lean(final boolean lean)
        {
            this.lean = lean;
            return this;
        }

        /** @param ms the bots' ack interval (0: an Ack frame per snapshot), null for the SDK's default. @return this. */
        public Builder ackIntervalMs(final Integer ms)
        {
            this.ackIntervalMs = ms;
            return this;
        }

        /** @param states baselines each bot keeps, null for the SDK's default. @return this. */
        public Builder retainedStates(final Integer states)
        {
            this.retainedStates = states;
            return this;
        }

        /** @param ms connect timeout per bot. @return this. */
        public Builder connectTimeoutMs(final int ms)
        {
            this.connectTimeoutMs = ms;
            return this;
        }

        /** @param seed seed of the bots' steering. @return this. */
        public Builder seed(final long seed)
        {
            this.seed = seed;
            return this;
        }

        /** @param progress true to print a progress line every second. @return this. */
        public Builder progress(final boolean progress)
        {
            this.progress = progress;
            return this;
        }

        /** @param max most errors allowed, null for no gate. @return this. */
        public Builder maxErrors(final Long max)
        {
            this.maxErrors = max;
            return this;
        }

        /** @param ms highest allowed p99 input round trip, null for no gate. @return this. */
        public Builder maxP99InputRttMs(final Double ms)
        {
            this.maxP99InputRttMs = ms;
            return this;
        }

        /** @param ratio lowest share of bots connected at the end, null for no gate. @return this. */
        public Builder minConnectedRatio(final Double ratio)
        {
            this.minConnectedRatio = ratio;
            return this;
        }

        /**
         * @return the validated configuration.
         * @throws IllegalArgumentException naming the option and its value when one is invalid.
         */
        public LoadTestConfig build()
        {
            final URI uri = parseUrl(url);
            require(bots > 0, "--bots must be positive: bots=" + bots);
            Objects.requireNonNull(duration, "duration");
            require(!duration.isNegative() && !duration.isZero(), "--duration must be positive: duration=" + duration);
            Objects.requireNonNull(warmup, "warmup");
            require(!warmup.isNegative(), "--warmup must be >= 0: warmup=" + warmup);
            Objects.requireNonNull(outDir, "outDir");
            require(roomType != null && !roomType.isBlank(), "--room-type must not be empty: roomType=" + roomType);
            for (final String id : roomIds)
            {
                require(id != null && !id.isBlank(), "--room-ids must not contain an empty id: roomIds=" + roomIds);
            }
            require(playersPerRoom >= 0, "--players-per-room must be >= 0: playersPerRoom=" + playersPerRoom);
            require(playersPerRoom == 0 || roomIds.isEmpty(),
                "--players-per-room groups bots that join by type; it cannot be combined with --room-ids: " +
                "playersPerRoom=" + playersPerRoom + ", roomIds=" + roomIds);
            require(rampUpPerSecond >= 0 && Double.isFinite(rampUpPerSecond),
                "--ramp-up must be >= 0 connections per second: rampUp=" + rampUpPerSecond);
            require(inputRateHz >= 0 && inputRateHz <= MAX_INPUT_RATE_HZ,
                "--input-rate must be in [0, " + MAX_INPUT_RATE_HZ + "] inputs per second: inputRate=" + inputRateHz);
            Objects.requireNonNull(behaviour, "behaviour");
            Objects.requireNonNull(tickets, "tickets");
            Objects.requireNonNull(pingInterval, "pingInterval");
            require(pingInterval.toMillis() >= 10, "--ping-interval must be at least 10ms: pingInterval=" +
                pingInterval);
            require(threads > 0, "--threads must be positive: threads=" + threads);
            require(retainedStates == null || retainedStates >= 2, "--retained-states must be >= 2: retainedStates=" +
                retainedStates);
            require(ackIntervalMs == null || ackIntervalMs >= 0, "--ack-interval-ms must be >= 0: ackIntervalMs=" +
                ackIntervalMs);
            require(connectTimeoutMs > 0, "--connect-timeout-ms must be positive: connectTimeoutMs=" +
                connectTimeoutMs);
            require(maxErrors == null || maxErrors >= 0, "--max-errors must be >= 0: maxErrors=" + maxErrors);
            require(maxP99InputRttMs == null || maxP99InputRttMs >= 0,
                "--max-p99-input-rtt-ms must be >= 0: maxP99InputRttMs=" + maxP99InputRttMs);
            require(minConnectedRatio == null || (minConnectedRatio >= 0 && minConnectedRatio <= 1),
                "--min-connected-ratio must be in [0, 1]: minConnectedRatio=" + minConnectedRatio);
            return new LoadTestConfig(this, uri);
        }

        private static URI parseUrl(final String url)
        {
            require(url != null && !url.isBlank(), "--url is required: url=" + url);
            final URI uri;
            try
            {
                uri = new URI(url);
            }
            catch (final URISyntaxException ex)
            {
                throw new IllegalArgumentException("--url is not a URL: url=" + url + ", reason=" + ex.getReason());
            }
            require("ws".equalsIgnoreCase(uri.getScheme()), "--url must be a ws:// URL: url=" + url);
            require(uri.getHost() != null && !uri.getHost().isEmpty(), "--url has no host: url=" + url);
            return uri;
        }

        private static void require(final boolean condition, final String message)
        {
            if (!condition)
            {
                throw new IllegalArgumentException(message);
            }
        }
    }
}
