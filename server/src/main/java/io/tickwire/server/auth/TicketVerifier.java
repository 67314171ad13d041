package io.tickwire.server.auth;

import io.tickwire.protocol.ticket.JoinTicket;
import io.tickwire.protocol.ticket.JoinTickets;
import io.tickwire.protocol.ticket.TicketException;

import java.time.Clock;
import java.time.Instant;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Verifies join tickets for the server: signature and expiry (via {@link JoinTickets}), the room
 * they are for, and that each nonce is used once. Used nonces are remembered until their ticket
 * expires, so the memory is bounded by the tickets minted within one ticket lifetime (and hard-capped
 * at {@link #MAX_REMEMBERED_NONCES}). Thread-safe; called on event loops.
 */
public final class TicketVerifier
{
    /** Most used nonces remembered; beyond it (after pruning expired ones) joins are refused. */
    public static final int MAX_REMEMBERED_NONCES = 1_000_000;

    private final JoinTickets tickets;
    private final Clock clock;
    private final ConcurrentHashMap<String, Long> usedNonces = new ConcurrentHashMap<>();

    /**
     * @param tickets verifier with the shared secret.
     * @param clock   wall clock (tests inject one).
     */
    public TicketVerifier(final JoinTickets tickets, final Clock clock)
    {
        this.tickets = tickets;
        this.clock = clock;
    }

    /**
     * Check signature and expiry, and that the ticket allows this join. Does not consume it.
     *
     * @param ticket   the ticket.
     * @param roomId   the room id the client names, or empty.
     * @param roomType the room type the client names, or empty.
     * @return the ticket's content.
     * @throws TicketException why it is refused.
     */
    public JoinTicket check(final String ticket, final String roomId, final String roomType) throws TicketException
    {
        final JoinTicket t = tickets.verify(ticket, clock.instant());
        if (t.roomId() != null && !t.roomId().equals(roomId))
        {
            throw new TicketException("join ticket is for another room: ticketRoom=" + t.roomId() +
                ", requested=" + (roomId.isEmpty() ? "type " + roomType : roomId));
        }
        if (t.roomId() == null && !roomId.isEmpty())
        {
            // A type-only ticket is for matchmaking (join-or-create by type); rooms joined by id, the
            // operator's private ones included, need a ticket that names them.
            throw new TicketException("join by room id needs a ticket for that room: ticketType=" + t.roomType() +
                ", requested=" + roomId);
        }
        if (t.roomType() != null && !roomType.isEmpty() && !t.roomType().equals(roomType))
        {
            throw new TicketException("join ticket is for another room type: ticketType=" + t.roomType() +
                ", requested=" + roomType);
        }
        return t;
    }

    /**
     * Consume the ticket's nonce.
     *
     * @param ticket a checked ticket.
     * @throws TicketException when the nonce was used before (replay) or the cache is full.
     */
    public void consume(final JoinTicket ticket) throws TicketException
    {
        final long nowSeconds = clock.instant().getEpochSecond();
        if (usedNonces.size() >= MAX_REMEMBERED_NONCES)
        {
            usedNonces.values().removeIf(expiry -> expiry <= nowSeconds);
            if (usedNonces.size() >= MAX_REMEMBERED_NONCES)
            {
                throw new TicketException("too many live join tickets: remembered=" + usedNonces.size());
            }
        }
        if (usedNonces.putIfAbsent(ticket.nonce(), ticket.expiresAt().getEpochSecond()) != null)
        {
            throw new TicketException("join ticket replayed: nonce=" + ticket.nonce() + ", player=" +
                ticket.playerId());
        }
        if ((usedNonces.size() & 1023) == 0)
        {
            usedNonces.values().removeIf(expiry -> expiry <= nowSeconds);
        }
    }

    /**
     * @return the instant tickets are checked against.
     */
    public Instant now()
    {
        return clock.instant();
    }
}
