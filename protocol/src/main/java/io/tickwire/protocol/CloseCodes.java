package io.tickwire.protocol;

/**
 * WebSocket close codes the server uses, shared with clients. When the server sends an
 * {@code Error} before closing, the error's code equals the close code.
 * <p>
 * 1000-1011 are RFC 6455 codes; 4000-4999 are Tickwire's own (the range RFC 6455 leaves to
 * applications). protocol/README.md has the table with when each is sent.
 */
public final class CloseCodes
{
    /** Normal closure: the client sent {@code Leave} or closed. */
    public static final int NORMAL = 1000;
    /** The server is shutting down or the room was closed by an operator. */
    public static final int GOING_AWAY = 1001;
    /** A WebSocket protocol violation (bad framing, RSV bits, unmasked client frame...). */
    public static final int PROTOCOL_ERROR = 1002;
    /** A text frame: Tickwire speaks binary frames only. */
    public static final int UNSUPPORTED_DATA = 1003;
    /** A binary frame that is not a valid {@code ClientMessage}. */
    public static final int INVALID_PAYLOAD = 1007;
    /** A policy violation: limits exceeded (rates, connections). */
    public static final int POLICY_VIOLATION = 1008;
    /** A frame larger than the server's maximum frame length. */
    public static final int MESSAGE_TOO_BIG = 1009;
    /** The server failed unexpectedly while serving this connection. */
    public static final int INTERNAL_ERROR = 1011;

    /** A message other than {@code Join} arrived before the join completed. */
    public static final int NOT_JOINED = 4000;
    /** {@code Join} named a room id that does not exist. */
    public static final int ROOM_NOT_FOUND = 4001;
    /** The room (or every room of the type, when none can be created) is full. */
    public static final int ROOM_FULL = 4002;
    /** {@code Join.protocol_version} differs from the server's. */
    public static final int UNSUPPORTED_PROTOCOL_VERSION = 4003;
    /** {@code Join} named an unknown room type, or both or neither of room id and type. */
    public static final int INVALID_JOIN = 4004;
    /** A second {@code Join} on a connection that already joined. */
    public static final int ALREADY_JOINED = 4005;
    /** The client could not take snapshots: unwritable for longer than the slow-client timeout. */
    public static final int SLOW_CONSUMER = 4006;
    /** The client did not acknowledge any snapshot for longer than the ack timeout. */
    public static final int ACK_TIMEOUT = 4007;
    /** The room's inbound ring was full: the server is overloaded and refused the join. */
    public static final int SERVER_OVERLOADED = 4008;
    /** The room was closed (by an operator or because its game ended). */
    public static final int ROOM_CLOSED = 4009;
    /** No message at all for longer than the idle timeout. */
    public static final int IDLE_TIMEOUT = 4010;
    /** The join ticket is missing, malformed, forged, expired, replayed or for another room. */
    public static final int TICKET_REJECTED = 4011;
    /** The resume token is unknown, expired (grace period over) or for another room. */
    public static final int RESUME_REJECTED = 4012;
    /** The player resumed on another connection; this one is replaced. */
    public static final int SESSION_REPLACED = 4013;
    /** No {@code Join} within the join timeout after the WebSocket handshake. */
    public static final int JOIN_TIMEOUT = 4014;
    /** The room options of a join (or of a room to create) were refused by the room type. */
    public static final int INVALID_ROOM_OPTIONS = 4015;
    /** The game kicked or refused the player: the lowest code of the range a game may use. */
    public static final int GAME_MIN = 4100;
    /** The highest code a game may use for a refusal or a kick. */
    public static final int GAME_MAX = 4199;

    /**
     * @param code a close code.
     * @return true when it is in the game-defined range {@link #GAME_MIN}..{@link #GAME_MAX}.
     */
    public static boolean isGameDefined(final int code)
    {
        return code >= GAME_MIN && code <= GAME_MAX;
    }
    /**
     * The server is draining (scaled down, updated, or drained by an operator): the room is not
     * lost to the game, this server is. Rejoin through the matchmaker, which sends the player to a
     * server that is not draining; do not retry this server's URL.
     */
    public static final int SERVER_DRAINING = 4016;

    private CloseCodes()
    {
    }
}
