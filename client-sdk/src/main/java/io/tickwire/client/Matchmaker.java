package io.tickwire.client;

import io.tickwire.protocol.CloseCodes;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executor;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * Joins a room of a Tickwire fleet through its matchmaker ({@code java -jar tickwire-server.jar
 * matchmaker}): one HTTP request returns the server to dial, the room and a room-bound join ticket;
 * {@link #joinOrCreate(String, Function)} then dials that server and joins, in one call.
 * <p>
 * A session closed with {@link CloseCodes#SERVER_DRAINING} (4016) was on a server that is going
 * away: call the matchmaker again (not the old server's URL) to be placed on another one. A {@link Seat}
 * ({@link #seat(String, Function)}) does that by itself: it keeps a player in the fleet across drains,
 * rejoining through the matchmaker with bounded attempts and telling the game through a
 * {@link RejoinListener}.
 * <p>
 * Thread-safe; the futures complete on the JDK HTTP client's threads, then the SDK's callback thread.
 */
public final class Matchmaker
{
    /** Longest the matchmaker's answer may take. */
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(5);
    /**
     * How a {@link Seat} rejoins after its server drained: up to 5 attempts (matchmaker request plus join),
     * 200 ms doubling to 2 s between them with full jitter (so a drained server's players do not ask all
     * at once), none later than 30 s after the close.
     */
    public static final ReconnectPolicy DEFAULT_REJOIN_POLICY = ReconnectPolicy.builder().initialDelayMs(200)
        .maxDelayMs(2_000).maxAttempts(5).giveUpAfterMs(30_000).build();

    private final URI baseUri;
    private final String apiToken;
    private final Duration timeout;
    private final HttpClient http;

    /**
     * What the matchmaker answered: dial {@code url}, join {@code roomId} with {@code ticket}.
     *
     * @param url      the server's WebSocket URL.
     * @param roomId   the room.
     * @param ticket   the room-bound join ticket (short-lived; its seat is held for about 15 s).
     * @param playerId the player id in the ticket.
     */
    public record Placement(URI url, String roomId, String ticket, String playerId)
    {
        /**
         * @return the join request for the placed room with its ticket.
         */
        public JoinRequest joinRequest()
        {
            return JoinRequest.byId(roomId).ticket(ticket);
        }
    }

    /**
     * @param baseUri  the matchmaker, e.g. {@code http://matchmaker:7360}.
     * @param apiToken bearer token when the matchmaker requires one, else null.
     * @param timeout  longest an answer may take.
     */
    public Matchmaker(final URI baseUri, final String apiToken, final Duration timeout)
    {
        this.baseUri = Objects.requireNonNull(baseUri, "baseUri");
        this.apiToken = apiToken;
        this.timeout = Objects.requireNonNull(timeout, "timeout");
        this.http = HttpClient.newBuilder().connectTimeout(timeout).build();
    }

    /**
     * @param baseUri the matchmaker, e.g. {@code http://matchmaker:7360}.
     */
    public Matchmaker(final URI baseUri)
    {
        this(baseUri, null, DEFAULT_TIMEOUT);
    }

    /**
     * Ask for a seat in a room of the type (the fullest with a free seat, or a new one).
     *
     * @param roomType room type.
     * @param playerId player id for the ticket, or null to let the matchmaker pick one.
     * @return the placement; fails with a {@link TickwireException} whose message carries the
     * matchmaker's HTTP status and reason (503 while the fleet's directory is unavailable).
     */
    public CompletableFuture<Placement> requestJoinOrCreate(final String roomType, final String playerId)
    {
        return request("/v1/join-or-create", "roomType", roomType, playerId);
    }

    /**
     * Ask for a seat in one room.
     *
     * @param roomId   room id.
     * @param playerId player id for the ticket, or null to let the matchmaker pick one.
     * @return the placement, or the failure (404 no such room, 409 full, 503 unavailable).
     */
    public CompletableFuture<Placement> requestJoinById(final String roomId, final String playerId)
    {
        return request("/v1/join-by-id", "roomId", roomId, playerId);
    }

    /**
     * Ask the matchmaker, dial the server it names and join the room: one call.
     *
     * @param roomType room type.
     * @param options  client options for the server URL (at least {@code ClientOptions.builder().uri(url).build()}).
     * @return the joined client ({@link TickwireClient#session()} is the room session); the caller closes it.
     */
    public CompletableFuture<TickwireClient> joinOrCreate(
        final String roomType, final Function<URI, ClientOptions> options)
    {
        return requestJoinOrCreate(roomType, null).thenCompose(placement -> join(placement, options));
    }

    /**
     * A seat for a player in a room of the type, not joined yet: add listeners, then {@link Seat#join()}.
     *
     * @param roomType room type.
     * @param options  client options for a server URL (at least {@code ClientOptions.builder().uri(url).build()});
     *                 called again for every server the seat joins.
     * @return the seat, with {@link #DEFAULT_REJOIN_POLICY}.
     */
    public Seat seat(final String roomType, final Function<URI, ClientOptions> options)
    {
        return new Seat(this, roomType, options);
    }

    /**
     * Dial the placed server and join the placed room.
     *
     * @param placement what the matchmaker answered.
     * @param options   client options for the server URL.
     * @return the joined client; on failure the client is closed.
     */
    public static CompletableFuture<TickwireClient> join(
        final Placement placement, final Function<URI, ClientOptions> options)
    {
        final TickwireClient client = new TickwireClient(options.apply(placement.url()));
        return client.join(placement.joinRequest()).handle((session, ex) ->
        {
            if (ex != null)
            {
                client.close();
                throw ex instanceof RuntimeException ? (RuntimeException)ex : new TickwireException(
                    TickwireException.ABNORMAL_CLOSURE, ex.toString());
            }
            return client;
        });
    }

    private CompletableFuture<Placement> request(
        final String path, final String field, final String value, final String playerId)
    {
        final StringBuilder body = new StringBuilder("{").append(quote(field)).append(':').append(quote(value));
        if (playerId != null)
        {
            body.append(",\"playerId\":").append(quote(playerId));
        }
        body.append('}');
        final HttpRequest.Builder request = HttpRequest.newBuilder(baseUri.resolve(path)).timeout(timeout)
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(body.toString()));
        if (apiToken != null)
        {
            request.header("Authorization", "Bearer " + apiToken);
        }
        return http.sendAsync(request.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8))
            .thenApply(response ->
            {
                final Map<String, String> fields = parseFlatObject(response.body());
                if (response.statusCode() != 200)
                {
                    throw new TickwireException(TickwireException.ABNORMAL_CLOSURE, "matchmaker refused: status=" +
                        response.statusCode() + ", reason=" + fields.getOrDefault("error", response.body()));
                }
                return new Placement(URI.create(fields.get("url")), fields.get("roomId"), fields.get("ticket"),
                    fields.get("playerId"));
            });
    }

    private static String quote(final String value)
    {
        final StringBuilder out = new StringBuilder(value.length() + 2).append('"');
        for (int i = 0; i < value.length(); i++)
        {
            final char c = value.charAt(i);
            if (c == '"' || c == '\\')
            {
                out.append('\\').append(c);
            }
            else if (c < 0x20)
            {
                out.append(String.format("\\u%04x", (int)c));
            }
            else
            {
                out.append(c);
            }
        }
        return out.append('"').toString();
    }

    /**
     * The matchmaker's answers are flat JSON objects; values that are not strings are kept as their text.
     */
    static Map<String, String> parseFlatObject(final String json)
    {
        final Map<String, String> fields = new HashMap<>();
        int i = json.indexOf('{') + 1;
        while (i > 0 && i < json.length())
        {
            final int keyStart = json.indexOf('"', i);
            if (keyStart < 0)
            {
                break;
            }
            final StringBuilder key = new StringBuilder();
            i = readString(json, keyStart, key);
            i = json.indexOf(':', i) + 1;
            while (i < json.length() && Character.isWhitespace(json.charAt(i)))
            {
                i++;
            }
            final StringBuilder value = new StringBuilder();
            if (i < json.length() && json.charAt(i) == '"')
            {
                i = readString(json, i, value);
            }
            else
            {
                while (i < json.length() && json.charAt(i) != ',' && json.charAt(i) != '}')
                {
                    value.append(json.charAt(i++));
                }
            }
            fields.put(key.toString(), value.toString().trim());
            i = json.indexOf(',', i) + 1;
        }
        return fields;
    }

    private static int readString(final String json, final int quote, final StringBuilder out)
    {
        int i = quote + 1;
        while (i < json.length() && json.charAt(i) != '"')
        {
            char c = json.charAt(i++);
            if (c == '\\' && i < json.length())
            {
                c = json.charAt(i++);
                switch (c)
                {
                    case 'n' -> c = '\n';
                    case 't' -> c = '\t';
                    case 'r' -> c = '\r';
                    case 'b' -> c = '\b';
                    case 'f' -> c = '\f';
                    case 'u' ->
                    {
                        c = (char)Integer.parseInt(json.substring(i, i + 4), 16);
                        i += 4;
                    }
                    default ->
                    {
                    }
                }
            }
            out.append(c);
        }
        return i + 1;
    }

    /**
     * What a {@link Seat} tells the game about rejoining. Every method has a no-op default.
     * <p>
     * Threads: an SDK thread (the old session's callback thread, a timer thread, or the JDK HTTP client's);
     * one call at a time per seat, in order. Do not block in them; in {@link DeliveryMode#POLL} they are not
     * queued for {@link TickwireClient#poll()}.
     */
    public interface RejoinListener
    {
        /**
         * The seat's server drained (or an earlier attempt failed): an attempt to rejoin through the
         * matchmaker starts after its backoff.
         *
         * @param seat      the seat.
         * @param closeCode the close code that started the rejoin ({@link CloseCodes#SERVER_DRAINING}).
         * @param reason    its reason, or the previous attempt's failure.
         * @param attempt   1 for the first attempt.
         */
        default void onRejoining(final Seat seat, final int closeCode, final String reason, final int attempt)
        {
        }

        /**
         * The player is in a room again, on the server the matchmaker chose; {@code session} is the new room's
         * session (a new {@link RoomSession}, new mirror, same player id), already carrying the seat's listeners.
         *
         * @param seat    the seat.
         * @param session the new session.
         */
        default void onRejoined(final Seat seat, final RoomSession session)
        {
        }

        /**
         * No attempt succeeded within the policy's attempts and time: the seat is closed.
         *
         * @param seat    the seat.
         * @param failure why, with the close code that started the rejoin.
         */
        default void onRejoinFailed(final Seat seat, final TickwireException failure)
        {
        }
    }

    /**
     * A player's place in the fleet, kept across servers. {@link #join()} asks the matchmaker and joins the
     * room it names on a new {@link TickwireClient}; when that server drains (the session closes with
     * {@link CloseCodes#SERVER_DRAINING}, see {@link ReconnectPolicy#rejoinsThroughMatchmakerOn(int)}), the
     * seat asks the matchmaker again for a room of the same type with the same player id and joins it on a
     * new client, as its rejoin policy says (backoff with jitter, at most {@link ReconnectPolicy#maxAttempts()}
     * attempts, none after {@link ReconnectPolicy#giveUpAfterMs()}). A room does not move with its players:
     * the new room is another room of the type, its state is the new room's, and what the game kept only in
     * the old room is lost (as it would be on the old server).
     * <p>
     * Listeners added with {@link #addListener(SessionListener)} are put on every client the seat uses, so
     * they see the first snapshot of each room; the old session's {@link SessionListener#onClosed} with 4016
     * arrives while {@link #isRejoining()} is already true. Any other close ends the seat as it ends a
     * session. A lost connection is first resumed by the client itself ({@link ClientOptions#reconnectPolicy()});
     * only a drain rejoins.
     * <p>
     * Thread-safe.
     */
    public static final class Seat implements AutoCloseable
    {
        private final Matchmaker matchmaker;
        private final String roomType;
        private final Function<URI, ClientOptions> options;
        private final List<SessionListener> listeners = new CopyOnWriteArrayList<>();
        private final List<RejoinListener> rejoinListeners = new CopyOnWriteArrayList<>();
        private final SessionListener drainWatcher = new SessionListener()
        {
            @Override
            public void onClosed(final RoomSession session, final int closeCode, final String reason)
            {
                onSessionClosed(session, closeCode, reason);
            }
        };
        private ReconnectPolicy rejoinPolicy = DEFAULT_REJOIN_POLICY;
        private String playerId;
        private TickwireClient client;
        private boolean joinStarted;
        private boolean closed;
        private boolean rejoining;
        private int attempt;
        private long lostAtNs;
        private int lossCode;
        private String lastFailure = "";
        private int rejoins;

        Seat(final Matchmaker matchmaker, final String roomType, final Function<URI, ClientOptions> options)
        {
            this.matchmaker = matchmaker;
            this.roomType = Objects.requireNonNull(roomType, "roomType");
            this.options = Objects.requireNonNull(options, "options");
        }

        /**
         * @param policy how to rejoin after a drain; {@link ReconnectPolicy#disabled()} to end the seat instead.
         * @return this.
         * @throws IllegalStateException after {@link #join()}.
         */
        public synchronized Seat rejoinPolicy(final ReconnectPolicy policy)
        {
            checkNotJoined();
            this.rejoinPolicy = Objects.requireNonNull(policy, "policy");
            return this;
        }

        /**
         * @param playerId the player id for the matchmaker's tickets; by default the matchmaker picks one and
         *                 the seat keeps it for every rejoin.
         * @return this.
         * @throws IllegalStateException after {@link #join()}.
         */
        public synchronized Seat playerId(final String playerId)
        {
            checkNotJoined();
            this.playerId = playerId;
            return this;
        }

        /**
         * Put a listener on the current client and on every client the seat joins later. Any thread.
         *
         * @param listener the listener.
         * @return this.
         */
        public Seat addListener(final SessionListener listener)
        {
            Objects.requireNonNull(listener, "listener");
            final TickwireClient current;
            synchronized (this)
            {
                listeners.add(listener);
                current = client;
            }
            if (current != null)
            {
                current.addListener(listener);
            }
            return this;
        }

        /**
         * @param listener told about rejoins. Any thread.
         * @return this.
         */
        public Seat addRejoinListener(final RejoinListener listener)
        {
            rejoinListeners.add(Objects.requireNonNull(listener, "listener"));
            return this;
        }

        /**
         * Ask the matchmaker for a room of the seat's type and join it. Once per seat.
         *
         * @return completes with the first session, or fails as {@link Matchmaker#joinOrCreate} does (the seat
         * is then closed).
         */
        public CompletableFuture<RoomSession> join()
        {
            final String id;
            synchronized (this)
            {
                checkNotJoined();
                if (closed)
                {
                    return CompletableFuture.failedFuture(new IllegalStateException("seat is closed"));
                }
                joinStarted = true;
                id = playerId;
            }
            return matchmaker.requestJoinOrCreate(roomType, id).thenCompose(this::joinPlacement)
                .whenComplete((session, ex) ->
                {
                    if (ex != null)
                    {
                        close();
                    }
                });
        }

        /**
         * @return the client of the current (or last) room, null before the first join.
         */
        public synchronized TickwireClient client()
        {
            return client;
        }

        /**
         * @return the current room's session, null before the first join and while rejoining.
         */
        public RoomSession session()
        {
            final TickwireClient current = client();
            return current == null ? null : current.session();
        }

        /**
         * @return the player id the matchmaker's tickets carry, null before the first placement.
         */
        public synchronized String playerId()
        {
            return playerId;
        }

        /**
         * @return true from a drain's close until the seat is in a room again or gave up.
         */
        public synchronized boolean isRejoining()
        {
            return rejoining;
        }

        /**
         * @return completed rejoins since {@link #join()}.
         */
        public synchronized int rejoins()
        {
            return rejoins;
        }

        /**
         * @return true once closed (by the game, or after a failed rejoin).
         */
        public synchronized boolean isClosed()
        {
            return closed;
        }

        /**
         * Leave the room and stop rejoining: closes the current client. Idempotent.
         */
        @Override
        public void close()
        {
            final TickwireClient current;
            synchronized (this)
            {
                closed = true;
                rejoining = false;
                current = client;
            }
            if (current != null)
            {
                current.close();
            }
        }

        @Override
        public String toString()
        {
            return "Seat{roomType=" + roomType + ", playerId=" + playerId() + ", rejoins=" + rejoins() +
                ", rejoining=" + isRejoining() + ", closed=" + isClosed() + '}';
        }

        private void checkNotJoined()
        {
            if (joinStarted)
            {
                throw new IllegalStateException("seat already joined: roomType=" + roomType);
            }
        }

        private CompletableFuture<RoomSession> joinPlacement(final Placement placement)
        {
            final TickwireClient next = new TickwireClient(options.apply(placement.url()));
            next.addListener(drainWatcher);
            synchronized (this)
            {
                if (closed)
                {
                    next.close();
                    return CompletableFuture.failedFuture(new TickwireException(CloseCodes.NORMAL, "seat closed"));
                }
                if (playerId == null)
                {
                    playerId = placement.playerId();
                }
                for (final SessionListener listener : listeners)
                {
                    next.addListener(listener);
                }
                client = next;
            }
            return next.join(placement.joinRequest()).whenComplete((session, ex) ->
            {
                if (ex != null)
                {
                    next.close();
                }
            });
        }

        private void onSessionClosed(final RoomSession session, final int closeCode, final String reason)
        {
            final TickwireClient old;
            synchronized (this)
            {
                if (closed || rejoining || client == null || client.session() != session)
                {
                    return;
                }
                if (!ReconnectPolicy.rejoinsThroughMatchmakerOn(closeCode) || !rejoinPolicy.enabled())
                {
                    closed = true;
                    return;
                }
                rejoining = true;
                attempt = 0;
                lostAtNs = System.nanoTime();
                lossCode = closeCode;
                lastFailure = reason;
                old = client;
            }
            old.close();
            scheduleAttempt();
        }

        private void scheduleAttempt()
        {
            final int n;
            final long delayMs;
            final String reason;
            synchronized (this)
            {
                if (!rejoining)
                {
                    return;
                }
                n = ++attempt;
                reason = lastFailure;
                delayMs = rejoinPolicy.delayMs(n, ThreadLocalRandom.current().nextDouble());
                final long elapsedMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - lostAtNs);
                if (rejoinPolicy.maxAttempts() > 0 && n > rejoinPolicy.maxAttempts())
                {
                    giveUp("no rejoin after " + rejoinPolicy.maxAttempts() + " attempts; last: " + reason);
                    return;
                }
                if (elapsedMs + delayMs >= rejoinPolicy.giveUpAfterMs())
                {
                    giveUp("no rejoin within giveUpAfterMs=" + rejoinPolicy.giveUpAfterMs() + " (" + (n - 1) +
                        " attempts); last: " + reason);
                    return;
                }
            }
            for (final RejoinListener listener : rejoinListeners)
            {
                listener.onRejoining(this, lossCode, reason, n);
            }
            final Executor later = CompletableFuture.delayedExecutor(delayMs, TimeUnit.MILLISECONDS);
            CompletableFuture.runAsync(this::attempt, later);
        }

        private void attempt()
        {
            final String id;
            synchronized (this)
            {
                if (!rejoining)
                {
                    return;
                }
                id = playerId;
            }
            matchmaker.requestJoinOrCreate(roomType, id).thenCompose(this::joinPlacement).whenComplete((session, ex) ->
            {
                if (ex == null)
                {
                    onRejoined(session);
                }
                else
                {
                    final Throwable cause = ex instanceof CompletionException && ex.getCause() != null ?
                        ex.getCause() : ex;
                    synchronized (this)
                    {
                        lastFailure = String.valueOf(cause.getMessage());
                    }
                    scheduleAttempt();
                }
            });
        }

        private void onRejoined(final RoomSession session)
        {
            synchronized (this)
            {
                if (!rejoining)
                {
                    return;
                }
                rejoining = false;
                rejoins++;
            }
            for (final RejoinListener listener : rejoinListeners)
            {
                listener.onRejoined(this, session);
            }
        }

        /** Called holding the lock; listeners run after it is released. */
        private void giveUp(final String why)
        {
            rejoining = false;
            closed = true;
            final TickwireException failure = new TickwireException(lossCode, why);
            CompletableFuture.runAsync(() ->
            {
                for (final RejoinListener listener : rejoinListeners)
                {
                    listener.onRejoinFailed(this, failure);
                }
            });
        }
    }
}
