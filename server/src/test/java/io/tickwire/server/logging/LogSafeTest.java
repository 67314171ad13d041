package io.tickwire.server.logging;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

class LogSafeTest
{
    @Test
    void shouldEscapeWhatCouldForgeALineOrBreakAQuotedValue()
    {
        final String forged = "room-1\n2026-11-26 INFO admin login ok user=\"root\"\r\t\u0007\u2028";
        final String safe = LogSafe.escape(forged);
        assertFalse(safe.contains("\n") || safe.contains("\r") || safe.contains("\u2028"), safe);
        assertEquals("room-1\\n2026-11-26 INFO admin login ok user=\\\"root\\\"\\r\\t\\u0007\\u2028", safe);
    }

    @Test
    void shouldCutLongValuesAndKeepCleanOnesAsTheyAre()
    {
        final String clean = "arena-42";
        assertSame(clean, LogSafe.escape(clean));
        final String cut = LogSafe.escape("x".repeat(10_000));
        assertEquals(LogSafe.MAX_CHARS + 3, cut.length());
        assertTrue(cut.endsWith("..."));
        assertEquals("-", LogSafe.escape(null));
    }
}
