package io.tickwire.server.room;

/**
 * Finds the {@link ClientLink} behind a connection id from a ring record. Implemented by the
 * transport's session registry. Thread-safe.
 */
@FunctionalInterface
public interface ClientLinks
{
    /**
     * @param connectionId id from a ring record.
     * @return the link, or null when the connection already closed.
     */
    ClientLink byConnectionId(long connectionId);
}
