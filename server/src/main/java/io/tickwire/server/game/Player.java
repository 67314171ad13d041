package io.tickwire.server.game;

/**
 * A player of a room as the game sees it. Owned by the room loop thread.
 */
public final class Player
{
    private final String sessionId;
    private final String remoteAddress;
    private final String playerId;
    private final java.util.Map<String, String> claims;
    private int entityId;
    private Object attachment;
    private int audience;
    private boolean hasViewpoint;
    private double viewX;
    private double viewY;
    private int viewTick;

    /**
     * @param sessionId     the session id (also sent in {@code Welcome}).
     * @param remoteAddress the client's address, for logs.
     * @param playerId      the player id from the join ticket, or null in open mode.
     */
    public Player(final String sessionId, final String remoteAddress, final String playerId)
    {
        this(sessionId, remoteAddress, playerId, java.util.Map.of());
    }

    /**
     * @param sessionId     the session id (also sent in {@code Welcome}).
     * @param remoteAddress the client's address, for logs.
     * @param playerId      the player id from the join ticket, or null in open mode.
     * @param claims        the custom claims of the player's verified join ticket; empty in open mode.
     */
    public Player(final String sessionId, final String remoteAddress, final String playerId,
        final java.util.Map<String, String> claims)
    {
        this.sessionId = sessionId;
        this.remoteAddress = remoteAddress;
        this.playerId = playerId;
        this.claims = java.util.Map.copyOf(claims);
    }

    /**
     * @return the custom claims of the player's verified join ticket (name, team...), signed by the
     * operator's backend; empty in open mode or for a ticket without claims. Immutable.
     */
    public java.util.Map<String, String> claims()
    {
        return claims;
    }

    /**
     * @return the player id the join ticket vouched for, or null when the server runs in open mode.
     */
    public String playerId()
    {
        return playerId;
    }

    /**
     * @return the session id.
     */
    public String sessionId()
    {
        return sessionId;
    }

    /**
     * @return the client's remote address.
     */
    public String remoteAddress()
    {
        return remoteAddress;
    }

    /**
     * @return the entity this player controls, 0 for none.
     */
    public int entityId()
    {
        return entityId;
    }

    /**
     * @param entityId the entity this player controls (sent to the client in {@code Welcome}).
     */
    public void entityId(final int entityId)
    {
        this.entityId = entityId;
    }

    /**
     * @return the game's per-player state.
     */
    public Object attachment()
    {
        return attachment;
    }

    /**
     * @param attachment the game's per-player state.
     */
    public void attachment(final Object attachment)
    {
        this.attachment = attachment;
    }

    /**
     * @return the player's audience (a team, say): it receives the AUDIENCE fields of entities in the same
     * audience. Default 0.
     */
    public int audience()
    {
        return audience;
    }

    /**
     * @param audience the player's audience; players with equal audiences share encoded snapshots.
     */
    public void audience(final int audience)
    {
        if (audience == World.NO_AUDIENCE)
        {
            throw new IllegalArgumentException("World.NO_AUDIENCE is nobody's audience: audience=" + audience);
        }
        this.audience = audience;
    }

    /**
     * Set where this player looks from when the room has an interest policy (a camera, a spectator's focus),
     * instead of its entity's position.
     *
     * @param x position field value (same units as the position fields).
     * @param y position field value.
     */
    public void viewpoint(final double x, final double y)
    {
        this.hasViewpoint = true;
        this.viewX = x;
        this.viewY = y;
    }

    /**
     * Look from the player's entity again (the default). A player with neither an entity nor a viewpoint sees
     * the whole room.
     */
    public void clearViewpoint()
    {
        this.hasViewpoint = false;
    }

    /**
     * @return true when {@link #viewpoint(double, double)} was set.
     */
    public boolean hasViewpoint()
    {
        return hasViewpoint;
    }

    /**
     * @return the viewpoint's x, when {@link #hasViewpoint()}.
     */
    public double viewpointX()
    {
        return viewX;
    }

    /**
     * @return the viewpoint's y, when {@link #hasViewpoint()}.
     */
    public double viewpointY()
    {
        return viewY;
    }

    /**
     * @return the server tick the client was showing when it sampled its latest input (its interpolation
     * time), 0 when unknown; what {@link RoomContext#rewind(Player)} rewinds to.
     */
    public int viewTick()
    {
        return viewTick;
    }

    /**
     * Set by the room loop from each input. Not for games.
     *
     * @param tick the input's view tick.
     */
    public void viewTick(final int tick)
    {
        this.viewTick = tick;
    }

    @Override
    public String toString()
    {
        return "Player{sessionId=" + sessionId + ", entityId=" + entityId + '}';
    }
}
