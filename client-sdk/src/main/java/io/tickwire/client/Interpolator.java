package io.tickwire.client;

import io.tickwire.protocol.delta.WorldState;
import io.tickwire.protocol.schema.EntitySchema;
import io.tickwire.protocol.schema.EntityTypes;
import io.tickwire.protocol.schema.SchemaField;

import java.util.Arrays;

/**
 * Snapshot interpolation buffer: keeps the recent applied states on the timeline of
 * {@code Snapshot.server_time_ms} and renders the world at a point slightly in the past, so that there
 * is almost always a snapshot on each side of it.
 * <p>
 * <b>Timeline.</b> Each snapshot gives {@code d = serverTime - localArrival}. The largest {@code d} of
 * the last {@link #ARRIVAL_WINDOW} snapshots (the fastest arrival) maps the local clock to the newest
 * server time the client could have: {@code newest(now) = now + max d}. The snapshot's lateness is
 * {@code max d - d}; the jitter is the 90th percentile of the window's lateness.
 * <p>
 * <b>Delay.</b> {@code target = clamp(interpolationDelayTicks * interval + jitter, interval, maxInterpolationDelay)},
 * where {@code interval} is the server time per tick measured over the buffer (the tick period). With the
 * default of 2 ticks one lost snapshot is bridged by interpolation; jitter adds what late snapshots need.
 * <p>
 * <b>Render clock.</b> The rendered server time follows {@code newest(now) - target} without jumps: each
 * frame it advances by the frame's duration times a rate within {@link #MAX_TIME_SCALE_DEVIATION} of 1,
 * steering out the error over about {@link #CATCH_UP_HORIZON_NS}; only an error above
 * {@link #SNAP_THRESHOLD_NS} (the first frame, a long stall) makes it jump.
 * <p>
 * <b>Sampling.</b> Each entity is sampled with the fields of its own type's schema. Between two snapshots,
 * FIXED fields are interpolated linearly, ANGLE the short way round, QUATERNION by slerp (nlerp when nearly
 * equal); INT and BOOL step (the older snapshot's value); STRING fields are never interpolated: the newer
 * snapshot's text is shown. An entity is shown from the first snapshot that has it until the first that does
 * not (with an interest policy that includes leaving this client's view). Past the newest snapshot the last
 * two are extrapolated for at most {@link ClientOptions#maxExtrapolationMs()}; then the state holds until a
 * snapshot arrives.
 * <p>
 * <b>View tick (lag compensation).</b> Each sample also says which server tick it shows:
 * {@link RenderState#viewTick()}, the rendered server time mapped onto the ticks of the two snapshots around
 * it and rounded down (past the newest snapshot: the newest tick plus the whole tick periods extrapolated).
 * {@link #viewTick()} keeps the last sample's; every input the session sends carries it as
 * {@code Input.view_tick}, so the server can rewind a hit test to what the player was looking at when they
 * pressed (clamped on the server to its {@code maxRewindMs}). A session that never samples sends 0 (unknown).
 * <p>
 * Threads: the connection's event loop adds states; one render thread calls {@link #sample}. Both are
 * short and guarded by this object's lock; {@code sample} allocates nothing in steady state. Getters
 * are safe on any thread.
 */
public final class Interpolator
{
    /** Snapshots whose arrival times estimate the timeline and the jitter. */
    public static final int ARRIVAL_WINDOW = 32;
    /** Largest deviation of the render clock's rate from real time while it catches up: 5%. */
    public static final double MAX_TIME_SCALE_DEVIATION = 0.05;
    /** Time over which the render clock steers out an error (before the rate limit applies). */
    public static final long CATCH_UP_HORIZON_NS = 500_000_000L;
    /** Errors above this make the render clock jump instead of steering. */
    public static final long SNAP_THRESHOLD_NS = 250_000_000L;

    private static final double TWO_PI = 2 * Math.PI;
    private static final double JITTER_PERCENTILE = 0.9;
    private static final int MIN_CAPACITY = 8;

    private final EntityTypes types;
    private final SchemaField[][] typeFields;
    private final long nominalIntervalNs;
    private final double delayTicks;
    private final long maxDelayNs;
    private final long maxExtrapolationNs;

    private final WorldState[] states;
    private final long[] timeNs;
    private final int capacity;
    private int head;
    private int count;

