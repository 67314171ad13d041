package io.tickwire.protocol.ticket;

import java.time.Instant;
import java.util.Map;

/**
 * The verified content of a join ticket. Exactly one of {@code roomId} and {@code roomType} is
 * non-null.
 *
 * @param playerId  the player the backend vouches for.
 * @param roomId    the one room it may join, or null.
 * @param roomType  the room type it may join or create, or null.
 * @param expiresAt when the ticket stops being valid.
 * @param nonce     unique per ticket; a ticket is accepted once.
 * @param claims    the backend's custom claims (name, team, ...), signed with the rest; empty for a
 *                  {@code v1} ticket. Immutable.
 */
public record JoinTicket(
    String playerId, String roomId, String roomType, Instant expiresAt, String nonce, Map<String, String> claims)
{
    /**
     * @throws NullPointerException when claims is null.
     */
    public JoinTicket
    {
        claims = Map.copyOf(claims);
    }

    /**
     * A ticket without claims.
     *
     * @param playerId  the player the backend vouches for.
     * @param roomId    the one room it may join, or null.
     * @param roomType  the room type it may join or create, or null.
     * @param expiresAt when the ticket stops being valid.
     * @param nonce     unique per ticket.
     */
    public JoinTicket(
        final String playerId, final String roomId, final String roomType, final Instant expiresAt, final String nonce)
    {
        this(playerId, roomId, roomType, expiresAt, nonce, Map.of());
    }
}
