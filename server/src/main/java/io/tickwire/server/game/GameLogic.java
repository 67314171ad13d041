package io.tickwire.server.game;

import org.agrona.DirectBuffer;

/**
 * One room's game: created with the room, called on join, on each input, on each tick and on
 * leave. All calls come from the room loop thread that owns the room, one at a time.
 * <p>
 * Tick order: inputs are queued per player as they arrive; at each tick every player's oldest
 * queued input (at most one per player) is delivered through {@link #onInput}, then
 * {@link #onTick} advances the simulation, then the server captures the world as the tick's
 * snapshot. One input per player per tick is what client-side prediction replays, so a game
 * that stores input intent in {@code onInput} and applies it in {@code onTick} is stepped on the
 * server exactly as the client predicted it, however the network bunched the inputs.
 */
public interface GameLogic
{
    /**
     * The room was created; spawn the initial world (NPCs, level) here.
     *
     * @param world the room's world.
     */
    default void onStart(final World world)
    {
    }

    /**
     * A player joined.
     *
     * @param world  the room's world.
     * @param player the player; {@link Player#entityId(int)} records the entity it controls.
     */
    void onJoin(World world, Player player);

    /**
     * One input of a player, in the order the client sent them. The payload is only valid during
     * the call: copy what you keep.
     *
     * @param world   the room's world.
     * @param player  the player who sent it.
     * @param seq     the client's input sequence number.
     * @param payload buffer holding the game-defined input bytes.
     * @param offset  where they start.
     * @param length  how many there are.
     */
    void onInput(World world, Player player, int seq, DirectBuffer payload, int offset, int length);

    /**
     * Advance the simulation by one fixed step.
     *
     * @param world the room's world.
     * @param tick  the tick being computed (1 for the first).
     */
    void onTick(World world, int tick);

    /**
     * A player left (or its connection closed); usually destroys its entity.
     *
     * @param world  the room's world.
     * @param player the player.
     */
    void onLeave(World world, Player player);
}
