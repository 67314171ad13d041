package io.tickwire.protocol.ticket;

import java.time.Instant;

/**
 * The verified content of a join ticket. Exactly one of {@code roomId} and {@code roomType} is
 * non-null.
 *
 * @param playerId  the player the backend vouches for.
 * @param roomId    the one room it may join, or null.
 * @param roomType  the room type it may join or create, or null.
 * @param expiresAt when the ticket stops being valid.
 * @param nonce     unique per ticket; a ticket is accepted once.
 */
public record JoinTicket(String playerId, String roomId, String roomType, Instant expiresAt, String nonce)
{
}
