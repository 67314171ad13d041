package io.tickwire.server.transport;

import io.tickwire.server.room.RoomDirectory;
import io.tickwire.server.room.RoomLoop;

/**
 * What the transport needs from the server: the rooms, the sessions, the room loops and limits.
 * Implemented by {@code TickwireServer}; all methods are safe on any thread.
 */
public interface ServerContext
{
    /** @return the room directory. */
    RoomDirectory directory();

    /** @return the session registry. */
    SessionRegistry sessions();

    /** @param index loop index. @return that room loop. */
    RoomLoop loop(int index);

    /** @return transport counters. */
    TransportCounters counters();

    /** @return largest client frame in bytes. */
    int maxFrameLength();

    /** @return largest input payload in bytes. */
    int maxInputPayload();

    /** @return resume tokens of live players. */
    io.tickwire.server.room.ResumeRegistry resumes();

    /** @return the join-ticket verifier, or null in open mode. */
    io.tickwire.server.auth.TicketVerifier tickets();

    /** @return nanoseconds since the server started. */
    long serverTimeNs();

    /** @return the outboxes of the event loops, one writer each. */
    OutboundWriters outboundWriters();

    /** @return the gate every join takes its seat through ({@link io.tickwire.server.room.SeatGate#DIRECT} by default). */
    default io.tickwire.server.room.SeatGate seatGate()
    {
        return io.tickwire.server.room.SeatGate.DIRECT;
    }
}
