package io.tickwire.client;

import io.tickwire.protocol.delta.WorldState;
import io.tickwire.protocol.predict.EntityStep;
import io.tickwire.protocol.predict.EntityView;
import io.tickwire.protocol.schema.EntitySchema;
import io.tickwire.protocol.schema.EntityTypes;
import io.tickwire.protocol.schema.SchemaField;

import java.util.Arrays;
import java.util.Objects;

/**
 * Client-side prediction and reconciliation of the player's own entity ({@link RoomSession#playerEntityId()}).
 * <p>
 * The model is one input per server tick: each input the game sends through the predictor is applied at
 * once to the predicted state with the game's {@link EntityStep} (the very step its server-side game runs,
 * see {@code docs/game-guide.md}), sent to the server, and kept. When a snapshot arrives, the server's state of the entity is the result of every input up to the snapshot's
 * {@code last_input_seq}; the predictor
 * <ol>
 * <li>compares it with what it had predicted for that input and counts a misprediction when some slot of
 * a predicted field ({@link EntityStep#predictedFields()}) differs by more than
 * {@link ClientOptions#mispredictionToleranceSlots()} (also when the server's state for an already
 * reconciled input changed in those fields: the server moved the entity without an input); fields the
 * step does not write (health, score) are the server's alone and never count;</li>
 * <li>rewinds to the server's state (all fields), forgets inputs up to {@code last_input_seq},</li>
 * <li>and replays the inputs the server has not processed yet.</li>
 * </ol>
 * So the predicted state is always "server state plus my unprocessed inputs": after a misprediction it
 * is server-consistent from the next snapshot on.
 * <p>
 * Sending: {@link #sendInput(byte[])} sends one input now. {@link #update(long, byte[])} is the one to
 * call every frame: it applies one input per server tick and has each sent from the connection's event
 * loop at the local time when, by the {@link ServerClock} (fractional tick plus half the RTT), it
 * reaches the server in the middle of a tick interval. It looks ahead by one and a half frames, so the
 * frame rate does not matter (20 fps against 30 Hz ticks still gives one input per tick); the predicted
 * state runs that much ahead of the wire. Before the clock is synchronized it falls back to a
 * fixed-rate accumulator sending at once. Prediction is exact only when the server processes one input
 * per tick; send every input through the predictor once it exists.
 * <p>
 * <b>Input lead bound.</b> The server applies one queued input per player per tick, so inputs sent
 * faster than it applies them wait in its queue, and every waiting input is a tick of added latency
 * (a backlog never drains by itself while the client keeps sending one per tick). {@link #update} therefore
 * sends no input for a tick (and predicts no step for it: the server does not move the player either) when
 * more than
 * <pre>
 *   maxPending = ceil(rtt / tickPeriod + lookaheadTicks) + {@link ClientOptions#inputLeadMarginTicks()}
 * </pre>
 * inputs are pending: {@code rtt / tickPeriod} inputs are legitimately in flight (on their way, or
 * processed with their snapshot on its way back), {@code lookaheadTicks} are applied ahead of their send
 * time (the frame lookahead, 0 before the clock is synchronized), and the margin (default 2) absorbs the
 * tick a processed input waits for its snapshot plus jitter. More pending than that means the server's
 * queue for this player is backing up (a server that skipped ticks, a clock estimate running fast, a
 * backlog resent after a reconnect); skipping lets it drain, so queueing latency stays within about the
 * margin. Skips are counted ({@link #inputsSkipped()}). The bound is off before the first round trip is
 * measured and with {@link ClientOptions#UNBOUNDED_INPUT_LEAD}; {@link #sendInput(byte[])} ignores it.
 * <p>
 * <b>Reconnects.</b> While the session is reconnecting no snapshot arrives, so the pending inputs reach
 * the bound within a few ticks and {@code update} pauses; the inputs applied before are kept by the
 * connection and resent after the resume, and the server applies each exactly once, so the prediction
 * stays exact. An input the connection refuses (sequence 0: its buffer is full while down) is neither
 * applied nor kept.
 * <p>
 * Threads: one game thread drives the predictor ({@code update}, {@code sendInput}, {@code reconcile},
 * {@code state}); the event loop only drops the newest server state into a mailbox, which the game
 * thread picks up at its next call. The counters are readable from any thread.
 */
