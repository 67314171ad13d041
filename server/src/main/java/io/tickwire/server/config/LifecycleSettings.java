package io.tickwire.server.config;

import static io.tickwire.server.config.OptionChecks.require;

/**
 * How many rooms live, how full, how long an empty one lingers, and how long a shutdown may take.
 *
 * @param maxRooms          most rooms at once.
 * @param maxPlayersPerRoom seats per room.
 * @param roomLingerMs      how long an empty room stays open for players to come back.
 * @param shutdownTimeoutMs longest a graceful shutdown waits for clients to be told and writes to drain.
 */
public record LifecycleSettings(int maxRooms, int maxPlayersPerRoom, long roomLingerMs, long shutdownTimeoutMs)
{
    /** Most rooms at once. */
    public static final int DEFAULT_MAX_ROOMS = 1000;
    /** Seats per room. */
    public static final int DEFAULT_MAX_PLAYERS_PER_ROOM = 16;
    /** How long an empty room stays open for players to come back. */
    public static final long DEFAULT_ROOM_LINGER_MS = 10_000;
    /** Longest a graceful shutdown waits for clients to be told and writes to drain. */
    public static final long DEFAULT_SHUTDOWN_TIMEOUT_MS = 10_000;

    /**
     * @throws IllegalArgumentException naming the first invalid option and its value.
     */
    public LifecycleSettings
    {
        require(maxRooms >= 1, "maxRooms", maxRooms);
        require(maxPlayersPerRoom >= 1, "maxPlayersPerRoom", maxPlayersPerRoom);
        require(roomLingerMs >= 0, "roomLingerMs", roomLingerMs);
        require(shutdownTimeoutMs >= 0, "shutdownTimeoutMs", shutdownTimeoutMs);
    }
}
