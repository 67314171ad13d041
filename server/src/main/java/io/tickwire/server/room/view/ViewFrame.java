package io.tickwire.server.room.view;

import io.tickwire.protocol.delta.WorldState;
import io.tickwire.protocol.schema.EntityTypes;

/**
 * What one or more connections were sent at one tick: the entities of their view with the values they
 * received. A connection's next delta is taken against the frame of the tick it acknowledged, so its mirror
 * stays exact whatever its view did since. Frames are shared (every connection with the same center cell and
 * audience holds the same one) and reference counted back into a {@link FramePool}.
 * <p>
 * Thread: the owning room loop.
 */
public final class ViewFrame
{
    final WorldState state;
    int serial;
    int refs;
    boolean isPrivate;

    ViewFrame(final EntityTypes types, final int capacity)
    {
        this.state = new WorldState(types, capacity);
    }

    /**
     * @return the entities and values of this frame.
     */
    public WorldState state()
    {
        return state;
    }

    /**
     * @return a number unique among live frames: two connections with the same baseline serial and target
     * serial get the same encoded body.
     */
    public int serial()
    {
        return serial;
    }

    @Override
    public String toString()
    {
        return "ViewFrame{serial=" + serial + ", refs=" + refs + ", state=" + state + '}';
    }
}