public final class Predictor
{
    /** Most inputs {@link #update} sends in one call when it fell behind (a stalled frame). */
    public static final int MAX_CATCH_UP_INPUTS = 4;

    private static final double TARGET_PHASE = 0.5;

    /** Sends one input at a local time (at once when past), returns its sequence number (0: refused). */
    @FunctionalInterface
    interface InputSender
    {
        int send(byte[] payload, long sendAtNanos);
    }

    private final int entityId;
    private final EntityStep step;
    private final SchemaField[] predictedFields;
    private final InputSender sender;
    private final ServerClock clock;
    private final ClientStats stats;
    private final int toleranceSlots;
    private final int leadMarginTicks;
    private final int type;
    private final int slotCount;
    private final long tickPeriodNs;

    // Mailbox: written by the event loop, taken by the game thread, guarded by itself.
    private final Object mailbox = new Object();
    private final int[] mailSlots;
    private final String[] mailStrings;
    private boolean mailPending;
    private boolean mailPresent;
    private int mailSeq;
    private int mailTick;

    // Game thread.
    private final int[] serverSlots;
    private final String[] serverStrings;
    private final EntityState state;
    private final EntityState predictedView;
    private final EntityState serverView;
    private final int capacity;
    private final int[] pendingSeq;
    private final byte[][] pendingInput;
    private final int[] pendingLength;
    private final int[] pendingPredicted;
    private final boolean[] pendingHasPrediction;
    private int pendingHead;
    private int pendingCount;
    private boolean hasState;
    private boolean hasBase;
    private int baseSeq;
    private final int[] baseSlots;
    private MispredictionListener listener;
    private long lastUpdateNs;
    private boolean updateStarted;
    private double frameIntervalNs;
    private long accumulatorNs;
    private long lastInputWindow = Long.MIN_VALUE;

    private volatile long mispredictions;
    private volatile long reconciliations;
    private volatile long inputsSent;
    private volatile long replayedInputs;
    private volatile long inputsSkipped;
    private volatile int lastProcessedSeq;
    private volatile int inputLeadLimit = Integer.MAX_VALUE;

    Predictor(
        final EntitySchema schema,
        final int entityId,
        final StepFunction step,
        final InputSender sender,
        final ServerClock clock,
        final int tickRateHz,
        final int toleranceSlots,
        final int maxPendingInputs,
        final int leadMarginTicks,
        final ClientStats stats)
    {
        this(schema, entityId, adapt(step, schema), sender, clock, tickRateHz, toleranceSlots, maxPendingInputs,
            leadMarginTicks, stats);
    }

    Predictor(
        final EntitySchema schema,
        final int entityId,
        final EntityStep step,
        final InputSender sender,
        final ServerClock clock,
        final int tickRateHz,
        final int toleranceSlots,
        final int maxPendingInputs,
        final int leadMarginTicks,
        final ClientStats stats)
    {
        this(EntityTypes.single(schema), 0, entityId, step, sender, clock, tickRateHz, toleranceSlots,
            maxPendingInputs, leadMarginTicks, stats);
    }

