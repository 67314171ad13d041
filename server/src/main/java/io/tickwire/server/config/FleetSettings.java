package io.tickwire.server.config;

import java.net.URI;

import static io.tickwire.server.config.OptionChecks.require;

/**
 * How a server joins a fleet: the Redis room directory it registers in, the URL clients dial it
 * at, and how often it refreshes its entries. With no Redis URL and no Agones sidecar the server
 * runs alone, as it always did.
 *
 * @param redisUrl          Redis URI ({@code redis://host:port}), or null for no room directory.
 * @param publicUrl         WebSocket URL clients are sent to ({@code ws://host:port/path}), or null to
 *                          use the bound address (or, on Agones, the GameServer's address).
 * @param serverId          this server's id in the directory, or null for a generated one.
 * @param heartbeatPeriodMs how often the server rewrites its entries.
 * @param entryTtlMs        how long entries live without a heartbeat: a crashed server's rooms are
 *                          gone from the directory this long after its last heartbeat.
 * @param agonesSdkHttpPort the Agones SDK sidecar's REST port on localhost, or 0 when not on Agones.
 */
public record FleetSettings(
    String redisUrl, String publicUrl, String serverId, long heartbeatPeriodMs, long entryTtlMs, int agonesSdkHttpPort)
{
    /** How often the server rewrites its directory entries. */
    public static final long DEFAULT_HEARTBEAT_PERIOD_MS = 1_000;
    /** How long directory entries live without a heartbeat. */
    public static final long DEFAULT_ENTRY_TTL_MS = 5_000;
    /** Settings of a server that runs alone. */
    public static final FleetSettings STANDALONE =
        new FleetSettings(null, null, null, DEFAULT_HEARTBEAT_PERIOD_MS, DEFAULT_ENTRY_TTL_MS, 0);

    /**
     * @throws IllegalArgumentException naming the first invalid option and its value.
     */
    public FleetSettings
    {
        redisUrl = redisUrl == null || redisUrl.isBlank() ? null : redisUrl.trim();
        publicUrl = publicUrl == null || publicUrl.isBlank() ? null : publicUrl.trim();
        serverId = serverId == null || serverId.isBlank() ? null : serverId.trim();
        require(redisUrl == null || redisUrl.startsWith("redis://") || redisUrl.startsWith("rediss://"),
            "redisUrl", redisUrl + " (expected redis://host:port)");
        require(publicUrl == null || publicUrl.startsWith("ws://") || publicUrl.startsWith("wss://"),
            "publicUrl", publicUrl + " (expected ws://host:port/path or wss://...)");
        if (publicUrl != null)
        {
            try
            {
                require(URI.create(publicUrl).getHost() != null, "publicUrl", publicUrl + " (no host)");
            }
            catch (final IllegalArgumentException ex)
            {
                require(false, "publicUrl", publicUrl + " (" + ex.getMessage() + ")");
            }
        }
        require(serverId == null || serverId.matches("[A-Za-z0-9._-]{1,64}"), "serverId",
            serverId + " (1-64 of A-Z a-z 0-9 . _ -)");
        require(heartbeatPeriodMs >= 50, "heartbeatPeriodMs", heartbeatPeriodMs);
        require(entryTtlMs >= 2 * heartbeatPeriodMs, "entryTtlMs",
            entryTtlMs + " (at least twice heartbeatPeriodMs=" + heartbeatPeriodMs + ")");
        require(agonesSdkHttpPort >= 0 && agonesSdkHttpPort <= 65535, "agonesSdkHttpPort", agonesSdkHttpPort);
    }

    /**
     * @return true when the server registers in a Redis room directory.
     */
    public boolean redisEnabled()
    {
        return redisUrl != null;
    }

    /**
     * @return true when the server drives an Agones SDK sidecar.
     */
    public boolean agonesEnabled()
    {
        return agonesSdkHttpPort > 0;
    }

    @Override
    public String toString()
    {
        // The Redis URL may carry a password (redis://:secret@host): never print it.
        return "FleetSettings[redis=" + (redisUrl == null ? "off" : "on") + ", publicUrl=" + publicUrl +
            ", serverId=" + serverId + ", heartbeatPeriodMs=" + heartbeatPeriodMs + ", entryTtlMs=" + entryTtlMs +
            ", agonesSdkHttpPort=" + agonesSdkHttpPort + "]";
    }
}
