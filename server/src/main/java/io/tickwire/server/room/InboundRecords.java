package io.tickwire.server.room;

import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;
import org.agrona.concurrent.ringbuffer.RingBuffer;

/**
 * Layout of the compact records Netty event loops write into a room loop's inbound
 * {@code ManyToOneRingBuffer}, and the writers they use. Each record starts with the 8-byte
 * connection id (or the 4-byte room key for room records). Nothing Netty-owned crosses: payload
 * bytes are copied into the ring.
 * <p>
 * Writers run on event loops (any thread); readers on the room loop. Every writer returns
 * false when the ring is full: the caller counts the refusal and decides.
 */
public final class InboundRecords
{
    /** A connection joins the room named by key: {@code [connectionId:8][roomKey:4]}. */
    public static final int JOIN = 1;
    /** One input: {@code [connectionId:8][seq:4][ackTick:4][viewTick:4][payload...]}. */
    public static final int INPUT = 2;
    /** An ack: {@code [connectionId:8][tick:4][flags:4]}. */
    public static final int ACK = 3;
    /** The connection left or closed: {@code [connectionId:8][closeCode:4]}. */
    public static final int LEAVE = 4;
    /** An operator closes a room: {@code [roomKey:4][closeCode:4]}. */
    public static final int CLOSE_ROOM = 5;
    /** Ensure a room exists (operator create): {@code [roomKey:4]}. */
    public static final int CREATE_ROOM = 6;

    /** A new connection resumes a player: {@code [connectionId:8][playerKey:8]}. */
    public static final int RESUME = 7;

    /** A game message: {@code [connectionId:8][type:4][payload...]}. */
    public static final int MESSAGE = 8;

    /** Ack flag: the client lost its baseline, send a full snapshot. */
    public static final int ACK_FLAG_REQUEST_FULL = 1;

    static final int CONNECTION_ID_OFFSET = 0;
    static final int JOIN_ROOM_KEY_OFFSET = 8;
    static final int JOIN_LENGTH = 12;
    static final int INPUT_SEQ_OFFSET = 8;
    static final int INPUT_ACK_TICK_OFFSET = 12;
    static final int INPUT_VIEW_TICK_OFFSET = 16;
    static final int INPUT_PAYLOAD_OFFSET = 20;
    static final int ACK_TICK_OFFSET = 8;
    static final int ACK_FLAGS_OFFSET = 12;
    static final int ACK_LENGTH = 16;
    static final int LEAVE_CODE_OFFSET = 8;
    static final int LEAVE_LENGTH = 12;
    static final int ROOM_KEY_OFFSET = 0;
    static final int CLOSE_ROOM_CODE_OFFSET = 4;
    static final int CLOSE_ROOM_LENGTH = 8;
    static final int CREATE_ROOM_LENGTH = 4;
    static final int RESUME_PLAYER_KEY_OFFSET = 8;
    static final int RESUME_LENGTH = 16;
    static final int MESSAGE_TYPE_OFFSET = 8;
    static final int MESSAGE_PAYLOAD_OFFSET = 12;

    private InboundRecords()
    {
    }

    /**
     * @param ring         the room loop's ring.
     * @param connectionId connection.
     * @param roomKey      room key.
     * @return false when the ring is full.
     */
    public static boolean offerJoin(final RingBuffer ring, final long connectionId, final int roomKey)
    {
        final int index = ring.tryClaim(JOIN, JOIN_LENGTH);
        if (index <= 0)
        {
            return false;
        }
        final MutableDirectBuffer buffer = ring.buffer();
        buffer.putLong(index + CONNECTION_ID_OFFSET, connectionId);
        buffer.putInt(index + JOIN_ROOM_KEY_OFFSET, roomKey);
        ring.commit(index);
        return true;
    }

    /**
     * @param ring          the room loop's ring.
     * @param connectionId  connection.
     * @param seq           input sequence.
     * @param ackTick       piggybacked ack (0 = none).
     * @param viewTick      the tick the client was showing when it sampled the input (0 = unknown).
     * @param payload       payload bytes.
     * @param payloadLength how many of them.
     * @return false when the ring is full.
     */
    public static boolean offerInput(
        final RingBuffer ring,
        final long connectionId,
        final int seq,
        final int ackTick,
        final int viewTick,
        final DirectBuffer payload,
        final int payloadLength)
    {
        final int index = ring.tryClaim(INPUT, INPUT_PAYLOAD_OFFSET + payloadLength);
        if (index <= 0)
        {
            return false;
        }
        final MutableDirectBuffer buffer = ring.buffer();
        buffer.putLong(index + CONNECTION_ID_OFFSET, connectionId);
        buffer.putInt(index + INPUT_SEQ_OFFSET, seq);
        buffer.putInt(index + INPUT_ACK_TICK_OFFSET, ackTick);
        buffer.putInt(index + INPUT_VIEW_TICK_OFFSET, viewTick);
        buffer.putBytes(index + INPUT_PAYLOAD_OFFSET, payload, 0, payloadLength);
        ring.commit(index);
        return true;
    }

