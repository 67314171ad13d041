package io.tickwire.client;

import io.netty.channel.EventLoopGroup;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.Objects;
import java.util.concurrent.Executor;

/**
 * Configuration of a {@link TickwireClient}: immutable, built once with {@link #builder()} and
 * validated in {@link Builder#build()}. Safe to share between clients (a load test builds one and
 * hands it to thousands of clients together with a shared {@link EventLoopGroup}).
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

    private final URI uri;
    private final EventLoopGroup eventLoopGroup;
    private final Executor callbackExecutor;
    private final int connectTimeoutMs;
    private final int maxFramePayloadLength;
    private final int retainedStates;
    private final boolean autoAck;

    private ClientOptions(final Builder b)
    {
        this.uri = b.uri;
        this.eventLoopGroup = b.eventLoopGroup;
        this.callbackExecutor = b.callbackExecutor;
        this.connectTimeoutMs = b.connectTimeoutMs;
        this.maxFramePayloadLength = b.maxFramePayloadLength;
        this.retainedStates = b.retainedStates;
        this.autoAck = b.autoAck;
    }

    /**
     * @return a builder with every default set; only {@link Builder#uri(URI)} is required.
     */
    public static Builder builder()
    {
        return new Builder();
    }

    /**
     * @return the server's WebSocket URI, {@code ws://host:port/path}.
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
     * @return port of {@link #uri()}, 80 when the URI names none.
     */
    public int port()
    {
        return uri.getPort() == -1 ? 80 : uri.getPort();
    }

    /**
     * @return the shared event loop group, or null when each client creates (and shuts down) its own.
     */
    public EventLoopGroup eventLoopGroup()
    {
        return eventLoopGroup;
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
     * @return largest accepted frame payload in bytes.
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

    @Override
    public String toString()
    {
        return "ClientOptions{uri=" + uri + ", sharedGroup=" + (eventLoopGroup != null) + ", callbackExecutor=" +
            (callbackExecutor != null) + ", connectTimeoutMs=" + connectTimeoutMs + ", maxFramePayloadLength=" +
            maxFramePayloadLength + ", retainedStates=" + retainedStates + ", autoAck=" + autoAck + '}';
    }

    /**
     * Collects options; {@link #build()} validates them. Not thread-safe.
     */
    public static final class Builder
    {
        private URI uri;
        private EventLoopGroup eventLoopGroup;
        private Executor callbackExecutor;
        private int connectTimeoutMs = DEFAULT_CONNECT_TIMEOUT_MS;
        private int maxFramePayloadLength = DEFAULT_MAX_FRAME_PAYLOAD_LENGTH;
        private int retainedStates = DEFAULT_RETAINED_STATES;
        private boolean autoAck = DEFAULT_AUTO_ACK;

        private Builder()
        {
        }

        /**
         * @param uri {@code ws://host:port/path} of the server's WebSocket endpoint ({@code wss} is not supported yet).
         * @return this.
         */
        public Builder uri(final URI uri)
        {
            this.uri = Objects.requireNonNull(uri, "uri");
            return this;
        }

        /**
         * @param uri {@code ws://host:port/path} of the server's WebSocket endpoint.
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
         * @param length largest frame payload accepted from the server, in bytes.
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
            if (!"ws".equalsIgnoreCase(scheme))
            {
                throw new IllegalArgumentException("unsupported uri scheme: uri=" + uri + ", scheme=" + scheme +
                    ", supported=ws");
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
            return new ClientOptions(this);
        }
    }
}
