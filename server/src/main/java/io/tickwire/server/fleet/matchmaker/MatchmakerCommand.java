package io.tickwire.server.fleet.matchmaker;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;

/**
 * {@code java -jar tickwire-server.jar matchmaker --redis-url redis://... --ticket-secret ...}: runs
 * the fleet's HTTP matchmaker until SIGTERM or SIGINT. Every option also reads an environment
 * variable.
 */
@Command(
    name = "matchmaker",
    mixinStandardHelpOptions = true,
    description = "HTTP matchmaker for a fleet of Tickwire servers sharing a Redis room directory.",
    sortOptions = false)
public final class MatchmakerCommand implements Callable<Integer>
{
    @Option(names = "--host", defaultValue = "${env:TICKWIRE_MATCHMAKER_HOST:-0.0.0.0}",
        description = "Bind address (env TICKWIRE_MATCHMAKER_HOST, default ${DEFAULT-VALUE}).")
    String host;

    @Option(names = "--port", defaultValue = "${env:TICKWIRE_MATCHMAKER_PORT:-" + MatchmakerSettings.DEFAULT_PORT + "}",
        description = "HTTP port, 0 for ephemeral (env TICKWIRE_MATCHMAKER_PORT, default ${DEFAULT-VALUE}).")
    int port;

    @Option(names = "--redis-url", defaultValue = "${env:TICKWIRE_REDIS_URL:-}",
        description = "The fleet's room directory, e.g. redis://redis:6379 (env TICKWIRE_REDIS_URL, required).")
    String redisUrl;

    @Option(names = "--ticket-secret", defaultValue = "${env:TICKWIRE_TICKET_SECRET:-}",
        description = "The servers' join-ticket secret (env TICKWIRE_TICKET_SECRET, required).")
    String ticketSecret;

    @Option(names = "--api-token", defaultValue = "${env:TICKWIRE_MATCHMAKER_TOKEN:-}",
        description = "Bearer token the placement endpoints require; set it when the game backend calls the " +
            "matchmaker for its players (env TICKWIRE_MATCHMAKER_TOKEN).")
    String apiToken;

    @Option(names = "--reservation-ttl-ms", defaultValue = "${env:TICKWIRE_RESERVATION_TTL_MS:-" +
        Matchmaker.DEFAULT_RESERVATION_TTL_MS + "}",
        description = "How long a seat is held for a client that has not arrived (env TICKWIRE_RESERVATION_TTL_MS, " +
            "default ${DEFAULT-VALUE}).")
    long reservationTtlMs;

    @Option(names = "--ticket-ttl-seconds", defaultValue = "${env:TICKWIRE_TICKET_TTL_SECONDS:-" +
        Matchmaker.DEFAULT_TICKET_TTL_SECONDS + "}",
        description = "How long a minted join ticket is valid (env TICKWIRE_TICKET_TTL_SECONDS, default ${DEFAULT-VALUE}).")
    long ticketTtlSeconds;

    @Override
    public Integer call()
    {
        final MatchmakerSettings settings;
        try
        {
            settings = new MatchmakerSettings(host, port, redisUrl, ticketSecret, apiToken, reservationTtlMs,
                ticketTtlSeconds);
        }
        catch (final IllegalArgumentException ex)
        {
            System.err.println("tickwire-matchmaker: " + ex.getMessage());
            return 2;
        }
        final MatchmakerServer server;
        try
        {
            server = MatchmakerServer.start(settings);
        }
        catch (final IllegalStateException ex)
        {
            System.err.println("tickwire-matchmaker: " + ex.getMessage());
            return 1;
        }
        System.out.println("tickwire-matchmaker: listening http://" + host + ":" + server.port() + " (" + settings + ")");
        System.out.flush();
        final CountDownLatch stopped = new CountDownLatch(1);
        for (final String name : new String[]{ "TERM", "INT" })
        {
            sun.misc.Signal.handle(new sun.misc.Signal(name), signal -> new Thread(() ->
            {
                server.close();
                stopped.countDown();
            }, "tickwire-mm-shutdown").start());
        }
        try
        {
            stopped.await();
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
        }
        return 0;
    }
}
