package io.tickwire.server.room;

import java.util.Arrays;

/**
 * The outboxes a room loop wrote into during one duty cycle, so each is signalled once at the end
 * of the cycle: one drain task per event loop per cycle, however many frames went into it.
 * <p>
 * Thread: the owning room loop.
 */
final class TouchedOutboxes
{
    private Outbox[] touched = new Outbox[8];
    private int count;

    void add(final Outbox outbox)
    {
        // A handful of event loops: a linear scan beats hashing.
        for (int i = 0; i < count; i++)
        {
            if (touched[i] == outbox)
            {
                return;
            }
        }
        if (count == touched.length)
        {
            touched = Arrays.copyOf(touched, count * 2);
        }
        touched[count++] = outbox;
    }

    int signalAll()
    {
        final int signalled = count;
        for (int i = 0; i < count; i++)
        {
            touched[i].signal();
            touched[i] = null;
        }
        count = 0;
        return signalled;
    }
}
