package io.tickwire.server.admin;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import io.tickwire.server.room.RoomHandle;

import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The optional JSON body of {@code POST /rooms}:
 * {@code {"options": {"mode": "ctf", "size": "64"}, "ttlMs": 60000}}. {@code options} are string to
 * string (validated by the room type); {@code ttlMs} is how long the room waits for its first player (absent:
 * until the first join, however long). An empty body means neither. Unknown fields are refused.
 * <p>
 * Thread: the admin thread.
 *
 * @param options    room options; immutable.
 * @param emptyTtlMs {@link RoomHandle#UNTIL_FIRST_JOIN} or milliseconds.
 */
record CreateRoomBody(Map<String, String> options, long emptyTtlMs)
{
    private static final int MAX_OPTIONS = 64;
    private static final JsonFactory JSON = JsonFactory.builder()
        .streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(4).maxStringLength(4096).build())
        .build();

    /**
     * @param body the request body, possibly empty.
     * @return what it says.
     * @throws IllegalArgumentException naming what is wrong.
     */
    static CreateRoomBody parse(final String body)
    {
        if (body.isBlank())
        {
            return new CreateRoomBody(Map.of(), RoomHandle.UNTIL_FIRST_JOIN);
        }
        final Map<String, String> options = new LinkedHashMap<>();
        long ttlMs = RoomHandle.UNTIL_FIRST_JOIN;
        try (JsonParser parser = JSON.createParser(body))
        {
            expect(parser.nextToken(), JsonToken.START_OBJECT, "body");
            while (parser.nextToken() == JsonToken.FIELD_NAME)
            {
                final String field = parser.currentName();
                final JsonToken value = parser.nextToken();
                if ("options".equals(field))
                {
                    expect(value, JsonToken.START_OBJECT, "options");
                    while (parser.nextToken() == JsonToken.FIELD_NAME)
                    {
                        final String key = parser.currentName();
                        expect(parser.nextToken(), JsonToken.VALUE_STRING, "options." + key);
                        options.put(key, parser.getText());
                        if (options.size() > MAX_OPTIONS)
                        {
                            throw new IllegalArgumentException("too many room options: max=" + MAX_OPTIONS);
                        }
                    }
                }
                else if ("ttlMs".equals(field))
                {
                    expect(value, JsonToken.VALUE_NUMBER_INT, "ttlMs");
                    ttlMs = parser.getLongValue();
                    if (ttlMs < 1)
                    {
                        throw new IllegalArgumentException("ttlMs must be >= 1: ttlMs=" + ttlMs);
                    }
                }
                else
                {
                    throw new IllegalArgumentException("unknown field in body: " + field + " (expected options, ttlMs)");
                }
            }
            if (parser.nextToken() != null)
            {
                throw new IllegalArgumentException("trailing content after the JSON object");
            }
        }
        catch (final IOException ex)
        {
            throw new IllegalArgumentException("body is not valid JSON: " + ex.getMessage());
        }
        return new CreateRoomBody(Map.copyOf(options), ttlMs);
    }

    private static void expect(final JsonToken actual, final JsonToken expected, final String what)
    {
        if (actual != expected)
        {
            throw new IllegalArgumentException("body: " + what + " must be " + expected + ", found " + actual);
        }
    }
}
