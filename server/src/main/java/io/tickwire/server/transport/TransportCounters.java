package io.tickwire.server.transport;

import io.tickwire.protocol.CloseCodes;

import java.util.concurrent.atomic.LongAdder;

/**
 * What the event loops count: frames and bytes in, refusals, closes. Incremented on event loops,
 * read by metrics at scrape time. Thread-safe.
 */
public final class TransportCounters
{
    /** WebSocket handshakes completed. */
    public final LongAdder connectionsOpened = new LongAdder();
    /** Connections closed, any reason. */
    public final LongAdder connectionsClosed = new LongAdder();
    /** Binary frames received. */
    public final LongAdder framesIn = new LongAdder();
    /** Payload bytes of frames received. */
    public final LongAdder bytesIn = new LongAdder();
    /** Inputs dropped because the room loop's ring was full. */
    public final LongAdder inputsDropped = new LongAdder();
    /** Acks dropped because the room loop's ring was full (the next ack supersedes them). */
    public final LongAdder acksDropped = new LongAdder();
    /** Joins refused because the room loop's ring was full. */
    public final LongAdder joinsRefusedOverload = new LongAdder();
    /** Leave records that found the ring full and were retried. */
    public final LongAdder leaveRetries = new LongAdder();
    /** Frames rejected as text, unparseable or out of order. */
    public final LongAdder badFrames = new LongAdder();
    /** Connections closed at once because the server was at its connection limit. */
    public final LongAdder connectionsRefusedTotal = new LongAdder();
    /** Connections closed at once because their address was at its connection limit. */
    public final LongAdder connectionsRefusedPerAddress = new LongAdder();
    /** Connections closed because the WebSocket handshake did not complete in time. */
    public final LongAdder handshakeTimeouts = new LongAdder();
    /** Inputs dropped because the session exceeded its input rate. */
    public final LongAdder inputsRateLimited = new LongAdder();
    /** Frames sent other than snapshots (welcome, pong, error). */
    public final LongAdder controlFramesOut = new LongAdder();
    /** Payload bytes of frames sent other than snapshots. */
    public final LongAdder controlBytesOut = new LongAdder();
    /** Frames not written because they could be dropped (snapshots, pongs) and the connection was not writable, or was gone. */
    public final LongAdder outboundDropped = new LongAdder();
    /** Connections closed because a write would have taken their queued outbound bytes past the budget. */
    public final LongAdder outboundBudgetCloses = new LongAdder();
    /** Pings (WebSocket or protobuf) not answered because the session exceeded its ping rate. */
    public final LongAdder pingsRateLimited = new LongAdder();
    /** Connections closed because they did not join within the join timeout. */
    public final LongAdder joinTimeouts = new LongAdder();
    /** Upgrade requests refused before the handshake: not version 13 (426) or a malformed key (400). */
    public final LongAdder upgradesRefused = new LongAdder();
    /** Game messages from clients handed to a room loop's ring. */
    public final LongAdder messagesIn = new LongAdder();
    /** Connections closed for a game message: too large (1009), too many per second (1008), ring full (4008). */
    public final LongAdder messageCloses = new LongAdder();

    /**
     * Close codes disconnects are counted by: a fixed set, so metric tags stay bounded. Code 0
     * stands for a connection the client closed or lost without the server choosing a code.
     */
    public static final int[] DISCONNECT_CODES = {
        0, CloseCodes.NORMAL, CloseCodes.GOING_AWAY, CloseCodes.PROTOCOL_ERROR, CloseCodes.UNSUPPORTED_DATA,
        CloseCodes.INVALID_PAYLOAD, CloseCodes.POLICY_VIOLATION, CloseCodes.MESSAGE_TOO_BIG,
        CloseCodes.INTERNAL_ERROR, CloseCodes.NOT_JOINED, CloseCodes.ROOM_NOT_FOUND, CloseCodes.ROOM_FULL,
        CloseCodes.UNSUPPORTED_PROTOCOL_VERSION, CloseCodes.INVALID_JOIN, CloseCodes.ALREADY_JOINED,
        CloseCodes.SLOW_CONSUMER, CloseCodes.ACK_TIMEOUT, CloseCodes.SERVER_OVERLOADED, CloseCodes.ROOM_CLOSED,
        CloseCodes.IDLE_TIMEOUT, CloseCodes.TICKET_REJECTED, CloseCodes.RESUME_REJECTED,
        CloseCodes.SESSION_REPLACED, CloseCodes.JOIN_TIMEOUT, CloseCodes.INVALID_ROOM_OPTIONS,
        CloseCodes.SERVER_DRAINING };

    /** Names of {@link #DISCONNECT_CODES}, used as the {@code reason} tag. */
    public static final String[] DISCONNECT_REASONS = {
        "client_closed", "normal", "going_away", "protocol_error", "unsupported_data", "invalid_payload",
        "policy_violation", "message_too_big", "internal_error", "not_joined", "room_not_found", "room_full",
        "unsupported_protocol_version", "invalid_join", "already_joined", "slow_consumer", "ack_timeout",
        "server_overloaded", "room_closed", "idle_timeout", "ticket_rejected", "resume_rejected",
        "session_replaced", "join_timeout", "invalid_room_options", "server_draining" };

    /** Disconnects by close code, indexed like {@link #DISCONNECT_CODES}; the last slot is "other". */
    public final LongAdder[] disconnects = new LongAdder[DISCONNECT_CODES.length + 1];

    /**
     * Create zeroed counters.
     */
    public TransportCounters()
    {
        for (int i = 0; i < disconnects.length; i++)
        {
            disconnects[i] = new LongAdder();
        }
    }

    /**
     * Count a disconnect.
     *
     * @param closeCode the code the server closed with, 0 when the client closed or vanished.
     */
    public void onDisconnect(final int closeCode)
    {
        for (int i = 0; i < DISCONNECT_CODES.length; i++)
        {
            if (DISCONNECT_CODES[i] == closeCode)
            {
                disconnects[i].increment();
                return;
            }
        }
        disconnects[DISCONNECT_CODES.length].increment();
    }
}
