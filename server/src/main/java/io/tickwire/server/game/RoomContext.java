package io.tickwire.server.game;

/**
 * What a new room tells its {@link GameLogic}: identity, tick rate and a seed for deterministic
 * randomness. Immutable.
 *
 * @param roomId     the room's id.
 * @param roomType   the room type's name.
 * @param tickRateHz ticks per second.
 * @param seed       seed for the game's random numbers, derived from the room id.
 */
public record RoomContext(String roomId, String roomType, int tickRateHz, long seed)
{
    /**
     * @return duration of one tick in seconds, the fixed step {@code onTick} advances.
     */
    public double tickSeconds()
    {
        return 1.0 / tickRateHz;
    }
}
