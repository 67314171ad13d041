package io.tickwire.server.room;

import io.tickwire.server.game.GameLogic;
import io.tickwire.server.game.RoomContext;
import org.agrona.collections.Int2ObjectHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Arrays;

/**
 * The rooms one room loop hosts, and their lifecycle on it: created (the game started) when the
 * first join or an operator's create record names them, removed once closed or empty past the
 * linger time.
 * <p>
 * Thread: the owning room loop.
 */
final class LoopRooms
{
    private static final Logger LOG = LoggerFactory.getLogger(LoopRooms.class);

    private final int loopIndex;
    private final RoomDirectory directory;
    private final RoomLoopSettings settings;
    private final LoopCounters counters;
    private final long roomLingerNs;
    private final Int2ObjectHashMap<Room> byKey = new Int2ObjectHashMap<>();
    private Room[] rooms = new Room[8];
    private int count;

    LoopRooms(final int loopIndex, final RoomDirectory directory, final RoomLoopSettings settings,
        final LoopCounters counters)
    {
        this.loopIndex = loopIndex;
        this.directory = directory;
        this.settings = settings;
        this.counters = counters;
        this.roomLingerNs = settings.roomLingerMs() * 1_000_000L;
    }

    RoomDirectory directory()
    {
        return directory;
    }

    int count()
    {
        return count;
    }

    Room at(final int i)
    {
        return rooms[i];
    }

    Room byKey(final int roomKey)
    {
        return byKey.get(roomKey);
    }

    /**
     * The room behind {@code roomKey}, started now if this loop does not host it yet.
     *
     * @return the room, or null when its handle is gone or retired, or the game failed to start.
     */
    Room ensure(final int roomKey, final long nowNs)
    {
        final Room existing = byKey.get(roomKey);
        if (existing != null)
        {
            return existing;
        }
        final RoomHandle handle = directory.byKey(roomKey);
        if (handle == null || handle.isRetired())
        {
            return null;
        }
        final RoomContext context = new RoomContext(
            handle.id(), handle.type(), settings.tickRateHz(), seedOf(handle.id()));
        final Room room;
        try
        {
            final GameLogic logic = handle.factory().create(context);
            room = new Room(handle, context, logic, settings.historyLength(), nowNs, settings.tickPeriodNs());
            logic.onStart(room.world);
        }
        catch (final RuntimeException ex)
        {
            LOG.error("room failed to start: room={} type={}", handle.id(), handle.type(), ex);
            counters.gameErrors++;
            handle.retire();
            directory.remove(handle);
            return null;
        }
        if (count == rooms.length)
        {
            rooms = Arrays.copyOf(rooms, count * 2);
        }
        rooms[count++] = room;
        byKey.put(roomKey, room);
        handle.started();
        counters.roomsCreated++;
        LOG.info("room created: room={} type={} loop={}", handle.id(), handle.type(), loopIndex);
        return room;
    }

    /**
     * Drop rooms that are closed, or empty for longer than the linger time and retired here.
     *
     * @return rooms removed.
     */
    int removeClosedAndIdle(final long nowNs)
    {
        int removed = 0;
        for (int i = count - 1; i >= 0; i--)
        {
            final Room room = rooms[i];
            if (room.closed ||
                (room.connectionCount == 0 && nowNs - room.emptySinceNs >= roomLingerNs &&
                room.handle.tryRetireIfEmpty()))
            {
                remove(i);
                removed++;
            }
        }
        return removed;
    }

    private void remove(final int i)
    {
        final Room room = rooms[i];
        rooms[i] = rooms[--count];
        rooms[count] = null;
        byKey.remove(room.handle.key());
        directory.remove(room.handle);
        room.closed = true;
        counters.roomsClosed++;
        LOG.info("room closed: room={} type={} ticks={}", room.handle.id(), room.handle.type(), room.tick);
    }

    private static long seedOf(final String roomId)
    {
        long h = 1125899906842597L;
        for (int i = 0; i < roomId.length(); i++)
        {
            h = 31 * h + roomId.charAt(i);
        }
        return h;
    }
}