    private final long[] arrivalOffsetNs = new long[ARRIVAL_WINDOW];
    private final long[] latenessScratch = new long[ARRIVAL_WINDOW];
    private int arrivalHead;
    private int arrivalCount;
    private long maxArrivalOffsetNs;
    private long jitterNs;
    private long intervalNs;
    private long targetDelayNs;
    private long ignored;
    private long added;

    private boolean started;
    private long lastNowNs;
    private double renderNs;
    private long appliedDelayNs;
    private int viewTick;

    private final double[] qa = new double[4];
    private final double[] qb = new double[4];

    Interpolator(
        final EntitySchema schema,
        final int tickRateHz,
        final double delayTicks,
        final int maxDelayMs,
        final int maxExtrapolationMs)
    {
        this(EntityTypes.single(schema), tickRateHz, delayTicks, maxDelayMs, maxExtrapolationMs);
    }

    Interpolator(
        final EntityTypes types,
        final int tickRateHz,
        final double delayTicks,
        final int maxDelayMs,
        final int maxExtrapolationMs)
    {
        this.types = types;
        this.typeFields = new SchemaField[types.count()][];
        for (int t = 0; t < types.count(); t++)
        {
            typeFields[t] = types.schema(t).fields().toArray(new SchemaField[0]);
        }
        this.nominalIntervalNs = 1_000_000_000L / tickRateHz;
        this.delayTicks = delayTicks;
        this.maxDelayNs = maxDelayMs * 1_000_000L;
        this.maxExtrapolationNs = maxExtrapolationMs * 1_000_000L;
        this.capacity = (int)Math.max(MIN_CAPACITY, (maxDelayNs + maxExtrapolationNs) / nominalIntervalNs + 4);
        this.states = new WorldState[capacity];
        this.timeNs = new long[capacity];
        this.intervalNs = nominalIntervalNs;
        this.targetDelayNs = clampDelay((long)(delayTicks * nominalIntervalNs));
    }

    static Interpolator create(final EntityTypes types, final int tickRateHz, final ClientOptions options)
    {
        return new Interpolator(types, tickRateHz, options.interpolationDelayTicks(),
            options.maxInterpolationDelayMs(), options.maxExtrapolationMs());
    }

    /**
     * @return a render state for this interpolator's entity types, to reuse every frame.
     */
    public RenderState newRenderState()
    {
        return new RenderState(types);
    }

    /**
     * Add an applied state. Thread: the event loop (tests: the test thread).
     *
     * @param state        the newest applied state; copied.
     * @param receiveNanos local {@link System#nanoTime()} when its frame was read.
     */
    synchronized void onState(final WorldState state, final long receiveNanos)
    {
        final long t = state.serverTimeMs() * 1_000_000L;
        if (count > 0 && t <= timeNs[index(count - 1)])
        {
            ignored++;
            return;
        }
        if (count == capacity)
        {
            head = (head + 1) % capacity;
            count--;
        }
        final int slot = index(count);
        WorldState copy = states[slot];
        if (copy == null)
        {
            copy = new WorldState(types, state.count());
            states[slot] = copy;
        }
        copy.copyFrom(state);
        timeNs[slot] = t;
        count++;
        added++;

        arrivalOffsetNs[arrivalHead] = t - receiveNanos;
        arrivalHead = (arrivalHead + 1) % ARRIVAL_WINDOW;
        if (arrivalCount < ARRIVAL_WINDOW)
        {
            arrivalCount++;
        }
        long max = Long.MIN_VALUE;
        for (int i = 0; i < arrivalCount; i++)
        {
            max = Math.max(max, arrivalOffsetNs[i]);
        }
        for (int i = 0; i < arrivalCount; i++)
        {
            latenessScratch[i] = max - arrivalOffsetNs[i];
        }
        Arrays.sort(latenessScratch, 0, arrivalCount);
        maxArrivalOffsetNs = max;
        jitterNs = latenessScratch[(int)Math.ceil(JITTER_PERCENTILE * arrivalCount) - 1];

        if (count >= 2)
        {
            final WorldState oldest = states[head];
            final long ticks = Integer.toUnsignedLong(state.tick() - oldest.tick());
            if (ticks > 0)
            {
                intervalNs = Math.max(1, (t - timeNs[head]) / ticks);
            }
        }
        targetDelayNs = clampDelay((long)(delayTicks * intervalNs) + jitterNs);
    }

