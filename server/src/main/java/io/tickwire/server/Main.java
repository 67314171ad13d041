package io.tickwire.server;

import io.tickwire.server.config.AdminSettings;
import io.tickwire.server.config.AuthSettings;
import io.tickwire.server.config.FleetSettings;
import io.tickwire.server.config.LifecycleSettings;
import io.tickwire.server.config.LimitSettings;
import io.tickwire.server.config.LoopSettings;
import io.tickwire.server.config.TransportSettings;
import io.tickwire.server.game.arena.ArenaGame;
import io.tickwire.server.game.bigworld.BigWorldGame;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

import static io.tickwire.server.config.OptionChecks.require;

/**
 * {@code java -jar tickwire-server.jar}: runs a room server with the room types of the game jars it is
 * given ({@code --game-jar}, {@code --plugins-dir}), or else the demo game {@code arena}, which this launcher
 * registers (the core registers no room type by itself).
 * Every option also reads an environment variable ({@code TICKWIRE_PORT} for {@code --port} and so
 * on); invalid values are refused before anything starts, with the option and value named.
 */
@Command(
    name = "tickwire-server",
    mixinStandardHelpOptions = true,
    version = "tickwire-server 0.1.0",
    description = "Authoritative game-state sync server: fixed-tick rooms, delta-compressed snapshots over WebSocket.",
    sortOptions = false,
    subcommands = { TicketCommand.class, io.tickwire.server.fleet.matchmaker.MatchmakerCommand.class })
public final class Main implements Callable<Integer>
{
    private static final int MAX_ARENA_NPCS = 100_000;

    @Option(names = "--host", defaultValue = "${env:TICKWIRE_HOST:-" + TransportSettings.DEFAULT_HOST + "}",
        description = "Bind address (env TICKWIRE_HOST, default ${DEFAULT-VALUE}).")
    String host;

    @Option(names = "--port", defaultValue = "${env:TICKWIRE_PORT:-" + TransportSettings.DEFAULT_PORT + "}",
        description = "WebSocket port, 0 for ephemeral (env TICKWIRE_PORT, default ${DEFAULT-VALUE}).")
    int port;

    @Option(names = "--path", defaultValue = "${env:TICKWIRE_PATH:-" + TransportSettings.DEFAULT_WEBSOCKET_PATH + "}",
        description = "WebSocket path (env TICKWIRE_PATH, default ${DEFAULT-VALUE}).")
    String path;

    @Option(names = "--tick-rate", defaultValue = "${env:TICKWIRE_TICK_RATE:-" + LoopSettings.DEFAULT_TICK_RATE_HZ + "}",
        description = "Ticks per second of every room (env TICKWIRE_TICK_RATE, default ${DEFAULT-VALUE}).")
    int tickRateHz;

    @Option(names = "--room-loops", defaultValue = "${env:TICKWIRE_ROOM_LOOPS:-0}",
        description = "Room loop threads, 0 for one per core (env TICKWIRE_ROOM_LOOPS, default ${DEFAULT-VALUE}).")
    int roomLoops;

    @Option(names = "--io-threads", defaultValue = "${env:TICKWIRE_IO_THREADS:-0}",
        description = "Netty event loops for client connections, 0 for one per core (env TICKWIRE_IO_THREADS, " +
            "default ${DEFAULT-VALUE}).")
    int ioThreads;

    @Option(names = "--max-rooms", defaultValue = "${env:TICKWIRE_MAX_ROOMS:-" + LifecycleSettings.DEFAULT_MAX_ROOMS + "}",
        description = "Most rooms at once (env TICKWIRE_MAX_ROOMS, default ${DEFAULT-VALUE}).")
    int maxRooms;

    @Option(names = "--max-players", defaultValue = "${env:TICKWIRE_MAX_PLAYERS:-" +
        LifecycleSettings.DEFAULT_MAX_PLAYERS_PER_ROOM + "}",
        description = "Seats per room (env TICKWIRE_MAX_PLAYERS, default ${DEFAULT-VALUE}).")
    int maxPlayers;

