package io.tickwire.server.fleet.matchmaker;

/**
 * Where a player goes: the server URL to dial, the room to join by id, and the room-bound ticket
 * to join with (valid until {@code expiresAtEpochSeconds}; its seat is held for the matchmaker's
 * reservation TTL).
 *
 * @param url                   the server's public WebSocket URL.
 * @param roomId                the room.
 * @param ticket                join ticket bound to the room.
 * @param playerId              the player id in the ticket.
 * @param serverId              the server's id in the directory.
 * @param createdRoom           true when this request opened the room.
 * @param expiresAtEpochSeconds ticket expiry.
 */
public record Placement(
    String url, String roomId, String ticket, String playerId, String serverId, boolean createdRoom,
    long expiresAtEpochSeconds)
{
}
