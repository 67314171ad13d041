package io.tickwire.server.fleet;

import io.tickwire.server.room.RoomHandle;

import java.util.Collection;
import java.util.List;

/**
 * What the fleet side reads from, and asks of, the server it runs in. Implemented over a
 * {@code TickwireServer} by {@link Fleet}; every method is safe on any thread and cheap enough to
 * call once per heartbeat.
 */
public interface FleetServer
{
    /** @return the server's live rooms (a point-in-time list). */
    List<RoomHandle> rooms();

    /**
     * @return for every joined session whose join ticket named a player, {@code roomId + "\n" + playerId}.
     */
    Collection<String> seatedPlayers();

    /** @return registered room type names. */
    Collection<String> roomTypes();

    /** @return most rooms at once. */
    int maxRooms();

    /** @return seats per room. */
    int maxPlayersPerRoom();

    /**
     * Create an empty room with a given id, for a matchmaker that reserved its first seat.
     *
     * @param type   room type.
     * @param roomId the id the matchmaker chose.
     * @return null when created, else why not.
     */
    String createRoom(String type, String roomId);
}