    /**
     * @param types the room's entity types.
     * @param type  the player's entity's type: the schema the step's fields belong to. A snapshot showing the
     *              entity with another type counts as not showing it.
     */
    Predictor(
        final EntityTypes types,
        final int type,
        final int entityId,
        final EntityStep step,
        final InputSender sender,
        final ServerClock clock,
        final int tickRateHz,
        final int toleranceSlots,
        final int maxPendingInputs,
        final int leadMarginTicks,
        final ClientStats stats)
    {
        final EntitySchema schema = types.schema(type);
        this.type = type;
        this.entityId = entityId;
        this.step = Objects.requireNonNull(step, "step");
        this.predictedFields = checkedPredictedFields(step, schema);
        this.sender = sender;
        this.clock = clock;
        this.stats = stats;
        this.toleranceSlots = toleranceSlots;
        this.leadMarginTicks = leadMarginTicks;
        this.slotCount = schema.slotCount();
        this.tickPeriodNs = 1_000_000_000L / tickRateHz;
        this.mailSlots = new int[slotCount];
        this.serverSlots = new int[slotCount];
        final boolean strings = schema.stringSlotMask() != 0;
        this.mailStrings = strings ? new String[slotCount] : null;
        this.serverStrings = strings ? new String[slotCount] : null;
        this.baseSlots = new int[slotCount];
        this.state = new EntityState(types, type, entityId);
        this.predictedView = new EntityState(types, type, entityId);
        this.serverView = new EntityState(types, type, entityId);
        this.capacity = maxPendingInputs;
        this.pendingSeq = new int[capacity];
        this.pendingInput = new byte[capacity][];
        this.pendingLength = new int[capacity];
        this.pendingPredicted = new int[capacity * slotCount];
        this.pendingHasPrediction = new boolean[capacity];
    }

    private static SchemaField[] checkedPredictedFields(final EntityStep step, final EntitySchema schema)
    {
        final SchemaField[] fields = Objects.requireNonNull(step.predictedFields(), "predictedFields");
        for (final SchemaField f : fields)
        {
            final int index = f == null ? -1 : f.index();
            if (index < 0 || index >= schema.fields().size() || !schema.fields().get(index).equals(f))
            {
                throw new IllegalArgumentException("predicted field not in the session's schema: field=" + f +
                    ", schema=" + schema + ", step=" + step);
            }
        }
        return fields.clone();
    }

    /**
     * A client-only {@link StepFunction} as an {@link EntityStep} that predicts every field of the schema but its
     * STRING fields (a step cannot write texts; they are the server's).
     *
     * @param step   the step function.
     * @param schema the schema it is used with.
     * @return the adapter; not thread-safe (it keeps a scratch copy of inputs given at an offset).
     */
    static EntityStep adapt(final StepFunction step, final EntitySchema schema)
    {
        Objects.requireNonNull(step, "step");
        return new StepFunctionAdapter(step, schema.fields().stream().filter(f -> !f.isString())
            .toArray(SchemaField[]::new));
    }

    /** Calls a {@link StepFunction}; the predictor hands it the stored input arrays, copied only when longer. */
    private static final class StepFunctionAdapter implements EntityStep
    {
        private final StepFunction step;
        private final SchemaField[] fields;
        private byte[] scratch = new byte[0];

        StepFunctionAdapter(final StepFunction step, final SchemaField[] fields)
        {
            this.step = step;
            this.fields = fields;
        }

        @Override
        public void step(final EntityView entity, final byte[] input, final int offset, final int length)
        {
            if (offset == 0 && length == input.length)
            {
                step.step((EntityState)entity, input);
                return;
            }
            if (scratch.length != length)
            {
                scratch = new byte[length];
            }
            System.arraycopy(input, offset, scratch, 0, length);
            step.step((EntityState)entity, scratch);
        }

        @Override
        public SchemaField[] predictedFields()
        {
            return fields;
        }

        @Override
        public String toString()
        {
            return "StepFunctionAdapter{" + step + '}';
        }
    }

    /**
     * The newest applied snapshot. Thread: the event loop.
     */
    void onServerState(final WorldState newest, final int lastInputSeq)
    {
        final int found = newest.indexOf(entityId);
        final int index = found >= 0 && newest.typeAt(found) == type ? found : -1;
        synchronized (mailbox)
        {
            mailPending = true;
            mailPresent = index >= 0;
            mailSeq = lastInputSeq;
            mailTick = newest.tick();
            if (index >= 0)
            {
                // Rows are as wide as the widest type; this entity's slots are the first slotCount of its row.
                final int offset = index * newest.slotCount();
                System.arraycopy(newest.valueArray(), offset, mailSlots, 0, slotCount);
                if (mailStrings != null)
                {
                    System.arraycopy(newest.stringArray(), offset, mailStrings, 0, slotCount);
                }
            }
        }
    }

