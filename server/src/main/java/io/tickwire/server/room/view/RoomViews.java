package io.tickwire.server.room.view;

import io.tickwire.protocol.delta.WorldState;
import io.tickwire.protocol.schema.EntitySchema;
import io.tickwire.protocol.schema.EntityTypes;
import io.tickwire.protocol.schema.FieldKind;
import io.tickwire.protocol.schema.SchemaField;
import io.tickwire.server.game.InterestPolicy;
import io.tickwire.server.game.Player;
import io.tickwire.server.game.World;
import org.agrona.collections.Int2ObjectHashMap;
import org.agrona.collections.IntArrayList;
import org.agrona.collections.Long2ObjectHashMap;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.IdentityHashMap;

/**
 * Builds what each connection of one room is sent: its view (interest grid cells around its viewpoint, global
 * entities, the entities it owns), with the fields it may not see hidden (OWNER fields always: they travel in
 * its owner section; AUDIENCE fields of entities outside its audience), under its snapshot byte budget.
 * <p>
 * Views are shared: every connection with the same center cell and audience gets the same {@link ViewFrame}
 * object in a tick, so the snapshot sender encodes one body for all of them (per baseline). A connection
 * gets a frame of its own only when it owns an entity outside its cells or its budget had to defer changes.
 * <p>
 * Per tick: {@link #beginTick}, then per connection {@link #target}, optionally {@link #budgeted}, then
 * {@link #ownedRows} and {@link #commit}; finally {@link #endTick}.
 * <p>
 * Thread: the owning room loop; allocation-free in steady state apart from pool growth.
 */
public final class RoomViews
{
    /** Cell key of "the whole room": connections with neither an entity position nor a viewpoint. */
    private static final long WHOLE_ROOM = Long.MIN_VALUE;
    private static final int HEADER_ESTIMATE = 24;
    /** How much faster a change in flight gains priority than one the client has not seen yet. */
    private static final float IN_FLIGHT_BOOST = 8f;

    private final EntityTypes types;
    private final InterestPolicy policy;
    private final int ringLength;
    private final boolean ownerSections;
    private final boolean audienceFields;
    private final SchemaField[] xField;
    private final SchemaField[] yField;
    private final long[] hideOwner;
    private final long[] hideOwnerAndAudience;
    private final long[] stringSlots;
    private final int[] slotCounts;
    private final float[] typeWeight;
    private final InterestGrid grid;
    private final FramePool pool;
    private final Int2ObjectHashMap<Long2ObjectHashMap<ViewFrame>> pureFrames = new Int2ObjectHashMap<>();
    /** Lookup by owner, for {@link World#forEachOwned}; iteration goes through {@link #connectionViews}. */
    private final IdentityHashMap<Player, ConnectionView> byPlayer = new IdentityHashMap<>();
    /** Every registered view, iterated by index each tick (no iterator, no map entries). */
    private final ArrayList<ConnectionView> connectionViews = new ArrayList<>();
    private final IntArrayList globals = new IntArrayList();
    private final IntArrayList cells = new IntArrayList();
    private final java.util.function.ObjIntConsumer<Player> ownerCollector = this::collectOwned;

    private WorldState room;
    private World world;
    private int framesBuiltThisTick;
    private int framesPrivateThisTick;
    private int deferredThisTick;

    private int[] candidateCost = new int[64];
    private int[] candidateTargetIndex = new int[64];
    private float[] candidateWeight = new float[64];
    private boolean[] candidateInFlight = new boolean[64];
    private boolean[] chosen = new boolean[64];
    private int[] selectIds = new int[64];
    private int[] selectOut = new int[64];

