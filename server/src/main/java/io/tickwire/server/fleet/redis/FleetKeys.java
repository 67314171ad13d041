package io.tickwire.server.fleet.redis;

/**
 * The directory's Redis keys, all under one prefix:
 * <ul>
 *     <li>{@code <p>server:<id>}: hash {@code url, load, draining, maxRooms, maxPlayers, rooms,
 *     types, seen}; TTL = entry TTL.</li>
 *     <li>{@code <p>servers}: sorted set of server ids scored by expiry (epoch ms, Redis clock).</li>
 *     <li>{@code <p>load}: sorted set of servers that are not draining, scored by seats taken plus
 *     reserved (where new rooms go).</li>
 *     <li>{@code <p>room:<id>}: hash {@code server, type, max, taken, ready, locked, meta} ({@code locked}
 *     0|1; {@code meta} the game's metadata as a JSON object of strings); TTL = entry TTL.</li>
 *     <li>{@code <p>room:<id>:res}: sorted set of player ids with a reserved seat, scored by the
 *     reservation's expiry.</li>
 *     <li>{@code <p>rooms}: sorted set of every room id scored by expiry, for listings.</li>
 *     <li>{@code <p>open:<type>}: sorted set of unlocked rooms of a type with a free seat, scored by free
 *     seats (fullest first).</li>
 *     <li>{@code <p>create:<serverId>}: pub/sub channel where matchmakers ask a server to create a room.</li>
 * </ul>
 * Stateless.
 */
public final class FleetKeys
{
    /** Prefix of every key. */
    public static final String PREFIX = "tickwire:";

    private FleetKeys()
    {
    }

    /**
     * @param serverId server id.
     * @return its hash key.
     */
    public static String server(final String serverId)
    {
        return PREFIX + "server:" + serverId;
    }

    /**
     * @param roomId room id.
     * @return its hash key.
     */
    public static String room(final String roomId)
    {
        return PREFIX + "room:" + roomId;
    }

    /**
     * @return the sorted set of every room id.
     */
    public static String rooms()
    {
        return PREFIX + "rooms";
    }

    /**
     * @return the sorted set of live server ids.
     */
    public static String servers()
    {
        return PREFIX + "servers";
    }

    /**
     * @param serverId server id.
     * @return the channel the server takes room-create requests on.
     */
    public static String createChannel(final String serverId)
    {
        return PREFIX + "create:" + serverId;
    }
}