    private long clampDelay(final long delayNs)
    {
        return Math.max(intervalNs, Math.min(maxDelayNs, delayNs));
    }

    private int index(final int i)
    {
        return (head + i) % capacity;
    }

    /**
     * Render the world at the current render time into {@code out}. Render thread; call once per frame
     * with a monotonic clock.
     *
     * @param nowNanos {@link System#nanoTime()} of this frame (tests pass their own clock).
     * @param out      receives the entities; reused.
     * @return false when no snapshot has arrived yet ({@code out} is then empty).
     */
    public synchronized boolean sample(final long nowNanos, final RenderState out)
    {
        if (count == 0)
        {
            out.clear();
            return false;
        }
        final double target = (double)nowNanos + maxArrivalOffsetNs - targetDelayNs;
        if (!started || nowNanos < lastNowNs)
        {
            renderNs = target;
            started = true;
        }
        else
        {
            final long dt = nowNanos - lastNowNs;
            final double error = target - (renderNs + dt);
            if (Math.abs(error) > SNAP_THRESHOLD_NS)
            {
                renderNs = target;
            }
            else
            {
                final double correction = Math.max(-MAX_TIME_SCALE_DEVIATION,
                    Math.min(MAX_TIME_SCALE_DEVIATION, error / CATCH_UP_HORIZON_NS));
                renderNs += dt * (1.0 + correction);
            }
        }
        lastNowNs = nowNanos;
        appliedDelayNs = Math.round(nowNanos + maxArrivalOffsetNs - renderNs);

        fill(renderNs, out);
        return true;
    }

    /**
     * Render at a given server time, bypassing the render clock (tests). The extrapolation limit applies.
     */
    synchronized void sampleAt(final double renderServerNs, final RenderState out)
    {
        if (count == 0)
        {
            out.clear();
            return;
        }
        fill(renderServerNs, out);
    }

    private void fill(final double renderServerNs, final RenderState out)
    {
        final int newest = index(count - 1);
        final double newestNs = timeNs[newest];
        final double sampleNs = Math.min(renderServerNs, newestNs + maxExtrapolationNs);

        int a = -1;
        for (int i = count - 1; i >= 0; i--)
        {
            if (timeNs[index(i)] <= sampleNs)
            {
                a = i;
                break;
            }
        }
        final double delayMs = appliedDelayNs / 1e6;
        viewTick = tickAt(a, sampleNs);
        out.viewTick(viewTick);
        if (a < 0)
        {
            final WorldState oldest = states[head];
            blend(oldest, null, null, 0, out);
            out.frame(sampleNs / 1e6, 0, delayMs, oldest.tick(), oldest.tick(), 0);
        }
        else if (a < count - 1)
        {
            final int ia = index(a);
            final int ib = index(a + 1);
            final double alpha = (sampleNs - timeNs[ia]) / (double)(timeNs[ib] - timeNs[ia]);
            blend(states[ia], states[ia], states[ib], alpha, out);
            out.frame(sampleNs / 1e6, 0, delayMs, states[ia].tick(), states[ib].tick(), alpha);
        }
        else if (count >= 2 && sampleNs > newestNs)
        {
            final int ip = index(count - 2);
            final double alpha = (sampleNs - timeNs[ip]) / (newestNs - timeNs[ip]);
            blend(states[newest], states[ip], states[newest], alpha, out);
            out.frame(sampleNs / 1e6, (sampleNs - newestNs) / 1e6, delayMs, states[newest].tick(),
                states[newest].tick(), alpha);
        }
        else
        {
            blend(states[newest], null, null, 0, out);
            out.frame(sampleNs / 1e6, Math.max(0, sampleNs - newestNs) / 1e6, delayMs, states[newest].tick(),
                states[newest].tick(), 0);
        }
    }

