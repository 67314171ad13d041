package io.tickwire.loadtest;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A strict, minimal JSON parser (RFC 8259) for tests: objects become {@link LinkedHashMap}s, arrays
 * {@link ArrayList}s, numbers {@link Double}s. Anything malformed, including trailing content, throws
 * {@link IllegalArgumentException} with the offset. Not thread-safe.
 */
final class MiniJson
{
    private final String s;
    private int i;

    private MiniJson(final String s)
    {
        this.s = s;
    }

    static Object parse(final String text)
    {
        final MiniJson p = new MiniJson(text);
        p.skipWhitespace();
        final Object value = p.value();
        p.skipWhitespace();
        if (p.i != text.length())
        {
            throw p.error("trailing content");
        }
        return value;
    }

    @SuppressWarnings("unchecked")
    static Object path(final Object root, final String... keys)
    {
        Object node = root;
        for (final String key : keys)
        {
            if (!(node instanceof Map))
            {
                throw new IllegalArgumentException("not an object at " + key);
            }
            node = ((Map<String, Object>)node).get(key);
        }
        return node;
    }

    private Object value()
    {
        if (i >= s.length())
        {
            throw error("unexpected end");
        }
        final char c = s.charAt(i);
        switch (c)
        {
            case '{':
                return object();
            case '[':
                return array();
            case '"':
                return string();
            case 't':
                return literal("true", Boolean.TRUE);
            case 'f':
                return literal("false", Boolean.FALSE);
            case 'n':
                return literal("null", null);
            default:
                if (c == '-' || (c >= '0' && c <= '9'))
                {
                    return number();
                }
                throw error("unexpected character '" + c + "'");
        }
    }

    private Map<String, Object> object()
    {
        final Map<String, Object> map = new LinkedHashMap<>();
        i++;
        skipWhitespace();
        if (peek() == '}')
        {
            i++;
            return map;
        }
        while (true)
        {
            skipWhitespace();
            if (peek() != '"')
            {
                throw error("expected a member name");
            }
            final String key = string();
            skipWhitespace();
            expect(':');
            skipWhitespace();
            if (map.put(key, value()) != null)
            {
                throw error("duplicate member " + key);
            }
            skipWhitespace();
            final char c = next();
            if (c == '}')
            {
                return map;
            }
            if (c != ',')
            {
                throw error("expected ',' or '}'");
            }
        }
    }

    private List<Object> array()
    {
        final List<Object> list = new ArrayList<>();
        i++;
        skipWhitespace();
        if (peek() == ']')
        {
            i++;
            return list;
        }
        while (true)
        {
            skipWhitespace();
            list.add(value());
            skipWhitespace();
            final char c = next();
            if (c == ']')
            {
                return list;
            }
            if (c != ',')
            {
                throw error("expected ',' or ']'");
            }
        }
    }

    private String string()
    {
        expect('"');
        final StringBuilder sb = new StringBuilder();
        while (true)
        {
            final char c = next();
            if (c == '"')
            {
                return sb.toString();
            }
            if (c < 0x20)
            {
                throw error("unescaped control character");
            }
            if (c != '\\')
            {
                sb.append(c);
                continue;
            }
            final char e = next();
            switch (e)
            {
                case '"':
                case '\\':
                case '/':
                    sb.append(e);
                    break;
                case 'b':
                    sb.append('\b');
                    break;
                case 'f':
                    sb.append('\f');
                    break;
                case 'n':
                    sb.append('\n');
                    break;
                case 'r':
                    sb.append('\r');
                    break;
                case 't':
                    sb.append('\t');
                    break;
                case 'u':
                    if (i + 4 > s.length())
                    {
                        throw error("short unicode escape");
                    }
                    sb.append((char)Integer.parseInt(s.substring(i, i + 4), 16));
                    i += 4;
                    break;
                default:
                    throw error("bad escape \\" + e);
            }
        }
    }

    private Double number()
    {
        final int start = i;
        if (peek() == '-')
        {
            i++;
        }
        if (peek() == '0')
        {
            i++;
        }
        else if (peek() >= '1' && peek() <= '9')
        {
            digits();
        }
        else
        {
            throw error("bad number");
        }
        if (peek() == '.')
        {
            i++;
            if (!(peek() >= '0' && peek() <= '9'))
            {
                throw error("bad fraction");
            }
            digits();
        }
        if (peek() == 'e' || peek() == 'E')
        {
            i++;
            if (peek() == '+' || peek() == '-')
            {
                i++;
            }
            if (!(peek() >= '0' && peek() <= '9'))
            {
                throw error("bad exponent");
            }
            digits();
        }
        return Double.valueOf(s.substring(start, i));
    }

    private void digits()
    {
        while (peek() >= '0' && peek() <= '9')
        {
            i++;
        }
    }

    private Object literal(final String word, final Object value)
    {
        if (!s.startsWith(word, i))
        {
            throw error("expected " + word);
        }
        i += word.length();
        return value;
    }

    private void skipWhitespace()
    {
        while (i < s.length() && (s.charAt(i) == ' ' || s.charAt(i) == '\n' || s.charAt(i) == '\r' ||
            s.charAt(i) == '\t'))
        {
            i++;
        }
    }

    private char peek()
    {
        return i < s.length() ? s.charAt(i) : '\0';
    }

    private char next()
    {
        if (i >= s.length())
        {
            throw error("unexpected end");
        }
        return s.charAt(i++);
    }

    private void expect(final char c)
    {
        if (next() != c)
        {
            throw error("expected '" + c + "'");
        }
    }

    private IllegalArgumentException error(final String what)
    {
        return new IllegalArgumentException("malformed JSON at offset " + i + ": " + what);
    }
}
