package io.tickwire.server;

import io.tickwire.server.game.GameLogicFactory;
import io.tickwire.server.game.arena.ArenaGame;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Everything a {@link TickwireServer} is configured with: one immutable object, built with
 * {@link #builder()}, validated once in {@link Builder#build()} with messages that name the option
 * and the value. Defaults are the {@code DEFAULT_*} constants.
 */
public final class ServerOptions
{
    /** Bind address. */
    public static final String DEFAULT_HOST = "0.0.0.0";
    /** WebSocket port. */
    public static final int DEFAULT_PORT = 7070;
    /** WebSocket path. */
    public static final String DEFAULT_WEBSOCKET_PATH = "/ws";
    /** Ticks per second of every room. */
    public static final int DEFAULT_TICK_RATE_HZ = 30;
    /** Room loops (threads), each hosting many rooms. */
    public static final int DEFAULT_ROOM_LOOPS = Runtime.getRuntime().availableProcessors();
    /** Most rooms at once. */
    public static final int DEFAULT_MAX_ROOMS = 1000;
    /** Seats per room. */
    public static final int DEFAULT_MAX_PLAYERS_PER_ROOM = 16;
    /** How long an empty room stays open for players to come back. */
    public static final long DEFAULT_ROOM_LINGER_MS = 10_000;
    /** Snapshots kept per room for delta baselines. */
    public static final int DEFAULT_SNAPSHOT_HISTORY = 64;
    /** Largest WebSocket frame a client may send. */
    public static final int DEFAULT_MAX_FRAME_LENGTH = 4096;
    /** Largest input payload a client may send. */
    public static final int DEFAULT_MAX_INPUT_PAYLOAD = 1024;
    /** Bytes of each room loop's inbound ring (a power of two). */
    public static final int DEFAULT_RING_CAPACITY_BYTES = 1 << 20;
    /** Outbound bytes at which a channel turns unwritable and snapshots are skipped. */
    public static final int DEFAULT_WRITE_BUFFER_HIGH_WATER_MARK = 64 * 1024;
    /** Outbound bytes at which a channel turns writable again. */
    public static final int DEFAULT_WRITE_BUFFER_LOW_WATER_MARK = 32 * 1024;
    /** Kernel send buffer per client socket (SO_SNDBUF); 0 leaves the OS default and autotuning. */
    public static final int DEFAULT_SOCKET_SEND_BUFFER_BYTES = 0;
    /** A client unwritable for longer is closed (4006). */
    public static final long DEFAULT_SLOW_CLIENT_TIMEOUT_MS = 5_000;
    /** A client that acks nothing for longer is closed (4007). */
    public static final long DEFAULT_ACK_TIMEOUT_MS = 10_000;
    /** Time allowed for the WebSocket handshake. */
    public static final long DEFAULT_HANDSHAKE_TIMEOUT_MS = 5_000;
    /** A room this many ticks behind drops the missed ticks instead of running them back to back. */
    public static final int DEFAULT_MAX_CATCH_UP_TICKS = 5;
    /** Longest a room loop parks when idle. Measured: 1 ms instead of 250 us cut idle CPU but, with the cores saturated, delayed wake-ups until ticks were skipped (input p99 300 ms instead of 42 ms at 500 bots). */
    public static final long DEFAULT_IDLE_MAX_PARK_NS = 250_000;
    /** Admin HTTP bind address (loopback by default: expose it deliberately). */
    public static final String DEFAULT_ADMIN_HOST = "127.0.0.1";
    /** Admin HTTP port; -1 disables the admin server. */
    public static final int DEFAULT_ADMIN_PORT = 7071;
    /** Longest a graceful shutdown waits for clients to be told and writes to drain. */
    public static final long DEFAULT_SHUTDOWN_TIMEOUT_MS = 10_000;
    /** Most open connections. */
    public static final int DEFAULT_MAX_CONNECTIONS = 10_000;
    /** Most open connections from one remote address. */
    public static final int DEFAULT_MAX_CONNECTIONS_PER_ADDRESS = 1024;
    /** A joined client that sends nothing for this long is closed (4010). */
    public static final long DEFAULT_IDLE_TIMEOUT_MS = 30_000L;
    /** Inputs per second a session may send; excess is dropped, sustained excess closes (1008). */
    public static final int DEFAULT_MAX_INPUTS_PER_SECOND = 120;
    /** permessage-deflate: off unless configured (then inflation is bounded by the frame limit). */
    public static final boolean DEFAULT_WEBSOCKET_COMPRESSION = false;
    /** How long a player whose connection was lost is kept for a resume. */
    public static final long DEFAULT_RESUME_GRACE_MS = 10_000;
    /** NPCs per arena room. */
    public static final int DEFAULT_ARENA_NPCS = ArenaGame.DEFAULT_NPC_COUNT;
    /** Room type of joins that name none... and the demo game. */
    public static final String DEFAULT_ROOM_TYPE = ArenaGame.TYPE;

    private final String host;
    private final int port;
    private final String webSocketPath;
    private final int tickRateHz;
    private final int roomLoops;
    private final int maxRooms;
    private final int maxPlayersPerRoom;
    private final long roomLingerMs;
    private final int snapshotHistory;
    private final int maxFrameLength;
    private final int maxInputPayload;
    private final int ringCapacityBytes;
    private final int writeBufferHighWaterMark;
    private final int writeBufferLowWaterMark;
    private final int socketSendBufferBytes;
    private final long slowClientTimeoutMs;
    private final long ackTimeoutMs;
    private final long handshakeTimeoutMs;
    private final int maxCatchUpTicks;
    private final long idleMaxParkNs;
    private final boolean preferEpoll;
    private final String adminHost;
    private final int adminPort;
    private final String adminToken;
    private final long shutdownTimeoutMs;
    private final int maxConnections;
    private final int maxConnectionsPerAddress;
    private final long idleTimeoutMs;
    private final int maxInputsPerSecond;
    private final boolean webSocketCompression;
    private final String ticketSecret;
    private final long resumeGraceMs;
    private final java.nio.file.Path tlsCertificate;
    private final java.nio.file.Path tlsPrivateKey;
    private final Map<String, GameLogicFactory> roomTypes;

    private ServerOptions(final Builder b)
    {
        host = b.host;
        port = b.port;
        webSocketPath = b.webSocketPath;
        tickRateHz = b.tickRateHz;
        roomLoops = b.roomLoops;
        maxRooms = b.maxRooms;
        maxPlayersPerRoom = b.maxPlayersPerRoom;
        roomLingerMs = b.roomLingerMs;
        snapshotHistory = b.snapshotHistory;
        maxFrameLength = b.maxFrameLength;
        maxInputPayload = b.maxInputPayload;
        ringCapacityBytes = b.ringCapacityBytes;
        writeBufferHighWaterMark = b.writeBufferHighWaterMark;
        writeBufferLowWaterMark = b.writeBufferLowWaterMark;
        socketSendBufferBytes = b.socketSendBufferBytes;
        slowClientTimeoutMs = b.slowClientTimeoutMs;
        ackTimeoutMs = b.ackTimeoutMs;
        handshakeTimeoutMs = b.handshakeTimeoutMs;
        maxCatchUpTicks = b.maxCatchUpTicks;
        idleMaxParkNs = b.idleMaxParkNs;
        preferEpoll = b.preferEpoll;
        adminHost = b.adminHost;
        adminPort = b.adminPort;
        adminToken = b.adminToken == null || b.adminToken.isEmpty() ? null : b.adminToken;
        shutdownTimeoutMs = b.shutdownTimeoutMs;
        tlsCertificate = b.tlsCertificate;
        ticketSecret = b.ticketSecret == null || b.ticketSecret.isEmpty() ? null : b.ticketSecret;
        resumeGraceMs = b.resumeGraceMs;
        tlsPrivateKey = b.tlsPrivateKey;
        webSocketCompression = b.webSocketCompression;
        maxInputsPerSecond = b.maxInputsPerSecond;
        idleTimeoutMs = b.idleTimeoutMs;
        maxConnectionsPerAddress = b.maxConnectionsPerAddress;
        maxConnections = b.maxConnections;
        final Map<String, GameLogicFactory> types = new LinkedHashMap<>(b.roomTypes);
        if (types.isEmpty())
        {
            types.put(ArenaGame.TYPE, ArenaGame.factory(b.arenaNpcs));
        }
        roomTypes = Map.copyOf(types);
    }

    /**
     * @return a builder with every default.
     */
    public static Builder builder()
    {
        return new Builder();
    }

    /** @return bind address. */
    public String host()
    {
        return host;
    }

    /** @return WebSocket port; 0 picks an ephemeral port. */
    public int port()
    {
        return port;
    }

    /** @return WebSocket path. */
    public String webSocketPath()
    {
        return webSocketPath;
    }

    /** @return ticks per second. */
    public int tickRateHz()
    {
        return tickRateHz;
    }

    /** @return duration of a tick in nanoseconds. */
    public long tickPeriodNs()
    {
        return 1_000_000_000L / tickRateHz;
    }

    /** @return number of room loops. */
    public int roomLoops()
    {
        return roomLoops;
    }

    /** @return most rooms at once. */
    public int maxRooms()
    {
        return maxRooms;
    }

    /** @return seats per room. */
    public int maxPlayersPerRoom()
    {
        return maxPlayersPerRoom;
    }

    /** @return linger of an empty room in milliseconds. */
    public long roomLingerMs()
    {
        return roomLingerMs;
    }

    /** @return snapshots kept per room. */
    public int snapshotHistory()
    {
        return snapshotHistory;
    }

    /** @return largest client frame in bytes. */
    public int maxFrameLength()
    {
        return maxFrameLength;
    }

    /** @return largest input payload in bytes. */
    public int maxInputPayload()
    {
        return maxInputPayload;
    }

    /** @return inbound ring capacity in bytes. */
    public int ringCapacityBytes()
    {
        return ringCapacityBytes;
    }

    /** @return write-buffer high-water mark in bytes. */
    public int writeBufferHighWaterMark()
    {
        return writeBufferHighWaterMark;
    }

    /** @return write-buffer low-water mark in bytes. */
    public int writeBufferLowWaterMark()
    {
        return writeBufferLowWaterMark;
    }

    /** @return SO_SNDBUF per client socket, 0 for the OS default. */
    public int socketSendBufferBytes()
    {
        return socketSendBufferBytes;
    }

    /** @return slow-client timeout in milliseconds. */
    public long slowClientTimeoutMs()
    {
        return slowClientTimeoutMs;
    }

    /** @return ack timeout in milliseconds. */
    public long ackTimeoutMs()
    {
        return ackTimeoutMs;
    }

    /** @return handshake timeout in milliseconds. */
    public long handshakeTimeoutMs()
    {
        return handshakeTimeoutMs;
    }

    /** @return ticks of lateness after which missed ticks are skipped. */
    public int maxCatchUpTicks()
    {
        return maxCatchUpTicks;
    }

    /** @return longest idle park of a room loop in nanoseconds. */
    public long idleMaxParkNs()
    {
        return idleMaxParkNs;
    }

    /** @return true to use epoll when available. */
    public boolean preferEpoll()
    {
        return preferEpoll;
    }

    /** @return admin HTTP bind address. */
    public String adminHost()
    {
        return adminHost;
    }

    /** @return admin HTTP port, 0 for ephemeral, -1 when disabled. */
    public int adminPort()
    {
        return adminPort;
    }

    /** @return the admin token for mutating admin requests, or null when they are disabled. */
    public String adminToken()
    {
        return adminToken;
    }

    /** @return graceful shutdown timeout in milliseconds. */
    public long shutdownTimeoutMs()
    {
        return shutdownTimeoutMs;
    }

    /** @return most open connections. */
    public int maxConnections()
    {
        return maxConnections;
    }

    /** @return most open connections per remote address. */
    public int maxConnectionsPerAddress()
    {
        return maxConnectionsPerAddress;
    }

    /** @return idle timeout in milliseconds. */
    public long idleTimeoutMs()
    {
        return idleTimeoutMs;
    }

    /** @return inputs per second per session. */
    public int maxInputsPerSecond()
    {
        return maxInputsPerSecond;
    }

    /** @return true when permessage-deflate is offered. */
    public boolean webSocketCompression()
    {
        return webSocketCompression;
    }

    /** @return the join-ticket HMAC secret, or null for open mode (anyone may join). */
    public String ticketSecret()
    {
        return ticketSecret;
    }

    /** @return how long a player whose connection was lost is kept for a resume, in milliseconds. */
    public long resumeGraceMs()
    {
        return resumeGraceMs;
    }

    /** @return PEM certificate chain for wss, or null for plain ws. */
    public java.nio.file.Path tlsCertificate()
    {
        return tlsCertificate;
    }

    /** @return PEM PKCS#8 private key for wss, or null for plain ws. */
    public java.nio.file.Path tlsPrivateKey()
    {
        return tlsPrivateKey;
    }

    /** @return true when the WebSocket endpoint speaks TLS (wss). */
    public boolean tlsEnabled()
    {
        return tlsCertificate != null;
    }

    /** @return room types by name. */
    public Map<String, GameLogicFactory> roomTypes()
    {
        return roomTypes;
    }

    @Override
    public String toString()
    {
        return "host=" + host + ", port=" + port + ", path=" + webSocketPath + ", tickRateHz=" + tickRateHz +
            ", roomLoops=" + roomLoops + ", maxRooms=" + maxRooms + ", maxPlayersPerRoom=" + maxPlayersPerRoom +
            ", roomLingerMs=" + roomLingerMs + ", snapshotHistory=" + snapshotHistory + ", maxFrameLength=" +
            maxFrameLength + ", maxInputPayload=" + maxInputPayload + ", ringCapacityBytes=" + ringCapacityBytes +
            ", writeBufferWaterMark=" + writeBufferLowWaterMark + ".." + writeBufferHighWaterMark +
            ", socketSendBufferBytes=" + socketSendBufferBytes + ", slowClientTimeoutMs=" + slowClientTimeoutMs + ", ackTimeoutMs=" + ackTimeoutMs +
            ", handshakeTimeoutMs=" + handshakeTimeoutMs + ", maxCatchUpTicks=" + maxCatchUpTicks +
            ", adminHost=" + adminHost + ", adminPort=" + adminPort + ", adminToken=" +
            (adminToken == null ? "none (mutations disabled)" : "set") + ", shutdownTimeoutMs=" + shutdownTimeoutMs +
            ", maxConnections=" + maxConnections +
            ", maxConnectionsPerAddress=" + maxConnectionsPerAddress +
            ", idleTimeoutMs=" + idleTimeoutMs +
            ", maxInputsPerSecond=" + maxInputsPerSecond +
            ", webSocketCompression=" + webSocketCompression +
            ", tls=" + (tlsCertificate == null ? "off" : tlsCertificate) +
            ", joinTickets=" + (ticketSecret == null ? "OFF (open mode)" : "required") +
            ", resumeGraceMs=" + resumeGraceMs +
            ", roomTypes=" + roomTypes.keySet();
    }

    /**
     * Mutable builder; not thread-safe.
     */
    public static final class Builder
    {
        private String host = DEFAULT_HOST;
        private int port = DEFAULT_PORT;
        private String webSocketPath = DEFAULT_WEBSOCKET_PATH;
        private int tickRateHz = DEFAULT_TICK_RATE_HZ;
        private int roomLoops = DEFAULT_ROOM_LOOPS;
        private int maxRooms = DEFAULT_MAX_ROOMS;
        private int maxPlayersPerRoom = DEFAULT_MAX_PLAYERS_PER_ROOM;
        private long roomLingerMs = DEFAULT_ROOM_LINGER_MS;
        private int snapshotHistory = DEFAULT_SNAPSHOT_HISTORY;
        private int maxFrameLength = DEFAULT_MAX_FRAME_LENGTH;
        private int maxInputPayload = DEFAULT_MAX_INPUT_PAYLOAD;
        private int ringCapacityBytes = DEFAULT_RING_CAPACITY_BYTES;
        private int writeBufferHighWaterMark = DEFAULT_WRITE_BUFFER_HIGH_WATER_MARK;
        private int writeBufferLowWaterMark = DEFAULT_WRITE_BUFFER_LOW_WATER_MARK;
        private int socketSendBufferBytes = DEFAULT_SOCKET_SEND_BUFFER_BYTES;
        private long slowClientTimeoutMs = DEFAULT_SLOW_CLIENT_TIMEOUT_MS;
        private long ackTimeoutMs = DEFAULT_ACK_TIMEOUT_MS;
        private long handshakeTimeoutMs = DEFAULT_HANDSHAKE_TIMEOUT_MS;
        private int maxCatchUpTicks = DEFAULT_MAX_CATCH_UP_TICKS;
        private long idleMaxParkNs = DEFAULT_IDLE_MAX_PARK_NS;
        private int arenaNpcs = DEFAULT_ARENA_NPCS;
        private boolean preferEpoll = true;
        private String adminHost = DEFAULT_ADMIN_HOST;
        private int adminPort = DEFAULT_ADMIN_PORT;
        private String adminToken;
        private long shutdownTimeoutMs = DEFAULT_SHUTDOWN_TIMEOUT_MS;
        private int maxConnections = DEFAULT_MAX_CONNECTIONS;
        private int maxConnectionsPerAddress = DEFAULT_MAX_CONNECTIONS_PER_ADDRESS;
        private long idleTimeoutMs = DEFAULT_IDLE_TIMEOUT_MS;
        private int maxInputsPerSecond = DEFAULT_MAX_INPUTS_PER_SECOND;
        private boolean webSocketCompression = DEFAULT_WEBSOCKET_COMPRESSION;
        private java.nio.file.Path tlsCertificate;
        private java.nio.file.Path tlsPrivateKey;
        private String ticketSecret;
        private long resumeGraceMs = DEFAULT_RESUME_GRACE_MS;
        private final Map<String, GameLogicFactory> roomTypes = new LinkedHashMap<>();

        private Builder()
        {
        }

        /** @param host bind address. @return this. */
        public Builder host(final String host)
        {
            this.host = host;
            return this;
        }

        /** @param port WebSocket port, 0 for ephemeral. @return this. */
        public Builder port(final int port)
        {
            this.port = port;
            return this;
        }

        /** @param path WebSocket path, starting with '/'. @return this. */
        public Builder webSocketPath(final String path)
        {
            this.webSocketPath = path;
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

        /** @param ms linger of an empty room. @return this. */
        public Builder roomLingerMs(final long ms)
        {
            this.roomLingerMs = ms;
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

        /** @param bytes inbound ring capacity, a power of two. @return this. */
        public Builder ringCapacityBytes(final int bytes)
        {
            this.ringCapacityBytes = bytes;
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

        /** @param bytes SO_SNDBUF per client socket, 0 for the OS default. @return this. */
        public Builder socketSendBufferBytes(final int bytes)
        {
            this.socketSendBufferBytes = bytes;
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

        /** @param npcs NPCs per arena room (when no room type is registered explicitly). @return this. */
        public Builder arenaNpcs(final int npcs)
        {
            this.arenaNpcs = npcs;
            return this;
        }

        /** @param preferEpoll use epoll when the native transport loads. @return this. */
        public Builder preferEpoll(final boolean preferEpoll)
        {
            this.preferEpoll = preferEpoll;
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

        /** @param ms graceful shutdown timeout. @return this. */
        public Builder shutdownTimeoutMs(final long ms)
        {
            this.shutdownTimeoutMs = ms;
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

        /** @param value true to offer permessage-deflate. @return this. */
        public Builder webSocketCompression(final boolean value)
        {
            this.webSocketCompression = value;
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

        /**
         * Serve wss with this certificate and key (both PEM; the key unencrypted PKCS#8).
         *
         * @param certificate certificate chain file, or null for plain ws.
         * @param privateKey  private key file, or null for plain ws.
         * @return this.
         */
        public Builder tls(final java.nio.file.Path certificate, final java.nio.file.Path privateKey)
        {
            this.tlsCertificate = certificate;
            this.tlsPrivateKey = privateKey;
            return this;
        }

        /**
         * Register a room type. Without any, {@code arena} is registered.
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
            require(host != null && !host.isBlank(), "host", host);
            require(port >= 0 && port <= 65535, "port", port);
            require(webSocketPath != null && webSocketPath.startsWith("/"), "webSocketPath", webSocketPath);
            require(tickRateHz >= 1 && tickRateHz <= 1000, "tickRateHz", tickRateHz);
            require(roomLoops >= 1 && roomLoops <= 256, "roomLoops", roomLoops);
            require(maxRooms >= 1, "maxRooms", maxRooms);
            require(maxPlayersPerRoom >= 1, "maxPlayersPerRoom", maxPlayersPerRoom);
            require(roomLingerMs >= 0, "roomLingerMs", roomLingerMs);
            require(snapshotHistory >= 2 && snapshotHistory <= 4096, "snapshotHistory", snapshotHistory);
            require(maxFrameLength >= 64 && maxFrameLength <= 16 * 1024 * 1024, "maxFrameLength", maxFrameLength);
            require(maxInputPayload >= 1 && maxInputPayload < maxFrameLength, "maxInputPayload", maxInputPayload);
            require(ringCapacityBytes >= 4096 && Integer.bitCount(ringCapacityBytes) == 1,
                "ringCapacityBytes", ringCapacityBytes);
            require(writeBufferHighWaterMark >= 1024, "writeBufferHighWaterMark", writeBufferHighWaterMark);
            require(writeBufferLowWaterMark >= 0 && writeBufferLowWaterMark <= writeBufferHighWaterMark,
                "writeBufferLowWaterMark", writeBufferLowWaterMark);
            require(socketSendBufferBytes >= 0, "socketSendBufferBytes", socketSendBufferBytes);
            require(slowClientTimeoutMs >= 1, "slowClientTimeoutMs", slowClientTimeoutMs);
            require(ackTimeoutMs >= 1, "ackTimeoutMs", ackTimeoutMs);
            require(handshakeTimeoutMs >= 1, "handshakeTimeoutMs", handshakeTimeoutMs);
            require(maxCatchUpTicks >= 1, "maxCatchUpTicks", maxCatchUpTicks);
            require(idleMaxParkNs >= 1_000 && idleMaxParkNs <= 100_000_000L, "idleMaxParkNs", idleMaxParkNs);
            require(adminHost != null && !adminHost.isBlank(), "adminHost", adminHost);
            require(adminPort >= -1 && adminPort <= 65535, "adminPort", adminPort);
            require(adminToken == null || adminToken.isEmpty() || adminToken.length() >= 8, "adminToken",
                "<" + (adminToken == null ? 0 : adminToken.length()) + " chars, need at least 8>");
            require(shutdownTimeoutMs >= 0, "shutdownTimeoutMs", shutdownTimeoutMs);
            require(maxConnections >= 1, "maxConnections", maxConnections);
            require(maxConnectionsPerAddress >= 1, "maxConnectionsPerAddress", maxConnectionsPerAddress);
            require(idleTimeoutMs >= 100, "idleTimeoutMs", idleTimeoutMs);
            require(maxInputsPerSecond >= 1, "maxInputsPerSecond", maxInputsPerSecond);
            require(ticketSecret == null || ticketSecret.isEmpty() ||
                ticketSecret.getBytes(java.nio.charset.StandardCharsets.UTF_8).length >=
                io.tickwire.protocol.ticket.JoinTickets.MIN_SECRET_BYTES, "ticketSecret",
                "<" + (ticketSecret == null ? 0 : ticketSecret.length()) + " chars, need at least " +
                io.tickwire.protocol.ticket.JoinTickets.MIN_SECRET_BYTES + " bytes>");
            require(resumeGraceMs >= 0, "resumeGraceMs", resumeGraceMs);
            require((tlsCertificate == null) == (tlsPrivateKey == null), "tls",
                "certificate=" + tlsCertificate + ", privateKey=" + tlsPrivateKey + " (give both or neither)");
            require(tlsCertificate == null || java.nio.file.Files.isReadable(tlsCertificate), "tlsCertificate",
                tlsCertificate + " (not a readable file)");
            require(tlsPrivateKey == null || java.nio.file.Files.isReadable(tlsPrivateKey), "tlsPrivateKey",
                tlsPrivateKey + " (not a readable file)");
            require(arenaNpcs >= 0 && arenaNpcs <= 100_000, "arenaNpcs", arenaNpcs);
            return new ServerOptions(this);
        }

        private static void require(final boolean ok, final String option, final Object value)
        {
            if (!ok)
            {
                throw new IllegalArgumentException("invalid option: " + option + "=" + value);
            }
        }
    }
}
