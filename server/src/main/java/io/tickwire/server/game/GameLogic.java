package io.tickwire.server.game;

import org.agrona.DirectBuffer;

import java.util.Map;

/**
 * One room's game. The lifecycle names follow Colyseus: {@link #onCreate}, {@link #onJoinAttempt}
 * (Colyseus' {@code onAuth}), {@link #onJoin}, {@link #onInput} and {@link #onMessage},
 * {@link #onTick}, {@link #onDetach} and {@link #onResume}, {@link #onLeave}, {@link #onDispose}.
 * Every callback gets the room's {@link RoomContext}: the world, the players, and what the game can do
 * (send messages, kick, lock, set metadata, close the room).
 * <p>
 * Thread: every call comes from the room loop thread that owns the room, one at a time; a game needs no
 * locks, and must not block or keep a reference to the context for another thread.
 * <p>
 * Tick order: inputs are queued per player as they arrive; at each tick every player's oldest
 * queued input (at most one per player) is delivered through {@link #onInput}, then
 * {@link #onTick} advances the simulation, then the server captures the world as the tick's
 * snapshot. One input per player per tick is what client-side prediction replays, so a game
 * that stores input intent in {@code onInput} and applies it in {@code onTick} is stepped on the
 * server exactly as the client predicted it, however the network bunched the inputs. Messages are
 * not queued per tick: {@link #onMessage} runs as each one arrives, in arrival order per player.
 * <p>
 * Failures: an exception from {@link #onJoinAttempt} or {@link #onJoin} refuses that player (close
 * 1011) and the room plays on; from {@link #onCreate} the room never starts; from any other callback the
 * room is closed (1011 for every player). Each is logged with the room, the callback and the player.
 */
public interface GameLogic
{
    /**
     * The room was created: spawn the initial world (NPCs, level) here.
     *
     * @param room    the room.
     * @param options the room's options (from the join that created it or the operator's
     *                {@code POST /rooms}), already accepted by {@link GameLogicFactory#validateOptions}.
     */
    default void onCreate(final RoomContext room, final Map<String, String> options)
    {
    }

    /**
     * A player asks to join: accept, or refuse with a game-defined close code. Runs before the player
     * is in the room; a refusal closes only that connection and releases its seat.
     *
     * @param room    the room.
     * @param request the player (with its ticket's claims) and its join options.
     * @return {@link Admission#accept()} or {@link Admission#refuse(int, String)}.
     */
    default Admission onJoinAttempt(final RoomContext room, final JoinRequest request)
    {
        return Admission.accept();
    }

    /**
     * An admitted player joined; it receives {@code Welcome} after this returns, so messages sent to it here
     * arrive right after its {@code Welcome}.
     *
     * @param room   the room.
     * @param player the player; {@link Player#entityId(int)} records the entity it controls.
     */
    void onJoin(RoomContext room, Player player);

    /**
     * One input of a player, in the order the client sent them, at most one per player per tick, right
     * before {@link #onTick}. The payload is only valid during the call: copy what you keep.
     *
     * @param room    the room.
     * @param player  the player who sent it.
     * @param seq     the client's input sequence number.
     * @param payload buffer holding the game-defined input bytes.
     * @param offset  where they start.
     * @param length  how many there are.
     */
    void onInput(RoomContext room, Player player, int seq, DirectBuffer payload, int offset, int length);

    /**
     * One game message of a player, delivered as it arrives (not per tick), each exactly once and in the
     * order the player sent them. The server does not interpret {@code type} (it is at least 1); ignore or
     * {@link RoomContext#kick kick} for types the game does not know. The payload is only valid during the
     * call: copy what you keep.
     *
     * @param room    the room.
     * @param player  the sender.
     * @param type    game-defined message type, at least 1.
     * @param payload buffer holding the bytes.
     * @param offset  where they start.
     * @param length  how many there are.
     */
    default void onMessage(
        final RoomContext room, final Player player, final int type, final DirectBuffer payload, final int offset,
        final int length)
    {
    }

    /**
     * Advance the simulation by one fixed step of {@link RoomContext#tickSeconds()}.
     *
     * @param room the room.
     * @param tick the tick being computed (1 for the first).
     */
    void onTick(RoomContext room, int tick);

    /**
     * A player's connection was lost; the player stays (entity, seat, queued inputs) for the resume grace
     * period. Either {@link #onResume} or {@link #onLeave} follows.
     *
     * @param room   the room.
     * @param player the player.
     */
    default void onDetach(final RoomContext room, final Player player)
    {
    }

    /**
     * A detached player came back on a new connection.
     *
     * @param room   the room.
     * @param player the same player object as before.
     */
    default void onResume(final RoomContext room, final Player player)
    {
    }

    /**
     * A player left: usually destroy its entity. Not called when the whole room closes.
     *
     * @param room      the room.
     * @param player    the player.
     * @param consented true when the client left on purpose (a {@code Leave} or close 1000); false when
     *                  the connection was lost and not resumed in time, the player was kicked, or the
     *                  server closed the connection.
     */
    void onLeave(RoomContext room, Player player, boolean consented);

    /**
     * The room is gone (closed, or empty past its linger): the last call. Release what the game holds
     * outside the room. The context's actions do nothing any more.
     *
     * @param room the room.
     */
    default void onDispose(final RoomContext room)
    {
    }
}
