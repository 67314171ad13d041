package io.tickwire.server.admin;

import io.tickwire.server.room.RoomHandle;

import java.util.List;

/**
 * What the admin HTTP side asks of the server. Implemented by {@code TickwireServer}; every method
 * is safe on the admin thread.
 */
public interface AdminApi
{
    /** @return true while the server accepts players (false once draining). */
    boolean isReady();

    /** @return the live rooms. */
    List<RoomHandle> rooms();

    /** @param roomId id. @return the room or null. */
    RoomHandle room(String roomId);

    /**
     * Create a room that waits for its first player (or its TTL), then lingers as usual.
     *
     * @param type       room type.
     * @param roomId     wanted id or null.
     * @param options    room options, validated by the room type (400 when refused).
     * @param emptyTtlMs how long it waits for its first player, {@code RoomHandle.UNTIL_FIRST_JOIN} for ever.
     * @return the outcome.
     */
    CreateResult createRoom(String type, String roomId, java.util.Map<String, String> options, long emptyTtlMs);

    /**
     * Close a room; its players get 4009 and a reason.
     *
     * @param roomId id.
     * @return false when there is no such room.
     */
    boolean closeRoom(String roomId);

    /** @return Prometheus text exposition. */
    String scrapeMetrics();

    /** @return seats per room. */
    int maxPlayersPerRoom();

    /**
     * Start draining: stop taking players, tell clients to rejoin elsewhere, then stop. Returns at once.
     *
     * @return false when the server is already stopping.
     */
    default boolean drain()
    {
        return false;
    }

    /**
     * @return every room of the fleet as JSON ({@code {"rooms":[...]}}), or null when the server is
     * not part of a fleet directory.
     * @throws IllegalStateException when the directory cannot be read (Redis down), with the reason.
     */
    default String fleetRoomsJson()
    {
        return null;
    }

    /**
     * Outcome of {@link #createRoom(String, String)}.
     *
     * @param handle     the room, or null.
     * @param httpStatus status to answer with.
     * @param error      why not, or null.
     */
    record CreateResult(RoomHandle handle, int httpStatus, String error)
    {
    }
}