    @Option(names = "--room-linger-ms", defaultValue = "${env:TICKWIRE_ROOM_LINGER_MS:-" +
        LifecycleSettings.DEFAULT_ROOM_LINGER_MS + "}",
        description = "How long an empty room stays open (env TICKWIRE_ROOM_LINGER_MS, default ${DEFAULT-VALUE}).")
    long roomLingerMs;

    @Option(names = "--snapshot-history", defaultValue = "${env:TICKWIRE_SNAPSHOT_HISTORY:-" +
        LoopSettings.DEFAULT_SNAPSHOT_HISTORY + "}",
        description = "Snapshots kept per room as delta baselines (env TICKWIRE_SNAPSHOT_HISTORY, default ${DEFAULT-VALUE}).")
    int snapshotHistory;

    @Option(names = "--snapshot-budget-bytes", defaultValue = "${env:TICKWIRE_SNAPSHOT_BUDGET_BYTES:-" +
        LoopSettings.DEFAULT_SNAPSHOT_BUDGET_BYTES + "}",
        description = "Snapshot bytes per connection per tick for room types that set none; over it, changes " +
            "wait by priority, nearest first; 0 = unlimited (env TICKWIRE_SNAPSHOT_BUDGET_BYTES, default ${DEFAULT-VALUE}).")
    int snapshotBudgetBytes;

    @Option(names = "--slow-client-timeout-ms", defaultValue = "${env:TICKWIRE_SLOW_CLIENT_TIMEOUT_MS:-" +
        LimitSettings.DEFAULT_SLOW_CLIENT_TIMEOUT_MS + "}",
        description = "Close a client that cannot take data for this long (env TICKWIRE_SLOW_CLIENT_TIMEOUT_MS, default ${DEFAULT-VALUE}).")
    long slowClientTimeoutMs;

    @Option(names = "--ack-timeout-ms", defaultValue = "${env:TICKWIRE_ACK_TIMEOUT_MS:-" +
        LimitSettings.DEFAULT_ACK_TIMEOUT_MS + "}",
        description = "Close a client that acks nothing for this long (env TICKWIRE_ACK_TIMEOUT_MS, default ${DEFAULT-VALUE}).")
    long ackTimeoutMs;

    @Option(names = "--admin-host", defaultValue = "${env:TICKWIRE_ADMIN_HOST:-" + AdminSettings.DEFAULT_HOST + "}",
        description = "Admin HTTP bind address (env TICKWIRE_ADMIN_HOST, default ${DEFAULT-VALUE}).")
    String adminHost;

    @Option(names = "--admin-port", defaultValue = "${env:TICKWIRE_ADMIN_PORT:-" + AdminSettings.DEFAULT_PORT + "}",
        description = "Admin HTTP port (metrics, rooms, monitor page), 0 for ephemeral, -1 to disable " +
            "(env TICKWIRE_ADMIN_PORT, default ${DEFAULT-VALUE}).")
    int adminPort;

    @Option(names = "--admin-token", defaultValue = "${env:TICKWIRE_ADMIN_TOKEN:-}",
        description = "Bearer token for POST /rooms and DELETE /rooms/{id}; without one they are disabled " +
            "(env TICKWIRE_ADMIN_TOKEN).")
    String adminToken;

    @Option(names = "--shutdown-timeout-ms", defaultValue = "${env:TICKWIRE_SHUTDOWN_TIMEOUT_MS:-" +
        LifecycleSettings.DEFAULT_SHUTDOWN_TIMEOUT_MS + "}",
        description = "Longest a graceful shutdown (SIGTERM) waits (env TICKWIRE_SHUTDOWN_TIMEOUT_MS, default ${DEFAULT-VALUE}).")
    long shutdownTimeoutMs;

    @Option(names = "--log-level", defaultValue = "${env:TICKWIRE_LOG_LEVEL:-INFO}",
        description = "Log level: ERROR, WARN, INFO, DEBUG or TRACE (env TICKWIRE_LOG_LEVEL, default ${DEFAULT-VALUE}).")
    String logLevel;

    @Option(names = "--max-connections", defaultValue = "${env:TICKWIRE_MAX_CONNECTIONS:-" +
        LimitSettings.DEFAULT_MAX_CONNECTIONS + "}",
        description = "Most open connections (env TICKWIRE_MAX_CONNECTIONS, default ${DEFAULT-VALUE}).")
    int maxConnections;

