/**
 * Join tickets: tokens an operator's backend signs with HMAC-SHA256 to let one player into one
 * room (by id) or one room type, until an expiry, once (a nonce). The backend mints them with
 * {@link io.tickwire.protocol.ticket.JoinTickets#mint}; the room server verifies them. Pure JDK,
 * immutable, safe on any thread.
 */
package io.tickwire.protocol.ticket;
