package io.tickwire.examples.shooter.bot;

import io.tickwire.client.JoinRequest;
import io.tickwire.examples.shooter.Shooter;
import io.tickwire.examples.shooter.ShooterMessages;
import io.tickwire.protocol.ticket.JoinTickets;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.net.URI;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;

/**
 * {@code java -jar tickwire-shooter-bot.jar}: a few bots join one shooter match, alternating teams, and play
 * until the match is over (or the time is up); then each prints what it saw. With {@code --ticket-secret} the
 * bots mint their own tickets with name and team claims, as a backend would; otherwise name and team go in
 * the join options (open mode).
 */
@Command(name = "shooter-bot", mixinStandardHelpOptions = true,
    description = "Headless shooter bots: join one match, play it, report hits, kills and chat.")
public final class BotMain implements Callable<Integer>
{
    @Option(names = "--uri", defaultValue = "ws://127.0.0.1:7070/ws", description = "Server (default ${DEFAULT-VALUE}).")
    URI uri;

    @Option(names = "--bots", defaultValue = "4", description = "Bots, alternately red and blue (default ${DEFAULT-VALUE}).")
    int bots;

    @Option(names = "--mode", defaultValue = "tdm", description = "Room option mode: tdm or duel (default ${DEFAULT-VALUE}).")
    String mode;

    @Option(names = "--map", defaultValue = "40", description = "Room option map: side in units (default ${DEFAULT-VALUE}).")
    int mapSize;

    @Option(names = "--kills", defaultValue = "5", description = "Room option kills: the kill limit (default ${DEFAULT-VALUE}).")
    int kills;

    @Option(names = "--seconds", defaultValue = "60", description = "Longest the match may take (default ${DEFAULT-VALUE}).")
    int seconds;

    @Option(names = "--ticket-secret", defaultValue = "${env:TICKWIRE_TICKET_SECRET:-}",
        description = "The server's ticket secret: mint tickets with name and team claims (env TICKWIRE_TICKET_SECRET).")
    String ticketSecret;

    /**
     * @param args command line.
     */
    public static void main(final String[] args)
    {
        System.exit(new CommandLine(new BotMain()).execute(args));
    }

    @Override
    public Integer call() throws Exception
    {
        final Map<String, String> roomOptions = Map.of(Shooter.OPTION_MODE, mode,
            Shooter.OPTION_MAP_SIZE, String.valueOf(mapSize), Shooter.OPTION_KILL_LIMIT, String.valueOf(kills));
        final List<ShooterBot> players = new ArrayList<>();
        try
        {
            for (int i = 0; i < bots; i++)
            {
                final String name = "bot-" + (i + 1);
                final String team = i % 2 == 0 ? "red" : "blue";
                final ShooterBot bot = new ShooterBot(i);
                players.add(bot);
                JoinRequest request = JoinRequest.byType(Shooter.TYPE);
                final Map<String, String> options = new HashMap<>(roomOptions);
                if (ticketSecret.isEmpty())
                {
                    options.put(Shooter.PLAYER_NAME, name);
                    options.put(Shooter.PLAYER_TEAM, team);
                }
                else
                {
                    request = request.ticket(JoinTickets.ofSecret(ticketSecret).mintForType(name, Shooter.TYPE,
                        Instant.now().plusSeconds(60), Map.of(Shooter.PLAYER_NAME, name, Shooter.PLAYER_TEAM, team)));
                }
                System.out.println(name + " joined " + bot.join(uri, request.options(options)).get(10, TimeUnit.SECONDS));
            }
            final long deadlineNs = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
            for (final ShooterBot bot : players)
            {
                bot.awaitClose(Math.max(0, deadlineNs - System.nanoTime()), TimeUnit.NANOSECONDS);
            }
            for (int i = 0; i < players.size(); i++)
            {
                final ShooterBot bot = players.get(i);
                System.out.println("bot-" + (i + 1) + ": inputs=" + bot.inputsSent() +
                    " hits=" + bot.events(ShooterMessages.Hit.class).size() +
                    " kills=" + bot.events(ShooterMessages.Kill.class).size() +
                    " chat=" + bot.events(ShooterMessages.Chat.class).size() +
                    " snapshotBytes=" + Math.round(bot.averageSnapshotBytes()) + "avg/" + bot.largestSnapshotBytes() +
                    "max" +
                    " matchOver=" + bot.events(ShooterMessages.MatchOver.class) +
                    " close=" + bot.closeCode() + " " + bot.closeReason());
            }
            return players.stream().allMatch(ShooterBot::sawMatchOver) ? 0 : 1;
        }
        finally
        {
            players.forEach(ShooterBot::close);
        }
    }
}
