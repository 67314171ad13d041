package io.tickwire.server.admin;

/**
 * A minimal JSON writer for the admin API's flat objects: strings escaped per RFC 8259, numbers
 * as they are. Not thread-safe; one per response.
 */
final class Json
{
    private final StringBuilder out = new StringBuilder(256);
    private boolean first = true;

    Json beginObject()
    {
        comma();
        out.append('{');
        first = true;
        return this;
    }

    Json object(final String name, final java.util.Map<String, String> entries)
    {
        comma();
        string(name).append(':').append('{');
        first = true;
        for (final java.util.Map.Entry<String, String> e : new java.util.TreeMap<>(entries).entrySet())
        {
            field(e.getKey(), e.getValue());
        }
        return endObject();
    }

    Json endObject()
    {
        out.append('}');
        first = false;
        return this;
    }

    Json beginArray(final String name)
    {
        comma();
        if (name != null)
        {
            string(name).append(':');
        }
        out.append('[');
        first = true;
        return this;
    }

    Json endArray()
    {
        out.append(']');
        first = false;
        return this;
    }

    Json field(final String name, final String value)
    {
        comma();
        string(name).append(':');
        if (value == null)
        {
            out.append("null");
        }
        else
        {
            string(value);
        }
        return this;
    }

    Json field(final String name, final long value)
    {
        comma();
        string(name).append(':').append(value);
        return this;
    }

    Json field(final String name, final double value)
    {
        comma();
        string(name).append(':');
        out.append(Double.isFinite(value) ? String.valueOf(value) : "null");
        return this;
    }

    Json field(final String name, final boolean value)
    {
        comma();
        string(name).append(':').append(value);
        return this;
    }

    private void comma()
    {
        if (!first)
        {
            out.append(',');
        }
        first = false;
    }

    private StringBuilder string(final String s)
    {
        out.append('"');
        for (int i = 0; i < s.length(); i++)
        {
            final char c = s.charAt(i);
            switch (c)
            {
                case '"':
                    out.append("\\\"");
                    break;
                case '\\':
                    out.append("\\\\");
                    break;
                case '\n':
                    out.append("\\n");
                    break;
                case '\r':
                    out.append("\\r");
                    break;
                case '\t':
                    out.append("\\t");
                    break;
                default:
                    if (c < 0x20 || c == '<' || c == '>' || c == '&')
                    {
                        out.append(String.format("\\u%04x", (int)c));
                    }
                    else
                    {
                        out.append(c);
                    }
                    break;
            }
        }
        return out.append('"');
    }

    @Override
    public String toString()
    {
        return out.toString();
    }
}