    /**
     * @param types      the room's entity types.
     * @param policy     its interest policy.
     * @param ringLength ticks of sent frames kept per connection (the room's snapshot history).
     */
    public RoomViews(final EntityTypes types, final InterestPolicy policy, final int ringLength)
    {
        this.types = types;
        this.policy = policy;
        this.ringLength = ringLength;
        this.ownerSections = types.hasOwnerFields();
        this.audienceFields = types.hasAudienceFields();
        final int n = types.count();
        xField = new SchemaField[n];
        yField = new SchemaField[n];
        hideOwner = new long[n];
        hideOwnerAndAudience = new long[n];
        stringSlots = new long[n];
        slotCounts = new int[n];
        typeWeight = new float[n];
        for (int t = 0; t < n; t++)
        {
            final EntitySchema schema = types.schema(t);
            hideOwner[t] = schema.ownerSlotMask();
            hideOwnerAndAudience[t] = schema.ownerSlotMask() | schema.audienceSlotMask();
            stringSlots[t] = schema.stringSlotMask();
            slotCounts[t] = schema.slotCount();
            typeWeight[t] = policy.typeWeight(types.name(t));
            if (policy.isGrid() && schema.hasField(policy.xField()) && schema.hasField(policy.yField()))
            {
                xField[t] = numeric(schema.field(policy.xField()));
                yField[t] = numeric(schema.field(policy.yField()));
            }
        }
        this.grid = policy.isGrid() ? new InterestGrid(policy.cellSize(), policy.viewRadiusCells()) : null;
        this.pool = new FramePool(types);
    }

    private static SchemaField numeric(final SchemaField field)
    {
        if (field.kind() == FieldKind.STRING || field.kind() == FieldKind.QUATERNION)
        {
            throw new IllegalArgumentException("position field must be a number: field=" + field);
        }
        return field;
    }

    /**
     * @param types  a room type's entity types.
     * @param policy its interest policy.
     * @param budget its per-connection snapshot budget, 0 for none.
     * @return true when connections of such a room need views (anything but "everyone gets everything").
     */
    public static boolean needed(final EntityTypes types, final InterestPolicy policy, final int budget)
    {
        return policy.isGrid() || policy.relevance() != null || types.hasOwnerFields() || types.hasAudienceFields() ||
            budget > 0;
    }

    /**
     * @param player a player joining the room.
     * @return its view state, kept by the caller with the connection.
     */
    public ConnectionView register(final Player player)
    {
        final ConnectionView view = new ConnectionView(player, types, ringLength, ownerSections);
        byPlayer.put(player, view);
        connectionViews.add(view);
        return view;
    }

    /**
     * @param view the view state of a player leaving the room; its frames go back to the pool.
     */
    public void unregister(final ConnectionView view)
    {
        byPlayer.remove(view.player);
        connectionViews.remove(view);
        for (int i = 0; i < view.sent.length; i++)
        {
            pool.release(view.sent[i]);
            view.sent[i] = null;
        }
    }

    /**
     * Index this tick's state: the grid, the global entities, who owns what.
     *
     * @param state the state captured this tick; its entity indexes are the world's.
     * @param world the room's world, for audiences, global flags and owners.
     */
    public void beginTick(final WorldState state, final World world)
    {
        this.room = state;
        this.world = world;
        framesBuiltThisTick = 0;
        framesPrivateThisTick = 0;
        deferredThisTick = 0;
        globals.clear();
        if (grid != null)
        {
            grid.clear();
        }
        final int count = grid == null ? 0 : state.count();
        for (int i = 0; i < count; i++)
        {
            final int type = state.typeAt(i);
            final SchemaField x = xField[type];
            if (x == null || world.isGlobalAt(i))
            {
                globals.addInt(i);
            }
            else
            {
                grid.add(i, x.dequantize(state.valueAt(i, x.firstSlot())),
                    yField[type].dequantize(state.valueAt(i, yField[type].firstSlot())));
            }
        }
        final int views = connectionViews.size();
        for (int v = 0; v < views; v++)
        {
            final ConnectionView view = connectionViews.get(v);
            view.owned.clear();
            final int own = view.player.entityId();
            if (own != 0 && state.indexOf(own) >= 0)
            {
                view.owned.addInt(own);
            }
        }
        world.forEachOwned(ownerCollector);
        for (int v = 0; v < views; v++)
        {
            sortSmall(connectionViews.get(v).owned);
        }
    }

    private static void sortSmall(final IntArrayList list)
    {
        // Insertion sort: a player owns a handful of entities, and IntArrayList.sort would box.
        for (int i = 1, n = list.size(); i < n; i++)
        {
            final int v = list.getInt(i);
            int k = i - 1;
            while (k >= 0 && list.getInt(k) > v)
            {
                list.setInt(k + 1, list.getInt(k));
                k--;
            }
            list.setInt(k + 1, v);
        }
    }