    /**
     * The server tick shown at {@code sampleNs}: between snapshots a and a+1 their ticks interpolated and rounded
     * down (a dropped snapshot in between still counts its tick), past the newest one its tick plus the whole
     * measured tick periods beyond it, before the oldest the oldest tick.
     *
     * @param a the newest buffered snapshot at or before {@code sampleNs}, -1 when none.
     */
    private int tickAt(final int a, final double sampleNs)
    {
        if (a < 0)
        {
            return states[head].tick();
        }
        final int ia = index(a);
        final int tickA = states[ia].tick();
        if (a < count - 1)
        {
            final int ib = index(a + 1);
            final int ticks = states[ib].tick() - tickA;
            if (ticks <= 1)
            {
                return tickA;
            }
            final double fraction = (sampleNs - timeNs[ia]) / (double)(timeNs[ib] - timeNs[ia]);
            return tickA + Math.min(ticks - 1, Math.max(0, (int)Math.floor(fraction * ticks)));
        }
        return tickA + (int)Math.max(0, Math.floor((sampleNs - timeNs[ia]) / intervalNs));
    }

    /**
     * Write every entity of {@code base}: blended from {@code from} to {@code to} by {@code alpha} when it
     * is in both, else as in {@code base}. Stepped fields take {@code base}'s value.
     */
    private void blend(
        final WorldState base, final WorldState from, final WorldState to, final double alpha, final RenderState out)
    {
        final int n = base.count();
        out.begin(n);
        final double[] values = out.valueArray();
        final String[] texts = out.stringArray();
        final int slotCount = base.slotCount();
        final int[] baseValues = base.valueArray();
        final WorldState other = from == null ? null : (from == base ? to : from);
        int j = 0;
        for (int i = 0; i < n; i++)
        {
            final int id = base.idAt(i);
            final int type = base.typeAt(i);
            final SchemaField[] fields = typeFields[type];
            final int offset = out.append(id, type);
            int otherIndex = -1;
            if (other != null)
            {
                final int otherCount = other.count();
                while (j < otherCount && other.idAt(j) < id)
                {
                    j++;
                }
                if (j < otherCount && other.idAt(j) == id && other.typeAt(j) == type)
                {
                    otherIndex = j;
                }
            }
            final int baseSlot = i * slotCount;
            if (otherIndex < 0)
            {
                for (final SchemaField f : fields)
                {
                    write(f, base, baseSlot, values, texts, offset);
                }
                continue;
            }
            final int[] fromValues = from.valueArray();
            final int[] toValues = to.valueArray();
            final int fromSlot = (from == base ? i : otherIndex) * slotCount;
            final int toSlot = (to == base ? i : otherIndex) * slotCount;
            for (final SchemaField f : fields)
            {
                final int s = f.firstSlot();
                final int o = offset + s;
                switch (f.kind())
                {
                    case FIXED:
                    {
                        final double va = f.dequantize(fromValues[fromSlot + s]);
                        final double vb = f.dequantize(toValues[toSlot + s]);
                        values[o] = va + (vb - va) * alpha;
                        break;
                    }
                    case ANGLE:
                    {
                        final double va = f.dequantize(fromValues[fromSlot + s]);
                        final double vb = f.dequantize(toValues[toSlot + s]);
                        values[o] = wrapAngle(va + shortestTurn(va, vb) * alpha);
                        break;
                    }
                    case QUATERNION:
                        f.dequantizeQuaternion(fromValues, fromSlot + s, qa);
                        f.dequantizeQuaternion(toValues, toSlot + s, qb);
                        slerp(qa, qb, alpha, values, o);
                        break;
                    case STRING:
                        // Texts are never blended: the newer snapshot's.
                        write(f, to, toSlot, values, texts, offset);
                        break;
                    default:
                        write(f, base, baseSlot, values, texts, offset);
                        break;
                }
            }
        }
    }

    /**
     * Write one field of the row at {@code srcSlot} of {@code src} at {@code offset} of the render state's row.
     */
    private void write(
        final SchemaField f, final WorldState src, final int srcSlot, final double[] dst, final String[] texts,
        final int offset)
    {
        final int s = f.firstSlot();
        final int o = offset + s;
        switch (f.kind())
        {
            case QUATERNION:
                f.dequantizeQuaternion(src.valueArray(), srcSlot + s, qa);
                dst[o] = qa[0];
                dst[o + 1] = qa[1];
                dst[o + 2] = qa[2];
                dst[o + 3] = qa[3];
                break;
            case STRING:
                dst[o] = 0;
                texts[o] = src.stringArray()[srcSlot + s];
                break;
            default:
                dst[o] = f.dequantize(src.valueArray()[srcSlot + s]);
                break;
        }
    }

