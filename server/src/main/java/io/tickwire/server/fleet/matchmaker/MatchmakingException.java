package io.tickwire.server.fleet.matchmaker;

/**
 * A request the matchmaker cannot place, with the HTTP status to answer and the reason.
 */
public final class MatchmakingException extends RuntimeException
{
    private static final long serialVersionUID = 1L;

    private final int httpStatus;

    /**
     * @param httpStatus 400 bad request, 404 no such room, 409 room full, 503 Redis or servers unavailable.
     * @param reason     what happened, with the values.
     */
    public MatchmakingException(final int httpStatus, final String reason)
    {
        super(reason);
        this.httpStatus = httpStatus;
    }

    /**
     * @return the HTTP status to answer with.
     */
    public int httpStatus()
    {
        return httpStatus;
    }
}
