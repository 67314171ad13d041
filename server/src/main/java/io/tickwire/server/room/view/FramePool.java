package io.tickwire.server.room.view;

import io.tickwire.protocol.schema.EntityTypes;

import java.util.ArrayDeque;

/**
 * Recycles {@link ViewFrame}s so that steady-state view building allocates nothing: a frame returns here when
 * the last connection ring (or the room's per-tick cache) holding it lets go.
 * <p>
 * Thread: the owning room loop.
 */
final class FramePool
{
    private final EntityTypes types;
    private final ArrayDeque<ViewFrame> free = new ArrayDeque<>();
    private int nextSerial = 1;
    private int live;

    FramePool(final EntityTypes types)
    {
        this.types = types;
    }

    ViewFrame acquire(final int tick, final long serverTimeMs)
    {
        ViewFrame frame = free.pollFirst();
        if (frame == null)
        {
            frame = new ViewFrame(types, 64);
        }
        frame.serial = nextSerial++;
        if (nextSerial == 0)
        {
            nextSerial = 1;
        }
        frame.refs = 1;
        frame.isPrivate = false;
        frame.state.reset(tick, serverTimeMs);
        live++;
        return frame;
    }

    void retain(final ViewFrame frame)
    {
        frame.refs++;
    }

    void release(final ViewFrame frame)
    {
        if (frame != null && --frame.refs == 0)
        {
            live--;
            free.addFirst(frame);
        }
    }

    /**
     * @return frames currently held by someone.
     */
    int live()
    {
        return live;
    }

    /**
     * @return frames waiting for reuse.
     */
    int pooled()
    {
        return free.size();
    }
}
