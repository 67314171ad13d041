package io.tickwire.server;

import io.tickwire.server.config.AdminSettings;
import io.tickwire.server.config.AuthSettings;
import io.tickwire.server.config.LifecycleSettings;
import io.tickwire.server.config.LimitSettings;
import io.tickwire.server.config.LoopSettings;
import io.tickwire.server.config.TransportSettings;
import io.tickwire.server.game.GameLogicFactory;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

import static io.tickwire.server.config.OptionChecks.require;

/**
 * Everything a {@link TickwireServer} is configured with: one immutable settings record per concern
 * (each with its {@code DEFAULT_*} constants and its validation, messages naming the option and the
 * value) and the room types clients join by. Build with {@link #builder()}; at least one room type
 * must be registered: the core registers none by itself, the launcher ({@link Main}) registers the
 * demo game.
 * <p>
 * Immutable; built on the caller's thread, read from any thread.
 *
 * @param transport bind address, WebSocket endpoint, TLS, socket and channel buffers.
 * @param loop      tick rate and room-loop tuning.
 * @param limits    per-client and server-wide limits and timeouts.
 * @param admin     admin HTTP side.
 * @param auth      join tickets and resume grace.
 * @param lifecycle room counts, seats, linger and shutdown timeout.
 * @param roomTypes room types by name, at least one.
 */
