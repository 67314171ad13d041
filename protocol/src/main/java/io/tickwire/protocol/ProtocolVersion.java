package io.tickwire.protocol;

/**
 * The protocol version a client names in {@code Join.protocol_version}.
 */
public final class ProtocolVersion
{
    /** The version this build of server and SDK speak. */
    public static final int CURRENT = 3;

    /**
     * From this version on the server sends a snapshot's changed section as one bit stream ({@code changed_bits})
     * instead of the varint columns {@code changed_ids}, {@code changed_masks} and {@code changed_values}.
     */
    public static final int PACKED_CHANGES = 3;

    /**
     * The oldest version the server still accepts: a version 1 client may join a room type that uses no version 2
     * feature (one entity type, no STRING field, every field public), and receives the very same bytes.
     */
    public static final int MIN_SUPPORTED = 1;

    private ProtocolVersion()
    {
    }
}
