package io.tickwire.server.game;

import io.tickwire.protocol.schema.EntitySchema;

/**
 * A room type: its entity schema and how to create a {@link GameLogic} for a new room of it.
 * Registered by name with the server. {@link #create(RoomContext)} runs on the room loop thread
 * that will own the room; {@link #schema()} may be called from any thread.
 */
public interface GameLogicFactory
{
    /**
     * @return schema of every entity of rooms of this type; the same instance each call.
     */
    EntitySchema schema();

    /**
     * @param context the new room's id, tick rate and seed.
     * @return the room's game.
     */
    GameLogic create(RoomContext context);
}
