package io.tickwire.client;

import io.netty.channel.EventLoopGroup;
import io.tickwire.protocol.ProtocolVersion;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;

import javax.net.ssl.SSLException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Objects;
import java.util.concurrent.Executor;

/**
 * Configuration of a {@link TickwireClient}: immutable, built once with {@link #builder()} and
 * validated in {@link Builder#build()}. Safe to share between clients (a load test builds one and
 * hands it to thousands of clients together with a shared {@link EventLoopGroup}).
 * <p>
 * Size: over 700 lines because each of its 21 options has a default, a getter and a builder setter, each
 * with its contract, and one validation; nothing else lives here.
 */
public final class ClientOptions
{
    /** Bound on the TCP connect, and separately on the WebSocket handshake plus {@code Welcome}. */
    public static final int DEFAULT_CONNECT_TIMEOUT_MS = 5000;
    /** Largest WebSocket frame payload accepted from the server: 16 MiB. */
    public static final int DEFAULT_MAX_FRAME_PAYLOAD_LENGTH = 16 * 1024 * 1024;
    /** Applied states kept as possible baselines; matches the server's history of 64 ticks. */
    public static final int DEFAULT_RETAINED_STATES = 64;
    /** Fewest retained states: the baseline in use plus the newest state. */
    public static final int MIN_RETAINED_STATES = 2;
    /** Ack every applied snapshot automatically. */
    public static final boolean DEFAULT_AUTO_ACK = true;
    /**
     * Auto-acks ride on inputs; a snapshot gets an {@code Ack} frame of its own only when no ack (on an input
     * or alone) went out for this long. 0 writes an {@code Ack} frame for every applied snapshot.
     */
    public static final int DEFAULT_ACK_INTERVAL_MS = 100;
    /** Callbacks run on the event loop (or the callback executor), not in {@code poll()}. */
    public static final DeliveryMode DEFAULT_DELIVERY_MODE = DeliveryMode.CALLBACKS;
    /** Automatic {@code Ping} once a second for time sync; 0 turns automatic pings off. */
    public static final int DEFAULT_PING_INTERVAL_MS = 1000;
    /** Interval of the first {@link #INITIAL_PING_COUNT} automatic pings, so the clock syncs within a second. */
    public static final int DEFAULT_INITIAL_PING_INTERVAL_MS = 100;
    /** Automatic pings sent at the initial interval before switching to the regular one. */
    public static final int INITIAL_PING_COUNT = 10;
    /** Interpolation delay in snapshot intervals, before the measured jitter is added. */
    public static final double DEFAULT_INTERPOLATION_DELAY_TICKS = 2.0;
    /** Upper bound of the adaptive interpolation delay. */
    public static final int DEFAULT_MAX_INTERPOLATION_DELAY_MS = 500;
    /** Longest extrapolation past the newest snapshot; after it the interpolator holds. */
    public static final int DEFAULT_MAX_EXTRAPOLATION_MS = 250;
    /** Largest per-slot difference between predicted and server state still counted as a hit: exact. */
    public static final int DEFAULT_MISPREDICTION_TOLERANCE_SLOTS = 0;
    /** Inputs kept while the server has not processed them: by the predictor for replay, by the connection to resend. */
    public static final int DEFAULT_MAX_PENDING_INPUTS = 256;
    /** Snapshots queued for {@code poll()} before the newest queued one is overwritten instead. */
    public static final int DEFAULT_POLL_QUEUE_SNAPSHOTS = 64;
    /**
     * A joined connection that brings no frame for this long (while reading is on) is taken as lost (1006):
     * the server sends a snapshot every tick, so silence means a dead path or a half-open connection.
     */
    public static final int DEFAULT_SILENCE_TIMEOUT_MS = 3000;
    /** Ticks of slack the {@link Predictor} allows on top of the inputs a round trip keeps in flight. */
    public static final int DEFAULT_INPUT_LEAD_MARGIN_TICKS = 2;
    /** {@link Builder#inputLeadMarginTicks(int)} value that turns the predictor's input lead bound off. */
    public static final int UNBOUNDED_INPUT_LEAD = -1;
    /** Default port of a {@code wss} URI. */
    public static final int DEFAULT_WSS_PORT = 443;
    /** Default port of a {@code ws} URI. */
    public static final int DEFAULT_WS_PORT = 80;

