package io.tickwire.server.fleet.matchmaker;

import io.tickwire.protocol.ticket.JoinTickets;

import java.nio.charset.StandardCharsets;

import static io.tickwire.server.config.OptionChecks.require;

/**
 * The matchmaker's configuration.
 *
 * @param host             bind address.
 * @param port             HTTP port, 0 for ephemeral.
 * @param redisUrl         the room directory ({@code redis://host:port}).
 * @param ticketSecret     the fleet's join-ticket secret (the servers' {@code --ticket-secret}).
 * @param apiToken         bearer token the placement endpoints require, or null for none.
 * @param reservationTtlMs how long a seat is held for a client that has not arrived.
 * @param ticketTtlSeconds how long a minted ticket is valid.
 */
public record MatchmakerSettings(
    String host, int port, String redisUrl, String ticketSecret, String apiToken, long reservationTtlMs,
    long ticketTtlSeconds)
{
    /** Default HTTP port. */
    public static final int DEFAULT_PORT = 7360;

    /**
     * @throws IllegalArgumentException naming the first invalid option and its value (never a secret).
     */
    public MatchmakerSettings
    {
        apiToken = apiToken == null || apiToken.isEmpty() ? null : apiToken;
        require(host != null && !host.isBlank(), "host", host);
        require(port >= 0 && port <= 65535, "port", port);
        require(redisUrl != null && (redisUrl.startsWith("redis://") || redisUrl.startsWith("rediss://")),
            "redisUrl", redisUrl == null || redisUrl.isEmpty() ? "<missing> (required: redis://host:port)" :
            "<not redis://host:port>");
        require(ticketSecret != null && ticketSecret.getBytes(StandardCharsets.UTF_8).length >=
            JoinTickets.MIN_SECRET_BYTES, "ticketSecret", "<" + (ticketSecret == null ? 0 : ticketSecret.length()) +
            " chars, need at least " + JoinTickets.MIN_SECRET_BYTES + " bytes, the same as the servers'>");
        require(reservationTtlMs >= 1_000, "reservationTtlMs", reservationTtlMs);
        require(ticketTtlSeconds >= 5, "ticketTtlSeconds", ticketTtlSeconds);
    }

    @Override
    public String toString()
    {
        return "MatchmakerSettings[host=" + host + ", port=" + port + ", reservationTtlMs=" + reservationTtlMs +
            ", ticketTtlSeconds=" + ticketTtlSeconds + ", apiToken=" + (apiToken == null ? "none" : "set") + "]";
    }
}
