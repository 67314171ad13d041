package io.tickwire.client;

import java.util.Map;
import java.util.Objects;

/**
 * What to join: a room type (join-or-create a room of that type) or a room id, plus an optional
 * join ticket and resume token. Immutable; the {@code ticket}/{@code resumeToken} methods return a
 * new request.
 */
public final class JoinRequest
{
    private final String roomType;
    private final String roomId;
    private final String ticket;
    private final String resumeToken;
    private final Map<String, String> options;

    private JoinRequest(final String roomType, final String roomId, final String ticket, final String resumeToken,
        final Map<String, String> options)
    {
        this.roomType = roomType;
        this.roomId = roomId;
        this.ticket = ticket;
        this.resumeToken = resumeToken;
        this.options = Map.copyOf(options);
    }

    /**
     * @param roomType room type, e.g. {@code "arena"}; the server joins a room of that type or creates one.
     * @return the request.
     * @throws IllegalArgumentException when the type is null or empty.
     */
    public static JoinRequest byType(final String roomType)
    {
        return new JoinRequest(requireNonEmpty(roomType, "roomType"), "", "", "", Map.of());
    }

    /**
     * @param roomId id of an existing room.
     * @return the request.
     * @throws IllegalArgumentException when the id is null or empty.
     */
    public static JoinRequest byId(final String roomId)
    {
        return new JoinRequest("", requireNonEmpty(roomId, "roomId"), "", "", Map.of());
    }

    /**
     * @param ticket signed join ticket from the operator's backend (not needed in open mode).
     * @return a copy of this request carrying the ticket.
     */
    public JoinRequest ticket(final String ticket)
    {
        return new JoinRequest(roomType, roomId, Objects.requireNonNull(ticket, "ticket"), resumeToken, options);
    }

    /**
     * @param resumeToken {@link RoomSession#resumeToken()} of an earlier session, to resume that player.
     * @return a copy of this request carrying the token.
     */
    public JoinRequest resumeToken(final String resumeToken)
    {
        return new JoinRequest(roomType, roomId, ticket, Objects.requireNonNull(resumeToken, "resumeToken"), options);
    }

    /**
     * @param options join options: the game sees all of them in {@code onJoinAttempt}. Those the room type
     *                counts as room options (all, unless its factory's {@code roomOptions} picks some) are the
     *                options a join by type creates its room with, and it only joins rooms created with equal
     *                ones; the room type may refuse them (close 4015). The rest are the player's (a team, a name).
     * @return a copy of this request carrying the options.
     */
    public JoinRequest options(final Map<String, String> options)
    {
        return new JoinRequest(roomType, roomId, ticket, resumeToken, Objects.requireNonNull(options, "options"));
    }

    /**
     * @return the room options, empty when none; immutable.
     */
    public Map<String, String> options()
    {
        return options;
    }

    /**
     * @return the room type, or {@code ""} when joining by id.
     */
    public String roomType()
    {
        return roomType;
    }

    /**
     * @return the room id, or {@code ""} when joining by type.
     */
    public String roomId()
    {
        return roomId;
    }

    /**
     * @return the ticket, {@code ""} when none.
     */
    public String ticket()
    {
        return ticket;
    }

    /**
     * @return the resume token, {@code ""} when none.
     */
    public String resumeToken()
    {
        return resumeToken;
    }

    private static String requireNonEmpty(final String value, final String name)
    {
        if (value == null || value.isEmpty())
        {
            throw new IllegalArgumentException(name + " must not be empty: " + name + "=" + value);
        }
        return value;
    }

    @Override
    public String toString()
    {
        return "JoinRequest{" + (roomType.isEmpty() ? "roomId=" + roomId : "roomType=" + roomType) +
            (ticket.isEmpty() ? "" : ", ticket=<set>") + (resumeToken.isEmpty() ? "" : ", resumeToken=<set>") + '}';
    }
}
