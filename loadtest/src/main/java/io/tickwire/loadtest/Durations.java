package io.tickwire.loadtest;

import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Parses and prints durations the way testers type them: {@code 500ms}, {@code 30s}, {@code 2m},
 * {@code 1h}, combinations such as {@code 1m30s}, or ISO-8601 ({@code PT30S}). Stateless.
 */
public final class Durations
{
    private static final Pattern PART = Pattern.compile("(\\d+(?:\\.\\d+)?)(ms|s|m|h)");

    private Durations()
    {
    }

    /**
     * @param text the duration as typed.
     * @return the duration.
     * @throws IllegalArgumentException naming the value when it is not a duration.
     */
    public static Duration parse(final String text)
    {
        final String s = text == null ? "" : text.trim().toLowerCase(java.util.Locale.ROOT);
        if (s.startsWith("pt") || s.startsWith("p"))
        {
            try
            {
                return Duration.parse(s.toUpperCase(java.util.Locale.ROOT));
            }
            catch (final DateTimeParseException ex)
            {
                throw invalid(text);
            }
        }
        final Matcher m = PART.matcher(s);
        int end = 0;
        long nanos = 0;
        while (m.find())
        {
            if (m.start() != end)
            {
                throw invalid(text);
            }
            end = m.end();
            final double value = Double.parseDouble(m.group(1));
            final double unitNanos;
            switch (m.group(2))
            {
                case "ms":
                    unitNanos = 1e6;
                    break;
                case "s":
                    unitNanos = 1e9;
                    break;
                case "m":
                    unitNanos = 60e9;
                    break;
                default:
                    unitNanos = 3600e9;
                    break;
            }
            nanos += Math.round(value * unitNanos);
        }
        if (end == 0 || end != s.length())
        {
            throw invalid(text);
        }
        return Duration.ofNanos(nanos);
    }

    /**
     * @param d a duration.
     * @return it as a short human string: {@code 500ms}, {@code 30s}, {@code 2m}, {@code 1m30s}.
     */
    public static String format(final Duration d)
    {
        final long ms = d.toMillis();
        if (ms < 1000 || ms % 1000 != 0)
        {
            return ms + "ms";
        }
        final long s = ms / 1000;
        if (s < 60)
        {
            return s + "s";
        }
        return (s / 60) + "m" + (s % 60 == 0 ? "" : (s % 60) + "s");
    }

    private static IllegalArgumentException invalid(final String text)
    {
        return new IllegalArgumentException("'" + text + "' is not a duration: use e.g. 500ms, 30s, 2m, 1m30s");
    }
}
