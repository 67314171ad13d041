package io.tickwire.server.game;

import java.util.Collection;
import java.util.List;
import java.util.Map;

/**
 * One room as its game sees it, and everything the game can do to it: the {@link World}, the players,
 * messages to one, some or all of them, kicking, locking, metadata and closing. Every {@link GameLogic}
 * callback gets it; a new capability becomes a method here, not a new callback parameter.
 * <p>
 * Thread: the room loop thread that owns the room; not thread-safe, never to be used from another thread.
 * <p>
 * Messages are reliable and ordered per player: each is written to the player's connection after what the
 * room sent it before (its {@code Welcome}, earlier snapshots and messages) and is never dropped while the
 * connection lives; a connection that cannot take it (the server's outbound queue or the connection's
 * outbound budget is full) is closed instead. A detached player (connection lost, resume grace running)
 * misses the messages sent meanwhile. Each is stamped with {@link #tick()}.
 */
public interface RoomContext
{
    /** Largest message payload the game may send, in bytes. */
    int MAX_MESSAGE_BYTES = 64 * 1024;

    /**
     * @return the room's id.
     */
    String roomId();

    /**
     * @return the room type's name.
     */
    String roomType();

    /**
     * @return the room's world.
     */
    World world();

    /**
     * @return ticks per second of this room.
     */
    int tickRateHz();

    /**
     * @return duration of one tick in seconds, the fixed step {@code onTick} advances.
     */
    default double tickSeconds()
    {
        return 1.0 / tickRateHz();
    }

    /**
     * @return the tick being computed inside {@code onInput}/{@code onTick}, else the room's last completed
     * tick (0 before the first): what messages sent now are stamped with.
     */
    int tick();

    /**
     * @return seed for the game's random numbers, derived from the room id.
     */
    long seed();

    /**
     * @return the room's creation options; immutable.
     */
    Map<String, String> options();

    /**
     * @return the players in the room (detached ones included), in no particular order: a live view, not
     * to be changed nor kept across callbacks.
     */
    List<Player> players();

    /**
     * @return seats of the room.
     */
    int maxPlayers();

    /**
     * Send a message to one player.
     *
     * @param player  a player of this room.
     * @param type    game-defined type.
     * @param payload bytes, copied before this returns; at most {@link #MAX_MESSAGE_BYTES}.
     * @return true when queued for the player's connection; false when the player is detached or leaving
     * (or its connection was closed because it could not take the message).
     */
    boolean send(Player player, int type, byte[] payload);

    /**
     * Send a message to every connected player.
     *
     * @param type    game-defined type.
     * @param payload bytes, copied before this returns.
     * @return players it was queued for.
     */
    int broadcast(int type, byte[] payload);

    /**
     * Send a message to every connected player but one.
     *
     * @param except  the player left out (the sender, usually).
     * @param type    game-defined type.
     * @param payload bytes, copied before this returns.
     * @return players it was queued for.
     */
    int broadcastExcept(Player except, int type, byte[] payload);

    /**
     * Send a message to some players.
     *
     * @param players players of this room.
     * @param type    game-defined type.
     * @param payload bytes, copied before this returns.
     * @return players it was queued for.
     */
    int sendTo(Collection<Player> players, int type, byte[] payload);

    /**
     * Remove a player: its connection gets {@code Error} and a close with {@code code}; {@link GameLogic#onLeave}
     * follows (not consented) once the connection is gone, as a later callback.
     *
     * @param player a player of this room.
     * @param code   a game-defined close code, {@code CloseCodes.GAME_MIN}..{@code GAME_MAX} (4100-4199).
     * @param reason why, shown to the client.
     * @throws IllegalArgumentException when the code is outside the game range.
     */
    void kick(Player player, int code, String reason);

    /**
     * Take the room out of join-or-create matching (a join by id still works). Idempotent.
     */
    void lock();

    /**
     * Let join-or-create match the room again. Idempotent.
     */
    void unlock();

    /**
     * @return true while locked.
     */
    boolean isLocked();

    /**
     * Set (or, with a null value, remove) a metadata entry: shown by the admin {@code /rooms} and the public
     * room list, and usable as a filter there. Keys and values are short strings.
     *
     * @param key   key, 1..64 characters.
     * @param value value, at most 256 characters, or null to remove.
     */
    void setMetadata(String key, String value);

    /**
     * @return the room's metadata; immutable.
     */
    Map<String, String> metadata();

    /**
     * Close the room at the end of the current callback's tick: every player gets close 4009 with the
     * reason, {@link GameLogic#onLeave} is not called, {@link GameLogic#onDispose} is.
     *
     * @param reason why, shown to the players.
     */
    void close(String reason);

    /**
     * Lag compensation: the room as this player's client was showing it when it sampled the input being
     * handled (its {@link Player#viewTick()}, sent by both SDKs with every input), clamped to at most
     * {@link GameLogicFactory#maxRewindMs()} behind the last captured tick and never ahead of it. Test hits
     * against it in {@link GameLogic#onInput}. Before the room's first tick it is an empty room at tick 0 (no
     * client has been shown anything yet), so such a shot hits nothing.
     *
     * @param player a player of this room.
     * @return a read-only view of the rewound tick; valid until the callback returns.
     */
    Rewind rewind(Player player);

    /**
     * The room at any tick still in its snapshot history (the last {@code --history} ticks), clamped like
     * {@link #rewind(Player)}.
     *
     * @param tick the tick wanted.
     * @return a read-only view; valid until the callback returns.
     */
    Rewind rewindTo(int tick);
}