    @Option(names = "--max-connections-per-address", defaultValue = "${env:TICKWIRE_MAX_CONNECTIONS_PER_ADDRESS:-" +
        LimitSettings.DEFAULT_MAX_CONNECTIONS_PER_ADDRESS + "}",
        description = "Most open connections from one address (env TICKWIRE_MAX_CONNECTIONS_PER_ADDRESS, default ${DEFAULT-VALUE}).")
    int maxConnectionsPerAddress;

    @Option(names = "--max-frame-length", defaultValue = "${env:TICKWIRE_MAX_FRAME_LENGTH:-" +
        LimitSettings.DEFAULT_MAX_FRAME_LENGTH + "}",
        description = "Largest client WebSocket message in bytes (env TICKWIRE_MAX_FRAME_LENGTH, default ${DEFAULT-VALUE}).")
    int maxFrameLength;

    @Option(names = "--handshake-timeout-ms", defaultValue = "${env:TICKWIRE_HANDSHAKE_TIMEOUT_MS:-" +
        LimitSettings.DEFAULT_HANDSHAKE_TIMEOUT_MS + "}",
        description = "Time from TCP connect to a completed WebSocket upgrade (env TICKWIRE_HANDSHAKE_TIMEOUT_MS, default ${DEFAULT-VALUE}).")
    long handshakeTimeoutMs;

    @Option(names = "--idle-timeout-ms", defaultValue = "${env:TICKWIRE_IDLE_TIMEOUT_MS:-" +
        LimitSettings.DEFAULT_IDLE_TIMEOUT_MS + "}",
        description = "Close a client that sends nothing for this long (env TICKWIRE_IDLE_TIMEOUT_MS, default ${DEFAULT-VALUE}).")
    long idleTimeoutMs;

    @Option(names = "--max-inputs-per-second", defaultValue = "${env:TICKWIRE_MAX_INPUTS_PER_SECOND:-" +
        LimitSettings.DEFAULT_MAX_INPUTS_PER_SECOND + "}",
        description = "Inputs per second per session; excess dropped, sustained excess closed (env TICKWIRE_MAX_INPUTS_PER_SECOND, default ${DEFAULT-VALUE}).")
    int maxInputsPerSecond;

    @Option(names = "--game-jar", split = ",", defaultValue = "${env:TICKWIRE_GAME_JARS:-}",
        description = "Game jars to load room types from (ServiceLoader of GameLogicFactory), comma-separated or repeated; without any, the demo arena runs (env TICKWIRE_GAME_JARS).")
    List<Path> gameJars = new ArrayList<>();

    @Option(names = "--plugins-dir", defaultValue = "${env:TICKWIRE_PLUGINS_DIR:-}",
        description = "Folder whose every *.jar is a game jar, loaded with the --game-jar ones (env TICKWIRE_PLUGINS_DIR).")
    String pluginsDir;

    @Option(names = "--max-message-bytes", defaultValue = "${env:TICKWIRE_MAX_MESSAGE_BYTES:-" +
        LimitSettings.DEFAULT_MAX_MESSAGE_BYTES + "}",
        description = "Largest game message payload a client may send; larger closes with 1009 (env TICKWIRE_MAX_MESSAGE_BYTES, default ${DEFAULT-VALUE}).")
    int maxMessageBytes;

    @Option(names = "--max-messages-per-second", defaultValue = "${env:TICKWIRE_MAX_MESSAGES_PER_SECOND:-" +
        LimitSettings.DEFAULT_MAX_MESSAGES_PER_SECOND + "}",
        description = "Game messages per second per session (burst a quarter second's worth); more closes with 1008 (env TICKWIRE_MAX_MESSAGES_PER_SECOND, default ${DEFAULT-VALUE}).")
    int maxMessagesPerSecond;

    @Option(names = "--max-outbound-bytes", defaultValue = "${env:TICKWIRE_MAX_OUTBOUND_BYTES:-" +
        LimitSettings.DEFAULT_MAX_OUTBOUND_BYTES + "}",
        description = "Bytes queued for one connection before it is closed (env TICKWIRE_MAX_OUTBOUND_BYTES, default ${DEFAULT-VALUE}).")
    int maxOutboundBytes;

