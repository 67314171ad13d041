package io.tickwire.server.fleet;

import io.netty.util.concurrent.DefaultThreadFactory;
import io.tickwire.protocol.CloseCodes;
import io.tickwire.server.TickwireServer;
import io.tickwire.server.config.FleetSettings;
import io.tickwire.server.fleet.agones.AgonesLifecycle;
import io.tickwire.server.fleet.agones.AgonesSdk;
import io.tickwire.server.fleet.redis.RedisRoomRegistry;
import io.tickwire.server.room.RoomHandle;
import io.tickwire.server.transport.Session;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Joins a started server to its fleet: registers it in the Redis room directory (heartbeat every
 * {@link FleetSettings#heartbeatPeriodMs()}), drives the Agones sidecar when there is one, and
 * changes how the server shuts down: the directory and Agones hear first (no new players), then
 * every client is closed with {@link CloseCodes#SERVER_DRAINING} so it rejoins through the
 * matchmaker, then the server leaves the directory and asks Agones for Shutdown.
 * <p>
 * Threads: one {@code tickwire-fleet} scheduler thread runs every Redis and Agones call of the
 * server side (heartbeats and the arrivals joins hand it, in order); {@link #onDraining()} and {@link #onStopped()} hand their work to it and wait.
 */
public final class Fleet implements TickwireServer.ShutdownListener
{
    /** Reason sent with {@link CloseCodes#SERVER_DRAINING}. */
    public static final String DRAIN_REASON = "server draining: rejoin through the matchmaker";
    /** Longest a shutdown waits for the directory and Agones to hear about it. */
    public static final long SHUTDOWN_STEP_TIMEOUT_MS = 3_000;

    private static final Logger LOG = LoggerFactory.getLogger(Fleet.class);

    private final ScheduledExecutorService scheduler;
    private final RedisRoomRegistry registry;
    private final AgonesLifecycle agones;
    private final String serverId;
    private final String publicUrl;

    private Fleet(final TickwireServer server, final FleetSettings settings, final long emptyBeforeReadyMs)
    {
        final FleetServer view = view(server);
        this.scheduler = Executors.newSingleThreadScheduledExecutor(new DefaultThreadFactory("tickwire-fleet", true));
        this.agones = settings.agonesEnabled() ? new AgonesLifecycle(new AgonesSdk(settings.agonesSdkHttpPort()), view,
            emptyBeforeReadyMs) :
            null;
        this.serverId = settings.serverId() != null ? settings.serverId() : generatedId();
        this.publicUrl = settings.publicUrl() != null ? settings.publicUrl() : defaultPublicUrl(server);
        this.registry = settings.redisEnabled() ?
            new RedisRoomRegistry(view, settings.redisUrl(), serverId, publicUrl, settings.entryTtlMs(), scheduler) :
            null;
    }

    /**
     * Join the server to the fleet its settings describe; nothing happens with
     * {@link FleetSettings#STANDALONE}.
     *
     * @param server   a started server.
     * @param settings the fleet settings.
     * @return the fleet membership, or null when the settings name neither Redis nor Agones.
     */
    public static Fleet start(final TickwireServer server, final FleetSettings settings)
    {
        return start(server, settings, AgonesLifecycle.DEFAULT_EMPTY_BEFORE_READY_MS);
    }

    static Fleet start(final TickwireServer server, final FleetSettings settings, final long emptyBeforeReadyMs)
    {
        if (!settings.redisEnabled() && !settings.agonesEnabled())
        {
            return null;
        }
        final Fleet fleet = new Fleet(server, settings, emptyBeforeReadyMs);
        server.shutdownBehaviour(fleet, CloseCodes.SERVER_DRAINING, DRAIN_REASON);
        if (fleet.registry != null)
        {
            server.fleetRoomsJson(fleet.registry::fleetRoomsJson);
            // Seats are taken through the registry, which tells Redis about each arrival at once (on this fleet's
            // thread, in order with the heartbeats).
            server.seatGate(fleet.registry);
            fleet.scheduler.scheduleWithFixedDelay(fleet.registry::heartbeat, 0, settings.heartbeatPeriodMs(),
                TimeUnit.MILLISECONDS);
        }
        if (fleet.agones != null)
        {
            fleet.scheduler.execute(fleet.agones::start);
            fleet.scheduler.scheduleWithFixedDelay(fleet.agones::sync, settings.heartbeatPeriodMs(),
                Math.max(settings.heartbeatPeriodMs(), 2_000), TimeUnit.MILLISECONDS);
        }
        final String host = URI.create(fleet.publicUrl).getHost();
        if (fleet.registry != null && host != null && (host.startsWith("127.") || "localhost".equals(host)))
        {
            LOG.warn("fleet: clients will be sent to a loopback URL: publicUrl={}; set --public-url " +
                "(TICKWIRE_PUBLIC_URL) unless the whole fleet runs on this machine", fleet.publicUrl);
        }
        LOG.info("fleet: server={} publicUrl={} redis={} agones={}", fleet.serverId, fleet.publicUrl,
            fleet.registry != null ? "on" : "off", fleet.agones != null ? "on" : "off");
        return fleet;
    }

    /**
     * @return this server's id in the directory.
     */
    public String serverId()
    {
        return serverId;
    }

    /**
     * @return the URL matchmakers send clients to.
     */
    public String publicUrl()
    {
        return publicUrl;
    }

    /**
     * @return the Redis registry, or null without Redis.
     */
    public RedisRoomRegistry registry()
    {
        return registry;
    }

    /**
     * @return the Agones lifecycle, or null when not on Agones.
     */
    public AgonesLifecycle agones()
    {
        return agones;
    }

    @Override
    public void onDraining()
    {
        LOG.info("fleet: draining server={}", serverId);
        runOnScheduler(() ->
        {
            if (registry != null)
            {
                registry.markDraining();
            }
        });
    }

    @Override
    public void onStopped()
    {
        runOnScheduler(() ->
        {
            if (registry != null)
            {
                registry.close();
            }
            if (agones != null)
            {
                agones.shutdown();
            }
        });
        scheduler.shutdownNow();
    }

    private void runOnScheduler(final Runnable task)
    {
        try
        {
            scheduler.submit(task).get(SHUTDOWN_STEP_TIMEOUT_MS, TimeUnit.MILLISECONDS);
        }
        catch (final ExecutionException | TimeoutException ex)
        {
            LOG.warn("fleet: shutdown step did not finish: {}", ex.toString());
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
        }
        catch (final java.util.concurrent.RejectedExecutionException ex)
        {
            LOG.debug("fleet: scheduler already stopped");
        }
    }

    private String defaultPublicUrl(final TickwireServer server)
    {
        if (agones != null)
        {
            final String address = agones.publicAddress();
            if (address != null)
            {
                final URI local = server.webSocketUri();
                return local.getScheme() + "://" + address + local.getRawPath();
            }
        }
        return server.webSocketUri().toString();
    }

    private static String generatedId()
    {
        String host;
        try
        {
            host = InetAddress.getLocalHost().getHostName().replaceAll("[^A-Za-z0-9._-]", "");
        }
        catch (final UnknownHostException ex)
        {
            host = "tickwire";
        }
        if (host.isEmpty() || host.length() > 40)
        {
            host = "tickwire";
        }
        final byte[] suffix = new byte[4];
        new SecureRandom().nextBytes(suffix);
        return host + "-" + HexFormat.of().formatHex(suffix);
    }

    private static FleetServer view(final TickwireServer server)
    {
        return new FleetServer()
        {
            @Override
            public List<RoomHandle> rooms()
            {
                return server.rooms();
            }

            @Override
            public Collection<String> seatedPlayers()
            {
                final Collection<Session> sessions = server.sessions().sessions();
                final List<String> seated = new ArrayList<>(sessions.size());
                for (final Session session : sessions)
                {
                    final String playerId = session.playerId();
                    final RoomHandle room = session.room();
                    if (playerId != null && room != null)
                    {
                        seated.add(room.id() + "\n" + playerId);
                    }
                }
                return seated;
            }

            @Override
            public Collection<String> roomTypes()
            {
                return server.options().roomTypes().keySet();
            }

            @Override
            public int maxRooms()
            {
                return server.options().lifecycle().maxRooms();
            }

            @Override
            public int maxPlayersPerRoom()
            {
                return server.options().lifecycle().maxPlayersPerRoom();
            }

            @Override
            public String createRoom(final String type, final String roomId)
            {
                final var result = server.createRoom(type, roomId);
                return result.handle() != null ? null : result.error();
            }
        };
    }
}