    /**
     * @return the type of the entity this predictor predicts (0 in a room with one type).
     */
    public int entityType()
    {
        return type;
    }

    /**
     * @return the entity this predictor predicts.
     */
    public int entityId()
    {
        return entityId;
    }

    /**
     * @param listener told of each misprediction on the game thread; null to stop.
     */
    public void mispredictionListener(final MispredictionListener listener)
    {
        this.listener = listener;
    }

    /**
     * Reconcile with the newest snapshot if one arrived since the last call: compare, rewind, replay
     * (see the class comment). {@link #update} and {@link #sendInput} call it first. Game thread.
     *
     * @return true when a new server state was taken.
     */
    public boolean reconcile()
    {
        final boolean present;
        final int seq;
        final int tick;
        synchronized (mailbox)
        {
            if (!mailPending)
            {
                return false;
            }
            mailPending = false;
            present = mailPresent;
            seq = mailSeq;
            tick = mailTick;
            if (present)
            {
                System.arraycopy(mailSlots, 0, serverSlots, 0, slotCount);
                if (mailStrings != null)
                {
                    System.arraycopy(mailStrings, 0, serverStrings, 0, slotCount);
                }
            }
        }
        reconciliations++;
        lastProcessedSeq = seq;

        final int index = indexOfPending(seq);
        if (present)
        {
            if (index >= 0 && pendingHasPrediction[index])
            {
                if (!EntityState.matches(serverSlots, pendingPredicted, index * slotCount, predictedFields, toleranceSlots))
                {
                    predictedView.copyFrom(pendingPredicted, index * slotCount);
                    copyTexts(predictedView);
                    onMisprediction(seq, tick);
                }
            }
            else if (hasBase && baseSeq == seq &&
                !EntityState.matches(serverSlots, baseSlots, 0, predictedFields, toleranceSlots))
            {
                predictedView.copyFrom(baseSlots, 0);
                copyTexts(predictedView);
                onMisprediction(seq, tick);
            }
            hasBase = true;
            baseSeq = seq;
            System.arraycopy(serverSlots, 0, baseSlots, 0, slotCount);
        }
        else
        {
            hasBase = false;
        }

        dropPendingUpTo(seq);
        if (!present)
        {
            hasState = false;
            for (int i = 0; i < pendingCount; i++)
            {
                pendingHasPrediction[slot(i)] = false;
            }
            return true;
        }
        state.copyFrom(serverSlots, serverStrings, 0);
        hasState = true;
        for (int i = 0; i < pendingCount; i++)
        {
            final int p = slot(i);
            step.step(state, pendingInput[p], 0, pendingLength[p]);
            state.copyTo(pendingPredicted, p * slotCount);
            pendingHasPrediction[p] = true;
            replayedInputs++;
        }
        return true;
    }

    /** A step never writes texts: a predicted view shows the server's. */
    private void copyTexts(final EntityState view)
    {
        if (serverStrings != null)
        {
            System.arraycopy(serverStrings, 0, view.stringArray(), 0, slotCount);
        }
    }

    private void onMisprediction(final int seq, final int tick)
    {
        mispredictions++;
        if (stats != null)
        {
            stats.mispredictions++;
        }
        final MispredictionListener l = listener;
        if (l != null)
        {
            serverView.copyFrom(serverSlots, serverStrings, 0);
            l.onMisprediction(seq, tick, predictedView, serverView);
        }
    }

    /**
     * Apply one input to the predicted state now (when the entity's state is known) and send it, whatever
     * the input lead. Game thread.
     *
     * @param payload the input; copied.
     * @return its sequence number, 0 when the connection refused it (reconnecting with a full buffer).
     */
    public int sendInput(final byte[] payload)
    {
        Objects.requireNonNull(payload, "payload");
        reconcile();
        return apply(payload, Long.MIN_VALUE);
    }

