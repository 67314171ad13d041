package io.tickwire.server.room;

import java.util.concurrent.ConcurrentHashMap;

/**
 * Resume tokens of live players: token to the room and the player's key. Room loops register a
 * token when they welcome a player and drop it when the player is gone; event loops look a token
 * up when a client asks to resume. Thread-safe. A token is a secret: it is never logged.
 */
public final class ResumeRegistry
{
    private final ConcurrentHashMap<String, Target> byToken = new ConcurrentHashMap<>();

    /**
     * Where a resume token leads.
     *
     * @param room      the player's room.
     * @param playerKey the player's key within its room loop.
     */
    public record Target(RoomHandle room, long playerKey)
    {
    }

    /**
     * @param token resume token from {@code Join.resume_token}.
     * @return where it leads, or null when unknown or expired.
     */
    public Target lookup(final String token)
    {
        return token == null ? null : byToken.get(token);
    }

    void put(final String token, final Target target)
    {
        byToken.put(token, target);
    }

    void remove(final String token)
    {
        if (token != null)
        {
            byToken.remove(token);
        }
    }

    /**
     * @return live tokens.
     */
    public int size()
    {
        return byToken.size();
    }
}