    private final URI uri;
    private final EventLoopGroup eventLoopGroup;
    private final Class<? extends SocketChannel> channelClass;
    private final Executor callbackExecutor;
    private final int connectTimeoutMs;
    private final int maxFramePayloadLength;
    private final int retainedStates;
    private final boolean autoAck;
    private final int ackIntervalMs;
    private final int protocolVersion;
    private final DeliveryMode deliveryMode;
    private final int pingIntervalMs;
    private final int initialPingIntervalMs;
    private final double interpolationDelayTicks;
    private final int maxInterpolationDelayMs;
    private final int maxExtrapolationMs;
    private final int mispredictionToleranceSlots;
    private final int maxPendingInputs;
    private final int pollQueueSnapshots;
    private final ReconnectPolicy reconnectPolicy;
    private final int silenceTimeoutMs;
    private final int inputLeadMarginTicks;
    private final Path trustCertificate;
    private final boolean secure;
    private final SslContext sslContext;

    private ClientOptions(final Builder b, final SslContext sslContext)
    {
        this.uri = b.uri;
        this.eventLoopGroup = b.eventLoopGroup;
        this.channelClass = b.channelClass;
        this.callbackExecutor = b.callbackExecutor;
        this.connectTimeoutMs = b.connectTimeoutMs;
        this.maxFramePayloadLength = b.maxFramePayloadLength;
        this.retainedStates = b.retainedStates;
        this.autoAck = b.autoAck;
        this.ackIntervalMs = b.ackIntervalMs;
        this.protocolVersion = b.protocolVersion;
        this.deliveryMode = b.deliveryMode;
        this.pingIntervalMs = b.pingIntervalMs;
        this.initialPingIntervalMs = b.initialPingIntervalMs;
        this.interpolationDelayTicks = b.interpolationDelayTicks;
        this.maxInterpolationDelayMs = b.maxInterpolationDelayMs;
        this.maxExtrapolationMs = b.maxExtrapolationMs;
        this.mispredictionToleranceSlots = b.mispredictionToleranceSlots;
        this.maxPendingInputs = b.maxPendingInputs;
        this.pollQueueSnapshots = b.pollQueueSnapshots;
        this.reconnectPolicy = b.reconnectPolicy;
        this.silenceTimeoutMs = b.silenceTimeoutMs;
        this.inputLeadMarginTicks = b.inputLeadMarginTicks;
        this.trustCertificate = b.trustCertificate;
        this.secure = "wss".equalsIgnoreCase(b.uri.getScheme());
        this.sslContext = sslContext;
    }

    /**
     * @return a builder with every default set; only {@link Builder#uri(URI)} is required.
     */
    public static Builder builder()
    {
        return new Builder();
    }

    /**
     * @return the server's WebSocket URI, {@code ws://host:port/path} or {@code wss://host:port/path}.
     */
    public URI uri()
    {
        return uri;
    }

    /**
     * @return host part of {@link #uri()}.
     */
    public String host()
    {
        return uri.getHost();
    }

    /**
     * @return port of {@link #uri()}; when the URI names none, 443 for {@code wss} and 80 for {@code ws}.
     */
    public int port()
    {
        if (uri.getPort() != -1)
        {
            return uri.getPort();
        }
        return secure ? DEFAULT_WSS_PORT : DEFAULT_WS_PORT;
    }

    /**
     * @return true for a {@code wss} URI: the connection runs over TLS with the server's certificate and host
     * name verified (HTTPS endpoint identification, SNI).
     */
    public boolean isSecure()
    {
        return secure;
    }