    private void collectOwned(final Player owner, final int entityId)
    {
        final ConnectionView view = byPlayer.get(owner);
        if (view != null && room.indexOf(entityId) >= 0 && !view.owned.containsInt(entityId))
        {
            view.owned.addInt(entityId);
        }
    }

    /**
     * The frame this connection should hold after this tick's snapshot, before any budget: its view.
     *
     * @param view   its view state.
     * @param player its player.
     * @return a frame, shared when possible; the caller {@link #commit}s it (or a budgeted one).
     */
    public ViewFrame target(final ConnectionView view, final Player player)
    {
        final long cell = centerCell(player);
        final int audience = audienceFields ? player.audience() : 0;
        Long2ObjectHashMap<ViewFrame> byCell = pureFrames.get(audience);
        if (byCell == null)
        {
            byCell = new Long2ObjectHashMap<>();
            pureFrames.put(audience, byCell);
        }
        ViewFrame frame = byCell.get(cell);
        if (frame == null)
        {
            frame = buildPure(audience, cell);
            byCell.put(cell, frame);
        }
        // An owned entity is always in its owner's view, even outside its cells.
        final IntArrayList owned = view.owned;
        for (int i = 0, n = owned.size(); i < n; i++)
        {
            if (frame.state.indexOf(owned.getInt(i)) < 0)
            {
                return withOwned(frame, owned, audience);
            }
        }
        return frame;
    }

    private long centerCell(final Player player)
    {
        if (grid == null)
        {
            return WHOLE_ROOM;
        }
        if (player.hasViewpoint())
        {
            return grid.cellOf(player.viewpointX(), player.viewpointY());
        }
        final int own = player.entityId();
        final int index = own == 0 ? -1 : room.indexOf(own);
        if (index < 0)
        {
            return WHOLE_ROOM;
        }
        final int type = room.typeAt(index);
        if (xField[type] == null)
        {
            return WHOLE_ROOM;
        }
        return grid.cellOf(xField[type].dequantize(room.valueAt(index, xField[type].firstSlot())),
            yField[type].dequantize(room.valueAt(index, yField[type].firstSlot())));
    }

    private long[] hidden(final int audience, final int index)
    {
        if (!audienceFields)
        {
            return ownerSections ? hideOwner : null;
        }
        return world.audienceAt(index) == audience ? hideOwner : hideOwnerAndAudience;
    }

    private ViewFrame buildPure(final int audience, final long cell)
    {
        framesBuiltThisTick++;
        final ViewFrame frame = pool.acquire(room.tick(), room.serverTimeMs());
        final WorldState out = frame.state;
        final InterestPolicy.Relevance relevance = policy.relevance();
        if (cell == WHOLE_ROOM)
        {
            for (int i = 0, n = room.count(); i < n; i++)
            {
                if (relevance == null || relevance.isRelevant(world, i, audience, InterestPolicy.Relevance.WHOLE_ROOM,
                    InterestPolicy.Relevance.WHOLE_ROOM))
                {
                    out.append(room, i, hidden(audience, i));
                }
            }
            return frame;
        }
        final int cellX = InterestGrid.cellX(cell);
        final int cellY = InterestGrid.cellY(cell);
        cells.clear();
        grid.collect(cell, cells);
        // Merge two ascending index lists: the cells' entities and the globals.
        int a = 0;
        int g = 0;
        final int na = cells.size();
        final int ng = globals.size();
        while (a < na || g < ng)
        {
            final int ia = a < na ? cells.getInt(a) : Integer.MAX_VALUE;
            final int ig = g < ng ? globals.getInt(g) : Integer.MAX_VALUE;
            final int index;
            if (ia < ig)
            {
                index = ia;
                a++;
            }
            else if (ig < ia)
            {
                index = ig;
                g++;
            }
            else
            {
                index = ia;
                a++;
                g++;
            }
            if (relevance == null || relevance.isRelevant(world, index, audience, cellX, cellY))
            {
                out.append(room, index, hidden(audience, index));
            }
        }
        return frame;
    }

