package io.tickwire.server.config;

import io.tickwire.protocol.ticket.JoinTickets;

import java.nio.charset.StandardCharsets;

import static io.tickwire.server.config.OptionChecks.require;

/**
 * Who may join and rejoin: the join-ticket secret and how long a lost player is kept for a resume.
 *
 * @param ticketSecret  join-ticket HMAC secret (at least {@link JoinTickets#MIN_SECRET_BYTES} bytes), or
 *                      null for open mode where anyone may join (an empty one is stored as null).
 * @param resumeGraceMs how long a player whose connection was lost is kept for a resume; 0 disables resuming.
 */
public record AuthSettings(String ticketSecret, long resumeGraceMs)
{
    /** How long a player whose connection was lost is kept for a resume. */
    public static final long DEFAULT_RESUME_GRACE_MS = 10_000;

    /**
     * @throws IllegalArgumentException naming the first invalid option and its value (never the secret).
     */
    public AuthSettings
    {
        require(ticketSecret == null || ticketSecret.isEmpty() ||
            ticketSecret.getBytes(StandardCharsets.UTF_8).length >= JoinTickets.MIN_SECRET_BYTES, "ticketSecret",
            "<" + (ticketSecret == null ? 0 : ticketSecret.length()) + " chars, need at least " +
            JoinTickets.MIN_SECRET_BYTES + " bytes>");
        require(resumeGraceMs >= 0, "resumeGraceMs", resumeGraceMs);
        ticketSecret = ticketSecret == null || ticketSecret.isEmpty() ? null : ticketSecret;
    }

    @Override
    public String toString()
    {
        return "AuthSettings[joinTickets=" + (ticketSecret == null ? "OFF (open mode)" : "required") +
            ", resumeGraceMs=" + resumeGraceMs + "]";
    }
}
