package io.tickwire.protocol;

/**
 * The protocol version a client names in {@code Join.protocol_version}.
 */
public final class ProtocolVersion
{
    /** The version this build of server and SDK speak. */
    public static final int CURRENT = 1;

    private ProtocolVersion()
    {
    }
}
