package io.tickwire.server.logging;

/**
 * Makes a value a client chose (room id, room type, leave reason, ticket fields, close reasons that
 * quote them) safe to put in a log line: control characters, quotes and backslashes are escaped,
 * so a client cannot forge a line or break a {@code key="value"} pair, and the value is cut to
 * {@link #MAX_CHARS} characters. Thread-safe, allocates only when the value needs it.
 */
public final class LogSafe
{
    /** Longest client-supplied value a log line carries. */
    public static final int MAX_CHARS = 160;

    private LogSafe()
    {
    }

    /**
     * @param value a client-supplied value, or null.
     * @return the value escaped and cut ({@code "..."} appended when cut), or {@code -} for null.
     */
    public static String escape(final CharSequence value)
    {
        if (value == null)
        {
            return "-";
        }
        final int length = value.length();
        boolean clean = length <= MAX_CHARS;
        for (int i = 0; clean && i < length; i++)
        {
            clean = !needsEscape(value.charAt(i));
        }
        if (clean)
        {
            return value.toString();
        }
        final StringBuilder sb = new StringBuilder(Math.min(length, MAX_CHARS) + 16);
        for (int i = 0; i < length && i < MAX_CHARS; i++)
        {
            final char ch = value.charAt(i);
            switch (ch)
            {
                case '\n' -> sb.append("\\n");
                case '\r' -> sb.append("\\r");
                case '\t' -> sb.append("\\t");
                case '"' -> sb.append("\\\"");
                case '\\' -> sb.append("\\\\");
                default ->
                {
                    if (needsEscape(ch))
                    {
                        sb.append(String.format("\\u%04x", (int)ch));
                    }
                    else
                    {
                        sb.append(ch);
                    }
                }
            }
        }
        if (length > MAX_CHARS)
        {
            sb.append("...");
        }
        return sb.toString();
    }

    private static boolean needsEscape(final char ch)
    {
        return ch < 0x20 || ch == 0x7f || ch == '"' || ch == '\\' ||
            (ch >= 0x80 && ch <= 0x9f) || ch == '\u2028' || ch == '\u2029';
    }
}
