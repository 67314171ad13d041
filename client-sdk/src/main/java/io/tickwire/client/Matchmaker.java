package io.tickwire.client;

import io.tickwire.protocol.CloseCodes;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;

/**
 * Joins a room of a Tickwire fleet through its matchmaker ({@code java -jar tickwire-server.jar
 * matchmaker}): one HTTP request returns the server to dial, the room and a room-bound join ticket;
 * {@link #joinOrCreate(String, Function)} then dials that server and joins, in one call.
 * <p>
 * A session closed with {@link CloseCodes#SERVER_DRAINING} (4016) was on a server that is going
 * away: call the matchmaker again (not the old server's URL) to be placed on another one.
 * <p>
 * Thread-safe; the futures complete on the JDK HTTP client's threads, then the SDK's callback thread.
 */
public final class Matchmaker
{
    /** Longest the matchmaker's answer may take. */
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(5);

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
}
