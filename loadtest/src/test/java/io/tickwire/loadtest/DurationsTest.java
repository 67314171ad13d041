package io.tickwire.loadtest;

import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class DurationsTest
{
    @Test
    void shouldParseTheUnitsTestersType()
    {
        assertEquals(Duration.ofMillis(500), Durations.parse("500ms"));
        assertEquals(Duration.ofSeconds(60), Durations.parse("60s"));
        assertEquals(Duration.ofMinutes(2), Durations.parse("2m"));
        assertEquals(Duration.ofHours(1), Durations.parse("1h"));
        assertEquals(Duration.ofSeconds(90), Durations.parse("1m30s"));
        assertEquals(Duration.ofMillis(1500), Durations.parse("1.5s"));
        assertEquals(Duration.ofSeconds(30), Durations.parse("PT30S"));
    }

    @Test
    void shouldRefuseAnythingElseNamingTheValue()
    {
        for (final String bad : new String[]{ "", "30", "s", "5parsecs", "-5s", "5s5", "1m 30s", "P" })
        {
            final IllegalArgumentException ex = assertThrows(IllegalArgumentException.class, () -> Durations.parse(bad));
            assertTrue(ex.getMessage().contains("'" + bad + "'"), ex.getMessage());
        }
    }

    @Test
    void shouldFormatShortly()
    {
        assertEquals("500ms", Durations.format(Duration.ofMillis(500)));
        assertEquals("30s", Durations.format(Duration.ofSeconds(30)));
        assertEquals("2m", Durations.format(Duration.ofMinutes(2)));
        assertEquals("1m30s", Durations.format(Duration.ofSeconds(90)));
    }
}
