package io.tickwire.server.game;

import io.tickwire.protocol.delta.WorldState;
import io.tickwire.protocol.schema.SchemaField;

/**
 * The room as it was at a past tick, read-only: what lag compensation tests hits against. A shooting client
 * aims at what it sees, which is the past (its interpolation delay plus half its round trip); rewinding to
 * the tick it was showing makes "I hit him on my screen" true on the server, within a clamp
 * ({@link GameLogicFactory#maxRewindMs()}) so that a laggard cannot shoot far into the past.
 * <p>
 * Exactly the quantized values the room captured at that tick (the snapshot history), so it agrees with what
 * clients were sent. A flyweight owned by the room: valid until the game's callback returns; do not keep it.
 * Thread: the room loop.
 */
public final class Rewind
{
    private WorldState state;
    private int requestedTick;

    /**
     * Point this view at a captured state. Used by the room loop.
     *
     * @param captured      the state at the rewound tick.
     * @param requestedTick the tick asked for before clamping.
     * @return this.
     */
    public Rewind wrap(final WorldState captured, final int requestedTick)
    {
        this.state = captured;
        this.requestedTick = requestedTick;
        return this;
    }

    /**
     * @return the tick this view shows.
     */
    public int tick()
    {
        return state.tick();
    }

    /**
     * @return the tick that was asked for (the client's view tick) before the clamp; 0 when unknown.
     */
    public int requestedTick()
    {
        return requestedTick;
    }

    /**
     * @return true when the request was further back (or ahead) than allowed and was clamped.
     */
    public boolean clamped()
    {
        return requestedTick != state.tick();
    }

    /**
     * @return entities at that tick.
     */
    public int entityCount()
    {
        return state.count();
    }

    /**
     * @param index in [0, entityCount), ascending by id.
     * @return the id at that index.
     */
    public int entityIdAt(final int index)
    {
        return state.idAt(index);
    }

    /**
     * @param index in [0, entityCount).
     * @return the type of the entity at that index.
     */
    public int entityTypeAt(final int index)
    {
        return state.typeAt(index);
    }

    /**
     * @param id entity id.
     * @return true when it existed at that tick.
     */
    public boolean exists(final int id)
    {
        return state.indexOf(id) >= 0;
    }

    /**
     * @param id    an entity that existed at that tick.
     * @param field an INT, FIXED, ANGLE or BOOL field of its type.
     * @return the value it had.
     */
    public double getDouble(final int id, final SchemaField field)
    {
        return field.dequantize(state.valueAt(indexOrThrow(id), field.firstSlot()));
    }

    /**
     * @param id    an entity that existed at that tick.
     * @param field an INT or BOOL field of its type.
     * @return the value it had.
     */
    public int getInt(final int id, final SchemaField field)
    {
        return field.dequantizeInt(state.valueAt(indexOrThrow(id), field.firstSlot()));
    }

    private int indexOrThrow(final int id)
    {
        final int index = state.indexOf(id);
        if (index < 0)
        {
            throw new IllegalArgumentException("no such entity at tick " + state.tick() + ": id=" + id);
        }
        return index;
    }

    @Override
    public String toString()
    {
        return "Rewind{tick=" + (state == null ? 0 : state.tick()) + ", requestedTick=" + requestedTick + '}';
    }
}
