package io.tickwire.server.fleet.redis;

import com.google.gson.JsonObject;
import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.SocketOptions;
import io.lettuce.core.TimeoutOptions;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.pubsub.RedisPubSubAdapter;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import io.lettuce.core.resource.ClientResources;
import io.lettuce.core.resource.DefaultClientResources;
import io.tickwire.server.fleet.FleetServer;
import io.tickwire.server.room.RoomHandle;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

/**
 * Keeps one server's entries in the Redis room directory: every {@link #heartbeat()} rewrites the
 * server's entry (public URL, load, draining flag) and every room's entry (type, seats taken and
 * max, locked flag, the metadata its game set) with a fresh TTL in one Lua script, so a crashed server's entries are gone within the TTL
 * and a restarted Redis is refilled by the next heartbeat. Takes room-create requests from
 * matchmakers on {@link FleetKeys#createChannel(String)}. While Redis is unreachable the rooms keep
 * running; the registry logs the outage once per {@link #OUTAGE_LOG_PERIOD_NS} and re-registers
 * when Redis is back.
 * <p>
 * Threads: {@link #heartbeat()}, {@link #markDraining()} and {@link #close()} on the fleet scheduler
 * thread (one at a time); create requests on a Lettuce I/O thread (asynchronous commands only).
 */
public final class RedisRoomRegistry implements AutoCloseable
{
    /** Shortest gap between two log lines about the same Redis outage. */
    public static final long OUTAGE_LOG_PERIOD_NS = TimeUnit.SECONDS.toNanos(30);
    /** Longest a Redis command may take before it counts as failed. */
    public static final Duration COMMAND_TIMEOUT = Duration.ofSeconds(1);

    private static final Logger LOG = LoggerFactory.getLogger(RedisRoomRegistry.class);
    private static final String READY_SCRIPT =
        "if redis.call('HGET', KEYS[1], 'server') == ARGV[1] then redis.call('HSET', KEYS[1], 'ready', ARGV[2]) end";

    private final FleetServer server;
    private final String serverId;
    private final String publicUrl;
    private final long entryTtlMs;
    private final String redisTarget;
    private final ClientResources resources;
    private final RedisClient client;
    private volatile StatefulRedisConnection<String, String> connection;
    private StatefulRedisPubSubConnection<String, String> pubSub;
    private volatile boolean draining;
    private volatile boolean closed;
    private boolean registered;
    private long outageSinceNs;
    private long lastOutageLogNs;
    private long failedHeartbeats;
    private boolean outageLogged;
    private Map<String, String> reportedRooms = new HashMap<>();
    private Map<String, MetadataJson> metadataJson = new HashMap<>();
    private Set<String> reportedArrivals = new HashSet<>();

    /**
     * Nothing connects here: the first {@link #heartbeat()} does, so a server starts whether or
     * not Redis is up.
     *
     * @param server     the server whose rooms are registered.
     * @param redisUrl   {@code redis://host:port} (may carry a password; never logged).
     * @param serverId   this server's id in the directory.
     * @param publicUrl  the WebSocket URL clients are sent to.
     * @param entryTtlMs how long entries live without a heartbeat.
     */
    public RedisRoomRegistry(
        final FleetServer server, final String redisUrl, final String serverId, final String publicUrl,
        final long entryTtlMs)
    {
        this.server = server;
        this.serverId = serverId;
        this.publicUrl = publicUrl;
        this.entryTtlMs = entryTtlMs;
        final RedisURI uri = RedisURI.create(redisUrl);
        uri.setTimeout(COMMAND_TIMEOUT);
        this.redisTarget = uri.getHost() + ":" + uri.getPort();
        this.resources = DefaultClientResources.builder().ioThreadPoolSize(1).computationThreadPoolSize(1).build();
        this.client = RedisClient.create(resources, uri);
        client.setOptions(clientOptions());
    }

