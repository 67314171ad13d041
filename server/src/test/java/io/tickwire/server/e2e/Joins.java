package io.tickwire.server.e2e;

import io.tickwire.protocol.ProtocolVersion;
import io.tickwire.protocol.v1.ClientMessage;
import io.tickwire.protocol.v1.Join;

/**
 * Join frames the raw-socket tests send.
 */
final class Joins
{
    private Joins()
    {
    }

    /**
     * @return a {@code ClientMessage{join}} of the arena room type in the current protocol version, encoded.
     */
    static byte[] arena()
    {
        return ClientMessage.newBuilder().setJoin(Join.newBuilder().setRoomType("arena")
            .setProtocolVersion(ProtocolVersion.CURRENT)).build().toByteArray();
    }
}
