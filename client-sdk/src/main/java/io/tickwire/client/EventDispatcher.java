package io.tickwire.client;

import io.tickwire.protocol.delta.WorldState;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;

/**
 * Routes a session's events to where {@link ClientOptions} says they run: into the {@link PollQueue}
 * ({@link DeliveryMode#POLL}, run later in {@code poll()} on the game's thread), onto the
 * {@link ClientOptions#callbackExecutor()}, or straight to the listeners on the event loop. It decides
 * where and when; its {@link Target} calls the listeners.
 * <p>
 * The rare events (pong, error, disconnected, reconnected, closed) share one route, {@link #route}: each
 * travels as a {@link PollQueue.Event}, the same carrier the poll queue stores. Snapshots have their own
 * route because where the entity diff is computed depends on the mode: on the event loop at once (direct),
 * on the event loop before handing the events to the executor (while the states it compares still exist),
 * or at poll time between the states a poll actually delivers (the queue may coalesce snapshots, so a
 * diff taken on the event loop would report changes the game never sees). Whichever the mode, one
 * session's events reach the listeners in the order the event loop produced them: a poll drains one FIFO,
 * an executor gets one task per event.
 * <p>
 * Thread: {@code fire*} and {@link #runOnCallbackThread} on the session's event loop; {@link #poll()} on the
 * polling thread. Bind the target once, on the event loop, before the first event.
 */
final class EventDispatcher implements PollQueue.Dispatcher
{
    private static final Logger LOG = LoggerFactory.getLogger(EventDispatcher.class);

    /**
     * Delivers one event to every listener, on the thread the dispatcher chose. Implemented above the
     * connection, where the session object the listeners receive lives.
     */
    interface Target extends EntityDiff.Sink
    {
        /** @return true when some listener is registered, so a snapshot's {@link SnapshotInfo} is worth building. */
        boolean hasListeners();

        /** @return true when some listener implements an entity callback, so the diff is worth computing. */
        boolean wantsEntityEvents();

        void onSnapshot(SnapshotInfo info);

        void onPong(long rttNanos, int serverTick);

        void onMessage(int type, byte[] payload, int tick);

        void onError(int code, String message);

        void onDisconnected(int code, String reason, boolean willReconnect);

        void onReconnected();

        void onClosed(int code, String reason);
    }

    private final Executor callbackExecutor;
    private final DeliveryMode deliveryMode;
    private final String uri;
    private Target target;
    private volatile PollQueue pollQueue;

    EventDispatcher(final ClientOptions options)
    {
        this.callbackExecutor = options.callbackExecutor();
        this.deliveryMode = options.deliveryMode();
        this.uri = options.uri().toString();
    }

    /**
     * Start delivering to a joined session's listeners. Event loop, once, before the first event.
     *
     * @param pollQueue the session's poll queue in {@link DeliveryMode#POLL}, else null.
     */
    void bind(final Target target, final PollQueue pollQueue)
    {
        this.target = target;
        this.pollQueue = pollQueue;
    }

    /**
     * Run queued events on the calling thread ({@link DeliveryMode#POLL}). Any one thread at a time.
     *
     * @return events delivered.
     */
    int poll()
    {
        final PollQueue q = pollQueue;
        if (q == null)
        {
            throw new IllegalStateException("poll() needs ClientOptions.deliveryMode(POLL): deliveryMode=" +
                deliveryMode);
        }
        return q.poll(this);
    }

    /**
     * Run something that is not a listener event (the join future's completion) where callbacks run
     * outside poll mode: on the callback executor, else here on the event loop.
     */
    void runOnCallbackThread(final Runnable callback)
    {
        if (callbackExecutor == null)
        {
            callback.run();
        }
        else
        {
            execute(callback);
        }
    }

    /**
     * @return true when an applied snapshot goes anywhere: to the poll queue, or to some listener.
     */
    boolean wantsSnapshots()
    {
        return pollQueue != null || target.hasListeners();
    }

