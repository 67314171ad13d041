package io.tickwire.server.game;

import java.util.Map;

/**
 * What a player asking to join brings: the player (id and claims from its verified ticket) and the options
 * of its {@code Join}. Immutable.
 *
 * @param player  the player, not yet in the room.
 * @param options every option of the player's {@code Join}: the room options among them
 *                ({@link GameLogicFactory#roomOptions}) and the player's own (a team, a name).
 */
public record JoinRequest(Player player, Map<String, String> options)
{
    /**
     * @throws NullPointerException when an argument is null.
     */
    public JoinRequest
    {
        java.util.Objects.requireNonNull(player, "player");
        options = Map.copyOf(options);
    }
}