    /**
     * @return the PEM certificate that is the only one trusted for {@code wss}, or null to trust the JDK's
     * default trust store.
     */
    public Path trustCertificate()
    {
        return trustCertificate;
    }

    /**
     * @return the client TLS context built from these options for {@code wss}, null for {@code ws}.
     */
    SslContext sslContext()
    {
        return sslContext;
    }

    /**
     * @return how a lost connection of a joined session is resumed.
     */
    public ReconnectPolicy reconnectPolicy()
    {
        return reconnectPolicy;
    }

    /**
     * @return milliseconds without a frame from the server (while reading is on) after which a joined
     * connection counts as lost (1006, then reconnected by the {@link #reconnectPolicy()}); 0 when off.
     */
    public int silenceTimeoutMs()
    {
        return silenceTimeoutMs;
    }

    /**
     * @return ticks of slack in the {@link Predictor}'s bound on pending inputs, or
     * {@link #UNBOUNDED_INPUT_LEAD} when the bound is off.
     */
    public int inputLeadMarginTicks()
    {
        return inputLeadMarginTicks;
    }

    /**
     * @return the shared event loop group, or null when each client creates (and shuts down) its own.
     */
    public EventLoopGroup eventLoopGroup()
    {
        return eventLoopGroup;
    }

    /**
     * @return the socket channel class the client connects with: {@link NioSocketChannel} unless a shared
     * group of another transport was given with its channel class.
     */
    public Class<? extends SocketChannel> channelClass()
    {
        return channelClass;
    }

    /**
     * @return executor that runs listener callbacks and completes join futures, or null to run them
     * on the connection's event loop thread.
     */
    public Executor callbackExecutor()
    {
        return callbackExecutor;
    }

    /**
     * @return TCP connect timeout in milliseconds; the handshake plus {@code Welcome} get as long again.
     */
    public int connectTimeoutMs()
    {
        return connectTimeoutMs;
    }

    /**
     * @return largest accepted frame payload in bytes; also the size limit of parsing a {@code ServerMessage}.
     */
    public int maxFramePayloadLength()
    {
        return maxFramePayloadLength;
    }

    /**
     * @return most applied states kept as baselines.
     */
    public int retainedStates()
    {
        return retainedStates;
    }

    /**
     * @return true when every applied snapshot is acknowledged automatically.
     */
    public boolean autoAck()
    {
        return autoAck;
    }

    /**
     * @return with {@link #autoAck()}: the longest time the newest applied snapshot may wait for an input to
     * carry its ack before it is acked in an {@code Ack} frame of its own; 0 acks each snapshot in its own frame.
     */
    public int ackIntervalMs()
    {
        return ackIntervalMs;
    }

    /**
     * @return the protocol version the client asks for in its {@code Join}.
     */
    public int protocolVersion()
    {
        return protocolVersion;
    }

    /**
     * @return where listener callbacks run: at once ({@link DeliveryMode#CALLBACKS}) or in
     * {@link RoomSession#poll()} ({@link DeliveryMode#POLL}).
     */
    public DeliveryMode deliveryMode()
    {
        return deliveryMode;
    }

    /**
     * @return interval of automatic pings in milliseconds once the first {@link #INITIAL_PING_COUNT} are
     * sent, 0 when the SDK pings only when asked ({@link RoomSession#ping()}).
     */
    public int pingIntervalMs()
    {
        return pingIntervalMs;
    }

    /**
     * @return interval of the first {@link #INITIAL_PING_COUNT} automatic pings, which start when the first
     * snapshot is applied.
     */
    public int initialPingIntervalMs()
    {
        return initialPingIntervalMs;
    }

    /**
     * @return base interpolation delay in snapshot intervals; the measured jitter is added on top.
     */
    public double interpolationDelayTicks()
    {
        return interpolationDelayTicks;
    }

