package io.tickwire.client;

import io.tickwire.protocol.delta.WorldState;
import io.tickwire.protocol.schema.EntityTypes;

import java.util.ArrayDeque;

/**
 * The events of a session in {@link DeliveryMode#POLL}: the event loop queues them, the game thread runs
 * them in {@link RoomSession#poll()}.
 * <p>
 * Each queued snapshot carries its own copy of the state (from a pool), so that during a polled callback
 * the mirror shows exactly that snapshot, as an event-loop callback would. At most
 * {@link ClientOptions#pollQueueSnapshots()} snapshots wait; past that the newest waiting one is
 * overwritten (counted in {@link ClientStats#pollCoalesced()}), which keeps entity events right because
 * they are diffs between the states a poll actually delivers. Pongs and errors are capped at
 * {@link #MAX_OTHER_EVENTS}; connection events (disconnected, reconnected, closed) are never dropped.
 * <p>
 * Threads: {@code offer*} on the event loop; {@code poll} and {@code view} on the polling thread; the
 * queue is guarded by a lock held only to add or to swap the queue out.
 */
final class PollQueue
{
    static final int SNAPSHOT = 0;
    static final int PONG = 1;
    static final int ERROR = 2;
    static final int CLOSED = 3;
    static final int DISCONNECTED = 4;
    static final int RECONNECTED = 5;
    static final int MESSAGE = 6;
    static final int MAX_OTHER_EVENTS = 1024;

    /** One queued event. */
    static final class Event
    {
        final int type;
        SnapshotInfo info;
        WorldState state;
        long rttNanos;
        int serverTick;
        int code;
        String text;
        boolean flag;
        byte[] payload;

        Event(final int type)
        {
            this.type = type;
        }
    }

    /** Runs polled events on the polling thread; the {@link EventDispatcher}. */
    interface Dispatcher
    {
        void deliverPolledSnapshot(WorldState previous, WorldState next, SnapshotInfo info);

        void deliverPolledEvent(Event event);
    }

    private final Object lock = new Object();
    private final Object pollLock = new Object();
    private final EntityTypes types;
    private final int maxSnapshots;
    private final ClientStats stats;
    private final ArrayDeque<WorldState> freeStates = new ArrayDeque<>();
    private ArrayDeque<Event> queue = new ArrayDeque<>();
    private ArrayDeque<Event> draining = new ArrayDeque<>();
    private Event lastSnapshot;
    private int queuedSnapshots;
    private int queuedOthers;

    private volatile Thread owner;
    private WorldState view;
    private boolean polling;

    PollQueue(final EntityTypes types, final int maxSnapshots, final ClientStats stats)
    {
        this.types = types;
        this.maxSnapshots = maxSnapshots;
        this.stats = stats;
    }

    /**
     * Queue an applied snapshot with a copy of its state. Thread: the event loop.
     */
    void offerSnapshot(final WorldState newest, final SnapshotInfo info)
    {
        synchronized (lock)
        {
            if (queuedSnapshots >= maxSnapshots && lastSnapshot != null)
            {
                lastSnapshot.state.copyFrom(newest);
                lastSnapshot.info = info;
                stats.pollCoalesced++;
                return;
            }
            WorldState copy = freeStates.poll();
            if (copy == null)
            {
                copy = new WorldState(types, newest.count());
            }
            copy.copyFrom(newest);
            final Event e = new Event(SNAPSHOT);
            e.state = copy;
            e.info = info;
            queue.add(e);
            lastSnapshot = e;
            queuedSnapshots++;
        }
    }

    /**
     * Queue a pong, error or close. Thread: the event loop.
     */
    void offer(final Event event)
    {
        synchronized (lock)
        {
            if ((event.type == PONG || event.type == ERROR) && queuedOthers >= MAX_OTHER_EVENTS)
            {
                stats.pollDropped++;
                return;
            }
            queue.add(event);
            queuedOthers++;
        }
    }

    /**
     * Run every queued event on the calling thread, which becomes the thread the mirror may be read on.
     *
     * @return events delivered.
     */
    int poll(final Dispatcher dispatcher)
    {
        synchronized (pollLock)
        {
            if (polling)
            {
                throw new IllegalStateException("poll() called from inside a polled callback: thread=" +
                    Thread.currentThread().getName());
            }
            polling = true;
            owner = Thread.currentThread();
            try
            {
                return drain(dispatcher);
            }
            finally
            {
                polling = false;
            }
        }
    }

    private int drain(final Dispatcher dispatcher)
    {
        final ArrayDeque<Event> events;
        synchronized (lock)
        {
            events = queue;
            queue = draining;
            draining = events;
            lastSnapshot = null;
            queuedSnapshots = 0;
            queuedOthers = 0;
        }
        int delivered = 0;
        Event e;
        while ((e = events.poll()) != null)
        {
            delivered++;
            if (e.type == SNAPSHOT)
            {
                final WorldState previous = view;
                view = e.state;
                dispatcher.deliverPolledSnapshot(previous, view, e.info);
                if (previous != null)
                {
                    synchronized (lock)
                    {
                        freeStates.add(previous);
                    }
                }
            }
            else
            {
                dispatcher.deliverPolledEvent(e);
            }
        }
        return delivered;
    }

    /**
     * @return true on the thread that called {@link #poll} last.
     */
    boolean isOwner()
    {
        return owner == Thread.currentThread();
    }

    /**
     * @return the state of the snapshot delivered last, null before the first. Polling thread.
     */
    WorldState view()
    {
        return view;
    }
}