    private ViewFrame withOwned(final ViewFrame shared, final IntArrayList owned, final int audience)
    {
        framesPrivateThisTick++;
        final ViewFrame frame = pool.acquire(room.tick(), room.serverTimeMs());
        frame.isPrivate = true;
        final WorldState src = shared.state;
        final WorldState out = frame.state;
        int s = 0;
        int o = 0;
        final int ns = src.count();
        final int no = owned.size();
        while (s < ns || o < no)
        {
            final int idS = s < ns ? src.idAt(s) : Integer.MAX_VALUE;
            final int idO = o < no ? owned.getInt(o) : Integer.MAX_VALUE;
            if (idS <= idO)
            {
                out.append(src, s++, null);
                if (idS == idO)
                {
                    o++;
                }
            }
            else
            {
                final int index = room.indexOf(idO);
                out.append(room, index, hidden(audience, index));
                o++;
            }
        }
        return frame;
    }

    /**
     * Fit a connection's target into its byte budget: removals always go; new and changed entities go by the
     * connection's {@link PriorityAccumulator} (type weight over distance in cells, growing each tick an entity
     * waits, eight times faster for a change already in flight to the client, since leaving that out takes the
     * client back to an older value; the top one taken even when it alone exceeds the budget, so nothing
     * starves); whatever
     * does not fit keeps, in the returned frame, the value of the acknowledged baseline, which the client
     * holds, so the delta stays exact. Estimates are per entity; the budget is a target, not a hard cap.
     *
     * @param view     the connection's view state.
     * @param player   its player (for the viewpoint).
     * @param baseline its acknowledged frame, or null.
     * @param target   what {@link #target} returned.
     * @param budget   bytes per tick for this snapshot.
     * @return {@code target} when everything fits, else a new frame of this connection's own.
     */
    public ViewFrame budgeted(
        final ConnectionView view, final Player player, final ViewFrame baseline, final ViewFrame target,
        final int budget)
    {
        final WorldState base = baseline == null ? null : baseline.state;
        final WorldState cur = target.state;
        final ViewFrame lastFrame = view.frameAt(view.lastSentTick);
        final WorldState last = lastFrame == null ? null : lastFrame.state;
        final int baseCount = base == null ? 0 : base.count();
        final int curCount = cur.count();
        int fixed = HEADER_ESTIMATE;
        int candidates = 0;
        int total = fixed;
        int i = 0;
        int j = 0;
        final double vx = viewX(player);
        final double vy = viewY(player);
        final double cellSize = grid == null ? 1 : policy.cellSize();
        final int lastCount = last == null ? 0 : last.count();
        int l = 0;
        while (i < baseCount || j < curCount)
        {
            final int idB = i < baseCount ? base.idAt(i) : Integer.MAX_VALUE;
            final int idC = j < curCount ? cur.idAt(j) : Integer.MAX_VALUE;
            if (idB < idC)
            {
                fixed += 2;
                total += 2;
                i++;
                continue;
            }
            // The last frame sent, walked alongside (ids ascending): is this entity's change already in flight?
            while (l < lastCount && last.idAt(l) < idC)
            {
                l++;
            }
            final boolean inLast = l < lastCount && last.idAt(l) == idC;
            final int cost;
            boolean inFlight = false;
            if (idC < idB)
            {
                cost = createdCost(cur, j);
                inFlight = inLast;
            }
            else
            {
                cost = changedCost(base, i, cur, j);
                inFlight = inLast && cost != 0 && changedCost(base, i, last, l) != 0;
                i++;
                if (cost == 0)
                {
                    j++;
                    continue;
                }
            }
            ensureCandidates(candidates + 1);
            final int type = cur.typeAt(j);
            candidateCost[candidates] = cost;
            candidateTargetIndex[candidates] = j;
            candidateWeight[candidates] = PriorityAccumulator.weight(typeWeight[type],
                distanceCells(cur, j, vx, vy, cellSize));
            candidateInFlight[candidates] = inFlight;
            total += cost;
            candidates++;
            j++;
        }
        final PriorityAccumulator accumulator = view.accumulator;
        if (total <= budget)
        {
            accumulator.clear();
            return target;
        }
        // Everything competes for the budget by accumulated priority. A change already in flight (sent in an unacked
        // snapshot) accumulates faster: leaving it out sends the client back to the baseline's value, which it sees.
        // It cannot simply be kept: a moving entity differs from a baseline a round trip old every tick, so
        // "always resend what is in flight" would hold everything ever sent and ignore the budget.
        Arrays.fill(chosen, 0, candidates, false);
        for (int c = 0; c < candidates; c++)
        {
            final int id = cur.idAt(candidateTargetIndex[c]);
            accumulator.accumulate(id, candidateInFlight[c] ? candidateWeight[c] * IN_FLIGHT_BOOST : candidateWeight[c]);
            selectIds[c] = id;
        }
        final int picked = accumulator.select(selectIds, candidateCost, candidates, Math.max(0, budget - fixed),
            selectOut);
        for (int k = 0; k < picked; k++)
        {
            chosen[selectOut[k]] = true;
        }
        framesPrivateThisTick++;
        final ViewFrame frame = pool.acquire(cur.tick(), cur.serverTimeMs());
        frame.isPrivate = true;
        final WorldState out = frame.state;
        int c = 0;
        i = 0;
        j = 0;
        int deferred = 0;
        while (i < baseCount || j < curCount)
        {
            final int idB = i < baseCount ? base.idAt(i) : Integer.MAX_VALUE;
            final int idC = j < curCount ? cur.idAt(j) : Integer.MAX_VALUE;
            if (idB < idC)
            {
                i++;
                continue;
            }
            final boolean isCandidate = c < candidates && candidateTargetIndex[c] == j;
            if (!isCandidate)
            {
                out.append(cur, j, null);
            }
            else if (chosen[c])
            {
                out.append(cur, j, null);
            }
            else
            {
                if (idB == idC)
                {
                    out.append(base, i, null);
                }
                deferred++;
            }
            if (isCandidate)
            {
                c++;
            }
            if (idB == idC)
            {
                i++;
            }
            j++;
        }
        deferredThisTick += deferred;
        accumulator.retain(cur.idArray(), curCount);
        return frame;
    }

