package io.tickwire.server.room;

import io.tickwire.server.game.GameLogicFactory;

import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The thread-safe face of a room: identity, the loop that owns it, and its seat count. Event
 * loops reserve a seat before they hand a join to the room loop; the room loop releases it when
 * the player leaves, and retires the handle when the room closes.
 */
public final class RoomHandle
{
    private static final int RETIRED = -1;

    private final int key;
    private final String id;
    private final String type;
    private final GameLogicFactory factory;
    private final int loopIndex;
    private final int maxPlayers;
    private final int tickRateHz;
    private final Map<String, String> options;
    private final long emptyTtlMs;
    private final AtomicInteger seats;
    private volatile boolean locked;
    private volatile Map<String, String> metadata = Map.of();
    private volatile int currentTick;
    private final io.tickwire.protocol.schema.EntityTypes entityTypes;
    private volatile int players;
    private volatile boolean started;
    private volatile boolean createRecordPending;
    private volatile long tickP99Ns;
    private volatile long bytesOutPerSecond;
    private volatile long bytesOutTotal;

    RoomHandle(
        final int key,
        final String id,
        final String type,
        final GameLogicFactory factory,
        final int loopIndex,
        final int maxPlayers,
        final int tickRateHz,
        final Map<String, String> options,
        final long emptyTtlMs,
        final boolean forJoin)
    {
        // A join's room is born holding that join's seat; an operator's is started by its create record, and until
        // that record is known to be lost a joiner giving its seat back must leave the room be.
        this.seats = new AtomicInteger(forJoin ? 1 : 0);
        this.createRecordPending = !forJoin;
        this.key = key;
        this.id = id;
        this.type = type;
        this.factory = factory;
        this.entityTypes = factory.entityTypes();
        this.loopIndex = loopIndex;
        this.maxPlayers = maxPlayers;
        this.tickRateHz = tickRateHz;
        this.options = Map.copyOf(options);
        this.emptyTtlMs = emptyTtlMs;
    }

    /**
     * @return ticks per second of this room (its type's, or the server's).
     */
    public int tickRateHz()
    {
        return tickRateHz;
    }

    /**
     * @return the options the room was created with; immutable.
     */
    public Map<String, String> options()
    {
        return options;
    }

    /**
     * @return how long the room stays open without players before its first join, in milliseconds:
     * {@link #UNTIL_FIRST_JOIN} for operator rooms without a TTL, {@link #LINGER} for the server's linger.
     */
    public long emptyTtlMs()
    {
        return emptyTtlMs;
    }

    /** {@link #emptyTtlMs()}: the room closes when empty past the server's linger. */
    public static final long LINGER = -1;
    /** {@link #emptyTtlMs()}: the room waits for its first join however long it takes, then lingers as usual. */
    public static final long UNTIL_FIRST_JOIN = Long.MAX_VALUE;

    /**
     * @return true while the game keeps the room out of join-or-create.
     */
    public boolean isLocked()
    {
        return locked;
    }

    void locked(final boolean locked)
    {
        this.locked = locked;
    }

    /**
     * @return the metadata the game set; immutable, replaced as a whole on each change.
     */
    public Map<String, String> metadata()
    {
        return metadata;
    }

    void metadata(final Map<String, String> metadata)
    {
        this.metadata = metadata;
    }

    /**
     * @return numeric key used in ring records.
     */
    public int key()
    {
        return key;
    }

    /**
     * @return the room id clients join by.
     */
    public String id()
    {
        return id;
    }

    /**
     * @return the room type name.
     */
    public String type()
    {
        return type;
    }

    /**
     * @return the entity types of the room's type.
     */
    public io.tickwire.protocol.schema.EntityTypes entityTypes()
    {
        return entityTypes;
    }

    /**
     * @return the room type's factory.
     */
    public GameLogicFactory factory()
    {
        return factory;
    }

    /**
     * @return index of the room loop that owns this room.
     */
    public int loopIndex()
    {
        return loopIndex;
    }

    /**
     * @return most players the room takes.
     */
    public int maxPlayers()
    {
        return maxPlayers;
    }

    /**
     * Reserve a seat. Any thread.
     *
     * @return true when a seat was taken; false when the room is full or retired.
     */
    public boolean tryReserveSeat()
    {
        while (true)
        {
            final int s = seats.get();
            if (s == RETIRED || s >= maxPlayers)
            {
                return false;
            }
            if (seats.compareAndSet(s, s + 1))
            {
                return true;
            }
        }
    }

    /**
     * Give a seat back (the player left, or the join could not be handed over). Any thread.
     */
    public void releaseSeat()
    {
        while (true)
        {
            final int s = seats.get();
            if (s <= 0 || seats.compareAndSet(s, s - 1))
            {
                return;
            }
        }
    }

    /**
     * @return true once the owning room loop created the room.
     */
    public boolean isStarted()
    {
        return started;
    }

    void started()
    {
        started = true;
    }

    /**
     * @return true while an operator's create record is on its way to the room loop: the room starts without a
     * join, so a join that gives its seat back must not retire it.
     */
    boolean isCreateRecordPending()
    {
        return createRecordPending;
    }

    void createRecordLost()
    {
        createRecordPending = false;
    }

    /**
     * Retire the handle if no seat is taken, so no join can race with the room closing.
     *
     * @return true when retired.
     */
    boolean tryRetireIfEmpty()
    {
        return seats.compareAndSet(0, RETIRED);
    }

    /**
     * Retire the handle whatever its seats (an operator closes the room).
     */
    void retire()
    {
        seats.set(RETIRED);
    }

    /**
     * @return true once the room is closed or closing.
     */
    public boolean isRetired()
    {
        return seats.get() == RETIRED;
    }

    /**
     * @return seats taken, including joins on their way to the room loop.
     */
    public int seatsTaken()
    {
        return Math.max(0, seats.get());
    }

    /**
     * @return the room's last completed tick, published by the room loop.
     */
    public int currentTick()
    {
        return currentTick;
    }

    /**
     * @return players in the room, published by the room loop.
     */
    public int players()
    {
        return players;
    }

    /**
     * @return 99th percentile of the room's recent tick durations (last 128 ticks), published once
     * a second by the room loop.
     */
    public long tickP99Ns()
    {
        return tickP99Ns;
    }

    /**
     * @return snapshot bytes sent per second over the last second, published by the room loop.
     */
    public long bytesOutPerSecond()
    {
        return bytesOutPerSecond;
    }

    /**
     * @return snapshot bytes sent since the room started, published once a second.
     */
    public long bytesOutTotal()
    {
        return bytesOutTotal;
    }

    void publishStats(final long tickP99Ns, final long bytesOutPerSecond, final long bytesOutTotal)
    {
        this.tickP99Ns = tickP99Ns;
        this.bytesOutPerSecond = bytesOutPerSecond;
        this.bytesOutTotal = bytesOutTotal;
    }

    void publish(final int tick, final int players)
    {
        this.currentTick = tick;
        this.players = players;
    }

    @Override
    public String toString()
    {
        return "RoomHandle{id=" + id + ", type=" + type + ", loop=" + loopIndex + '}';
    }
}
