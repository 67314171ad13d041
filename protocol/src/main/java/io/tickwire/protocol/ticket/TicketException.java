package io.tickwire.protocol.ticket;

/**
 * A join ticket that must be refused, with why: malformed, forged, expired, replayed or for
 * another room.
 */
public final class TicketException extends Exception
{
    private static final long serialVersionUID = 1L;

    /**
     * @param message what is wrong, naming the values (never the secret).
     */
    public TicketException(final String message)
    {
        super(message);
    }
}
