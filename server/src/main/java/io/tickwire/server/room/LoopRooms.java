package io.tickwire.server.room;

import org.agrona.collections.Int2ObjectHashMap;
import io.tickwire.server.logging.LogSafe;
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
    private final GameMessages messages;
    private final Int2ObjectHashMap<Room> byKey = new Int2ObjectHashMap<>();
    private Room[] rooms = new Room[8];
    private int count;

    LoopRooms(final int loopIndex, final RoomDirectory directory, final RoomLoopSettings settings,
        final LoopCounters counters, final GameMessages messages)
    {
        this.messages = messages;
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
        final Room room;
        try
        {
            room = new Room(handle, messages, settings.historyLength(), settings.snapshotBudgetBytes(), nowNs,
                seedOf(handle.id()));
            room.logic = handle.factory().create(room.control);
            room.logic.onCreate(room.control, handle.options());
        }
        catch (final RuntimeException ex)
        {
            LOG.error("room failed to start: room=\"{}\" type={} callback=onCreate", LogSafe.escape(handle.id()),
                handle.type(), ex);
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
        LOG.info("room created: room=\"{}\" type={} loop={} tickRateHz={} maxPlayers={}", LogSafe.escape(handle.id()),
            handle.type(), loopIndex, room.tickRateHz, handle.maxPlayers());
        return room;
    }

    /**
     * Drop rooms that are closed, empty with a handle retired elsewhere, or empty for longer than the linger time
     * and retired here.
     *
     * @return rooms removed.
     */
    int removeClosedAndIdle(final long nowNs)
    {
        int removed = 0;
        for (int i = count - 1; i >= 0; i--)
        {
            final Room room = rooms[i];
            // An empty room whose handle the directory retired (a refused create taking its room back) goes too:
            // no join can reach it, and retiring it here would fail on the retired handle.
            if (room.closed || (room.connectionCount == 0 && (room.handle.isRetired() ||
                (emptyLongEnough(room, nowNs) && room.handle.tryRetireIfEmpty()))))
            {
                remove(i);
                removed++;
            }
        }
        return removed;
    }

    /**
     * An empty room closes after the linger; an operator's room that never had a player waits for its TTL
     * (or for ever) instead.
     */
    private boolean emptyLongEnough(final Room room, final long nowNs)
    {
        final long ttlMs = room.handle.emptyTtlMs();
        if (!room.everJoined && ttlMs != RoomHandle.LINGER)
        {
            return ttlMs != RoomHandle.UNTIL_FIRST_JOIN && nowNs - room.startNs >= ttlMs * 1_000_000L;
        }
        return nowNs - room.emptySinceNs >= roomLingerNs;
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
        try
        {
            room.logic.onDispose(room.control);
        }
        catch (final RuntimeException ex)
        {
            counters.gameErrors++;
            LOG.error("game logic failed: room=\"{}\" type={} callback=onDispose", LogSafe.escape(room.handle.id()),
                room.handle.type(), ex);
        }
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