    @Option(names = "--max-pings-per-second", defaultValue = "${env:TICKWIRE_MAX_PINGS_PER_SECOND:-" +
        LimitSettings.DEFAULT_MAX_PINGS_PER_SECOND + "}",
        description = "Pings per second per session; excess unanswered, sustained excess closed (env TICKWIRE_MAX_PINGS_PER_SECOND, default ${DEFAULT-VALUE}).")
    int maxPingsPerSecond;

    @Option(names = "--join-timeout-ms", defaultValue = "${env:TICKWIRE_JOIN_TIMEOUT_MS:-" +
        LimitSettings.DEFAULT_JOIN_TIMEOUT_MS + "}",
        description = "Close a connection that has not joined this long after its handshake, 4014 (env TICKWIRE_JOIN_TIMEOUT_MS, default ${DEFAULT-VALUE}).")
    long joinTimeoutMs;

    @Option(names = "--close-grace-ms", defaultValue = "${env:TICKWIRE_CLOSE_GRACE_MS:-" +
        LimitSettings.DEFAULT_CLOSE_GRACE_MS + "}",
        description = "How long a close frame waits for the client's answer before TCP closes (env TICKWIRE_CLOSE_GRACE_MS, default ${DEFAULT-VALUE}).")
    long closeGraceMs;

    @Option(names = "--max-detached-per-address", defaultValue = "${env:TICKWIRE_MAX_DETACHED_PER_ADDRESS:-" +
        LimitSettings.DEFAULT_MAX_DETACHED_PER_ADDRESS + "}",
        description = "Players in their resume grace one address may hold (env TICKWIRE_MAX_DETACHED_PER_ADDRESS, default ${DEFAULT-VALUE}).")
    int maxDetachedPerAddress;

    @Option(names = "--ws-compression", defaultValue = "${env:TICKWIRE_WS_COMPRESSION:-false}",
        description = "Offer permessage-deflate, inflation bounded by the frame limit (env TICKWIRE_WS_COMPRESSION, default ${DEFAULT-VALUE}).")
    boolean webSocketCompression;

    @Option(names = "--tls-cert", defaultValue = "${env:TICKWIRE_TLS_CERT}",
        description = "PEM certificate chain: serve wss (env TICKWIRE_TLS_CERT).")
    java.nio.file.Path tlsCert;

    @Option(names = "--tls-key", defaultValue = "${env:TICKWIRE_TLS_KEY}",
        description = "PEM PKCS#8 private key for --tls-cert (env TICKWIRE_TLS_KEY).")
    java.nio.file.Path tlsKey;

    @Option(names = "--ticket-secret", defaultValue = "${env:TICKWIRE_TICKET_SECRET:-}",
        description = "HMAC secret for join tickets (at least 32 bytes); without one the server runs in OPEN mode " +
            "(env TICKWIRE_TICKET_SECRET).")
    String ticketSecret;

    @Option(names = "--resume-grace-ms", defaultValue = "${env:TICKWIRE_RESUME_GRACE_MS:-" +
        AuthSettings.DEFAULT_RESUME_GRACE_MS + "}",
        description = "How long a player whose connection was lost is kept for a resume, 0 to disable " +
            "(env TICKWIRE_RESUME_GRACE_MS, default ${DEFAULT-VALUE}).")
    long resumeGraceMs;

    @Option(names = "--redis-url", defaultValue = "${env:TICKWIRE_REDIS_URL:-}",
        description = "Register this server and its rooms in the fleet's Redis room directory, e.g. " +
            "redis://redis:6379 (env TICKWIRE_REDIS_URL); without it the server runs alone.")
    String redisUrl;

    @Option(names = "--public-url", defaultValue = "${env:TICKWIRE_PUBLIC_URL:-}",
        description = "WebSocket URL matchmakers send clients to, e.g. wss://eu1.example.com:7350/ws " +
            "(env TICKWIRE_PUBLIC_URL; default: the bound address, or the Agones GameServer address).")
    String publicUrl;

    @Option(names = "--server-id", defaultValue = "${env:TICKWIRE_SERVER_ID:-}",
        description = "This server's id in the room directory (env TICKWIRE_SERVER_ID; default: host name + random).")
    String serverId;

