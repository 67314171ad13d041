package io.tickwire.server.room;

import io.tickwire.protocol.delta.DeltaEncoder;
import io.tickwire.protocol.delta.WorldState;
import io.tickwire.protocol.schema.EntityTypes;
import io.tickwire.protocol.v1.Welcome;
import io.tickwire.server.game.GameLogic;
import io.tickwire.server.game.GameLogicFactory;
import io.tickwire.server.game.World;
import io.tickwire.server.room.view.RoomViews;

import java.util.Arrays;

/**
 * The loop-owned side of one room: the game, its world, the snapshot history, the connections
 * and the absolute deadline of the next tick.
 * <p>
 * Thread: the owning room loop.
 */
final class Room
{
    final RoomHandle handle;
    final RoomControl control;
    /** Set right after the factory created it, before anything else runs. */
    GameLogic logic;
    final World world;
    final int tickRateHz;
    final long tickPeriodNs;
    final long seed;
    final SnapshotHistory history;
    final DeltaEncoder encoder;
    final EntityTypes types;
    /** The room's part of every Welcome (schema, entity types), built once. */
    final Welcome welcomeTemplate;
    /** Per-connection views, or null when every connection gets the whole room (no grid, budget, owner fields). */
    final RoomViews views;
    final int snapshotBudgetBytes;
    final long startNs;
    Connection[] connections = new Connection[8];
    int connectionCount;
    int tick;
    long deadlineNs;
    long emptySinceNs;
    boolean closed;
    /** True while inputs and onTick of the next tick run: messages are stamped with that tick. */
    boolean inTick;
    /** True once a player joined: operator rooms wait for their first join before the linger applies. */
    boolean everJoined;
    /** Non-zero once the game asked to close the room: the code its players get at the end of the tick. */
    int closeRequestCode;
    String closeRequestReason;

    /** Recent tick durations, a ring of {@link #RECENT_TICKS} entries, for the published p99. */
    static final int RECENT_TICKS = 128;
    final long[] recentTickNs = new long[RECENT_TICKS];
    final long[] sortScratch = new long[RECENT_TICKS];
    int recentTickCount;
    long bytesOutTotal;
    long statsWindowStartNs;
    long bytesAtWindowStart;

    Room(
        final RoomHandle handle,
        final GameMessages messages,
        final int historyLength,
        final int defaultBudgetBytes,
        final long nowNs,
        final long seed)
    {
        this.handle = handle;
        this.seed = seed;
        this.tickRateHz = handle.tickRateHz();
        this.tickPeriodNs = 1_000_000_000L / tickRateHz;
        this.control = new RoomControl(this, messages);
        this.types = handle.entityTypes();
        this.world = new World(types, 64);
        this.history = new SnapshotHistory(types, historyLength, 64);
        this.encoder = new DeltaEncoder(types);
        this.welcomeTemplate = types.writeTo(Welcome.newBuilder()).build();
        final GameLogicFactory factory = handle.factory();
        this.snapshotBudgetBytes = factory.snapshotBudgetBytes() > 0 ? factory.snapshotBudgetBytes() :
            defaultBudgetBytes;
        this.views = RoomViews.needed(types, factory.interest(), snapshotBudgetBytes) ?
            new RoomViews(types, factory.interest(), historyLength) : null;
        this.startNs = nowNs;
        this.deadlineNs = nowNs + tickPeriodNs;
        this.emptySinceNs = nowNs;
        this.statsWindowStartNs = nowNs;
    }

    void recordTickDuration(final long durationNs)
    {
        recentTickNs[recentTickCount++ % RECENT_TICKS] = durationNs;
    }

    /**
     * Once a second: publish the p99 of recent tick durations and the outbound bytes per second
     * to the handle, where the admin side reads them. No allocation.
     */
    void publishStats(final long nowNs)
    {
        final long elapsedNs = nowNs - statsWindowStartNs;
        if (elapsedNs < 1_000_000_000L)
        {
            return;
        }
        final int n = Math.min(recentTickCount, RECENT_TICKS);
        long p99Ns = 0;
        if (n > 0)
        {
            System.arraycopy(recentTickNs, 0, sortScratch, 0, n);
            Arrays.sort(sortScratch, 0, n);
            p99Ns = sortScratch[Math.min(n - 1, (int)Math.ceil(n * 0.99) - 1)];
        }
        final long bytesPerSecond = (bytesOutTotal - bytesAtWindowStart) * 1_000_000_000L / elapsedNs;
        handle.publishStats(p99Ns, bytesPerSecond, bytesOutTotal);
        statsWindowStartNs = nowNs;
        bytesAtWindowStart = bytesOutTotal;
    }

    void add(final Connection connection)
    {
        if (connectionCount == connections.length)
        {
            connections = Arrays.copyOf(connections, connectionCount * 2);
        }
        connections[connectionCount++] = connection;
        if (views != null && connection.view == null)
        {
            connection.view = views.register(connection.player);
        }
    }

    boolean remove(final Connection connection, final long nowNs)
    {
        for (int i = 0; i < connectionCount; i++)
        {
            if (connections[i] == connection)
            {
                if (views != null && connection.view != null)
                {
                    views.unregister(connection.view);
                    connection.view = null;
                }
                connections[i] = connections[--connectionCount];
                connections[connectionCount] = null;
                if (connectionCount == 0)
                {
                    emptySinceNs = nowNs;
                }
                return true;
            }
        }
        return false;
    }

    /**
     * @return the connection of this player, or null when it is not in the room.
     */
    Connection connectionOf(final io.tickwire.server.game.Player player)
    {
        for (int i = 0; i < connectionCount; i++)
        {
            if (connections[i].player == player)
            {
                return connections[i];
            }
        }
        return null;
    }

    /**
     * @return the state captured at the last tick, or null before the first.
     */
    WorldState currentState()
    {
        return history.get(tick);
    }
}
