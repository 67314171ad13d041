package io.tickwire.server.fleet.agones;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import io.tickwire.server.fleet.FleetServer;
import io.tickwire.server.room.RoomHandle;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * Drives one GameServer through its Agones lifecycle: {@link #start()} marks it Ready (the server
 * is listening by then) and sets the player capacity; every {@link #sync()} sends Health, notices
 * allocation (by polling {@code GET /gameserver}), marks the GameServer Allocated itself once it has
 * a player and Ready again once it has been empty for {@code emptyBeforeReadyMs} (players come
 * through the Redis matchmaker, not the Agones allocator, so this is what keeps a Fleet scale-down
 * away from servers with players and lets a {@code Buffer} FleetAutoscaler count empty spares),
 * reports players who joined or left
 * ({@code /alpha/player/connect|disconnect}, by the player id of their join ticket) and keeps the
 * labels {@code rooms} and {@code players} current; {@link #shutdown()} asks Agones to delete the
 * GameServer after a drain. A failed call is logged (at most once per
 * {@link #ERROR_LOG_PERIOD_NS} per kind) and retried at the next sync.
 * <p>
 * Thread: the fleet scheduler thread only.
 */
public final class AgonesLifecycle
{
    /** Shortest gap between two log lines about failing sidecar calls. */
    public static final long ERROR_LOG_PERIOD_NS = TimeUnit.SECONDS.toNanos(30);

    private static final Logger LOG = LoggerFactory.getLogger(AgonesLifecycle.class);

    private final AgonesSdk sdk;
    private final FleetServer server;
    private Set<String> connected = new HashSet<>();
    private String state = "";
    private String roomsLabel;
    private String playersLabel;
    private boolean ready;
    private boolean capacitySet;
    private long lastErrorLogNs;
    private boolean errorLogged;
    private final long emptyBeforeReadyNs;
    private long emptySinceNs;

    /** How long an Allocated server must be empty before it marks itself Ready again. */
    public static final long DEFAULT_EMPTY_BEFORE_READY_MS = 30_000;

    /**
     * @param sdk                the sidecar client.
     * @param server             the server whose rooms and players are reported.
     * @param emptyBeforeReadyMs how long an Allocated server must be empty before it marks itself Ready.
     */
    public AgonesLifecycle(final AgonesSdk sdk, final FleetServer server, final long emptyBeforeReadyMs)
    {
        this.sdk = sdk;
        this.server = server;
        this.emptyBeforeReadyNs = TimeUnit.MILLISECONDS.toNanos(emptyBeforeReadyMs);
    }

    /**
     * The address clients reach this GameServer at, from {@code status.address} and the first
     * {@code status.ports} entry.
     *
     * @return {@code host:port}, or null when the sidecar does not report one yet.
     */
    public String publicAddress()
    {
        try
        {
            final JsonObject status = sdk.gameServer().getAsJsonObject("status");
            if (status == null || !status.has("address") || !status.has("ports"))
            {
                return null;
            }
            final JsonArray ports = status.getAsJsonArray("ports");
            if (ports.isEmpty())
            {
                return null;
            }
            return status.get("address").getAsString() + ":" + ports.get(0).getAsJsonObject().get("port").getAsInt();
        }
        catch (final RuntimeException ex)
        {
            logFailure(ex);
            return null;
        }
    }

    /**
     * Ready and capacity; the server listens when this is called.
     */
    public void start()
    {
        try
        {
            sdk.ready();
            ready = true;
            LOG.info("agones: GameServer marked Ready");
        }
        catch (final RuntimeException ex)
        {
            logFailure(ex);
        }
        setCapacity();
    }

    private void setCapacity()
    {
        if (capacitySet)
        {
            return;
        }
        try
        {
            sdk.setPlayerCapacity((long)server.maxRooms() * server.maxPlayersPerRoom());
            capacitySet = true;
        }
        catch (final RuntimeException ex)
        {
            // Player tracking is an Alpha feature gate; without it the rest of the lifecycle goes on.
            logFailure(ex);
        }
    }

    /**
     * Health, allocation, players and labels; once every period of the fleet scheduler.
     */
    public void sync()
    {
        try
        {
            if (!ready)
            {
                start();
            }
            sdk.health();
            final String newState = AgonesSdk.state(sdk.gameServer());
            if (!newState.equals(state))
            {
                LOG.info("agones: GameServer state {} -> {}", state.isEmpty() ? "(unknown)" : state, newState);
                state = newState;
            }
            final List<RoomHandle> rooms = server.rooms();
            int seats = 0;
            for (final RoomHandle room : rooms)
            {
                seats += room.seatsTaken();
            }
            final String roomsValue = Integer.toString(rooms.size());
            final String playersValue = Integer.toString(seats);
            if (!roomsValue.equals(roomsLabel))
            {
                sdk.setLabel("rooms", roomsValue);
                roomsLabel = roomsValue;
            }
            if (!playersValue.equals(playersLabel))
            {
                sdk.setLabel("players", playersValue);
                playersLabel = playersValue;
            }
            final long nowNs = System.nanoTime();
            if (seats > 0)
            {
                emptySinceNs = 0;
                if ("Ready".equals(state))
                {
                    sdk.allocate();
                    LOG.info("agones: first player: GameServer marked Allocated");
                }
            }
            else if ("Allocated".equals(state))
            {
                if (emptySinceNs == 0)
                {
                    emptySinceNs = nowNs;
                }
                if (nowNs - emptySinceNs - emptyBeforeReadyNs >= 0)
                {
                    sdk.ready();
                    emptySinceNs = 0;
                    LOG.info("agones: empty for {} ms: GameServer marked Ready again",
                        TimeUnit.NANOSECONDS.toMillis(emptyBeforeReadyNs));
                }
            }
            errorLogged = false;
        }
        catch (final RuntimeException ex)
        {
            logFailure(ex);
        }
        trackPlayers();
    }

    /** Player tracking (Alpha): separate, so that a cluster without the feature gate keeps the rest. */
    private void trackPlayers()
    {
        try
        {
            setCapacity();
            final Set<String> players = new HashSet<>();
            for (final String seated : server.seatedPlayers())
            {
                players.add(seated.substring(seated.indexOf('\n') + 1));
            }
            for (final String player : players)
            {
                if (!connected.contains(player))
                {
                    sdk.playerConnect(player);
                }
            }
            for (final String player : connected)
            {
                if (!players.contains(player))
                {
                    sdk.playerDisconnect(player);
                }
            }
            connected = players;
        }
        catch (final RuntimeException ex)
        {
            logFailure(ex);
        }
    }

    /**
     * @return the GameServer state last seen ("Ready", "Allocated", ...), or "".
     */
    public String state()
    {
        return state;
    }

    /**
     * Ask Agones to delete the GameServer; called once the server has drained.
     */
    public void shutdown()
    {
        try
        {
            sdk.shutdown();
            LOG.info("agones: GameServer shutdown requested");
        }
        catch (final RuntimeException ex)
        {
            LOG.warn("agones: shutdown call failed: {}", ex.getMessage());
        }
    }

    private void logFailure(final RuntimeException ex)
    {
        final long nowNs = System.nanoTime();
        if (!errorLogged || nowNs - lastErrorLogNs - ERROR_LOG_PERIOD_NS >= 0)
        {
            errorLogged = true;
            lastErrorLogNs = nowNs;
            LOG.warn("agones: sidecar call failed, retrying every sync: {}", ex.getMessage());
        }
    }
}
