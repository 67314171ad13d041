package io.tickwire.server.fleet.redis;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import io.lettuce.core.RedisFuture;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.async.RedisAsyncCommands;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Reads the whole directory for operators: every room with its server and seats. One round trip
 * for the room ids, then the room and server hashes pipelined. Stateless; any thread (blocks up to
 * the command timeout).
 */
public final class FleetDirectory
{
    private FleetDirectory()
    {
    }

    /**
     * @param connection an open connection.
     * @return {@code {"rooms":[{id,type,server,url,seatsTaken,reserved,maxPlayers,ready,locked,metadata,draining}...],
     * "servers":[{id,url,load,rooms,draining}...]}}.
     * @throws IllegalStateException when Redis does not answer in time, with the reason.
     */
    public static String roomsJson(final StatefulRedisConnection<String, String> connection)
    {
        final RedisAsyncCommands<String, String> redis = connection.async();
        try
        {
            final long timeoutMs = RedisRoomRegistry.COMMAND_TIMEOUT.toMillis();
            final List<String> roomIds = redis.zrange(FleetKeys.rooms(), 0, -1).get(timeoutMs, TimeUnit.MILLISECONDS);
            final List<String> serverIds = redis.zrange(FleetKeys.servers(), 0, -1).get(timeoutMs, TimeUnit.MILLISECONDS);
            final List<RedisFuture<Map<String, String>>> rooms = new ArrayList<>(roomIds.size());
            final List<RedisFuture<Long>> reservations = new ArrayList<>(roomIds.size());
            for (final String id : roomIds)
            {
                rooms.add(redis.hgetall(FleetKeys.room(id)));
                reservations.add(redis.zcard(FleetKeys.room(id) + ":res"));
            }
            final Map<String, Map<String, String>> servers = new HashMap<>();
            final List<RedisFuture<Map<String, String>>> serverFutures = new ArrayList<>(serverIds.size());
            for (final String id : serverIds)
            {
                serverFutures.add(redis.hgetall(FleetKeys.server(id)));
            }
            final JsonArray serverArray = new JsonArray();
            for (int i = 0; i < serverIds.size(); i++)
            {
                final Map<String, String> s = serverFutures.get(i).get(timeoutMs, TimeUnit.MILLISECONDS);
                if (s.isEmpty())
                {
                    continue;
                }
                servers.put(serverIds.get(i), s);
                final JsonObject o = new JsonObject();
                o.addProperty("id", serverIds.get(i));
                o.addProperty("url", s.get("url"));
                o.addProperty("load", Long.parseLong(s.getOrDefault("load", "0")));
                o.addProperty("rooms", Long.parseLong(s.getOrDefault("rooms", "0")));
                o.addProperty("draining", "1".equals(s.get("draining")));
                serverArray.add(o);
            }
            final JsonArray roomArray = new JsonArray();
            for (int i = 0; i < roomIds.size(); i++)
            {
                final Map<String, String> r = rooms.get(i).get(timeoutMs, TimeUnit.MILLISECONDS);
                if (r.isEmpty())
                {
                    continue;
                }
                final Map<String, String> s = servers.getOrDefault(r.get("server"), Map.of());
                final JsonObject o = new JsonObject();
                o.addProperty("id", roomIds.get(i));
                o.addProperty("type", r.get("type"));
                o.addProperty("server", r.get("server"));
                o.addProperty("url", s.get("url"));
                o.addProperty("seatsTaken", Long.parseLong(r.getOrDefault("taken", "0")));
                o.addProperty("reserved", reservations.get(i).get(timeoutMs, TimeUnit.MILLISECONDS));
                o.addProperty("maxPlayers", Long.parseLong(r.getOrDefault("max", "0")));
                o.addProperty("ready", "1".equals(r.get("ready")));
                o.addProperty("locked", "1".equals(r.get("locked")));
                o.add("metadata", metadata(r.get("meta")));
                o.addProperty("draining", "1".equals(s.get("draining")));
                roomArray.add(o);
            }
            final JsonObject out = new JsonObject();
            out.add("rooms", roomArray);
            out.add("servers", serverArray);
            return out.toString();
        }
        catch (final ExecutionException | TimeoutException | RuntimeException ex)
        {
            throw new IllegalStateException("redis directory unreadable: " + ex.getMessage(), ex);
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while reading the redis directory", ex);
        }
    }

    /**
     * A room's metadata entry as written by the heartbeat; empty when missing (a room a matchmaker just
     * opened) or unreadable.
     */
    private static JsonObject metadata(final String json)
    {
        if (json == null || json.isEmpty())
        {
            return new JsonObject();
        }
        try
        {
            final var parsed = JsonParser.parseString(json);
            return parsed.isJsonObject() ? parsed.getAsJsonObject() : new JsonObject();
        }
        catch (final JsonParseException ex)
        {
            return new JsonObject();
        }
    }
}