    /**
     * @return upper bound of the adaptive interpolation delay in milliseconds.
     */
    public int maxInterpolationDelayMs()
    {
        return maxInterpolationDelayMs;
    }

    /**
     * @return longest extrapolation past the newest snapshot in milliseconds (0: never extrapolate).
     */
    public int maxExtrapolationMs()
    {
        return maxExtrapolationMs;
    }

    /**
     * @return largest difference per quantized slot (angles: the wrapped difference) between a predicted
     * and the server's state that still counts as a correct prediction.
     */
    public int mispredictionToleranceSlots()
    {
        return mispredictionToleranceSlots;
    }

    /**
     * @return most inputs kept unprocessed: a {@link Predictor} keeps that many for replay (older ones are
     * forgotten), the connection that many to resend after a resume (see {@link RoomSession#sendInput}).
     */
    public int maxPendingInputs()
    {
        return maxPendingInputs;
    }

    /**
     * @return most snapshots queued for {@link RoomSession#poll()}; past it the newest queued snapshot is
     * replaced (entity events stay correct: they are diffs between the states a poll delivers).
     */
    public int pollQueueSnapshots()
    {
        return pollQueueSnapshots;
    }

    @Override
    public String toString()
    {
        return "ClientOptions{uri=" + uri + ", sharedGroup=" + (eventLoopGroup != null) + ", callbackExecutor=" +
            (callbackExecutor != null) + ", connectTimeoutMs=" + connectTimeoutMs + ", maxFramePayloadLength=" +
            maxFramePayloadLength + ", retainedStates=" + retainedStates + ", autoAck=" + autoAck +
            ", ackIntervalMs=" + ackIntervalMs +
            ", protocolVersion=" + protocolVersion +
            ", deliveryMode=" + deliveryMode + ", pingIntervalMs=" + pingIntervalMs + ", initialPingIntervalMs=" +
            initialPingIntervalMs + ", interpolationDelayTicks=" + interpolationDelayTicks +
            ", maxInterpolationDelayMs=" + maxInterpolationDelayMs + ", maxExtrapolationMs=" + maxExtrapolationMs +
            ", mispredictionToleranceSlots=" + mispredictionToleranceSlots + ", maxPendingInputs=" +
            maxPendingInputs + ", pollQueueSnapshots=" + pollQueueSnapshots + ", reconnectPolicy=" + reconnectPolicy +
            ", silenceTimeoutMs=" + silenceTimeoutMs + ", inputLeadMarginTicks=" + inputLeadMarginTicks +
            ", trustCertificate=" + trustCertificate + '}';
    }

    /**
     * Collects options; {@link #build()} validates them. Not thread-safe.
     */
    public static final class Builder
    {
        private URI uri;
        private EventLoopGroup eventLoopGroup;
        private Class<? extends SocketChannel> channelClass = NioSocketChannel.class;
        private Executor callbackExecutor;
        private int connectTimeoutMs = DEFAULT_CONNECT_TIMEOUT_MS;
        private int maxFramePayloadLength = DEFAULT_MAX_FRAME_PAYLOAD_LENGTH;
        private int retainedStates = DEFAULT_RETAINED_STATES;
        private boolean autoAck = DEFAULT_AUTO_ACK;
        private int ackIntervalMs = DEFAULT_ACK_INTERVAL_MS;
        private int protocolVersion = ProtocolVersion.CURRENT;
        private DeliveryMode deliveryMode = DEFAULT_DELIVERY_MODE;
        private int pingIntervalMs = DEFAULT_PING_INTERVAL_MS;
        private int initialPingIntervalMs = DEFAULT_INITIAL_PING_INTERVAL_MS;
        private double interpolationDelayTicks = DEFAULT_INTERPOLATION_DELAY_TICKS;
        private int maxInterpolationDelayMs = DEFAULT_MAX_INTERPOLATION_DELAY_MS;
        private int maxExtrapolationMs = DEFAULT_MAX_EXTRAPOLATION_MS;
        private int mispredictionToleranceSlots = DEFAULT_MISPREDICTION_TOLERANCE_SLOTS;
        private int maxPendingInputs = DEFAULT_MAX_PENDING_INPUTS;
        private int pollQueueSnapshots = DEFAULT_POLL_QUEUE_SNAPSHOTS;
        private ReconnectPolicy reconnectPolicy = ReconnectPolicy.defaults();
        private int silenceTimeoutMs = DEFAULT_SILENCE_TIMEOUT_MS;
        private int inputLeadMarginTicks = DEFAULT_INPUT_LEAD_MARGIN_TICKS;
        private Path trustCertificate;