    private int apply(final byte[] payload, final long sendAtNanos)
    {
        final int seq = sender.send(payload, sendAtNanos);
        if (seq == 0)
        {
            return 0;
        }
        if (pendingCount == capacity)
        {
            pendingHead = (pendingHead + 1) % capacity;
            pendingCount--;
        }
        final int p = slot(pendingCount);
        pendingCount++;
        pendingSeq[p] = seq;
        final byte[] stored = pendingInput[p];
        if (stored == null || stored.length < payload.length)
        {
            pendingInput[p] = Arrays.copyOf(payload, payload.length);
        }
        else
        {
            System.arraycopy(payload, 0, stored, 0, payload.length);
        }
        pendingLength[p] = payload.length;
        if (hasState)
        {
            step.step(state, pendingInput[p], 0, pendingLength[p]);
            state.copyTo(pendingPredicted, p * slotCount);
            pendingHasPrediction[p] = true;
        }
        else
        {
            pendingHasPrediction[p] = false;
        }
        inputsSent++;
        return seq;
    }

    /**
     * Apply and send the inputs due, all carrying {@code payload}: one per server tick, each sent (from the
     * event loop) at the local time when it reaches the server in the middle of a tick interval, for the
     * ticks up to one and a half frames ahead; while the clock is not synchronized, at the tick rate from
     * the first call, at once. At most {@link #MAX_CATCH_UP_INPUTS} per call. A tick for which more inputs
     * are pending than the input lead bound allows (see the class comment) gets no input. Call it every
     * frame. Game thread.
     *
     * @param nowNanos {@link System#nanoTime()} (tests pass their own clock).
     * @param payload  the current input (e.g. the keys held now); copied.
     * @return inputs applied by this call.
     */
    public int update(final long nowNanos, final byte[] payload)
    {
        Objects.requireNonNull(payload, "payload");
        reconcile();
        long frameNs = tickPeriodNs;
        if (updateStarted)
        {
            final long dt = nowNanos - lastUpdateNs;
            if (dt > 0)
            {
                frameIntervalNs = frameIntervalNs == 0 ? dt : frameIntervalNs + (dt - frameIntervalNs) * 0.1;
            }
            // The next frame may come as late as the last one did: cover both the usual and the last interval.
            frameNs = (long)Math.max(frameIntervalNs, dt);
        }
        int sent = 0;
        if (clock != null && clock.isSynchronized())
        {
            // Window w: the input reaches the server between tick w and w + 1; aim at w + 1/2.
            final double arrivalTick = clock.estimatedServerTick(nowNanos) +
                Math.max(0, clock.rttNanos()) / 2.0 / tickPeriodNs;
            final double lookaheadTicks = Math.min(MAX_CATCH_UP_INPUTS, 1.5 * frameNs / tickPeriodNs);
            final long lastDue = (long)Math.floor(arrivalTick + lookaheadTicks - TARGET_PHASE);
            if (lastInputWindow == Long.MIN_VALUE || lastDue - lastInputWindow > MAX_CATCH_UP_INPUTS * 4L ||
                lastInputWindow - lastDue > MAX_CATCH_UP_INPUTS * 4L)
            {
                lastInputWindow = (long)Math.floor(arrivalTick - TARGET_PHASE) - 1;
            }
            final int maxPending = maxPending(lookaheadTicks);
            int windows = 0;
            while (lastInputWindow < lastDue && windows < MAX_CATCH_UP_INPUTS)
            {
                windows++;
                lastInputWindow++;
                if (pendingCount > maxPending)
                {
                    skip();
                    continue;
                }
                final double ticksAhead = lastInputWindow + TARGET_PHASE - arrivalTick;
                if (apply(payload, nowNanos + (long)(ticksAhead * tickPeriodNs)) != 0)
                {
                    sent++;
                }
            }
            if (lastInputWindow < lastDue)
            {
                lastInputWindow = lastDue;
            }
            accumulatorNs = 0;
        }
        else
        {
            if (!updateStarted)
            {
                accumulatorNs = tickPeriodNs;
            }
            else
            {
                accumulatorNs += Math.max(0, nowNanos - lastUpdateNs);
            }
            final long ticks = accumulatorNs / tickPeriodNs;
            accumulatorNs -= ticks * tickPeriodNs;
            if (ticks > MAX_CATCH_UP_INPUTS)
            {
                accumulatorNs = 0;
            }
            final int maxPending = maxPending(0);
            for (long i = 0, n = Math.min(MAX_CATCH_UP_INPUTS, ticks); i < n; i++)
            {
                if (pendingCount > maxPending)
                {
                    skip();
                }
                else if (apply(payload, Long.MIN_VALUE) != 0)
                {
                    sent++;
                }
            }
        }
        updateStarted = true;
        lastUpdateNs = nowNanos;
        return sent;
    }

