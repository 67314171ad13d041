package io.tickwire.server.transport;

import io.tickwire.protocol.CloseCodes;
import io.tickwire.protocol.ProtocolVersion;
import io.tickwire.protocol.v1.Join;
import io.tickwire.protocol.ticket.JoinTicket;
import io.tickwire.protocol.ticket.TicketException;
import io.tickwire.server.auth.TicketVerifier;
import io.tickwire.server.room.InboundRecords;
import io.tickwire.server.room.JoinResult;
import io.tickwire.server.room.ResumeRegistry;
import io.tickwire.server.room.RoomDirectory;
import io.tickwire.server.room.RoomHandle;

/**
 * Decides whether a {@code Join} gets a seat: protocol version, exactly one of room id and room
 * type, the join ticket (signature, expiry, room binding, replay), a seat from the
 * {@link RoomDirectory}, and the join record handed to the room's loop; or, for a resume, the
 * token and its room. Every refusal rolls back what it took (the seat) and returns a close code
 * and a reason; an admitted session knows its room.
 * <p>
 * Thread: event loops; one instance per server, stateless.
 */
final class JoinAdmission
{
    /**
     * A refusal, or {@link #ADMITTED}.
     *
     * @param code   close code, 0 when admitted.
     * @param reason why.
     */
    record Outcome(int code, String reason)
    {
        boolean admitted()
        {
            return code == 0;
        }
    }

    static final Outcome ADMITTED = new Outcome(0, null);

    private final ServerContext server;

    JoinAdmission(final ServerContext server)
    {
        this.server = server;
    }

    /**
     * Admit a join or a resume for {@code session}; on success its room and join are set and the
     * room loop has the record.
     *
     * @param session the connection asking.
     * @param join    its {@code Join}.
     * @return {@link #ADMITTED} or the refusal.
     */
    Outcome admit(final Session session, final Join join)
    {
        if (session.joinOffered())
        {
            return new Outcome(CloseCodes.ALREADY_JOINED, "already joined: room=" + session.room().id());
        }
        final int version = join.getProtocolVersion();
        if (version < ProtocolVersion.MIN_SUPPORTED || version > ProtocolVersion.CURRENT)
        {
            return new Outcome(CloseCodes.UNSUPPORTED_PROTOCOL_VERSION, "unsupported protocol version: version=" +
                Integer.toUnsignedString(version) + ", supported=" + ProtocolVersion.MIN_SUPPORTED + ".." +
                ProtocolVersion.CURRENT);
        }
        final String v2Refusal = version >= 2 ? null : needsVersion2(join);
        if (v2Refusal != null)
        {
            return new Outcome(CloseCodes.UNSUPPORTED_PROTOCOL_VERSION, v2Refusal);
        }
        session.protocolVersion(version);
        if (!join.getResumeToken().isEmpty())
        {
            return resume(session, join);
        }
        final boolean hasId = !join.getRoomId().isEmpty();
        final boolean hasType = !join.getRoomType().isEmpty();
        if (hasId == hasType)
        {
            return new Outcome(CloseCodes.INVALID_JOIN, "join must name exactly one of room_id and room_type: room_id=" +
                join.getRoomId() + ", room_type=" + join.getRoomType());
        }
        final TicketVerifier tickets = server.tickets();
        JoinTicket ticket = null;
        if (tickets != null)
        {
            try
            {
                ticket = tickets.check(join.getTicket(), join.getRoomId(), join.getRoomType());
            }
            catch (final TicketException ex)
            {
                return new Outcome(CloseCodes.TICKET_REJECTED, ex.getMessage());
            }
        }
        final RoomDirectory directory = server.directory();
        final JoinResult result = hasId ? directory.joinById(join.getRoomId()) :
            directory.joinOrCreate(join.getRoomType(), join.getOptionsMap());
        if (!result.isJoined())
        {
            return new Outcome(result.closeCode(), result.reason());
        }
        final RoomHandle handle = result.handle();
        if (ticket != null)
        {
            try
            {
                if (ticket.roomType() != null && !ticket.roomType().equals(handle.type()))
                {
                    throw new TicketException("join ticket is for another room type: ticketType=" +
                        ticket.roomType() + ", room=" + handle.id() + ", roomType=" + handle.type());
                }
                tickets.consume(ticket);
            }
            catch (final TicketException ex)
            {
                directory.abandonSeat(handle);
                return new Outcome(CloseCodes.TICKET_REJECTED, ex.getMessage());
            }
            session.playerId(ticket.playerId());
            session.claims(ticket.claims());
        }
        session.joinOptions(join.getOptionsMap());
        if (!InboundRecords.offerJoin(server.loop(handle.loopIndex()).inbound(), session.connectionId(), handle.key()))
        {
            directory.abandonSeat(handle);
            return overloaded(handle);
        }
        session.room(handle);
        session.joinOffered(true);
        server.loop(handle.loopIndex()).wake();
        return ADMITTED;
    }

    /**
     * A client that lost its connection comes back with the resume token of its last Welcome. A
     * wrong token is refused here and changes nothing: the real player's grace period runs on.
     */
    private Outcome resume(final Session session, final Join join)
    {
        final ResumeRegistry.Target target = server.resumes().lookup(join.getResumeToken());
        if (target == null || target.room().isRetired())
        {
            return new Outcome(CloseCodes.RESUME_REJECTED, "resume token unknown or expired");
        }
        if (!target.room().id().equals(join.getRoomId()))
        {
            return new Outcome(CloseCodes.RESUME_REJECTED, "resume token is for another room: room_id=" +
                join.getRoomId());
        }
        final RoomHandle handle = target.room();
        if (!InboundRecords.offerResume(server.loop(handle.loopIndex()).inbound(), session.connectionId(),
            target.playerKey()))
        {
            return overloaded(handle);
        }
        session.room(handle);
        session.joinOffered(true);
        server.loop(handle.loopIndex()).wake();
        return ADMITTED;
    }

    /**
     * A version 1 client cannot decode several entity types, strings or owner sections: refuse it up front for a
     * room type that uses them, rather than send it snapshots it would misread.
     */
    private String needsVersion2(final Join join)
    {
        String type = join.getRoomType();
        if (type.isEmpty())
        {
            final RoomHandle room = server.directory().byId(join.getRoomId());
            if (room == null)
            {
                return null;
            }
            type = room.type();
        }
        final io.tickwire.server.game.GameLogicFactory factory = server.directory().type(type);
        if (factory == null || !factory.entityTypes().usesVersion2())
        {
            return null;
        }
        return "protocol 2 needed: room type " + type + " uses entity types, string or owner/audience fields " +
            "(client speaks 1; update the SDK)";
    }

    private Outcome overloaded(final RoomHandle handle)
    {
        server.counters().joinsRefusedOverload.increment();
        return new Outcome(CloseCodes.SERVER_OVERLOADED, "server overloaded: room loop " + handle.loopIndex() +
            " inbound ring full");
    }
}
