package io.tickwire.server.fleet;

import io.tickwire.server.config.LoopSettings;
import io.tickwire.server.game.arena.ArenaGame;
import io.tickwire.server.room.JoinResult;
import io.tickwire.server.room.RoomDirectory;
import io.tickwire.server.room.RoomHandle;
import io.tickwire.server.room.SeatGate;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A {@link FleetServer} over a real {@link RoomDirectory} without room loops or sockets: tests take
 * seats and seat players by hand, and see which rooms matchmakers asked it to create.
 */
final class DirectoryFleetServer implements FleetServer
{
    final RoomDirectory directory;
    final List<String> seated = new CopyOnWriteArrayList<>();
    final List<String> createRequests = new CopyOnWriteArrayList<>();
    /** The gate seats are taken through: the registry once registered. */
    volatile SeatGate gate = SeatGate.DIRECT;
    private final int maxRooms;
    private final int maxPlayers;

    DirectoryFleetServer(final int maxRooms, final int maxPlayers)
    {
        this.maxRooms = maxRooms;
        this.maxPlayers = maxPlayers;
        this.directory = new RoomDirectory(Map.of(ArenaGame.TYPE, ArenaGame.factory(0)), 1, maxRooms, maxPlayers,
            LoopSettings.DEFAULT_TICK_RATE_HZ);
    }

    @Override
    public List<RoomHandle> rooms()
    {
        return directory.rooms();
    }

    @Override
    public Collection<String> seatedPlayers()
    {
        return new ArrayList<>(seated);
    }

    @Override
    public Collection<String> roomTypes()
    {
        return directory.typeNames();
    }

    @Override
    public int maxRooms()
    {
        return maxRooms;
    }

    @Override
    public int maxPlayersPerRoom()
    {
        return maxPlayers;
    }

    @Override
    public String createRoom(final String type, final String roomId)
    {
        createRequests.add(roomId);
        return directory.create(type, roomId) == null ? "cannot create: type=" + type + ", id=" + roomId : null;
    }

    /**
     * A player arrives with its ticket's player id: the seat is taken through the gate (as the server's
     * join admission does) and the session seated.
     */
    void arrive(final String roomId, final String playerId)
    {
        final JoinResult result = gate.takeSeat(playerId, () -> directory.joinById(roomId));
        if (!result.isJoined())
        {
            throw new IllegalStateException("no seat: room=" + roomId + ", " + result.reason());
        }
        seated.add(roomId + "\n" + playerId);
    }
}
