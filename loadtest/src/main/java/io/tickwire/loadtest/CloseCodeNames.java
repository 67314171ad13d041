package io.tickwire.loadtest;

import io.tickwire.client.TickwireException;
import io.tickwire.protocol.CloseCodes;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.HashMap;
import java.util.Map;

/**
 * Names of close and error codes for reports: the {@link CloseCodes} constants, 1006 for a connection
 * lost or refused without a close frame, and 0 for errors the SDK found itself. Immutable.
 */
final class CloseCodeNames
{
    private static final Map<Integer, String> NAMES = new HashMap<>();

    static
    {
        for (final Field f : CloseCodes.class.getFields())
        {
            if (f.getType() == int.class && Modifier.isStatic(f.getModifiers()))
            {
                try
                {
                    NAMES.put(f.getInt(null), f.getName());
                }
                catch (final IllegalAccessException ignore)
                {
                    // public constants: not reached
                }
            }
        }
        NAMES.put(TickwireException.ABNORMAL_CLOSURE, "ABNORMAL_CLOSURE");
        NAMES.put(0, "CLIENT_PROTOCOL_ERROR");
    }

    private CloseCodeNames()
    {
    }

    /**
     * @param code a close or error code.
     * @return its constant name, or {@code "UNKNOWN"}.
     */
    static String name(final int code)
    {
        return NAMES.getOrDefault(code, "UNKNOWN");
    }
}