    /**
     * Options shared by servers and matchmakers: reconnect by itself, but fail commands at once
     * while disconnected (never queue them), and time every command out.
     *
     * @return the client options.
     */
    public static ClientOptions clientOptions()
    {
        return ClientOptions.builder()
            .autoReconnect(true)
            .disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS)
            .timeoutOptions(TimeoutOptions.enabled(COMMAND_TIMEOUT))
            .socketOptions(SocketOptions.builder().connectTimeout(COMMAND_TIMEOUT).build())
            .build();
    }

    /**
     * @return this server's id in the directory.
     */
    public String serverId()
    {
        return serverId;
    }

    /**
     * @return true when the last heartbeat reached Redis.
     */
    public boolean isRegistered()
    {
        return registered;
    }

    /**
     * @return heartbeats that failed since start.
     */
    public long failedHeartbeats()
    {
        return failedHeartbeats;
    }

    /**
     * Rewrite this server's entries. Never throws: an unreachable Redis is logged (rate-limited)
     * and retried at the next heartbeat.
     *
     * @return true when Redis took the heartbeat; false when it did not, or after {@link #close()}.
     */
    public boolean heartbeat()
    {
        if (closed)
        {
            // A heartbeat queued behind close() on the fleet scheduler: the server has left the directory.
            return false;
        }
        final List<RoomHandle> rooms = server.rooms();
        final Set<String> arrivals = new HashSet<>(server.seatedPlayers());
        final Map<String, String> current = new HashMap<>(rooms.size() * 2);
        final Map<String, StringBuilder> newArrivals = new HashMap<>();
        for (final String arrival : arrivals)
        {
            if (!reportedArrivals.contains(arrival))
            {
                final int split = arrival.indexOf('\n');
                final StringBuilder ids = newArrivals.computeIfAbsent(arrival.substring(0, split), k -> new StringBuilder());
                ids.append(arrival, split + 1, arrival.length()).append('\n');
            }
        }
        final List<String> args = new ArrayList<>(16 + rooms.size() * 7);
        final Map<String, MetadataJson> nextMetadataJson = new HashMap<>(rooms.size() * 2);
        int seats = 0;
        args.add(FleetKeys.PREFIX);
        args.add(serverId);
        args.add(publicUrl);
        args.add("0");
        args.add(draining ? "1" : "0");
        args.add(Integer.toString(server.maxRooms()));
        args.add(Integer.toString(server.maxPlayersPerRoom()));
        args.add(String.join(",", server.roomTypes()));
        args.add(Long.toString(entryTtlMs));
        final int countIndex = args.size();
        args.add("0");
        for (final RoomHandle room : rooms)
        {
            if (room.isRetired())
            {
                continue;
            }
            current.put(room.id(), room.type());
            seats += room.seatsTaken();
            final StringBuilder arrived = newArrivals.get(room.id());
            args.add(room.id());
            args.add(room.type());
            args.add(Integer.toString(room.maxPlayers()));
            args.add(Integer.toString(room.seatsTaken()));
            args.add(arrived == null ? "" : arrived.toString());
            args.add(room.isLocked() ? "1" : "0");
            final MetadataJson metadata = MetadataJson.of(metadataJson.get(room.id()), room.metadata());
            nextMetadataJson.put(room.id(), metadata);
            args.add(metadata.json);
        }
        args.set(3, Integer.toString(seats));
        args.set(countIndex, Integer.toString(current.size()));
        final List<String> removed = new ArrayList<>();
        for (final Map.Entry<String, String> entry : reportedRooms.entrySet())
        {
            if (!current.containsKey(entry.getKey()))
            {
                removed.add(entry.getKey());
                removed.add(entry.getValue());
            }
        }
        args.add(Integer.toString(removed.size() / 2));
        args.addAll(removed);
        try
        {
            connect();
            FleetScripts.HEARTBEAT.run(connection.sync(), ScriptOutputType.INTEGER, args.toArray(new String[0]));
        }
        catch (final RuntimeException ex)
        {
            onFailure(ex);
            return false;
        }
        reportedRooms = current;
        reportedArrivals = arrivals;
        metadataJson = nextMetadataJson;
        if (!registered)
        {
            if (outageSinceNs != 0 && outageLogged)
            {
                LOG.info("redis directory reachable again after {} ms: server={} re-registered with {} rooms",
                    TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - outageSinceNs), serverId, current.size());
            }
            else if (outageSinceNs == 0)
            {
                LOG.info("registered in redis directory: server={} url={} redis={} rooms={} ttlMs={}",
                    serverId, publicUrl, redisTarget, current.size(), entryTtlMs);
            }
            registered = true;
            outageSinceNs = 0;
        }
        return true;
    }

    private void onFailure(final RuntimeException ex)
    {
        failedHeartbeats++;
        final long nowNs = System.nanoTime();
        final boolean newOutage = registered || outageSinceNs == 0;
        if (newOutage)
        {
            outageSinceNs = nowNs;
            registered = false;
            outageLogged = false;
        }
        if (lastOutageLogNs == 0 || nowNs - lastOutageLogNs - OUTAGE_LOG_PERIOD_NS >= 0)
        {
            lastOutageLogNs = nowNs;
            outageLogged = true;
            LOG.warn("redis directory unreachable: redis={} server={} for {} ms, failedHeartbeats={} error={}; " +
                "rooms keep running, matchmakers cannot place players here until it is back; retrying every " +
                "heartbeat (logged at most every {} s)", redisTarget, serverId,
                TimeUnit.NANOSECONDS.toMillis(nowNs - outageSinceNs), failedHeartbeats, ex.getMessage(),
                TimeUnit.NANOSECONDS.toSeconds(OUTAGE_LOG_PERIOD_NS));
        }
    }

    private void connect()
    {
        if (connection == null)
        {
            connection = client.connect();
        }
        if (pubSub == null)
        {
            final StatefulRedisPubSubConnection<String, String> subscriber = client.connectPubSub();
            subscriber.addListener(new RedisPubSubAdapter<>()
            {
                @Override
                public void message(final String channel, final String message)
                {
                    onCreateRequest(message);
                }
            });
            subscriber.sync().subscribe(FleetKeys.createChannel(serverId));
            pubSub = subscriber;
        }
    }

    /**
     * A matchmaker reserved the first seat of a new room here: create it and mark it ready (or
     * failed, with the reason) so the matchmaker can hand out its tickets. Lettuce I/O thread.
     */
    private void onCreateRequest(final String message)
    {
        final int split = message.indexOf('\n');
        if (split <= 0 || draining)
        {
            return;
        }
        final String type = message.substring(0, split);
        final String roomId = message.substring(split + 1);
        final String error = server.createRoom(type, roomId);
        if (error != null)
        {
            LOG.warn("room create requested by matchmaker failed: room={} type={} error={}", roomId, type, error);
        }
        final StatefulRedisConnection<String, String> c = connection;
        if (c != null)
        {
            c.async().eval(READY_SCRIPT, ScriptOutputType.STATUS, new String[]{ FleetKeys.room(roomId) },
                serverId, error == null ? "1" : "failed: " + error);
        }
    }

    /**
     * @return every room of the fleet as JSON, read from Redis now. Any thread (the admin thread).
     * @throws IllegalStateException when Redis cannot be read, with the reason.
     */
    public String fleetRoomsJson()
    {
        final StatefulRedisConnection<String, String> c = connection;
        if (c == null || !c.isOpen())
        {
            throw new IllegalStateException("redis directory unreachable: redis=" + redisTarget);
        }
        return FleetDirectory.roomsJson(c);
    }

    /**
     * Stop taking players: the directory says so at once (the next matchmaker skips this server).
     * Fleet scheduler thread.
     */
    public void markDraining()
    {
        draining = true;
        heartbeat();
    }

    /**
     * @return true once {@link #markDraining()} was called.
     */
    public boolean isDraining()
    {
        return draining;
    }

    /**
     * Leave the directory (entries deleted now rather than at TTL) and disconnect.
     */
    @Override
    public void close()
    {
        closed = true;
        try
        {
            if (connection != null && connection.isOpen())
            {
                final List<String> args = new ArrayList<>();
                args.add(FleetKeys.PREFIX);
                args.add(serverId);
                args.add(Integer.toString(reportedRooms.size()));
                for (final Map.Entry<String, String> entry : reportedRooms.entrySet())
                {
                    args.add(entry.getKey());
                    args.add(entry.getValue());
                }
                FleetScripts.DEREGISTER.run(connection.sync(), ScriptOutputType.INTEGER, args.toArray(new String[0]));
                LOG.info("left redis directory: server={} rooms={}", serverId, reportedRooms.size());
            }
        }
        catch (final RuntimeException ex)
        {
            LOG.warn("could not leave redis directory: server={} error={}; entries expire in {} ms",
                serverId, ex.getMessage(), entryTtlMs);
        }
        finally
        {
            client.shutdown(Duration.ZERO, Duration.ofSeconds(1));
            resources.shutdown(0, 1, TimeUnit.SECONDS);
        }
    }

    /**
     * A room's metadata as the JSON object the directory stores (keys sorted), kept while the game leaves
     * the map alone: the map is immutable and replaced as a whole on each change, so identity tells.
     */
    private static final class MetadataJson
    {
        private static final MetadataJson EMPTY = new MetadataJson(Map.of(), "{}");

        private final Map<String, String> source;
        private final String json;

        private MetadataJson(final Map<String, String> source, final String json)
        {
            this.source = source;
            this.json = json;
        }

        static MetadataJson of(final MetadataJson previous, final Map<String, String> metadata)
        {
            if (previous != null && previous.source == metadata)
            {
                return previous;
            }
            if (metadata.isEmpty())
            {
                return EMPTY;
            }
            final JsonObject object = new JsonObject();
            for (final Map.Entry<String, String> e : new TreeMap<>(metadata).entrySet())
            {
                object.addProperty(e.getKey(), e.getValue());
            }
            return new MetadataJson(metadata, object.toString());
        }
    }
}