public record ServerOptions(
    TransportSettings transport,
    LoopSettings loop,
    LimitSettings limits,
    AdminSettings admin,
    AuthSettings auth,
    LifecycleSettings lifecycle,
    Map<String, GameLogicFactory> roomTypes)
{
    /**
     * @throws IllegalArgumentException when no room type is registered.
     */
    public ServerOptions
    {
        Objects.requireNonNull(transport, "transport");
        Objects.requireNonNull(loop, "loop");
        Objects.requireNonNull(limits, "limits");
        Objects.requireNonNull(admin, "admin");
        Objects.requireNonNull(auth, "auth");
        Objects.requireNonNull(lifecycle, "lifecycle");
        roomTypes = Map.copyOf(roomTypes);
        require(!roomTypes.isEmpty(), "roomTypes", "[] (no room types registered)");
    }

    /**
     * @return a builder with every default and no room type.
     */
    public static Builder builder()
    {
        return new Builder();
    }

    @Override
    public String toString()
    {
        return transport + ", " + loop + ", " + limits + ", " + admin + ", " + auth + ", " + lifecycle +
            ", roomTypes=" + roomTypes.keySet();
    }

    /**
     * Flat setters over every settings record, so a test or launcher sets only what it cares about;
     * {@link #build()} constructs the records, which validate. Mutable; not thread-safe.
     */
    public static final class Builder
    {
        private String host = TransportSettings.DEFAULT_HOST;
        private int port = TransportSettings.DEFAULT_PORT;
        private String webSocketPath = TransportSettings.DEFAULT_WEBSOCKET_PATH;
        private boolean preferEpoll = TransportSettings.DEFAULT_PREFER_EPOLL;
        private boolean webSocketCompression = TransportSettings.DEFAULT_WEBSOCKET_COMPRESSION;
        private Path tlsCertificate;
        private Path tlsPrivateKey;
        private int socketSendBufferBytes = TransportSettings.DEFAULT_SOCKET_SEND_BUFFER_BYTES;
        private int ioThreads = TransportSettings.DEFAULT_IO_THREADS;
        private int writeBufferLowWaterMark = TransportSettings.DEFAULT_WRITE_BUFFER_LOW_WATER_MARK;
        private int writeBufferHighWaterMark = TransportSettings.DEFAULT_WRITE_BUFFER_HIGH_WATER_MARK;
        private int tickRateHz = LoopSettings.DEFAULT_TICK_RATE_HZ;
        private int roomLoops = LoopSettings.DEFAULT_ROOM_LOOPS;
        private int ringCapacityBytes = LoopSettings.DEFAULT_RING_CAPACITY_BYTES;
        private int maxCatchUpTicks = LoopSettings.DEFAULT_MAX_CATCH_UP_TICKS;
        private long idleMaxParkNs = LoopSettings.DEFAULT_IDLE_MAX_PARK_NS;
        private int snapshotHistory = LoopSettings.DEFAULT_SNAPSHOT_HISTORY;
        private int snapshotBudgetBytes = LoopSettings.DEFAULT_SNAPSHOT_BUDGET_BYTES;
        private int maxFrameLength = LimitSettings.DEFAULT_MAX_FRAME_LENGTH;
        private int maxInputPayload = LimitSettings.DEFAULT_MAX_INPUT_PAYLOAD;
        private int maxConnections = LimitSettings.DEFAULT_MAX_CONNECTIONS;
        private int maxConnectionsPerAddress = LimitSettings.DEFAULT_MAX_CONNECTIONS_PER_ADDRESS;
        private long idleTimeoutMs = LimitSettings.DEFAULT_IDLE_TIMEOUT_MS;
        private int maxInputsPerSecond = LimitSettings.DEFAULT_MAX_INPUTS_PER_SECOND;
        private int maxOutboundBytes = LimitSettings.DEFAULT_MAX_OUTBOUND_BYTES;
        private int maxPingsPerSecond = LimitSettings.DEFAULT_MAX_PINGS_PER_SECOND;
        private long joinTimeoutMs = LimitSettings.DEFAULT_JOIN_TIMEOUT_MS;
        private long closeGraceMs = LimitSettings.DEFAULT_CLOSE_GRACE_MS;
        private int maxDetachedPerAddress = LimitSettings.DEFAULT_MAX_DETACHED_PER_ADDRESS;
        private int maxMessageBytes = LimitSettings.DEFAULT_MAX_MESSAGE_BYTES;
        private int maxMessagesPerSecond = LimitSettings.DEFAULT_MAX_MESSAGES_PER_SECOND;
        private long slowClientTimeoutMs = LimitSettings.DEFAULT_SLOW_CLIENT_TIMEOUT_MS;
        private long ackTimeoutMs = LimitSettings.DEFAULT_ACK_TIMEOUT_MS;
        private long handshakeTimeoutMs = LimitSettings.DEFAULT_HANDSHAKE_TIMEOUT_MS;
        private String adminHost = AdminSettings.DEFAULT_HOST;
        private int adminPort = AdminSettings.DEFAULT_PORT;
        private String adminToken;
        private String ticketSecret;
        private long resumeGraceMs = AuthSettings.DEFAULT_RESUME_GRACE_MS;
        private int maxRooms = LifecycleSettings.DEFAULT_MAX_ROOMS;
        private int maxPlayersPerRoom = LifecycleSettings.DEFAULT_MAX_PLAYERS_PER_ROOM;
        private long roomLingerMs = LifecycleSettings.DEFAULT_ROOM_LINGER_MS;
        private long shutdownTimeoutMs = LifecycleSettings.DEFAULT_SHUTDOWN_TIMEOUT_MS;
        private final Map<String, GameLogicFactory> roomTypes = new LinkedHashMap<>();

        private Builder()
        {
        }

        /** @param host bind address. @return this. @see TransportSettings#host() */
        public Builder host(final String host)
        {
            this.host = host;
            return this;
        }

        /** @param port WebSocket port, 0 for ephemeral. @return this. @see TransportSettings#port() */
        public Builder port(final int port)
        {
            this.port = port;
            return this;
        }

        /** @param path WebSocket path, starting with '/'. @return this. @see TransportSettings#webSocketPath() */
        public Builder webSocketPath(final String path)
        {
            this.webSocketPath = path;
            return this;
        }

        /** @param preferEpoll use epoll when the native transport loads. @return this. */
        public Builder preferEpoll(final boolean preferEpoll)
        {
            this.preferEpoll = preferEpoll;
            return this;
        }

        /** @param value true to offer permessage-deflate. @return this. */
        public Builder webSocketCompression(final boolean value)
        {
            this.webSocketCompression = value;
            return this;
        }

        /**
         * Serve wss with this certificate and key (both PEM; the key unencrypted PKCS#8). Whether
         * they are readable is checked by {@link TickwireServer#start(ServerOptions)}.
         *
         * @param certificate certificate chain file, or null for plain ws.
         * @param privateKey  private key file, or null for plain ws.
         * @return this.
         */
        public Builder tls(final Path certificate, final Path privateKey)
        {
            this.tlsCertificate = certificate;
            this.tlsPrivateKey = privateKey;
            return this;
        }

        /**
         * @param threads event loops for client channels (default: one per core).
         * @return this.
         */
        public Builder ioThreads(final int threads)
        {
            this.ioThreads = threads;
            return this;
        }

        /** @param bytes SO_SNDBUF per client socket, 0 for the OS default. @return this. */
        public Builder socketSendBufferBytes(final int bytes)
        {
            this.socketSendBufferBytes = bytes;
            return this;
        }

        /**
         * @param low  bytes at which a channel turns writable again.
         * @param high bytes at which it turns unwritable.
         * @return this.
         */
        public Builder writeBufferWaterMark(final int low, final int high)
        {
            this.writeBufferLowWaterMark = low;
            this.writeBufferHighWaterMark = high;
            return this;
        }

        /** @param hz ticks per second, 1..1000. @return this. */
        public Builder tickRateHz(final int hz)
        {
            this.tickRateHz = hz;
            return this;
        }

        /** @param loops room loops (threads). @return this. */
        public Builder roomLoops(final int loops)
        {
            this.roomLoops = loops;
            return this;
        }

        /** @param bytes inbound ring capacity, a power of two. @return this. */
        public Builder ringCapacityBytes(final int bytes)
        {
            this.ringCapacityBytes = bytes;
            return this;
        }

        /** @param ticks lateness after which missed ticks are skipped. @return this. */
        public Builder maxCatchUpTicks(final int ticks)
        {
            this.maxCatchUpTicks = ticks;
            return this;
        }

        /** @param ns longest idle park of a room loop. @return this. */
        public Builder idleMaxParkNs(final long ns)
        {
            this.idleMaxParkNs = ns;
            return this;
        }

        /**
         * @param bytes snapshot bytes per connection per tick for room types that set none; 0 = unlimited.
         * @return this.
         */
        public Builder snapshotBudgetBytes(final int bytes)
        {
            this.snapshotBudgetBytes = bytes;
            return this;
        }

        /** @param ticks snapshots kept per room. @return this. */
        public Builder snapshotHistory(final int ticks)
        {
            this.snapshotHistory = ticks;
            return this;
        }

        /** @param bytes largest client frame. @return this. */
        public Builder maxFrameLength(final int bytes)
        {
            this.maxFrameLength = bytes;
            return this;
        }

        /** @param bytes largest input payload. @return this. */
        public Builder maxInputPayload(final int bytes)
        {
            this.maxInputPayload = bytes;
            return this;
        }

        /** @param value most open connections. @return this. */
        public Builder maxConnections(final int value)
        {
            this.maxConnections = value;
            return this;
        }

        /** @param value most open connections per remote address. @return this. */
        public Builder maxConnectionsPerAddress(final int value)
        {
            this.maxConnectionsPerAddress = value;
            return this;
        }

        /** @param value idle timeout in milliseconds. @return this. */
        public Builder idleTimeoutMs(final long value)
        {
            this.idleTimeoutMs = value;
            return this;
        }

        /** @param value inputs per second per session. @return this. */
        public Builder maxInputsPerSecond(final int value)
        {
            this.maxInputsPerSecond = value;
            return this;
        }

        /** @param value bytes the server may queue for one connection. @return this. */
        public Builder maxOutboundBytes(final int value)
        {
            this.maxOutboundBytes = value;
            return this;
        }

        /** @param value pings per second per session. @return this. */
        public Builder maxPingsPerSecond(final int value)
        {
            this.maxPingsPerSecond = value;
            return this;
        }

        /** @param ms time after the handshake to send Join. @return this. */
        public Builder joinTimeoutMs(final long ms)
        {
            this.joinTimeoutMs = ms;
            return this;
        }

        /** @param ms how long a close frame waits for the client's answer. @return this. */
        public Builder closeGraceMs(final long ms)
        {
            this.closeGraceMs = ms;
            return this;
        }

        /** @param value players in resume grace one address may hold. @return this. */
        public Builder maxDetachedPerAddress(final int value)
        {
            this.maxDetachedPerAddress = value;
            return this;
        }

        /** @param ms slow-client timeout. @return this. */
        public Builder slowClientTimeoutMs(final long ms)
        {
            this.slowClientTimeoutMs = ms;
            return this;
        }

        /** @param ms ack timeout. @return this. */
        public Builder ackTimeoutMs(final long ms)
        {
            this.ackTimeoutMs = ms;
            return this;
        }

        /** @param ms handshake timeout. @return this. */
        public Builder handshakeTimeoutMs(final long ms)
        {
            this.handshakeTimeoutMs = ms;
            return this;
        }

        /** @param host admin HTTP bind address. @return this. */
        public Builder adminHost(final String host)
        {
            this.adminHost = host;
            return this;
        }

        /** @param port admin HTTP port, 0 for ephemeral, -1 to disable. @return this. */
        public Builder adminPort(final int port)
        {
            this.adminPort = port;
            return this;
        }

        /** @param token admin token for mutating requests; null or empty disables them. @return this. */
        public Builder adminToken(final String token)
        {
            this.adminToken = token;
            return this;
        }

        /** @param secret join-ticket HMAC secret (at least 32 bytes); null or empty for open mode. @return this. */
        public Builder ticketSecret(final String secret)
        {
            this.ticketSecret = secret;
            return this;
        }

        /** @param ms resume grace period; 0 disables resuming. @return this. */
        public Builder resumeGraceMs(final long ms)
        {
            this.resumeGraceMs = ms;
            return this;
        }

        /** @param maxRooms most rooms. @return this. */
        public Builder maxRooms(final int maxRooms)
        {
            this.maxRooms = maxRooms;
            return this;
        }

        /** @param maxPlayers seats per room. @return this. */
        public Builder maxPlayersPerRoom(final int maxPlayers)
        {
            this.maxPlayersPerRoom = maxPlayers;
            return this;
        }

        /** @param bytes largest game message payload from a client. @return this. @see LimitSettings#maxMessageBytes() */
        public Builder maxMessageBytes(final int bytes)
        {
            this.maxMessageBytes = bytes;
            return this;
        }

        /** @param value game messages per second per session. @return this. @see LimitSettings#maxMessagesPerSecond() */
        public Builder maxMessagesPerSecond(final int value)
        {
            this.maxMessagesPerSecond = value;
            return this;
        }

        /** @param ms linger of an empty room. @return this. */
        public Builder roomLingerMs(final long ms)
        {
            this.roomLingerMs = ms;
            return this;
        }

        /** @param ms graceful shutdown timeout. @return this. */
        public Builder shutdownTimeoutMs(final long ms)
        {
            this.shutdownTimeoutMs = ms;
            return this;
        }

        /**
         * Register a room type; at least one is required.
         *
         * @param name    type name clients join by.
         * @param factory its game.
         * @return this.
         */
        public Builder roomType(final String name, final GameLogicFactory factory)
        {
            if (name == null || name.isEmpty() || factory == null)
            {
                throw new IllegalArgumentException("room type needs a name and a factory: name=" + name);
            }
            roomTypes.put(name, factory);
            return this;
        }

        /**
         * @return the validated options.
         * @throws IllegalArgumentException naming the first invalid option and its value.
         */
        public ServerOptions build()
        {
            return new ServerOptions(
                new TransportSettings(host, port, webSocketPath, preferEpoll, webSocketCompression, tlsCertificate,
                    tlsPrivateKey, socketSendBufferBytes, writeBufferLowWaterMark, writeBufferHighWaterMark, ioThreads),
                new LoopSettings(tickRateHz, roomLoops, ringCapacityBytes, maxCatchUpTicks, idleMaxParkNs,
                    snapshotHistory, snapshotBudgetBytes),
                new LimitSettings(maxFrameLength, maxInputPayload, maxConnections, maxConnectionsPerAddress,
                    idleTimeoutMs, maxInputsPerSecond, slowClientTimeoutMs, ackTimeoutMs, handshakeTimeoutMs,
                    maxOutboundBytes, maxPingsPerSecond, joinTimeoutMs, closeGraceMs, maxDetachedPerAddress,
                    maxMessageBytes, maxMessagesPerSecond),
                new AdminSettings(adminHost, adminPort, adminToken),
                new AuthSettings(ticketSecret, resumeGraceMs),
                new LifecycleSettings(maxRooms, maxPlayersPerRoom, roomLingerMs, shutdownTimeoutMs),
                roomTypes);
        }
    }
}