        private Builder()
        {
        }

        /**
         * @param uri {@code ws://host:port/path} or {@code wss://host:port/path} of the server's WebSocket endpoint.
         * @return this.
         */
        public Builder uri(final URI uri)
        {
            this.uri = Objects.requireNonNull(uri, "uri");
            return this;
        }

        /**
         * @param uri {@code ws://host:port/path} or {@code wss://host:port/path} of the server's WebSocket endpoint.
         * @return this.
         * @throws IllegalArgumentException when the string is not a URI.
         */
        public Builder uri(final String uri)
        {
            Objects.requireNonNull(uri, "uri");
            try
            {
                return uri(new URI(uri));
            }
            catch (final URISyntaxException ex)
            {
                throw new IllegalArgumentException("invalid uri: uri=" + uri + ", reason=" + ex.getReason(), ex);
            }
        }

        /**
         * @param group a group shared by many clients; clients never shut it down. Null (the default)
         *              makes each client create a one-thread NIO group of its own and shut it down on close.
         * @return this.
         */
        public Builder eventLoopGroup(final EventLoopGroup group)
        {
            this.eventLoopGroup = group;
            this.channelClass = NioSocketChannel.class;
            return this;
        }

        /**
         * A shared group of another transport than NIO (Netty's epoll, io_uring, kqueue) with its channel
         * class, e.g. a load test on Linux: {@code eventLoopGroup(new MultiThreadIoEventLoopGroup(n,
         * EpollIoHandler.newFactory()), EpollSocketChannel.class)}. The SDK itself depends on NIO only.
         *
         * @param group        a group shared by many clients; clients never shut it down.
         * @param channelClass the socket channel class of the group's transport.
         * @return this.
         */
        public Builder eventLoopGroup(final EventLoopGroup group, final Class<? extends SocketChannel> channelClass)
        {
            this.eventLoopGroup = Objects.requireNonNull(group, "group");
            this.channelClass = Objects.requireNonNull(channelClass, "channelClass");
            return this;
        }

        /**
         * @param executor runs listener callbacks and completes join futures; it should run tasks in
         *                 submission order (one thread) to keep callbacks in order. Null (the default)
         *                 runs them on the connection's event loop thread.
         * @return this.
         */
        public Builder callbackExecutor(final Executor executor)
        {
            this.callbackExecutor = executor;
            return this;
        }

        /**
         * @param timeoutMs TCP connect timeout; the handshake plus {@code Welcome} get as long again.
         * @return this.
         */
        public Builder connectTimeoutMs(final int timeoutMs)
        {
            this.connectTimeoutMs = timeoutMs;
            return this;
        }

        /**
         * @param length largest frame payload accepted from the server, in bytes (a larger frame closes the
         *               connection; the parser refuses a larger message too).
         * @return this.
         */
        public Builder maxFramePayloadLength(final int length)
        {
            this.maxFramePayloadLength = length;
            return this;
        }

        /**
         * @param count applied states kept as baselines, at least {@link #MIN_RETAINED_STATES}.
         * @return this.
         */
        public Builder retainedStates(final int count)
        {
            this.retainedStates = count;
            return this;
        }

