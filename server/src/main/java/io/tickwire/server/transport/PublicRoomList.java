package io.tickwire.server.transport;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.tickwire.server.room.RoomDirectory;
import io.tickwire.server.room.RoomHandle;

import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The client-facing room list, {@code GET /rooms} on the WebSocket port: for each live room its id, type,
 * players, seats, whether it is locked, and the metadata its game set; never its options (the operator's, on
 * the admin port). Filters: {@code type=NAME}, {@code free=true} (a seat is free), {@code meta.KEY=VALUE}
 * (metadata entry equals), {@code limit=N} (1..{@value #MAX_LIMIT}, default {@value #DEFAULT_LIMIT}); fullest
 * rooms first. A query it does not understand is a 400 naming the parameter.
 * <p>
 * Stateless; runs on event loops (the directory is thread-safe, the handles' fields are published by the room
 * loops).
 */
final class PublicRoomList
{
    static final String PATH = "/rooms";
    static final int DEFAULT_LIMIT = 100;
    static final int MAX_LIMIT = 1000;
    private static final String META_PREFIX = "meta.";
    private static final JsonFactory JSON = new JsonFactory();
    private static final Comparator<RoomHandle> FULLEST_FIRST =
        Comparator.comparingInt(RoomHandle::players).reversed().thenComparing(RoomHandle::id);

    /**
     * The answer: a status and its body.
     *
     * @param status      HTTP status code.
     * @param contentType body type.
     * @param body        the body.
     */
    record Answer(int status, String contentType, String body)
    {
    }

    private PublicRoomList()
    {
    }

    /**
     * @param directory the server's rooms.
     * @param uri       the request URI with its query.
     * @return 200 with {@code {"rooms":[...]}} or 400 with why.
     */
    static Answer answer(final RoomDirectory directory, final String uri)
    {
        final QueryStringDecoder query = new QueryStringDecoder(uri);
        String type = null;
        boolean free = false;
        int limit = DEFAULT_LIMIT;
        final Map<String, String> meta = new HashMap<>();
        for (final Map.Entry<String, List<String>> p : query.parameters().entrySet())
        {
            final String name = p.getKey();
            final String value = p.getValue().get(p.getValue().size() - 1);
            if (name.equals("type"))
            {
                type = value;
            }
            else if (name.equals("free"))
            {
                if (!value.equals("true") && !value.equals("false"))
                {
                    return badRequest("free must be true or false: free=" + value);
                }
                free = value.equals("true");
            }
            else if (name.equals("limit"))
            {
                try
                {
                    limit = Integer.parseInt(value);
                }
                catch (final NumberFormatException ex)
                {
                    limit = -1;
                }
                if (limit < 1 || limit > MAX_LIMIT)
                {
                    return badRequest("limit must be 1.." + MAX_LIMIT + ": limit=" + value);
                }
            }
            else if (name.startsWith(META_PREFIX) && name.length() > META_PREFIX.length())
            {
                meta.put(name.substring(META_PREFIX.length()), value);
            }
            else
            {
                return badRequest("unknown parameter: " + name + " (known: type, free, meta.KEY, limit)");
            }
        }
        final List<RoomHandle> rooms = new ArrayList<>();
        for (final RoomHandle room : directory.rooms())
        {
            if (!room.isRetired() && (type == null || room.type().equals(type)) &&
                (!free || room.seatsTaken() < room.maxPlayers()) && matches(room.metadata(), meta))
            {
                rooms.add(room);
            }
        }
        rooms.sort(FULLEST_FIRST);
        return new Answer(200, "application/json", json(rooms.subList(0, Math.min(limit, rooms.size()))));
    }

    private static boolean matches(final Map<String, String> metadata, final Map<String, String> wanted)
    {
        for (final Map.Entry<String, String> e : wanted.entrySet())
        {
            if (!e.getValue().equals(metadata.get(e.getKey())))
            {
                return false;
            }
        }
        return true;
    }

    private static Answer badRequest(final String why)
    {
        return new Answer(400, "text/plain; charset=utf-8", why + "\n");
    }

    private static String json(final List<RoomHandle> rooms)
    {
        final StringWriter out = new StringWriter(64 + rooms.size() * 128);
        try (JsonGenerator json = JSON.createGenerator(out))
        {
            json.writeStartObject();
            json.writeArrayFieldStart("rooms");
            for (final RoomHandle room : rooms)
            {
                json.writeStartObject();
                json.writeStringField("id", room.id());
                json.writeStringField("type", room.type());
                json.writeNumberField("players", room.players());
                json.writeNumberField("maxPlayers", room.maxPlayers());
                json.writeBooleanField("locked", room.isLocked());
                json.writeObjectFieldStart("metadata");
                for (final Map.Entry<String, String> e : new java.util.TreeMap<>(room.metadata()).entrySet())
                {
                    json.writeStringField(e.getKey(), e.getValue());
                }
                json.writeEndObject();
                json.writeEndObject();
            }
            json.writeEndArray();
            json.writeEndObject();
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException(ex);
        }
        return out.toString() + "\n";
    }
}
