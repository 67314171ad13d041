package io.tickwire.server.config;

import static io.tickwire.server.config.OptionChecks.require;

/**
 * The admin HTTP side: where it listens and the token that allows mutating requests.
 *
 * @param host  admin HTTP bind address.
 * @param port  admin HTTP port, 0 for ephemeral, -1 to disable the admin server.
 * @param token bearer token for mutating requests (at least 8 chars); null or empty disables them
 *              (an empty one is stored as null).
 */
public record AdminSettings(String host, int port, String token)
{
    /** Admin HTTP bind address (loopback by default: expose it deliberately). */
    public static final String DEFAULT_HOST = "127.0.0.1";
    /** Admin HTTP port; -1 disables the admin server. */
    public static final int DEFAULT_PORT = 7071;

    /**
     * @throws IllegalArgumentException naming the first invalid option and its value (never the token).
     */
    public AdminSettings
    {
        require(host != null && !host.isBlank(), "adminHost", host);
        require(port >= -1 && port <= 65535, "adminPort", port);
        require(token == null || token.isEmpty() || token.length() >= 8, "adminToken",
            "<" + (token == null ? 0 : token.length()) + " chars, need at least 8>");
        token = token == null || token.isEmpty() ? null : token;
    }

    /**
     * @return true when the admin server is started.
     */
    public boolean enabled()
    {
        return port >= 0;
    }

    @Override
    public String toString()
    {
        return "AdminSettings[host=" + host + ", port=" + port + ", token=" +
            (token == null ? "none (mutations disabled)" : "set") + "]";
    }
}