    /**
     * The input lead bound for the current round trip: see the class comment.
     *
     * @param lookaheadTicks ticks applied ahead of their send time.
     * @return most pending inputs before a tick's input is skipped, {@link Integer#MAX_VALUE} when unbounded.
     */
    private int maxPending(final double lookaheadTicks)
    {
        int limit = Integer.MAX_VALUE;
        if (leadMarginTicks >= 0 && clock != null)
        {
            final long rttNs = clock.rttNanos();
            if (rttNs >= 0)
            {
                limit = (int)Math.ceil(rttNs / (double)tickPeriodNs + lookaheadTicks) + leadMarginTicks;
            }
        }
        inputLeadLimit = limit;
        return limit;
    }

    private void skip()
    {
        inputsSkipped++;
        if (stats != null)
        {
            stats.inputsSkipped++;
        }
    }

    /**
     * @return true when the entity's state is known (a snapshot showed it); before, {@link #state()} is zero.
     */
    public boolean hasState()
    {
        return hasState;
    }

    /**
     * The predicted state: the server's newest state of the entity with every unprocessed input applied.
     * Game thread; the object is reused and changes on the next {@code update}, {@code sendInput} or
     * {@code reconcile}.
     *
     * @return the predicted state.
     */
    public EntityState state()
    {
        return state;
    }

    /**
     * @return inputs sent and not yet processed by the server (as of the last reconciliation).
     */
    public int pendingInputs()
    {
        return pendingCount;
    }

    /**
     * @return mispredictions so far. Any thread.
     */
    public long mispredictions()
    {
        return mispredictions;
    }

    /**
     * @return server states reconciled with so far. Any thread.
     */
    public long reconciliations()
    {
        return reconciliations;
    }

    /**
     * @return inputs sent through this predictor. Any thread.
     */
    public long inputsSent()
    {
        return inputsSent;
    }

    /**
     * @return inputs replayed on reconciliation (the cost of prediction). Any thread.
     */
    public long replayedInputs()
    {
        return replayedInputs;
    }

    /**
     * @return ticks {@link #update} sent no input for because of the input lead bound. Any thread.
     */
    public long inputsSkipped()
    {
        return inputsSkipped;
    }

    /**
     * @return the input lead bound {@link #update} used last (most pending inputs before a tick is skipped),
     * {@link Integer#MAX_VALUE} while unbounded. Any thread.
     */
    public int inputLeadLimit()
    {
        return inputLeadLimit;
    }

    /**
     * @return the server's last processed input as of the last reconciliation. Any thread.
     */
    public int lastProcessedSeq()
    {
        return lastProcessedSeq;
    }

    private int slot(final int i)
    {
        return (pendingHead + i) % capacity;
    }

    private int indexOfPending(final int seq)
    {
        for (int i = 0; i < pendingCount; i++)
        {
            final int p = slot(i);
            if (pendingSeq[p] == seq)
            {
                return p;
            }
        }
        return -1;
    }

    private void dropPendingUpTo(final int seq)
    {
        while (pendingCount > 0 && Integer.compareUnsigned(pendingSeq[pendingHead], seq) <= 0)
        {
            pendingHead = (pendingHead + 1) % capacity;
            pendingCount--;
        }
    }

    @Override
    public String toString()
    {
        return "Predictor{entityId=" + entityId + ", pending=" + pendingCount + ", mispredictions=" +
            mispredictions + ", reconciliations=" + reconciliations + ", inputsSent=" + inputsSent +
            ", inputsSkipped=" + inputsSkipped + ", inputLeadLimit=" + inputLeadLimit + '}';
    }
}