    @Option(names = "--fleet-heartbeat-ms", defaultValue = "${env:TICKWIRE_FLEET_HEARTBEAT_MS:-" +
        FleetSettings.DEFAULT_HEARTBEAT_PERIOD_MS + "}",
        description = "How often directory entries are refreshed (env TICKWIRE_FLEET_HEARTBEAT_MS, default ${DEFAULT-VALUE}).")
    long fleetHeartbeatMs;

    @Option(names = "--fleet-entry-ttl-ms", defaultValue = "${env:TICKWIRE_FLEET_ENTRY_TTL_MS:-" +
        FleetSettings.DEFAULT_ENTRY_TTL_MS + "}",
        description = "How long directory entries outlive the last heartbeat (a crashed server's rooms vanish " +
            "after this) (env TICKWIRE_FLEET_ENTRY_TTL_MS, default ${DEFAULT-VALUE}).")
    long fleetEntryTtlMs;

    @Option(names = "--arena-npcs", defaultValue = "${env:TICKWIRE_ARENA_NPCS:-" + ArenaGame.DEFAULT_NPC_COUNT + "}",
        description = "NPCs per arena room (env TICKWIRE_ARENA_NPCS, default ${DEFAULT-VALUE}).")
    int arenaNpcs;

    @Option(names = "--bigworld-npcs", defaultValue = "${env:TICKWIRE_BIGWORLD_NPCS:-" +
        BigWorldGame.DEFAULT_NPC_COUNT + "}",
        description = "Npcs per bigworld room, the interest-management demo on a 2 km x 2 km map " +
            "(env TICKWIRE_BIGWORLD_NPCS, default ${DEFAULT-VALUE}).")
    int bigworldNpcs;

    /**
     * @param args command line.
     */
    public static void main(final String[] args)
    {
        System.exit(new CommandLine(new Main()).execute(args));
    }

    /**
     * @return the picocli command line for this class, with its exit codes (2 for usage errors).
     */
    static CommandLine commandLine()
    {
        return new CommandLine(new Main());
    }

    ServerOptions toOptions()
    {
        require(arenaNpcs >= 0 && arenaNpcs <= MAX_ARENA_NPCS, "arenaNpcs", arenaNpcs);
        require(bigworldNpcs >= 0 && bigworldNpcs <= 100_000, "bigworldNpcs", bigworldNpcs);
        final ServerOptions.Builder builder = ServerOptions.builder();
        final List<Path> jars = new ArrayList<>(gameJars.stream().filter(p -> !p.toString().isEmpty()).toList());
        if (pluginsDir != null && !pluginsDir.isEmpty())
        {
            jars.addAll(GameJars.inFolder(Path.of(pluginsDir)));
        }
        if (jars.isEmpty())
        {
            builder.roomType(ArenaGame.TYPE, ArenaGame.factory(arenaNpcs));
            builder.roomType(BigWorldGame.TYPE, BigWorldGame.factory(bigworldNpcs));
        }
        else
        {
            GameJars.load(jars).forEach(builder::roomType);
        }
        return builder
            .host(host)
            .port(port)
            .webSocketPath(path)
            .tickRateHz(tickRateHz)
            .roomLoops(roomLoops == 0 ? LoopSettings.DEFAULT_ROOM_LOOPS : roomLoops)
            .ioThreads(ioThreads == 0 ? TransportSettings.DEFAULT_IO_THREADS : ioThreads)
            .maxRooms(maxRooms)
            .maxPlayersPerRoom(maxPlayers)
            .roomLingerMs(roomLingerMs)
            .snapshotHistory(snapshotHistory)
            .snapshotBudgetBytes(snapshotBudgetBytes)
            .slowClientTimeoutMs(slowClientTimeoutMs)
            .ackTimeoutMs(ackTimeoutMs)
            .adminHost(adminHost)
            .adminPort(adminPort)
            .adminToken(adminToken)
            .shutdownTimeoutMs(shutdownTimeoutMs)
            .maxConnections(maxConnections)
            .maxConnectionsPerAddress(maxConnectionsPerAddress)
            .maxFrameLength(maxFrameLength)
            .handshakeTimeoutMs(handshakeTimeoutMs)
            .idleTimeoutMs(idleTimeoutMs)
            .maxInputsPerSecond(maxInputsPerSecond)
            .maxMessageBytes(maxMessageBytes)
            .maxMessagesPerSecond(maxMessagesPerSecond)
            .maxOutboundBytes(maxOutboundBytes)
            .maxPingsPerSecond(maxPingsPerSecond)
            .joinTimeoutMs(joinTimeoutMs)
            .closeGraceMs(closeGraceMs)
            .maxDetachedPerAddress(maxDetachedPerAddress)
            .webSocketCompression(webSocketCompression)
            .tls(tlsCert, tlsKey)
            .ticketSecret(ticketSecret)
            .resumeGraceMs(resumeGraceMs)
            .build();
    }

