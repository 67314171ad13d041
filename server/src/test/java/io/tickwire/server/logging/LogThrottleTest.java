package io.tickwire.server.logging;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class LogThrottleTest
{
    private static final long WINDOW_NS = 10_000_000_000L;

    @Test
    void shouldLetThroughAFewLinesPerKeyPerWindowAndCountTheRest()
    {
        final LogThrottle throttle = new LogThrottle(3, WINDOW_NS, 100);
        for (int i = 0; i < 3; i++)
        {
            assertEquals(0, throttle.acquire("203.0.113.7", i));
        }
        for (int i = 0; i < 500; i++)
        {
            assertEquals(LogThrottle.SUPPRESS, throttle.acquire("203.0.113.7", 1_000 + i));
        }
        assertEquals(0, throttle.acquire("198.51.100.1", 2_000), "another address has its own budget");
        assertEquals(500, throttle.acquire("203.0.113.7", WINDOW_NS + 5), "the next window says how many were cut");
        assertEquals(0, throttle.acquire("203.0.113.7", WINDOW_NS + 6));
    }

    @Test
    void shouldBoundTheKeysItTracks()
    {
        final LogThrottle throttle = new LogThrottle(1, WINDOW_NS, 16);
        for (int i = 0; i < 10_000; i++)
        {
            throttle.acquire("10.0." + (i / 256) + "." + (i % 256), i);
        }
        assertTrue(throttle.trackedKeys() <= 17, "tracked=" + throttle.trackedKeys());
    }
}
