package io.tickwire.client;

/**
 * Opens a new connection whose pipeline ends in the given link. {@link ClientConnection} calls it on the
 * session's event loop for resume attempts; {@link TickwireClient} implements it with its bootstrap.
 */
@FunctionalInterface
interface Connector
{
    /**
     * @param link             the link to put last in the new pipeline; attach the new channel to it.
     * @param connectTimeoutMs bound on the TCP connect.
     */
    void connect(Link link, int connectTimeoutMs);
}