    FleetSettings toFleetSettings()
    {
        final String agonesPort = System.getenv("AGONES_SDK_HTTP_PORT");
        final int agones;
        try
        {
            agones = agonesPort == null || agonesPort.isBlank() ? 0 : Integer.parseInt(agonesPort.trim());
        }
        catch (final NumberFormatException ex)
        {
            throw new IllegalArgumentException("invalid option: AGONES_SDK_HTTP_PORT=" + agonesPort);
        }
        return new FleetSettings(redisUrl, publicUrl, serverId, fleetHeartbeatMs, fleetEntryTtlMs, agones);
    }

    static void setLogLevel(final String level)
    {
        final ch.qos.logback.classic.Level parsed = ch.qos.logback.classic.Level.toLevel(level, null);
        if (parsed == null || !level.equalsIgnoreCase(parsed.toString()))
        {
            throw new IllegalArgumentException("invalid option: log-level=" + level +
                " (expected ERROR, WARN, INFO, DEBUG or TRACE)");
        }
        final org.slf4j.Logger root = org.slf4j.LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        if (root instanceof ch.qos.logback.classic.Logger)
        {
            ((ch.qos.logback.classic.Logger)root).setLevel(parsed);
        }
    }

    @Override
    public Integer call()
    {
        final ServerOptions options;
        final FleetSettings fleetSettings;
        try
        {
            setLogLevel(logLevel);
            options = toOptions();
            fleetSettings = toFleetSettings();
        }
        catch (final IllegalArgumentException ex)
        {
            System.err.println("tickwire-server: " + ex.getMessage());
            return 2;
        }
        final TickwireServer server;
        try
        {
            server = TickwireServer.start(options);
        }
        catch (final IllegalArgumentException ex)
        {
            System.err.println("tickwire-server: " + ex.getMessage());
            return 2;
        }
        catch (final IllegalStateException ex)
        {
            System.err.println("tickwire-server: " + ex.getMessage());
            return 1;
        }
        System.out.println("tickwire-server: configuration " + options);
        System.out.println("tickwire-server: WebSocket " + server.webSocketUri() + " (room types " +
            options.roomTypes().keySet() + ", transport " + server.transportName() + ")");
        System.out.println("tickwire-server: admin " + (server.adminUri() == null ? "disabled" : server.adminUri() +
            " (monitor page; /metrics, /health, /ready, /rooms)"));
        final io.tickwire.server.fleet.Fleet fleet = io.tickwire.server.fleet.Fleet.start(server, fleetSettings);
        if (fleet != null)
        {
            System.out.println("tickwire-server: fleet server " + fleet.serverId() + " at " + fleet.publicUrl() +
                " (" + fleetSettings + ")");
        }
        System.out.flush();

        final Runnable shutdown = server::close;
        // SIGTERM and SIGINT drain and exit 0; a plain shutdown hook would exit 143 after SIGTERM.
        for (final String name : new String[]{ "TERM", "INT" })
        {
            sun.misc.Signal.handle(new sun.misc.Signal(name), signal -> new Thread(shutdown, "tickwire-shutdown").start());
        }
        Runtime.getRuntime().addShutdownHook(new Thread(server::close, "tickwire-shutdown-hook"));
        try
        {
            // Released when close() finishes, whoever started it: a signal or an admin drain.
            server.awaitClosed();
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
        }
        return 0;
    }
}
