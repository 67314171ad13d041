package io.tickwire.server.logging;

import java.util.concurrent.ConcurrentHashMap;

/**
 * Rate-limits repeated log lines per key (a remote address): at most {@code maxPerWindow} lines per
 * key per window; the rest are suppressed and counted, and the next line that passes says how many
 * were suppressed. A barrage of bad clients then costs a few lines per address per window instead
 * of one per connection. Keys are bounded: past {@code maxKeys} addresses in one window, new
 * addresses share one overflow key.
 * <p>
 * Thread-safe; called on event loops and room loops.
 */
public final class LogThrottle
{
    /** Returned by {@link #acquire} when the line must not be logged. */
    public static final int SUPPRESS = -1;
    private static final String OVERFLOW_KEY = "(other addresses)";

    private final int maxPerWindow;
    private final long windowNs;
    private final int maxKeys;
    private final ConcurrentHashMap<String, Window> windows = new ConcurrentHashMap<>();

    /**
     * @param maxPerWindow lines per key per window.
     * @param windowNs     window length in nanoseconds.
     * @param maxKeys      most keys tracked at once.
     */
    public LogThrottle(final int maxPerWindow, final long windowNs, final int maxKeys)
    {
        this.maxPerWindow = maxPerWindow;
        this.windowNs = windowNs;
        this.maxKeys = maxKeys;
    }

    /**
     * Ask to log one line for {@code key}.
     *
     * @param key   what lines are counted by (an address; client-supplied values are fine, they
     *              are only map keys).
     * @param nowNs {@link System#nanoTime()}.
     * @return {@link #SUPPRESS}, or the number of lines suppressed for this key since the last
     * line that was logged (0 almost always).
     */
    public int acquire(final String key, final long nowNs)
    {
        Window window = windows.get(key);
        if (window == null)
        {
            if (windows.size() >= maxKeys)
            {
                windows.values().removeIf(w -> w.expired(nowNs, windowNs));
            }
            window = windows.size() >= maxKeys ?
                windows.computeIfAbsent(OVERFLOW_KEY, k -> new Window(nowNs)) :
                windows.computeIfAbsent(key, k -> new Window(nowNs));
        }
        return window.acquire(nowNs, windowNs, maxPerWindow);
    }

    /**
     * @return keys tracked now.
     */
    public int trackedKeys()
    {
        return windows.size();
    }

    private static final class Window
    {
        private long startNs;
        private int logged;
        private int suppressed;

        Window(final long startNs)
        {
            this.startNs = startNs;
        }

        synchronized boolean expired(final long nowNs, final long windowNs)
        {
            return nowNs - startNs >= windowNs && suppressed == 0;
        }

        synchronized int acquire(final long nowNs, final long windowNs, final int maxPerWindow)
        {
            if (nowNs - startNs >= windowNs)
            {
                startNs = nowNs;
                logged = 0;
            }
            if (logged >= maxPerWindow)
            {
                suppressed++;
                return SUPPRESS;
            }
            logged++;
            final int before = suppressed;
            suppressed = 0;
            return before;
        }
    }
}