        /**
         * @param autoAck false to acknowledge only through {@link RoomSession#ack(int)} (tests and load
         *                tests use it to simulate a client whose acks lag).
         * @return this.
         */
        public Builder autoAck(final boolean autoAck)
        {
            this.autoAck = autoAck;
            return this;
        }

        /**
         * @param intervalMs with auto-ack, how long the newest applied snapshot may wait for an {@code Input} to
         *                   carry its ack ({@code Input.ack_tick}) before the client writes an {@code Ack} frame
         *                   for it; checked when a snapshot is applied, so an ack is at most this plus one tick
         *                   late. The first snapshot on a connection and the answer to a full-snapshot request
         *                   are acked at once. 0 acks every snapshot in a frame of its own (one more frame per
         *                   tick for a client that also sends inputs). Default {@value #DEFAULT_ACK_INTERVAL_MS}.
         * @return this.
         */
        public Builder ackIntervalMs(final int intervalMs)
        {
            this.ackIntervalMs = intervalMs;
            return this;
        }

        /**
         * @param version the protocol version to ask for, {@link ProtocolVersion#MIN_SUPPORTED} to
         *                {@link ProtocolVersion#CURRENT} (the default). 2 is the plain mode: snapshots carry their
         *                changed section as varint columns any protobuf tool can read, instead of version 3's
         *                bit-packed {@code changed_bits} (about a third more bytes; for debugging with packet dumps).
         *                1 also leaves out everything of version 2, so only rooms that need none of it accept it.
         * @return this.
         */
        public Builder protocolVersion(final int version)
        {
            this.protocolVersion = version;
            return this;
        }

        /**
         * @param mode {@link DeliveryMode#POLL} to run callbacks only inside {@link RoomSession#poll()} on the
         *             game's thread; {@link DeliveryMode#CALLBACKS} (the default) to run them at once.
         *             POLL excludes a {@link #callbackExecutor(Executor)}.
         * @return this.
         */
        public Builder deliveryMode(final DeliveryMode mode)
        {
            this.deliveryMode = Objects.requireNonNull(mode, "mode");
            return this;
        }

        /**
         * @param intervalMs interval of automatic pings (time sync) after the first
         *                   {@link ClientOptions#INITIAL_PING_COUNT}; 0 turns automatic pings off.
         * @return this.
         */
        public Builder pingIntervalMs(final int intervalMs)
        {
            this.pingIntervalMs = intervalMs;
            return this;
        }

        /**
         * @param intervalMs interval of the first {@link ClientOptions#INITIAL_PING_COUNT} automatic pings.
         * @return this.
         */
        public Builder initialPingIntervalMs(final int intervalMs)
        {
            this.initialPingIntervalMs = intervalMs;
            return this;
        }

        /**
         * @param ticks base interpolation delay in snapshot intervals (default 2: one lost snapshot is
         *              bridged without extrapolating), at least 1; the measured jitter is added.
         * @return this.
         */
        public Builder interpolationDelayTicks(final double ticks)
        {
            this.interpolationDelayTicks = ticks;
            return this;
        }

        /**
         * @param delayMs upper bound of the adaptive interpolation delay.
         * @return this.
         */
        public Builder maxInterpolationDelayMs(final int delayMs)
        {
            this.maxInterpolationDelayMs = delayMs;
            return this;
        }

        /**
         * @param extrapolationMs longest extrapolation past the newest snapshot, 0 to hold at once.
         * @return this.
         */
        public Builder maxExtrapolationMs(final int extrapolationMs)
        {
            this.maxExtrapolationMs = extrapolationMs;
            return this;
        }

        /**
         * @param slots largest per-slot difference between predicted and server state not counted as a
         *              misprediction (0, the default: bit-exact).
         * @return this.
         */
        public Builder mispredictionToleranceSlots(final int slots)
        {
            this.mispredictionToleranceSlots = slots;
            return this;
        }