    /**
     * @param ring          the room loop's ring.
     * @param connectionId  connection.
     * @param type          game-defined message type.
     * @param payload       payload bytes.
     * @param payloadLength how many of them.
     * @return false when the ring is full.
     */
    public static boolean offerMessage(
        final RingBuffer ring,
        final long connectionId,
        final int type,
        final DirectBuffer payload,
        final int payloadLength)
    {
        final int index = ring.tryClaim(MESSAGE, MESSAGE_PAYLOAD_OFFSET + payloadLength);
        if (index <= 0)
        {
            return false;
        }
        final MutableDirectBuffer buffer = ring.buffer();
        buffer.putLong(index + CONNECTION_ID_OFFSET, connectionId);
        buffer.putInt(index + MESSAGE_TYPE_OFFSET, type);
        buffer.putBytes(index + MESSAGE_PAYLOAD_OFFSET, payload, 0, payloadLength);
        ring.commit(index);
        return true;
    }

    /**
     * @param ring         the room loop's ring.
     * @param connectionId connection.
     * @param tick         acked tick.
     * @param flags        {@link #ACK_FLAG_REQUEST_FULL} or 0.
     * @return false when the ring is full.
     */
    public static boolean offerAck(final RingBuffer ring, final long connectionId, final int tick, final int flags)
    {
        final int index = ring.tryClaim(ACK, ACK_LENGTH);
        if (index <= 0)
        {
            return false;
        }
        final MutableDirectBuffer buffer = ring.buffer();
        buffer.putLong(index + CONNECTION_ID_OFFSET, connectionId);
        buffer.putInt(index + ACK_TICK_OFFSET, tick);
        buffer.putInt(index + ACK_FLAGS_OFFSET, flags);
        ring.commit(index);
        return true;
    }

    /**
     * @param ring         the room loop's ring.
     * @param connectionId connection.
     * @param closeCode    why it left.
     * @return false when the ring is full.
     */
    public static boolean offerLeave(final RingBuffer ring, final long connectionId, final int closeCode)
    {
        final int index = ring.tryClaim(LEAVE, LEAVE_LENGTH);
        if (index <= 0)
        {
            return false;
        }
        final MutableDirectBuffer buffer = ring.buffer();
        buffer.putLong(index + CONNECTION_ID_OFFSET, connectionId);
        buffer.putInt(index + LEAVE_CODE_OFFSET, closeCode);
        ring.commit(index);
        return true;
    }

    /**
     * @param ring      the room loop's ring.
     * @param roomKey   room.
     * @param closeCode code its players get.
     * @return false when the ring is full.
     */
    public static boolean offerCloseRoom(final RingBuffer ring, final int roomKey, final int closeCode)
    {
        final int index = ring.tryClaim(CLOSE_ROOM, CLOSE_ROOM_LENGTH);
        if (index <= 0)
        {
            return false;
        }
        final MutableDirectBuffer buffer = ring.buffer();
        buffer.putInt(index + ROOM_KEY_OFFSET, roomKey);
        buffer.putInt(index + CLOSE_ROOM_CODE_OFFSET, closeCode);
        ring.commit(index);
        return true;
    }

    /**
     * @param ring         the room loop's ring.
     * @param connectionId the new connection.
     * @param playerKey    the player it resumes.
     * @return false when the ring is full.
     */
    public static boolean offerResume(final RingBuffer ring, final long connectionId, final long playerKey)
    {
        final int index = ring.tryClaim(RESUME, RESUME_LENGTH);
        if (index <= 0)
        {
            return false;
        }
        final MutableDirectBuffer buffer = ring.buffer();
        buffer.putLong(index + CONNECTION_ID_OFFSET, connectionId);
        buffer.putLong(index + RESUME_PLAYER_KEY_OFFSET, playerKey);
        ring.commit(index);
        return true;
    }

    /**
     * @param ring    the room loop's ring.
     * @param roomKey room.
     * @return false when the ring is full.
     */
    public static boolean offerCreateRoom(final RingBuffer ring, final int roomKey)
    {
        final int index = ring.tryClaim(CREATE_ROOM, CREATE_ROOM_LENGTH);
        if (index <= 0)
        {
            return false;
        }
        ring.buffer().putInt(index + ROOM_KEY_OFFSET, roomKey);
        ring.commit(index);
        return true;
    }
}
