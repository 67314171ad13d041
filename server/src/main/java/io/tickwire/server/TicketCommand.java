package io.tickwire.server;

import io.tickwire.protocol.ticket.JoinTickets;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * {@code tickwire-server ticket}: mints a join ticket, with custom claims ({@code --claim name=alice}) if
 * given, as an operator's backend would with {@link JoinTickets}. For scripts, tests and operators; backends link the protocol jar instead.
 */
@Command(
    name = "ticket",
    mixinStandardHelpOptions = true,
    description = "Mint a signed join ticket for one player and one room or room type.")
final class TicketCommand implements Callable<Integer>
{
    @Option(names = "--secret", defaultValue = "${env:TICKWIRE_TICKET_SECRET:-}", required = true,
        description = "The server's ticket secret (env TICKWIRE_TICKET_SECRET).")
    String secret;

    @Option(names = "--player", required = true, description = "Player id the ticket vouches for.")
    String player;

    @Option(names = "--claim", paramLabel = "KEY=VALUE",
        description = "A custom claim the game reads in onJoinAttempt (name, team...); repeat for more. " +
            "A ticket with claims is v2.")
    Map<String, String> claims = new LinkedHashMap<>();

    @ArgGroup(multiplicity = "1")
    Scope scope;

    @Option(names = "--ttl-seconds", defaultValue = "60", description = "Seconds the ticket is valid (default ${DEFAULT-VALUE}).")
    long ttlSeconds;

    static final class Scope
    {
        @Option(names = "--room-id", required = true, description = "The one room the ticket admits to.")
        String roomId;

        @Option(names = "--room-type", required = true, description = "The room type the ticket admits to.")
        String roomType;
    }

    @Override
    public Integer call()
    {
        try
        {
            if (ttlSeconds < 1)
            {
                throw new IllegalArgumentException("invalid option: ttl-seconds=" + ttlSeconds);
            }
            final JoinTickets tickets = JoinTickets.ofSecret(secret);
            final Instant expiresAt = Instant.now().plusSeconds(ttlSeconds);
            System.out.println(scope.roomId != null ? tickets.mintForRoom(player, scope.roomId, expiresAt, claims) :
                tickets.mintForType(player, scope.roomType, expiresAt, claims));
            return 0;
        }
        catch (final IllegalArgumentException ex)
        {
            System.err.println("tickwire-server ticket: " + ex.getMessage());
            return 2;
        }
    }
}