        /**
         * @param inputs most unprocessed inputs a predictor keeps for replay and the connection keeps to resend.
         * @return this.
         */
        public Builder maxPendingInputs(final int inputs)
        {
            this.maxPendingInputs = inputs;
            return this;
        }

        /**
         * @param snapshots most snapshots queued for {@code poll()} (each holds a copy of the state).
         * @return this.
         */
        public Builder pollQueueSnapshots(final int snapshots)
        {
            this.pollQueueSnapshots = snapshots;
            return this;
        }

        /**
         * @param policy how a lost connection of a joined session is resumed; {@link ReconnectPolicy#disabled()}
         *               to close the session instead. Default {@link ReconnectPolicy#defaults()}.
         * @return this.
         */
        public Builder reconnect(final ReconnectPolicy policy)
        {
            this.reconnectPolicy = Objects.requireNonNull(policy, "policy");
            return this;
        }

        /**
         * @param timeoutMs time without a frame from the server, while reading is on, after which a joined
         *                  connection is taken as lost (closed without a close frame, 1006); 0 turns it off.
         *                  Keep it well above the tick period; default 3000.
         * @return this.
         */
        public Builder silenceTimeoutMs(final int timeoutMs)
        {
            this.silenceTimeoutMs = timeoutMs;
            return this;
        }

        /**
         * @param ticks slack of the {@link Predictor}'s bound on pending inputs (see {@link Predictor#update});
         *              {@link ClientOptions#UNBOUNDED_INPUT_LEAD} turns the bound off. Default 2.
         * @return this.
         */
        public Builder inputLeadMarginTicks(final int ticks)
        {
            this.inputLeadMarginTicks = ticks;
            return this;
        }

        /**
         * @param pemFile a PEM file with the one certificate (or certificates) to trust for {@code wss}, for
         *                self-signed or development servers; null (the default) trusts the JDK's default
         *                trust store. Host name verification stays on either way: the certificate must name
         *                the URI's host (a DNS or IP subject alternative name).
         * @return this.
         */
        public Builder trustCertificate(final Path pemFile)
        {
            this.trustCertificate = pemFile;
            return this;
        }

