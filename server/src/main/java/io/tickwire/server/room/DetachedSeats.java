package io.tickwire.server.room;

import java.util.concurrent.ConcurrentHashMap;

/**
 * Players in their resume grace, counted per remote address across every room loop, so that one
 * address cannot hold seats with connections it has already dropped (join, reset, repeat). Each
 * room loop acquires when it keeps a lost player and releases when the player resumes, leaves or
 * its grace ends.
 * <p>
 * Thread-safe; called on room loop threads.
 */
public final class DetachedSeats
{
    private final ConcurrentHashMap<String, Integer> byAddress = new ConcurrentHashMap<>();
    private final int maxPerAddress;

    /**
     * @param maxPerAddress players in grace one address may hold.
     */
    public DetachedSeats(final int maxPerAddress)
    {
        this.maxPerAddress = maxPerAddress;
    }

    /**
     * @param remoteAddress the address the player's connection came from (a port is ignored).
     * @return true when the address may keep one more player in grace (then it counts).
     */
    boolean tryAcquire(final String remoteAddress)
    {
        final boolean[] acquired = new boolean[1];
        byAddress.compute(host(remoteAddress), (key, count) ->
        {
            final int current = count == null ? 0 : count;
            if (current >= maxPerAddress)
            {
                return count;
            }
            acquired[0] = true;
            return current + 1;
        });
        return acquired[0];
    }

    /**
     * @param remoteAddress the address a player in grace was counted against.
     */
    void release(final String remoteAddress)
    {
        byAddress.computeIfPresent(host(remoteAddress), (key, count) -> count <= 1 ? null : count - 1);
    }

    /**
     * @param remoteAddress an address.
     * @return players in grace counted against it.
     */
    public int count(final String remoteAddress)
    {
        return byAddress.getOrDefault(host(remoteAddress), 0);
    }

    /**
     * @return players in grace, all addresses.
     */
    public int total()
    {
        int total = 0;
        for (final Integer count : byAddress.values())
        {
            total += count;
        }
        return total;
    }

    /**
     * @param remoteAddress {@code InetSocketAddress.toString()}: {@code /203.0.113.7:51234},
     *                      {@code /[::1]:5000}, or a bare host.
     * @return the host part.
     */
    static String host(final String remoteAddress)
    {
        if (remoteAddress == null)
        {
            return "";
        }
        final String s = remoteAddress.substring(remoteAddress.indexOf('/') + 1);
        if (s.startsWith("["))
        {
            final int end = s.indexOf(']');
            return end > 0 ? s.substring(1, end) : s;
        }
        final int colon = s.lastIndexOf(':');
        return colon > 0 && s.indexOf(':') == colon ? s.substring(0, colon) : s;
    }
}
