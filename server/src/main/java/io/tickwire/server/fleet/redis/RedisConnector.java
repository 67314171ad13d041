package io.tickwire.server.fleet.redis;

import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.codec.StringCodec;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * One shared Redis connection, connected lazily and without blocking: Lettuce reconnects a
 * connection once it was established; until the first connection succeeds, each caller after a
 * failed attempt (at most one attempt per {@link #RETRY_PERIOD_NS}) starts a new one. Thread-safe.
 */
public final class RedisConnector
{
    /** Shortest gap between two first-connection attempts. */
    public static final long RETRY_PERIOD_NS = TimeUnit.MILLISECONDS.toNanos(500);

    private final RedisClient client;
    private final RedisURI uri;
    private CompletableFuture<StatefulRedisConnection<String, String>> current;
    private long lastAttemptNs;

    /**
     * @param client the client (its options decide timeouts and reconnects).
     * @param uri    where Redis is.
     */
    public RedisConnector(final RedisClient client, final RedisURI uri)
    {
        this.client = client;
        this.uri = uri;
    }

    /**
     * @return the connection, or its failure (Redis unreachable; the next call after
     * {@link #RETRY_PERIOD_NS} tries again).
     */
    public synchronized CompletableFuture<StatefulRedisConnection<String, String>> connection()
    {
        final long nowNs = System.nanoTime();
        if (current == null || (current.isCompletedExceptionally() && nowNs - lastAttemptNs - RETRY_PERIOD_NS >= 0))
        {
            lastAttemptNs = nowNs;
            current = client.connectAsync(StringCodec.UTF8, uri).toCompletableFuture();
        }
        return current;
    }

    /**
     * Close the connection if there is one.
     */
    public synchronized void close()
    {
        if (current != null && current.isDone() && !current.isCompletedExceptionally())
        {
            current.join().close();
        }
    }
}
