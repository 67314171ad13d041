package io.tickwire.server.room;

import io.tickwire.protocol.CloseCodes;

/**
 * Outcome of a seat reservation: a handle with a seat taken, or a close code and reason.
 *
 * @param handle    the room, or null when refused.
 * @param closeCode a {@link CloseCodes} value when refused.
 * @param reason    why, naming the values.
 */
public record JoinResult(RoomHandle handle, int closeCode, String reason)
{
    static JoinResult joined(final RoomHandle handle)
    {
        return new JoinResult(handle, 0, null);
    }

    static JoinResult refused(final int closeCode, final String reason)
    {
        return new JoinResult(null, closeCode, reason);
    }

    /**
     * @return true when a seat was reserved.
     */
    public boolean isJoined()
    {
        return handle != null;
    }
}
