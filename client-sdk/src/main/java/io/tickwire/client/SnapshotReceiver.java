package io.tickwire.client;

import io.tickwire.protocol.delta.WorldState;
import io.tickwire.protocol.predict.EntityStep;
import io.tickwire.protocol.schema.EntitySchema;
import io.tickwire.protocol.schema.EntityTypes;
import io.tickwire.protocol.v1.Snapshot;

/**
 * The room's state on this client, fed by snapshots: applies each {@code Snapshot} through the
 * {@link SnapshotTracker}, publishes it to the {@link EntityMirror}, acks it, asks for a full snapshot when
 * it does not fit, feeds the {@link Interpolator} and {@link Predictor} when they exist (both take their own
 * copy under their own lock), moves the {@link InputJournal} and the {@link PingKeeper} on, and fires the
 * snapshot (or the error) through the {@link EventDispatcher}.
 * <p>
 * Thread: {@link #onSnapshot} on the session's event loop; {@link #interpolator()},
 * {@link #createPredictor} and {@link #predictor()} on any thread.
 */
final class SnapshotReceiver
{
    private final SnapshotTracker tracker;
    private final EntityMirror mirror;
    private final int tickRateHz;
    private final ClientOptions options;
    private final ClientStats stats;
    private final Outbound outbound;
    private final InputJournal inputs;
    private final PingKeeper pings;
    private final EventDispatcher events;
    private final Object attachLock = new Object();
    private volatile Interpolator interpolator;
    private volatile Predictor predictor;
    private final int playerEntityId;
    private volatile int playerEntityType = -1;

    SnapshotReceiver(
        final SnapshotTracker tracker,
        final EntityMirror mirror,
        final int tickRateHz,
        final ClientOptions options,
        final ClientStats stats,
        final Outbound outbound,
        final InputJournal inputs,
        final PingKeeper pings,
        final EventDispatcher events,
        final int playerEntityId)
    {
        this.playerEntityId = playerEntityId;
        this.tracker = tracker;
        this.mirror = mirror;
        this.tickRateHz = tickRateHz;
        this.options = options;
        this.stats = stats;
        this.outbound = outbound;
        this.inputs = inputs;
        this.pings = pings;
        this.events = events;
    }

    EntitySchema schema()
    {
        return tracker.schema();
    }

    EntityTypes types()
    {
        return tracker.types();
    }

    /**
     * The server tick the interpolator showed in its last sample ({@link Interpolator#viewTick()}): what every
     * input carries as {@code view_tick}. Any thread.
     *
     * @return the tick, 0 when there is no interpolator or it has not sampled yet.
     */
    int viewTick()
    {
        final Interpolator i = interpolator;
        return i == null ? 0 : i.viewTick();
    }

    /**
     * @return the type of the player's entity in the newest applied state, -1 when it is not there (or the
     * session has none). Any thread.
     */
    int playerEntityType()
    {
        return playerEntityType;
    }

    /**
     * The session's interpolator, created on first use; from then on every applied snapshot feeds it.
     * Any thread.
     */
    Interpolator interpolator()
    {
        synchronized (attachLock)
        {
            Interpolator i = interpolator;
            if (i == null)
            {
                i = Interpolator.create(tracker.types(), tickRateHz, options);
                interpolator = i;
            }
            return i;
        }
    }

    /**
     * Create the session's predictor, which sends its inputs through the journal; from then on every applied
     * snapshot feeds its mailbox. Any thread.
     */
    Predictor createPredictor(final EntityStep step, final int type)
    {
        synchronized (attachLock)
        {
            if (predictor != null)
            {
                throw new IllegalStateException("session already has a predictor: " + predictor);
            }
            final Predictor p = new Predictor(tracker.types(), type, playerEntityId, step, inputs::sendAt,
                pings.clock(), tickRateHz, options.mispredictionToleranceSlots(), options.maxPendingInputs(),
                options.inputLeadMarginTicks(), stats);
            predictor = p;
            return p;
        }
    }

    Predictor predictor()
    {
        return predictor;
    }

    /**
     * Apply one snapshot of a welcomed connection. Event loop.
     *
     * @param sizeBytes        the frame's length.
     * @param receiveTimeNanos {@link System#nanoTime()} when the frame was read.
     */
    void onSnapshot(final Snapshot snapshot, final int sizeBytes, final long receiveTimeNanos)
    {
        stats.snapshotsReceived++;
        final WorldState previous = tracker.newest();
        final int result = tracker.apply(snapshot);
        switch (result)
        {
            case SnapshotTracker.APPLIED:
                onApplied(snapshot, previous, sizeBytes, receiveTimeNanos);
                break;
            case SnapshotTracker.STALE:
                stats.staleSnapshots++;
                break;
            case SnapshotTracker.BASELINE_MISSING:
                stats.baselineMisses++;
                outbound.requestFull();
                events.fireError(0, tracker.lastError());
                break;
            default:
                stats.protocolErrors++;
                outbound.requestFull();
                events.fireError(0, tracker.lastError());
                break;
        }
    }

    private void onApplied(final Snapshot snapshot, final WorldState previous, final int sizeBytes,
        final long receiveTimeNanos)
    {
        outbound.onFullRequestAnswered();
        final int tick = snapshot.getTick();
        if (snapshot.getBaselineTick() == 0)
        {
            stats.fullSnapshots++;
        }
        else
        {
            stats.deltaSnapshots++;
        }
        final int processed = snapshot.getLastInputSeq();
        inputs.onProcessed(processed);
        mirror.onApplied(tick);
        if (options.autoAck() && outbound.isWritable())
        {
            outbound.ack(tick);
        }
        inputs.onSnapshotApplied();
        final WorldState newest = tracker.newest();
        if (playerEntityId != 0)
        {
            final int index = newest.indexOf(playerEntityId);
            playerEntityType = index < 0 ? -1 : newest.typeAt(index);
        }
        final Interpolator interp = interpolator;
        if (interp != null)
        {
            interp.onState(newest, receiveTimeNanos);
        }
        final Predictor pred = predictor;
        if (pred != null)
        {
            pred.onServerState(newest, processed);
        }
        pings.onSnapshotApplied();
        if (events.wantsSnapshots())
        {
            events.fireSnapshot(previous, newest, new SnapshotInfo(
                tick,
                snapshot.getBaselineTick(),
                sizeBytes,
                processed,
                snapshot.getEntityCount(),
                snapshot.getCreatedIdsCount(),
                tracker.lastChangedCount(),
                snapshot.getRemovedIdsCount(),
                snapshot.getServerTimeMs(),
                receiveTimeNanos));
        }
    }
}
