package io.tickwire.server.fleet.redis;

import io.lettuce.core.RedisNoScriptException;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.api.sync.RedisCommands;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * The directory's Lua scripts (in this package's resources), run by SHA with a fallback to the
 * full script when Redis does not know it (it restarted, or its script cache was flushed).
 * Immutable and thread-safe.
 */
public enum FleetScripts
{
    /** A server's heartbeat: see {@code heartbeat.lua}. */
    HEARTBEAT("heartbeat.lua"),
    /** Players took their seats: see {@code arrive.lua}. */
    ARRIVE("arrive.lua"),
    /** A server leaves: see {@code deregister.lua}. */
    DEREGISTER("deregister.lua"),
    /** Join-or-create for one player: see {@code reserve.lua}. */
    RESERVE("reserve.lua"),
    /** Join-by-id for one player: see {@code reserve-by-id.lua}. */
    RESERVE_BY_ID("reserve-by-id.lua");

    private static final String[] NO_KEYS = new String[0];

    private final String source;
    private final String sha1;

    FleetScripts(final String resource)
    {
        try (InputStream in = FleetScripts.class.getResourceAsStream(resource))
        {
            if (in == null)
            {
                throw new IllegalStateException("missing script resource: " + resource);
            }
            this.source = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            this.sha1 = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-1")
                .digest(source.getBytes(StandardCharsets.UTF_8)));
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException(ex);
        }
        catch (final NoSuchAlgorithmException ex)
        {
            throw new IllegalStateException(ex);
        }
    }

    /**
     * Load every script into Redis's script cache, so that a burst of first calls does not each fall
     * back to sending the whole script.
     *
     * @param redis connection's async commands.
     */
    public static void loadAll(final io.lettuce.core.api.async.RedisAsyncCommands<String, String> redis)
    {
        for (final FleetScripts script : values())
        {
            redis.scriptLoad(script.source);
        }
    }

    /**
     * Run the script asynchronously, falling back to the full script when Redis does not know it.
     *
     * @param redis connection's async commands.
     * @param type  reply type.
     * @param args  ARGV.
     * @param <T>   reply.
     * @return the reply, or the failure (Redis down: at once; Redis slow: after the command timeout).
     */
    public <T> java.util.concurrent.CompletableFuture<T> runAsync(
        final io.lettuce.core.api.async.RedisAsyncCommands<String, String> redis, final ScriptOutputType type,
        final String... args)
    {
        final java.util.concurrent.CompletableFuture<T> bySha =
            redis.<T>evalsha(sha1, type, NO_KEYS, args).toCompletableFuture();
        return bySha.exceptionallyCompose(ex ->
        {
            final Throwable cause = ex instanceof java.util.concurrent.CompletionException ? ex.getCause() : ex;
            return cause instanceof RedisNoScriptException ?
                redis.<T>eval(source, type, NO_KEYS, args).toCompletableFuture() :
                java.util.concurrent.CompletableFuture.failedFuture(cause);
        });
    }

    /**
     * Run the script with every argument in ARGV (the scripts name their keys from the prefix).
     *
     * @param redis connection's sync commands; blocks the calling thread up to the command timeout.
     * @param type  reply type.
     * @param args  ARGV.
     * @param <T>   reply.
     * @return the reply.
     */
    public <T> T run(final RedisCommands<String, String> redis, final ScriptOutputType type, final String... args)
    {
        try
        {
            return redis.evalsha(sha1, type, NO_KEYS, args);
        }
        catch (final RedisNoScriptException ex)
        {
            return redis.eval(source, type, NO_KEYS, args);
        }
    }
}