    private double viewX(final Player player)
    {
        if (player.hasViewpoint())
        {
            return player.viewpointX();
        }
        final int index = player.entityId() == 0 ? -1 : room.indexOf(player.entityId());
        if (index < 0 || xField[room.typeAt(index)] == null)
        {
            return Double.NaN;
        }
        final SchemaField x = xField[room.typeAt(index)];
        return x.dequantize(room.valueAt(index, x.firstSlot()));
    }

    private double viewY(final Player player)
    {
        if (player.hasViewpoint())
        {
            return player.viewpointY();
        }
        final int index = player.entityId() == 0 ? -1 : room.indexOf(player.entityId());
        if (index < 0 || yField[room.typeAt(index)] == null)
        {
            return Double.NaN;
        }
        final SchemaField y = yField[room.typeAt(index)];
        return y.dequantize(room.valueAt(index, y.firstSlot()));
    }

    private double distanceCells(final WorldState state, final int index, final double vx, final double vy,
        final double cellSize)
    {
        final int type = state.typeAt(index);
        if (xField[type] == null || Double.isNaN(vx))
        {
            return 1;
        }
        final double dx = xField[type].dequantize(state.valueAt(index, xField[type].firstSlot())) - vx;
        final double dy = yField[type].dequantize(state.valueAt(index, yField[type].firstSlot())) - vy;
        return Math.sqrt(dx * dx + dy * dy) / cellSize;
    }

    private int createdCost(final WorldState state, final int index)
    {
        final int type = state.typeAt(index);
        int cost = 2;
        for (int s = 0, n = slotCounts[type]; s < n; s++)
        {
            if ((stringSlots[type] & (1L << s)) != 0)
            {
                cost += 2 + state.stringAt(index, s).length();
            }
            else
            {
                cost += varintSize(state.valueAt(index, s));
            }
        }
        return cost;
    }

    private int changedCost(final WorldState base, final int bi, final WorldState cur, final int ci)
    {
        if (bi < 0)
        {
            return createdCost(cur, ci);
        }
        final int type = cur.typeAt(ci);
        int cost = 0;
        for (int s = 0, n = slotCounts[type]; s < n; s++)
        {
            final int a = base.valueAt(bi, s);
            final int b = cur.valueAt(ci, s);
            if (a != b && (hideOwner[type] & (1L << s)) == 0)
            {
                cost += (stringSlots[type] & (1L << s)) != 0 ? 2 + cur.stringAt(ci, s).length() :
                    varintSize((b - a) << 1 ^ (b - a) >> 31);
            }
        }
        return cost == 0 ? 0 : cost + 3;
    }

