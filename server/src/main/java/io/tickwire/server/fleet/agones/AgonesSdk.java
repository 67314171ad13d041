package io.tickwire.server.fleet.agones;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/**
 * A client for the Agones SDK sidecar's REST API (the gRPC-gateway of {@code sdk.proto} and
 * {@code alpha.proto} as of Agones 1.57): {@code POST /ready}, {@code POST /health},
 * {@code POST /allocate}, {@code POST /shutdown}, {@code GET /gameserver}, {@code PUT /metadata/label},
 * {@code PUT /metadata/annotation}, {@code POST /alpha/player/connect},
 * {@code POST /alpha/player/disconnect}, {@code PUT /alpha/player/capacity}. Every call is
 * synchronous with a short timeout and throws {@link AgonesException} on anything but 2xx.
 * <p>
 * Thread-safe (the JDK client is); used from the fleet scheduler thread.
 */
public final class AgonesSdk
{
    /** Longest one call may take. */
    public static final Duration CALL_TIMEOUT = Duration.ofSeconds(2);

    private final URI base;
    private final HttpClient http;

    /**
     * @param port the sidecar's HTTP port on localhost ({@code AGONES_SDK_HTTP_PORT}).
     */
    public AgonesSdk(final int port)
    {
        this.base = URI.create("http://localhost:" + port);
        this.http = HttpClient.newBuilder().connectTimeout(CALL_TIMEOUT).build();
    }

    /** Tell Agones the server listens and can take players. */
    public void ready()
    {
        call("POST", "/ready", "{}");
    }

    /** Mark the GameServer Allocated (in use): a Fleet scale-down then leaves it alone. */
    public void allocate()
    {
        call("POST", "/allocate", "{}");
    }

    /** The health ping; Agones marks the GameServer Unhealthy when these stop. */
    public void health()
    {
        call("POST", "/health", "{}");
    }

    /** Ask Agones to delete this GameServer (after a drain). */
    public void shutdown()
    {
        call("POST", "/shutdown", "{}");
    }

    /**
     * @return the GameServer as the sidecar reports it ({@code object_meta}, {@code status.state},
     * {@code status.address}, {@code status.ports}).
     */
    public JsonObject gameServer()
    {
        return JsonParser.parseString(call("GET", "/gameserver", null)).getAsJsonObject();
    }

    /**
     * @param gameServer a {@link #gameServer()} reply.
     * @return its {@code status.state} ("Scheduled", "Ready", "Allocated", "Shutdown", ...), or "".
     */
    public static String state(final JsonObject gameServer)
    {
        final JsonObject status = gameServer.getAsJsonObject("status");
        return status == null || !status.has("state") ? "" : status.get("state").getAsString();
    }

    /**
     * Set a label ({@code agones.dev/sdk-<key>} on the GameServer).
     *
     * @param key   label key.
     * @param value label value.
     */
    public void setLabel(final String key, final String value)
    {
        call("PUT", "/metadata/label", keyValue(key, value));
    }

    /**
     * Set an annotation ({@code agones.dev/sdk-<key>} on the GameServer).
     *
     * @param key   annotation key.
     * @param value annotation value.
     */
    public void setAnnotation(final String key, final String value)
    {
        call("PUT", "/metadata/annotation", keyValue(key, value));
    }

    /**
     * @param playerId the player who joined.
     */
    public void playerConnect(final String playerId)
    {
        call("POST", "/alpha/player/connect", playerBody(playerId));
    }

    /**
     * @param playerId the player who left.
     */
    public void playerDisconnect(final String playerId)
    {
        call("POST", "/alpha/player/disconnect", playerBody(playerId));
    }

    /**
     * @param count most players the GameServer takes.
     */
    public void setPlayerCapacity(final long count)
    {
        final JsonObject body = new JsonObject();
        body.addProperty("count", count);
        call("PUT", "/alpha/player/capacity", body.toString());
    }

    private static String keyValue(final String key, final String value)
    {
        final JsonObject body = new JsonObject();
        body.addProperty("key", key);
        body.addProperty("value", value);
        return body.toString();
    }

    private static String playerBody(final String playerId)
    {
        final JsonObject body = new JsonObject();
        body.addProperty("playerID", playerId);
        return body.toString();
    }

    private String call(final String method, final String path, final String body)
    {
        final HttpRequest.Builder request = HttpRequest.newBuilder(base.resolve(path)).timeout(CALL_TIMEOUT)
            .header("Content-Type", "application/json");
        request.method(method, body == null ? HttpRequest.BodyPublishers.noBody() :
            HttpRequest.BodyPublishers.ofString(body));
        try
        {
            final HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() / 100 != 2)
            {
                throw new AgonesException("agones sdk " + method + " " + path + " failed: status=" +
                    response.statusCode() + ", body=" + response.body());
            }
            return response.body();
        }
        catch (final IOException ex)
        {
            throw new AgonesException("agones sdk " + method + " " + path + " failed: " + ex, ex);
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
            throw new AgonesException("agones sdk " + method + " " + path + " interrupted", ex);
        }
    }

    /** A call to the sidecar failed; the message names the call and the status or error. */
    public static final class AgonesException extends RuntimeException
    {
        private static final long serialVersionUID = 1L;

        AgonesException(final String message)
        {
            super(message);
        }

        AgonesException(final String message, final Throwable cause)
        {
            super(message, cause);
        }
    }
}
