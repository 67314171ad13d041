package io.tickwire.loadtest;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.util.Locale;

/**
 * A small streaming JSON writer: objects, arrays, strings (escaped per RFC 8259), numbers (NaN and
 * infinities become {@code null}), booleans and null, indented two spaces. The caller nests calls
 * correctly; the writer places commas. Not thread-safe.
 */
final class JsonWriter
{
    private static final int MAX_DEPTH = 64;

    private final Writer out;
    private final boolean[] hasElements = new boolean[MAX_DEPTH];
    private int depth;
    private boolean afterName;

    /**
     * @param out where the JSON goes; not closed by this writer.
     */
    JsonWriter(final Writer out)
    {
        this.out = out;
    }

    JsonWriter beginObject()
    {
        beforeValue();
        write('{');
        push();
        return this;
    }

    JsonWriter endObject()
    {
        pop('}');
        return this;
    }

    JsonWriter beginArray()
    {
        beforeValue();
        write('[');
        push();
        return this;
    }

    JsonWriter endArray()
    {
        pop(']');
        return this;
    }

    /**
     * @param name member name of the next value.
     * @return this.
     */
    JsonWriter name(final String name)
    {
        beforeValue();
        writeString(name);
        write(": ");
        afterName = true;
        return this;
    }

    JsonWriter value(final String value)
    {
        beforeValue();
        if (value == null)
        {
            write("null");
        }
        else
        {
            writeString(value);
        }
        return this;
    }

    JsonWriter value(final long value)
    {
        beforeValue();
        write(Long.toString(value));
        return this;
    }

    JsonWriter value(final double value)
    {
        beforeValue();
        if (Double.isNaN(value) || Double.isInfinite(value))
        {
            write("null");
        }
        else if (value == Math.rint(value) && Math.abs(value) < 1e15)
        {
            write(Long.toString((long)value));
        }
        else
        {
            write(String.format(Locale.ROOT, "%.4f", value).replaceAll("0+$", "").replaceAll("\\.$", ""));
        }
        return this;
    }

    JsonWriter value(final boolean value)
    {
        beforeValue();
        write(value ? "true" : "false");
        return this;
    }

    JsonWriter nullValue()
    {
        beforeValue();
        write("null");
        return this;
    }

    JsonWriter field(final String name, final String value)
    {
        return name(name).value(value);
    }

    JsonWriter field(final String name, final long value)
    {
        return name(name).value(value);
    }

    JsonWriter field(final String name, final double value)
    {
        return name(name).value(value);
    }

    JsonWriter field(final String name, final boolean value)
    {
        return name(name).value(value);
    }

    /**
     * @param s any string.
     * @return it as a JSON string literal, quotes included.
     */
    static String quote(final String s)
    {
        final StringBuilder sb = new StringBuilder(s.length() + 2);
        sb.append('"');
        for (int i = 0; i < s.length(); i++)
        {
            final char c = s.charAt(i);
            switch (c)
            {
                case '"':
                    sb.append("\\\"");
                    break;
                case '\\':
                    sb.append("\\\\");
                    break;
                case '\n':
                    sb.append("\\n");
                    break;
                case '\r':
                    sb.append("\\r");
                    break;
                case '\t':
                    sb.append("\\t");
                    break;
                case '\b':
                    sb.append("\\b");
                    break;
                case '\f':
                    sb.append("\\f");
                    break;
                default:
                    if (c < 0x20 || c == '\u2028' || c == '\u2029' || Character.isSurrogate(c) &&
                        !validSurrogateAt(s, i))
                    {
                        sb.append(String.format(Locale.ROOT, "\\u%04x", (int)c));
                    }
                    else
                    {
                        sb.append(c);
                    }
                    break;
            }
        }
        return sb.append('"').toString();
    }

    private static boolean validSurrogateAt(final String s, final int i)
    {
        final char c = s.charAt(i);
        if (Character.isHighSurrogate(c))
        {
            return i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1));
        }
        return i > 0 && Character.isHighSurrogate(s.charAt(i - 1));
    }

    private void beforeValue()
    {
        if (afterName)
        {
            afterName = false;
            return;
        }
        if (depth > 0)
        {
            if (hasElements[depth - 1])
            {
                write(',');
            }
            hasElements[depth - 1] = true;
            newline();
        }
    }

    private void push()
    {
        if (depth == MAX_DEPTH)
        {
            throw new IllegalStateException("JSON nested too deep: depth=" + depth + ", max=" + MAX_DEPTH);
        }
        hasElements[depth++] = false;
    }

    private void pop(final char close)
    {
        if (depth == 0)
        {
            throw new IllegalStateException("unbalanced JSON: nothing open to close with " + close);
        }
        final boolean any = hasElements[--depth];
        if (any)
        {
            newline();
        }
        write(close);
        if (depth == 0)
        {
            write('\n');
        }
    }

    private void newline()
    {
        write('\n');
        for (int i = 0; i < depth; i++)
        {
            write("  ");
        }
    }

    private void writeString(final String s)
    {
        write(quote(s));
    }

    private void write(final char c)
    {
        try
        {
            out.write(c);
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException(ex);
        }
    }

    private void write(final String s)
    {
        try
        {
            out.write(s);
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException(ex);
        }
    }
}