    /**
     * A snapshot was applied; {@code previous} and {@code newest} are the tracker's states, valid during the call.
     */
    void fireSnapshot(final WorldState previous, final WorldState newest, final SnapshotInfo info)
    {
        final Target t = target;
        if (pollQueue != null)
        {
            pollQueue.offerSnapshot(newest, info);
        }
        else if (callbackExecutor == null)
        {
            if (t.wantsEntityEvents())
            {
                EntityDiff.diff(previous, newest, t);
            }
            t.onSnapshot(info);
        }
        else if (t.wantsEntityEvents())
        {
            final EntityDiff.Collector events = new EntityDiff.Collector();
            EntityDiff.diff(previous, newest, events);
            execute(() ->
            {
                for (int i = 0; i < events.size; i += 2)
                {
                    t.onEntity(events.events[i], events.events[i + 1]);
                }
                t.onSnapshot(info);
            });
        }
        else
        {
            execute(() -> t.onSnapshot(info));
        }
    }

    void firePong(final long rttNanos, final int serverTick)
    {
        final PollQueue.Event e = new PollQueue.Event(PollQueue.PONG);
        e.rttNanos = rttNanos;
        e.serverTick = serverTick;
        route(e);
    }

    /**
     * A game message: never dropped (the poll queue keeps every one until {@code poll()}).
     */
    void fireMessage(final int type, final byte[] payload, final int tick)
    {
        final PollQueue.Event e = new PollQueue.Event(PollQueue.MESSAGE);
        e.code = type;
        e.payload = payload;
        e.serverTick = tick;
        route(e);
    }

    void fireError(final int code, final String message)
    {
        route(event(PollQueue.ERROR, code, message));
    }

    void fireDisconnected(final int code, final String reason, final boolean willReconnect)
    {
        final PollQueue.Event e = event(PollQueue.DISCONNECTED, code, reason);
        e.flag = willReconnect;
        route(e);
    }

    void fireReconnected()
    {
        route(new PollQueue.Event(PollQueue.RECONNECTED));
    }

    void fireClosed(final int code, final String reason)
    {
        route(event(PollQueue.CLOSED, code, reason));
    }

    @Override
    public void deliverPolledSnapshot(final WorldState previous, final WorldState next, final SnapshotInfo info)
    {
        if (target.wantsEntityEvents())
        {
            EntityDiff.diff(previous, next, target);
        }
        target.onSnapshot(info);
    }

    @Override
    public void deliverPolledEvent(final PollQueue.Event event)
    {
        deliver(target, event);
    }

    /**
     * The one route of the rare events: queue for poll, hand to the executor, or deliver now.
     */
    private void route(final PollQueue.Event event)
    {
        final Target t = target;
        if (pollQueue != null)
        {
            pollQueue.offer(event);
        }
        else if (callbackExecutor == null)
        {
            deliver(t, event);
        }
        else
        {
            execute(() -> deliver(t, event));
        }
    }

    private static void deliver(final Target target, final PollQueue.Event event)
    {
        switch (event.type)
        {
            case PollQueue.PONG:
                target.onPong(event.rttNanos, event.serverTick);
                break;
            case PollQueue.ERROR:
                target.onError(event.code, event.text);
                break;
            case PollQueue.MESSAGE:
                target.onMessage(event.code, event.payload, event.serverTick);
                break;
            case PollQueue.DISCONNECTED:
                target.onDisconnected(event.code, event.text, event.flag);
                break;
            case PollQueue.RECONNECTED:
                target.onReconnected();
                break;
            case PollQueue.CLOSED:
                target.onClosed(event.code, event.text);
                break;
            default:
                throw new IllegalArgumentException("not a routed event: type=" + event.type);
        }
    }

    private static PollQueue.Event event(final int type, final int code, final String text)
    {
        final PollQueue.Event e = new PollQueue.Event(type);
        e.code = code;
        e.text = text;
        return e;
    }

    private void execute(final Runnable callback)
    {
        try
        {
            callbackExecutor.execute(callback);
        }
        catch (final RejectedExecutionException ex)
        {
            LOG.warn("callback executor rejected a callback, running it on the event loop: uri={}", uri);
            callback.run();
        }
    }
}