    /**
     * @return the signed turn from {@code a} to {@code b} in [-&pi;, &pi;).
     */
    static double shortestTurn(final double a, final double b)
    {
        double d = (b - a) % TWO_PI;
        if (d >= Math.PI)
        {
            d -= TWO_PI;
        }
        else if (d < -Math.PI)
        {
            d += TWO_PI;
        }
        return d;
    }

    static double wrapAngle(final double a)
    {
        final double w = a % TWO_PI;
        return w < 0 ? w + TWO_PI : w;
    }

    /**
     * Spherical interpolation the short way (q and -q are one rotation); alpha above 1 extrapolates
     * along the same great circle. Nearly equal rotations use normalized lerp.
     */
    static void slerp(final double[] a, final double[] b, final double alpha, final double[] dst, final int o)
    {
        double dot = a[0] * b[0] + a[1] * b[1] + a[2] * b[2] + a[3] * b[3];
        final double sign = dot < 0 ? -1.0 : 1.0;
        dot *= sign;
        double wa;
        double wb;
        if (dot > 0.9995)
        {
            wa = 1.0 - alpha;
            wb = alpha;
        }
        else
        {
            final double theta = Math.acos(Math.min(1.0, dot));
            final double sin = Math.sin(theta);
            wa = Math.sin((1.0 - alpha) * theta) / sin;
            wb = Math.sin(alpha * theta) / sin;
        }
        wb *= sign;
        final double x = wa * a[0] + wb * b[0];
        final double y = wa * a[1] + wb * b[1];
        final double z = wa * a[2] + wb * b[2];
        final double w = wa * a[3] + wb * b[3];
        final double norm = Math.sqrt(x * x + y * y + z * z + w * w);
        if (norm > 1e-12)
        {
            dst[o] = x / norm;
            dst[o + 1] = y / norm;
            dst[o + 2] = z / norm;
            dst[o + 3] = w / norm;
        }
        else
        {
            dst[o] = a[0];
            dst[o + 1] = a[1];
            dst[o + 2] = a[2];
            dst[o + 3] = a[3];
        }
    }

    /**
     * @return the delay the render clock is steering to, in nanoseconds.
     */
    public synchronized long targetDelayNanos()
    {
        return targetDelayNs;
    }

    /**
     * @return the delay applied at the last {@link #sample}, in nanoseconds (0 before it).
     */
    public synchronized long delayNanos()
    {
        return appliedDelayNs;
    }

    /**
     * The server tick the last {@link #sample} showed, rounded down (see the class comment): what the player was
     * looking at when the game sampled its next input. The session puts it in every {@code Input.view_tick}.
     * Any thread.
     *
     * @return the tick, 0 before the first sample.
     */
    public synchronized int viewTick()
    {
        return viewTick;
    }

    /**
     * @return snapshot arrival jitter (90th percentile lateness) in nanoseconds.
     */
    public synchronized long jitterNanos()
    {
        return jitterNs;
    }

    /**
     * @return server time per tick measured over the buffer, in nanoseconds.
     */
    public synchronized long snapshotIntervalNanos()
    {
        return intervalNs;
    }

    /**
     * @return snapshots in the buffer.
     */
    public synchronized int bufferedSnapshots()
    {
        return count;
    }

    /**
     * @return snapshots added since creation.
     */
    public synchronized long addedSnapshots()
    {
        return added;
    }

    /**
     * @return snapshots ignored because their server time was not after the newest one's.
     */
    public synchronized long ignoredSnapshots()
    {
        return ignored;
    }

    /**
     * @return the newest snapshot's server time in milliseconds, -1 before the first.
     */
    public synchronized long newestServerTimeMs()
    {
        return count == 0 ? -1 : timeNs[index(count - 1)] / 1_000_000L;
    }

    @Override
    public synchronized String toString()
    {
        return "Interpolator{buffered=" + count + ", intervalNs=" + intervalNs + ", jitterNs=" + jitterNs +
            ", targetDelayNs=" + targetDelayNs + ", delayNs=" + appliedDelayNs + '}';
    }
}
