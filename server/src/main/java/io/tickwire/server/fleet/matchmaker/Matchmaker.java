package io.tickwire.server.fleet.matchmaker;

import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.api.async.RedisAsyncCommands;
import io.tickwire.protocol.ticket.JoinTickets;
import io.tickwire.server.fleet.redis.FleetKeys;
import io.tickwire.server.fleet.redis.FleetScripts;
import io.tickwire.server.fleet.redis.RedisConnector;

import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Places players in rooms of the Redis room directory. Every placement is one Lua script that
 * picks and reserves atomically ({@code reserve.lua}, {@code reserve-by-id.lua}); a placement that
 * opened a new room also asks the chosen server to create it ({@code PUBLISH} on its create
 * channel) and waits until the server says the room is ready, so the client never arrives first.
 * Every other waiter for a room still being created polls its {@code ready} field. Each call
 * completes within the command timeout plus {@link #CREATE_WAIT_MS}; failures complete with a
 * {@link MatchmakingException} carrying the HTTP status and the reason.
 * <p>
 * Thread-safe: calls may come from any thread; futures complete on Lettuce I/O threads or the
 * scheduler.
 */
public final class Matchmaker
{
    /** How long a reserved seat is held for a client that has not arrived. */
    public static final long DEFAULT_RESERVATION_TTL_MS = 15_000;
    /** How long a ticket the matchmaker mints is valid. */
    public static final long DEFAULT_TICKET_TTL_SECONDS = 30;
    /** How long a new room may take to be created by its server. */
    public static final long CREATE_WAIT_MS = 3_000;
    /** How long a room registered by a matchmaker lives before its server's heartbeat takes it over. */
    public static final long PENDING_ROOM_TTL_MS = 10_000;
    /** Longest player id accepted. */
    public static final int MAX_PLAYER_ID_LENGTH = 128;

    private static final long READY_POLL_MS = 5;
    private static final String MARK_DRAINING_IF_PRESENT =
        "redis.call('ZREM', KEYS[2], ARGV[1]) " +
        "if redis.call('EXISTS', KEYS[1]) == 1 then redis.call('HSET', KEYS[1], 'draining', '1') end";
    private static final SecureRandom RANDOM = new SecureRandom();

    private final RedisConnector redisConnector;
    private final JoinTickets tickets;
    private final ScheduledExecutorService scheduler;
    private final Clock clock;
    private final long reservationTtlMs;
    private final long ticketTtlSeconds;

    /**
     * @param redisConnector   the shared Redis connection (Lettuce multiplexes it).
     * @param tickets          ticket minter with the fleet's shared secret.
     * @param scheduler        runs the ready polls.
     * @param clock            wall clock for ticket expiry.
     * @param reservationTtlMs how long a seat is held for a client that has not arrived.
     * @param ticketTtlSeconds how long a ticket is valid.
     */
    public Matchmaker(
        final RedisConnector redisConnector, final JoinTickets tickets,
        final ScheduledExecutorService scheduler, final Clock clock, final long reservationTtlMs,
        final long ticketTtlSeconds)
    {
        this.redisConnector = redisConnector;
        this.tickets = tickets;
        this.scheduler = scheduler;
        this.clock = clock;
        this.reservationTtlMs = reservationTtlMs;
        this.ticketTtlSeconds = ticketTtlSeconds;
    }

    /**
     * A seat in the fullest room of the type that has one, or in a new room.
     *
     * @param roomType room type.
     * @param playerId player id, or null for a generated one.
     * @return the placement.
     */
    public CompletableFuture<Placement> joinOrCreate(final String roomType, final String playerId)
    {
        final String player;
        try
        {
            requireLine("roomType", roomType, 64);
            player = playerId == null || playerId.isEmpty() ? generatedPlayerId() :
                requireLine("playerId", playerId, MAX_PLAYER_ID_LENGTH);
        }
        catch (final MatchmakingException ex)
        {
            return CompletableFuture.failedFuture(ex);
        }
        final String newRoomId = roomType + "-" + HexFormat.of().toHexDigits(RANDOM.nextLong());
        return redis().thenCompose(redis -> FleetScripts.RESERVE.<List<Object>>runAsync(redis, ScriptOutputType.MULTI,
                FleetKeys.PREFIX, roomType, player, Long.toString(reservationTtlMs), Long.toString(PENDING_ROOM_TTL_MS),
                newRoomId)
            .exceptionally(Matchmaker::redisDown)
            .thenCompose(reply ->
            {
                if (!"ok".equals(string(reply, 0)))
                {
                    throw new MatchmakingException(503, "no server can open a room: type=" + roomType +
                        " (no live server that is not draining, has the type and is below its room limit)");
                }
                final String roomId = string(reply, 1);
                final String serverId = string(reply, 2);
                final String url = string(reply, 3);
                final boolean created = "1".equals(string(reply, 5));
                final CompletableFuture<Void> ready;
                if (created)
                {
                    ready = requestCreate(redis, roomType, roomId, serverId);
                }
                else if ("1".equals(string(reply, 4)))
                {
                    ready = CompletableFuture.completedFuture(null);
                }
                else
                {
                    ready = awaitReady(redis, roomId, deadlineNs());
                }
                return ready.thenApply(ignored -> placement(url, roomId, player, serverId, created));
            }));
    }

    /**
     * A seat in the named room.
     *
     * @param roomId   room id.
     * @param playerId player id, or null for a generated one.
     * @return the placement.
     */
    public CompletableFuture<Placement> joinById(final String roomId, final String playerId)
    {
        final String player;
        try
        {
            requireLine("roomId", roomId, 128);
            player = playerId == null || playerId.isEmpty() ? generatedPlayerId() :
                requireLine("playerId", playerId, MAX_PLAYER_ID_LENGTH);
        }
        catch (final MatchmakingException ex)
        {
            return CompletableFuture.failedFuture(ex);
        }
        return redis().thenCompose(redis -> FleetScripts.RESERVE_BY_ID.<List<Object>>runAsync(redis,
                ScriptOutputType.MULTI, FleetKeys.PREFIX, roomId, player, Long.toString(reservationTtlMs))
            .exceptionally(Matchmaker::redisDown)
            .thenCompose(reply ->
            {
                final String status = string(reply, 0);
                switch (status)
                {
                    case "ok":
                        break;
                    case "not-found":
                        throw new MatchmakingException(404, "no such room: roomId=" + roomId);
                    case "full":
                        throw new MatchmakingException(409, "room is full: roomId=" + roomId);
                    case "draining":
                        throw new MatchmakingException(503, "room's server is draining: roomId=" + roomId);
                    default:
                        throw new MatchmakingException(503, "unexpected directory reply: " + reply);
                }
                final String serverId = string(reply, 2);
                final String url = string(reply, 3);
                final CompletableFuture<Void> ready = "1".equals(string(reply, 4)) ?
                    CompletableFuture.completedFuture(null) : awaitReady(redis, roomId, deadlineNs());
                return ready.thenApply(ignored -> placement(url, roomId, player, serverId, false));
            }));
    }

    private CompletableFuture<RedisAsyncCommands<String, String>> redis()
    {
        return redisConnector.connection().<RedisAsyncCommands<String, String>>thenApply(c -> c.async())
            .exceptionally(Matchmaker::redisDown);
    }

    private CompletableFuture<Void> requestCreate(
        final RedisAsyncCommands<String, String> redis, final String roomType, final String roomId,
        final String serverId)
    {
        return redis.publish(FleetKeys.createChannel(serverId), roomType + "\n" + roomId).toCompletableFuture()
            .exceptionally(Matchmaker::redisDown)
            .thenCompose(receivers ->
            {
                if (receivers == 0)
                {
                    // Nobody listens on its channel: the server died within its entry TTL. Mark it draining so no
                    // matchmaker picks it again; a live server's next heartbeat would set it back.
                    redis.eval(MARK_DRAINING_IF_PRESENT, ScriptOutputType.STATUS,
                        new String[]{ FleetKeys.server(serverId), FleetKeys.PREFIX + "load" }, serverId);
                    redis.del(FleetKeys.room(roomId), FleetKeys.room(roomId) + ":res");
                    redis.zrem(FleetKeys.rooms(), roomId);
                    redis.zrem(FleetKeys.PREFIX + "open:" + roomType, roomId);
                    throw new MatchmakingException(503, "server does not take room-create requests: server=" +
                        serverId + " (it may have just stopped); retry");
                }
                return awaitReady(redis, roomId, deadlineNs());
            });
    }

    private CompletableFuture<Void> awaitReady(
        final RedisAsyncCommands<String, String> redis, final String roomId, final long deadlineNs)
    {
        return redis.hget(FleetKeys.room(roomId), "ready").toCompletableFuture()
            .exceptionally(Matchmaker::redisDown)
            .thenCompose(ready ->
            {
                if ("1".equals(ready))
                {
                    return CompletableFuture.completedFuture(null);
                }
                if (ready == null)
                {
                    throw new MatchmakingException(503, "room vanished before it was ready: roomId=" + roomId);
                }
                if (ready.startsWith("failed"))
                {
                    throw new MatchmakingException(503, "server could not create the room: roomId=" + roomId +
                        ", " + ready);
                }
                if (System.nanoTime() - deadlineNs >= 0)
                {
                    throw new MatchmakingException(503, "room not created in time: roomId=" + roomId +
                        ", waitedMs=" + CREATE_WAIT_MS);
                }
                final CompletableFuture<Void> next = new CompletableFuture<>();
                scheduler.schedule(() -> awaitReady(redis, roomId, deadlineNs).whenComplete((v, ex) ->
                {
                    if (ex != null)
                    {
                        next.completeExceptionally(ex instanceof CompletionException ? ex.getCause() : ex);
                    }
                    else
                    {
                        next.complete(v);
                    }
                }), READY_POLL_MS, TimeUnit.MILLISECONDS);
                return next;
            });
    }

    private Placement placement(
        final String url, final String roomId, final String playerId, final String serverId, final boolean created)
    {
        final Instant expiresAt = clock.instant().plusSeconds(ticketTtlSeconds);
        return new Placement(url, roomId, tickets.mintForRoom(playerId, roomId, expiresAt), playerId, serverId,
            created, expiresAt.getEpochSecond());
    }

    private static long deadlineNs()
    {
        return System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(CREATE_WAIT_MS);
    }

    private static <T> T redisDown(final Throwable ex)
    {
        final Throwable cause = ex instanceof CompletionException && ex.getCause() != null ? ex.getCause() : ex;
        if (cause instanceof MatchmakingException)
        {
            throw (MatchmakingException)cause;
        }
        throw new MatchmakingException(503, "room directory unavailable (redis): " + cause.getMessage());
    }

    private static String string(final List<Object> reply, final int index)
    {
        if (reply == null || reply.size() <= index || reply.get(index) == null)
        {
            return "";
        }
        final Object value = reply.get(index);
        return value instanceof byte[] ? new String((byte[])value, java.nio.charset.StandardCharsets.UTF_8) :
            value.toString();
    }

    private static String requireLine(final String name, final String value, final int maxLength)
    {
        if (value == null || value.isEmpty() || value.length() > maxLength || value.indexOf('\n') >= 0 ||
            value.indexOf('\r') >= 0)
        {
            throw new MatchmakingException(400, name + " must be 1-" + maxLength + " characters on one line: " + name +
                "=" + (value == null ? null : value.length() > maxLength ? value.substring(0, maxLength) + "..." : value));
        }
        return value;
    }

    private static String generatedPlayerId()
    {
        return "p-" + HexFormat.of().toHexDigits(RANDOM.nextLong());
    }
}