    private static int varintSize(final int v)
    {
        return v >>> 7 == 0 ? 1 : v >>> 14 == 0 ? 2 : v >>> 21 == 0 ? 3 : v >>> 28 == 0 ? 4 : 5;
    }

    private void ensureCandidates(final int n)
    {
        if (n > candidateCost.length)
        {
            final int size = Math.max(n, candidateCost.length * 2);
            candidateCost = Arrays.copyOf(candidateCost, size);
            candidateTargetIndex = Arrays.copyOf(candidateTargetIndex, size);
            candidateWeight = Arrays.copyOf(candidateWeight, size);
            candidateInFlight = Arrays.copyOf(candidateInFlight, size);
            chosen = Arrays.copyOf(chosen, size);
            selectIds = Arrays.copyOf(selectIds, size);
            selectOut = Arrays.copyOf(selectOut, size);
        }
    }

    /**
     * The owned entities of this connection in its frame, all slots (OWNER fields included), written into the
     * connection's owned ring for this tick: what its owner section is taken from.
     *
     * @param view  the connection's view state.
     * @param frame the frame it will be sent.
     * @return the owned rows, or null when the room has no OWNER fields.
     */
    public WorldState ownedRows(final ConnectionView view, final ViewFrame frame)
    {
        if (!ownerSections)
        {
            return null;
        }
        final WorldState out = view.ownedSent[Integer.remainderUnsigned(frame.state.tick(), ringLength)];
        out.reset(frame.state.tick(), frame.state.serverTimeMs());
        final IntArrayList owned = view.owned;
        for (int i = 0, n = owned.size(); i < n; i++)
        {
            final int id = owned.getInt(i);
            if (frame.state.indexOf(id) >= 0)
            {
                out.append(room, room.indexOf(id), null);
            }
        }
        return out;
    }

    /**
     * @param view a connection's view state.
     * @param tick a tick it acknowledged.
     * @return the frame it was sent then, or null (then it gets a full snapshot).
     */
    public ViewFrame baseline(final ConnectionView view, final int tick)
    {
        return view.frameAt(tick);
    }

    /**
     * @param view a connection's view state.
     * @param tick a tick it acknowledged.
     * @return its owned rows at that tick, or null.
     */
    public WorldState ownedBaseline(final ConnectionView view, final int tick)
    {
        return view.ownedAt(tick);
    }

    /**
     * Record that the connection was sent {@code frame} this tick.
     *
     * @param view  its view state.
     * @param frame the frame sent.
     */
    public void commit(final ConnectionView view, final ViewFrame frame)
    {
        final int tick = frame.state.tick();
        final int slot = Integer.remainderUnsigned(tick, ringLength);
        final ViewFrame old = view.sent[slot];
        pool.retain(frame);
        view.sent[slot] = frame;
        pool.release(old);
        view.lastSentTick = tick;
    }

    /**
     * Release this tick's references: shared frames nobody was sent go back to the pool, and so do private
     * frames the caller did not commit (pass them to {@link #discard}).
     */
    public void endTick()
    {
        for (final Long2ObjectHashMap<ViewFrame> byCell : pureFrames.values())
        {
            for (final ViewFrame frame : byCell.values())
            {
                pool.release(frame);
            }
            byCell.clear();
        }
        room = null;
        world = null;
    }

    /**
     * Drop the caller's reference to a frame of this connection's own (from an owned-entity merge in
     * {@link #target} or from {@link #budgeted}) once it was committed, or not sent. Shared frames are left to
     * {@link #endTick}.
     *
     * @param frame a frame returned by {@link #target} or {@link #budgeted}.
     */
    public void discard(final ViewFrame frame)
    {
        if (frame != null && frame.isPrivate)
        {
            pool.release(frame);
        }
    }

    /**
     * @return distinct shared views built this tick.
     */
    public int framesBuiltThisTick()
    {
        return framesBuiltThisTick;
    }

    /**
     * @return frames built this tick for one connection only.
     */
    public int framesPrivateThisTick()
    {
        return framesPrivateThisTick;
    }

    /**
     * @return entity changes the budget deferred this tick, over all connections.
     */
    public int deferredThisTick()
    {
        return deferredThisTick;
    }

    /**
     * @return frames alive (held by rings or this tick's cache).
     */
    public int liveFrames()
    {
        return pool.live();
    }
}