        /**
         * @return the validated options.
         * @throws IllegalArgumentException naming the option and its value when one is invalid.
         */
        public ClientOptions build()
        {
            if (uri == null)
            {
                throw new IllegalArgumentException("uri is required: uri=null");
            }
            final String scheme = uri.getScheme();
            if (!"ws".equalsIgnoreCase(scheme) && !"wss".equalsIgnoreCase(scheme))
            {
                throw new IllegalArgumentException("unsupported uri scheme: uri=" + uri + ", scheme=" + scheme +
                    ", supported=ws,wss");
            }
            if (uri.getHost() == null || uri.getHost().isEmpty())
            {
                throw new IllegalArgumentException("uri has no host: uri=" + uri);
            }
            if (uri.getPort() < -1 || uri.getPort() == 0 || uri.getPort() > 65535)
            {
                throw new IllegalArgumentException("uri port out of range: uri=" + uri + ", port=" + uri.getPort());
            }
            if (connectTimeoutMs <= 0)
            {
                throw new IllegalArgumentException("connectTimeoutMs must be positive: connectTimeoutMs=" +
                    connectTimeoutMs);
            }
            if (maxFramePayloadLength <= 0)
            {
                throw new IllegalArgumentException("maxFramePayloadLength must be positive: maxFramePayloadLength=" +
                    maxFramePayloadLength);
            }
            if (retainedStates < MIN_RETAINED_STATES)
            {
                throw new IllegalArgumentException("retainedStates too small: retainedStates=" + retainedStates +
                    ", min=" + MIN_RETAINED_STATES);
            }
            if (deliveryMode == DeliveryMode.POLL && callbackExecutor != null)
            {
                throw new IllegalArgumentException("deliveryMode POLL excludes a callbackExecutor: deliveryMode=" +
                    deliveryMode + ", callbackExecutor=" + callbackExecutor);
            }
            if (pingIntervalMs < 0)
            {
                throw new IllegalArgumentException("pingIntervalMs must be >= 0: pingIntervalMs=" + pingIntervalMs);
            }
            if (initialPingIntervalMs <= 0)
            {
                throw new IllegalArgumentException("initialPingIntervalMs must be positive: initialPingIntervalMs=" +
                    initialPingIntervalMs);
            }
            if (!(interpolationDelayTicks >= 1.0) || interpolationDelayTicks > 64)
            {
                throw new IllegalArgumentException("interpolationDelayTicks out of range: interpolationDelayTicks=" +
                    interpolationDelayTicks + ", allowed=1..64");
            }
            if (maxInterpolationDelayMs <= 0)
            {
                throw new IllegalArgumentException("maxInterpolationDelayMs must be positive: maxInterpolationDelayMs=" +
                    maxInterpolationDelayMs);
            }
            if (maxExtrapolationMs < 0)
            {
                throw new IllegalArgumentException("maxExtrapolationMs must be >= 0: maxExtrapolationMs=" +
                    maxExtrapolationMs);
            }
            if (mispredictionToleranceSlots < 0)
            {
                throw new IllegalArgumentException("mispredictionToleranceSlots must be >= 0: " +
                    "mispredictionToleranceSlots=" + mispredictionToleranceSlots);
            }
            if (maxPendingInputs < 1)
            {
                throw new IllegalArgumentException("maxPendingInputs must be positive: maxPendingInputs=" +
                    maxPendingInputs);
            }
            if (pollQueueSnapshots < 1)
            {
                throw new IllegalArgumentException("pollQueueSnapshots must be positive: pollQueueSnapshots=" +
                    pollQueueSnapshots);
            }
            if (protocolVersion < ProtocolVersion.MIN_SUPPORTED || protocolVersion > ProtocolVersion.CURRENT)
            {
                throw new IllegalArgumentException("protocolVersion unsupported: protocolVersion=" + protocolVersion +
                    ", supported=" + ProtocolVersion.MIN_SUPPORTED + ".." + ProtocolVersion.CURRENT);
            }
            if (ackIntervalMs < 0)
            {
                throw new IllegalArgumentException("ackIntervalMs must be >= 0: ackIntervalMs=" + ackIntervalMs);
            }
            if (silenceTimeoutMs < 0)
            {
                throw new IllegalArgumentException("silenceTimeoutMs must be >= 0: silenceTimeoutMs=" +
                    silenceTimeoutMs);
            }
            if (inputLeadMarginTicks < UNBOUNDED_INPUT_LEAD)
            {
                throw new IllegalArgumentException("inputLeadMarginTicks must be >= 0 or UNBOUNDED_INPUT_LEAD (-1): " +
                    "inputLeadMarginTicks=" + inputLeadMarginTicks);
            }
            final boolean secure = "wss".equalsIgnoreCase(scheme);
            if (trustCertificate != null && !secure)
            {
                throw new IllegalArgumentException("trustCertificate needs a wss uri: uri=" + uri +
                    ", trustCertificate=" + trustCertificate);
            }
            return new ClientOptions(this, secure ? buildSslContext() : null);
        }

        private SslContext buildSslContext()
        {
            final SslContextBuilder ssl = SslContextBuilder.forClient().endpointIdentificationAlgorithm("HTTPS");
            if (trustCertificate != null)
            {
                if (!Files.isReadable(trustCertificate))
                {
                    throw new IllegalArgumentException("trustCertificate is not a readable file: trustCertificate=" +
                        trustCertificate);
                }
                ssl.trustManager(trustCertificate.toFile());
            }
            try
            {
                return ssl.build();
            }
            catch (final SSLException | RuntimeException ex)
            {
                throw new IllegalArgumentException("cannot build the TLS context: uri=" + uri + ", trustCertificate=" +
                    trustCertificate + ", reason=" + ex.getMessage(), ex);
            }
        }
    }
}
