package io.tickwire.server.room;

import io.tickwire.protocol.CloseCodes;
import io.tickwire.server.game.GameLogicFactory;

import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Every live room of the server by id and by key, plus the registered room types. Event loops
 * call {@link #joinOrCreate(String, Map)} and {@link #joinById(String)} to reserve seats; room loops
 * call {@link #remove(RoomHandle)} when a room closes; the admin side reads it. Thread-safe.
 */
public final class RoomDirectory
{
    private final Map<String, GameLogicFactory> types;
    private final ConcurrentHashMap<String, RoomHandle> byId = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<Integer, RoomHandle> byKey = new ConcurrentHashMap<>();
    private final AtomicInteger nextKey = new AtomicInteger(1);
    private final AtomicInteger roomCount = new AtomicInteger();
    private final AtomicInteger[] roomsPerLoop;
    private final int maxRooms;
    private final int maxPlayersPerRoom;
    private final int tickRateHz;
    private final ConcurrentHashMap<String, Object> creationLocks = new ConcurrentHashMap<>();
    private final SecureRandom random = new SecureRandom();

    /**
     * @param types             room types by name.
     * @param loopCount         number of room loops.
     * @param maxRooms          most rooms at once.
     * @param maxPlayersPerRoom seats per room of types that do not declare theirs.
     * @param tickRateHz        tick rate of rooms whose type does not declare one.
     */
    public RoomDirectory(
        final Map<String, GameLogicFactory> types, final int loopCount, final int maxRooms, final int maxPlayersPerRoom,
        final int tickRateHz)
    {
        this.types = Map.copyOf(types);
        for (final Map.Entry<String, GameLogicFactory> e : this.types.entrySet())
        {
            try
            {
                java.util.Objects.requireNonNull(e.getValue().entityTypes(), "entityTypes()");
            }
            catch (final RuntimeException ex)
            {
                throw new IllegalArgumentException("room type has no valid entity schema: type=" + e.getKey() + ": " +
                    ex.getMessage(), ex);
            }
        }
        this.tickRateHz = tickRateHz;
        this.maxRooms = maxRooms;
        this.maxPlayersPerRoom = maxPlayersPerRoom;
        this.roomsPerLoop = new AtomicInteger[loopCount];
        for (int i = 0; i < loopCount; i++)
        {
            roomsPerLoop[i] = new AtomicInteger();
        }
    }

    /**
     * @return registered room type names.
     */
    public Collection<String> typeNames()
    {
        return Collections.unmodifiableSet(types.keySet());
    }

    /**
     * @param type room type name.
     * @return its factory, or null.
     */
    public GameLogicFactory type(final String type)
    {
        return types.get(type);
    }

    /**
     * Reserve a seat in a room of the type created with the same room options, creating a room when none has a
     * free seat. Rooms fill fullest first, and creating a room is serialised per type with a re-check, so
     * joiners arriving at the same instant on several event loops fill one room before another opens.
     * Locked rooms are skipped.
     *
     * @param type        room type name.
     * @param joinOptions the join's options; the type's {@link GameLogicFactory#roomOptions} among them are the
     *                    new room's, and the key rooms are matched by.
     * @return the handle with a seat reserved, or why not.
     */
    public JoinResult joinOrCreate(final String type, final Map<String, String> joinOptions)
    {
        final GameLogicFactory factory = types.get(type);
        if (factory == null)
        {
            return JoinResult.refused(CloseCodes.INVALID_JOIN, "unknown room type: type=" + type + ", known=" +
                types.keySet());
        }
        final Map<String, String> options = Map.copyOf(factory.roomOptions(joinOptions));
        RoomHandle handle = reserveFullestFirst(type, options);
        if (handle != null)
        {
            return JoinResult.joined(handle);
        }
        final String invalid = factory.validateOptions(options);
        if (invalid != null)
        {
            return JoinResult.refused(CloseCodes.INVALID_ROOM_OPTIONS, "room options refused: type=" + type + ", " +
                invalid);
        }
        synchronized (creationLock(type))
        {
            // Another event loop may have opened a room while this one waited: fill it first.
            handle = reserveFullestFirst(type, options);
            if (handle != null)
            {
                return JoinResult.joined(handle);
            }
            // Born with this join's seat taken: joiners outside the lock see the room as soon as it is published
            // and could otherwise fill it first.
            final RoomHandle created = create(type, factory, null, options, RoomHandle.LINGER, true);
            if (created == null)
            {
                return JoinResult.refused(CloseCodes.ROOM_FULL, "no room of type " + type + " has a free seat and " +
                    "the server is at its room limit: maxRooms=" + maxRooms);
            }
            return JoinResult.joined(created);
        }
    }

    /**
     * Join-or-create with no options.
     *
     * @param type room type name.
     * @return the handle with a seat reserved, or why not.
     */
    public JoinResult joinOrCreate(final String type)
    {
        return joinOrCreate(type, Map.of());
    }

    private Object creationLock(final String type)
    {
        return creationLocks.computeIfAbsent(type, t -> new Object());
    }

    /**
     * The fullest unlocked room of the type with these options that has a free seat, its seat reserved; on a
     * lost race for the last seat, the next fullest.
     */
    private RoomHandle reserveFullestFirst(final String type, final Map<String, String> options)
    {
        while (true)
        {
            RoomHandle best = null;
            int bestSeats = -1;
            for (final RoomHandle handle : byId.values())
            {
                final int taken = handle.seatsTaken();
                if (taken > bestSeats && taken < handle.maxPlayers() && !handle.isLocked() && !handle.isRetired() &&
                    handle.type().equals(type) && handle.options().equals(options))
                {
                    best = handle;
                    bestSeats = taken;
                }
            }
            if (best == null)
            {
                return null;
            }
            if (best.tryReserveSeat())
            {
                return best;
            }
        }
    }

    /**
     * Reserve a seat in the named room.
     *
     * @param roomId room id.
     * @return the handle with a seat reserved, or why not.
     */
    public JoinResult joinById(final String roomId)
    {
        final RoomHandle handle = byId.get(roomId);
        if (handle == null || handle.isRetired())
        {
            return JoinResult.refused(CloseCodes.ROOM_NOT_FOUND, "no such room: roomId=" + roomId);
        }
        if (!handle.tryReserveSeat())
        {
            return handle.isRetired() ?
                JoinResult.refused(CloseCodes.ROOM_NOT_FOUND, "no such room: roomId=" + roomId) :
                JoinResult.refused(CloseCodes.ROOM_FULL, "room is full: roomId=" + roomId + ", maxPlayers=" +
                    handle.maxPlayers());
        }
        return JoinResult.joined(handle);
    }

    /**
     * Create an empty room of a type with no options that lingers as usual (for tests).
     *
     * @param type   room type name.
     * @param roomId wanted id, or null for a generated one.
     * @return the handle, or null when the type is unknown, the id taken or the room limit reached.
     */
    public RoomHandle create(final String type, final String roomId)
    {
        final GameLogicFactory factory = types.get(type);
        return factory == null ? null : create(type, factory, roomId, Map.of(), RoomHandle.LINGER, false);
    }

    /**
     * Create an empty room of a type for an operator. The options must be valid for the type
     * ({@link GameLogicFactory#validateOptions}).
     *
     * @param type       room type name.
     * @param roomId     wanted id, or null for a generated one.
     * @param options    the room's options.
     * @param emptyTtlMs how long it waits for its first player ({@link RoomHandle#UNTIL_FIRST_JOIN}: as long as
     *                   it takes); after its first player it lingers as usual.
     * @return the handle, or why not: {@link CloseCodes#INVALID_JOIN} unknown type,
     * {@link CloseCodes#INVALID_ROOM_OPTIONS}, {@link CloseCodes#ALREADY_JOINED} id taken,
     * {@link CloseCodes#ROOM_FULL} room limit.
     */
    public JoinResult create(final String type, final String roomId, final Map<String, String> options,
        final long emptyTtlMs)
    {
        final GameLogicFactory factory = types.get(type);
        if (factory == null)
        {
            return JoinResult.refused(CloseCodes.INVALID_JOIN, "unknown room type: type=" + type + ", known=" +
                types.keySet());
        }
        final String invalid = factory.validateOptions(options);
        if (invalid != null)
        {
            return JoinResult.refused(CloseCodes.INVALID_ROOM_OPTIONS, "room options refused: type=" + type + ", " +
                invalid);
        }
        if (roomId != null && byId.containsKey(roomId))
        {
            return JoinResult.refused(CloseCodes.ALREADY_JOINED, "room id taken: id=" + roomId);
        }
        final RoomHandle handle = create(type, factory, roomId, options, emptyTtlMs, false);
        if (handle == null)
        {
            return roomId != null && byId.containsKey(roomId) ?
                JoinResult.refused(CloseCodes.ALREADY_JOINED, "room id taken: id=" + roomId) :
                JoinResult.refused(CloseCodes.ROOM_FULL, "room limit reached: maxRooms=" + maxRooms);
        }
        return JoinResult.joined(handle);
    }

    /**
     * @param forJoin true for a room a join creates: published holding that join's seat.
     */
    private RoomHandle create(final String type, final GameLogicFactory factory, final String wantedId,
        final Map<String, String> options, final long emptyTtlMs, final boolean forJoin)
    {
        while (true)
        {
            final int count = roomCount.get();
            if (count >= maxRooms)
            {
                return null;
            }
            if (roomCount.compareAndSet(count, count + 1))
            {
                break;
            }
        }
        final String id = wantedId != null ? wantedId : type + "-" + HexFormat.of().toHexDigits(random.nextInt());
        final int loop = leastLoadedLoop();
        final int seats = factory.maxPlayers() > 0 ? factory.maxPlayers() : maxPlayersPerRoom;
        final int tickRate = factory.tickRateHz() > 0 ? factory.tickRateHz() : tickRateHz;
        final RoomHandle handle = new RoomHandle(
            nextKey.getAndIncrement(), id, type, factory, loop, seats, tickRate, options, emptyTtlMs, forJoin);
        // By key first: once in byId, another event loop can take a seat and its join record reach the room loop,
        // which finds the room by key.
        byKey.put(handle.key(), handle);
        if (byId.putIfAbsent(id, handle) != null)
        {
            byKey.remove(handle.key());
            roomCount.decrementAndGet();
            return wantedId != null ? null : create(type, factory, null, options, emptyTtlMs, forJoin);
        }
        roomsPerLoop[loop].incrementAndGet();
        return handle;
    }

    private int leastLoadedLoop()
    {
        int best = 0;
        for (int i = 1; i < roomsPerLoop.length; i++)
        {
            if (roomsPerLoop[i].get() < roomsPerLoop[best].get())
            {
                best = i;
            }
        }
        return best;
    }

    /**
     * @param key room key from a ring record.
     * @return the handle, or null.
     */
    public RoomHandle byKey(final int key)
    {
        return byKey.get(key);
    }

    /**
     * @param roomId room id.
     * @return the handle, or null.
     */
    public RoomHandle byId(final String roomId)
    {
        return byId.get(roomId);
    }

    /**
     * @return a point-in-time list of live rooms.
     */
    public List<RoomHandle> rooms()
    {
        return new ArrayList<>(byId.values());
    }

    /**
     * @return number of live rooms.
     */
    public int roomCount()
    {
        return roomCount.get();
    }

    /**
     * Give back a seat whose join could not be handed to the room loop (its ring was full). A
     * room that was created for that join and never reached its loop is retired and forgotten,
     * so it does not linger in the directory unseen by any loop; an operator's room whose create
     * record is on its way is left to that record.
     *
     * @param handle the room the seat was reserved in.
     */
    public void abandonSeat(final RoomHandle handle)
    {
        handle.releaseSeat();
        if (!handle.isStarted() && !handle.isCreateRecordPending() && handle.tryRetireIfEmpty())
        {
            remove(handle);
        }
    }

    /**
     * Take back a room an operator created whose create record could not be handed to its room loop (its ring
     * was full). The operator holds no seat, so none is given back: a joiner may have taken one in the room since
     * it was published, and then the room is its joiner's (its join record starts it, or its
     * {@link #abandonSeat} retires it).
     *
     * @param handle the room {@link #create(String, String, Map, long)} returned.
     * @return true when the room was retired and forgotten.
     */
    public boolean abandonCreate(final RoomHandle handle)
    {
        // Before the retire: a joiner giving its seat back after this retires the room itself.
        handle.createRecordLost();
        if (handle.tryRetireIfEmpty())
        {
            remove(handle);
            return true;
        }
        return false;
    }

    /**
     * Forget a closed room. Called by its room loop.
     *
     * @param handle the retired handle.
     */
    void remove(final RoomHandle handle)
    {
        if (byId.remove(handle.id(), handle))
        {
            byKey.remove(handle.key());
            roomCount.decrementAndGet();
            roomsPerLoop[handle.loopIndex()].decrementAndGet();
        }
    }
}
