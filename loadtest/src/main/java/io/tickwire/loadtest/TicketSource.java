package io.tickwire.loadtest;

import io.tickwire.client.JoinRequest;
import io.tickwire.protocol.ticket.JoinTickets;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * Where each bot's join ticket comes from, for a server that checks tickets: none (open mode), minted per bot
 * with the server's secret ({@code --ticket-secret}), or read from a file of tickets, one a line, bot N taking
 * line N+1 ({@code --ticket-file}). Immutable.
 * <p>
 * Thread: the control thread, when a bot starts.
 */
interface TicketSource
{
    /** Default lifetime of a minted ticket: long enough for any ramp-up. */
    Duration DEFAULT_TICKET_TTL = Duration.ofMinutes(10);

    /**
     * @param botIndex bot number, from 0.
     * @param request  what the bot joins.
     * @return the request with the bot's ticket, or as it was.
     */
    JoinRequest apply(int botIndex, JoinRequest request);

    /**
     * @return what the report says about it: {@code none}, {@code secret} or {@code file:<path>}.
     */
    String describe();

    /**
     * @return no tickets: the server is in open mode.
     */
    static TicketSource none()
    {
        return new TicketSource()
        {
            @Override
            public JoinRequest apply(final int botIndex, final JoinRequest request)
            {
                return request;
            }

            @Override
            public String describe()
            {
                return "none";
            }
        };
    }

    /**
     * Mint a ticket per bot: player id {@code bot-N}, scoped to the room type or room id it joins by.
     *
     * @param secret the server's ticket secret.
     * @param claims custom claims every ticket carries (the game reads them at join), empty for none.
     * @param ttl    lifetime of each ticket from the moment its bot starts.
     * @return the source.
     * @throws IllegalArgumentException naming the problem when the secret is too short or the ttl not positive.
     */
    static TicketSource minted(final String secret, final Map<String, String> claims, final Duration ttl)
    {
        final JoinTickets tickets = JoinTickets.ofSecret(secret);
        if (ttl.isNegative() || ttl.isZero())
        {
            throw new IllegalArgumentException("invalid option: ticket-ttl=" + ttl + " (must be above 0)");
        }
        final Map<String, String> copy = Map.copyOf(claims);
        return new TicketSource()
        {
            @Override
            public JoinRequest apply(final int botIndex, final JoinRequest request)
            {
                final String player = "bot-" + botIndex;
                final Instant expiresAt = Instant.now().plus(ttl);
                return request.ticket(!request.roomId().isEmpty() ?
                    tickets.mintForRoom(player, request.roomId(), expiresAt, copy) :
                    tickets.mintForType(player, request.roomType(), expiresAt, copy));
            }

            @Override
            public String describe()
            {
                return "secret";
            }
        };
    }

    /**
     * Read tickets from a file, one a line (blank lines skipped); bot N gets the N+1-th ticket.
     *
     * @param file the file.
     * @param bots bots in the swarm: the file must hold at least that many tickets.
     * @return the source.
     * @throws IllegalArgumentException naming the file and both counts when it holds fewer tickets than bots,
     *                                  or the file when it cannot be read.
     */
    static TicketSource file(final Path file, final int bots)
    {
        final List<String> tickets;
        try
        {
            tickets = Files.readAllLines(file, StandardCharsets.UTF_8).stream()
                .map(String::trim).filter(s -> !s.isEmpty()).toList();
        }
        catch (final IOException | UncheckedIOException ex)
        {
            throw new IllegalArgumentException("invalid option: ticket-file=" + file + " (" + ex + ")", ex);
        }
        if (tickets.size() < bots)
        {
            throw new IllegalArgumentException("invalid option: ticket-file=" + file + " holds " + tickets.size() +
                " tickets (non-blank lines) for " + bots + " bots");
        }
        return new TicketSource()
        {
            @Override
            public JoinRequest apply(final int botIndex, final JoinRequest request)
            {
                return request.ticket(tickets.get(botIndex));
            }

            @Override
            public String describe()
            {
                return "file:" + file;
            }
        };
    }
}
