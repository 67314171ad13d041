package io.tickwire.client;

import io.netty.channel.EventLoop;
import io.tickwire.protocol.delta.WorldState;
import io.tickwire.protocol.schema.EntitySchema;
import io.tickwire.protocol.schema.EntityTypes;
import io.tickwire.protocol.schema.FieldKind;
import io.tickwire.protocol.schema.SchemaField;

import java.util.List;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;

/**
 * Read-only view of the newest applied state of a {@link RoomSession}: the entities the server sent,
 * bit-exact to its snapshot, decoded on access through the schema of each entity's own type.
 * <p>
 * Resolve fields once, then use them for every read:
 * <pre>{@code
 * EntityTypes types = session.entityTypes();                 // once, after join
 * int player = types.index("player");
 * SchemaField x = types.schema(player).field("x");
 * SchemaField name = types.schema(player).field("name");
 * for (int i = 0; i < mirror.count(); i++) {                  // in a callback
 *     int id = mirror.entityIdAt(i);
 *     if (mirror.typeAt(i) == player) {
 *         double px = mirror.getDouble(id, x);
 *         String n = mirror.getString(id, name);
 *     }
 * }
 * }</pre>
 * <b>Types.</b> A room may declare several entity types (protocol version 2), each with its own schema; an
 * entity's type never changes. A getter takes a field of the entity's own type (a field equal to it, same
 * name, kind, range and slot, is accepted too) and refuses any other with {@link IllegalArgumentException}.
 * A room with one type is the version 1 case: {@link #schema()} is that type's.
 * <p>
 * <b>Views.</b> The mirror holds what the server sent this connection: with an interest policy, only the
 * entities in this client's view. An entity that leaves the view is removed exactly as a destroyed one (the
 * two cannot be told apart, by design); when it comes back it is a new entity with all its fields. Owner-only
 * fields read their real value only for entities this client owns; for every other entity they read 0 (or
 * ""), as do audience fields of another audience.
 * <p>
 * <b>Threads.</b> The state behind this view is replaced by the connection's event loop each time a
 * snapshot is applied, and its storage is reused for later snapshots. So:
 * <ul>
 * <li>{@link #count()}, {@link #entityIdAt(int)}, {@link #typeAt(int)}, {@link #contains(int)},
 * {@link #typeOf(int)}, {@link #copyEntity(int)} and the {@code get*} methods
 * may only be called on the connection's event loop thread, which is where listener callbacks run
 * unless a {@link ClientOptions#callbackExecutor()} is configured. There, the view does not change
 * during a callback, so successive reads agree. Called on any other thread they throw
 * {@link IllegalStateException} rather than return a torn state.</li>
 * <li>{@link #copyState()} and {@link #tick()} are safe on any thread. Off the event loop,
 * {@code copyState()} runs the copy on the event loop and waits for it; the copy belongs to the caller.</li>
 * </ul>
 * In {@link DeliveryMode#POLL} the view belongs to the polling thread instead: the getters work on the
 * thread that called {@link RoomSession#poll()} last (and throw elsewhere, the event loop included), and
 * show the state of the snapshot being delivered, after {@code poll()} returns the newest one delivered;
 * the event loop never changes it. On that thread {@code copyState()} and {@code tick()} also read that
 * view; on other threads they read the newest applied state as above.
 */
public final class EntityMirror
{
    private static final long TERMINATION_WAIT_MS = 5000;

    private final EventLoop eventLoop;
    private final SnapshotTracker tracker;
    private final EntityTypes types;
    private final PollQueue pollQueue;
    private volatile int tick;

    EntityMirror(final EventLoop eventLoop, final SnapshotTracker tracker)
    {
        this(eventLoop, tracker, null);
    }

    EntityMirror(final EventLoop eventLoop, final SnapshotTracker tracker, final PollQueue pollQueue)
    {
        this.eventLoop = eventLoop;
        this.tracker = tracker;
        this.pollQueue = pollQueue;
        this.types = tracker.types();
    }

    /**
     * Called by the connection after each applied snapshot. Thread: the event loop.
     */
    void onApplied(final int newTick)
    {
        tick = newTick;
    }

    /**
     * Safe on any thread.
     *
     * @return tick of the newest applied state, 0 before the first snapshot.
     */
    public int tick()
    {
        if (pollQueue != null && pollQueue.isOwner())
        {
            final WorldState view = pollQueue.view();
            return view == null ? 0 : view.tick();
        }
        return tick;
    }

    /**
     * @return the schema of entity type 0: the one schema of a room with one type.
     */
    public EntitySchema schema()
    {
        return types.schema(0);
    }

    /**
     * @return the room's entity types (the session's).
     */
    public EntityTypes types()
    {
        return types;
    }

    /**
     * Event loop thread only.
     *
     * @return number of entities.
     */
    public int count()
    {
        final WorldState s = state();
        return s == null ? 0 : s.count();
    }

    /**
     * Event loop thread only.
     *
     * @param index in [0, {@link #count()}); entities are ordered by id.
     * @return the entity id.
     */
    public int entityIdAt(final int index)
    {
        final WorldState s = state();
        final int count = s == null ? 0 : s.count();
        if (index < 0 || index >= count)
        {
            throw new IndexOutOfBoundsException("entity index out of range: index=" + index + ", count=" + count);
        }
        return s.idAt(index);
    }

    /**
     * Event loop thread only.
     *
     * @param index in [0, {@link #count()}).
     * @return the type of the entity at that index (an index of {@link #types()}).
     */
    public int typeAt(final int index)
    {
        final WorldState s = state();
        final int count = s == null ? 0 : s.count();
        if (index < 0 || index >= count)
        {
            throw new IndexOutOfBoundsException("entity index out of range: index=" + index + ", count=" + count);
        }
        return s.typeAt(index);
    }

    /**
     * Event loop thread only.
     *
     * @param entityId entity id.
     * @return the entity's type (an index of {@link #types()}).
     * @throws IllegalArgumentException when the entity does not exist.
     */
    public int typeOf(final int entityId)
    {
        final WorldState s = state();
        return s.typeAt(indexOf(s, entityId));
    }

    /**
     * Event loop thread only.
     *
     * @param entityId entity id.
     * @return the schema of the entity's own type.
     * @throws IllegalArgumentException when the entity does not exist.
     */
    public EntitySchema schemaOf(final int entityId)
    {
        return types.schema(typeOf(entityId));
    }

    /**
     * Event loop thread only.
     *
     * @param entityId entity id.
     * @return true when the entity exists in the newest state.
     */
    public boolean contains(final int entityId)
    {
        final WorldState s = state();
        return s != null && s.indexOf(entityId) >= 0;
    }

    /**
     * Event loop thread only.
     *
     * @param entityId entity id.
     * @param field    an INT, FIXED, ANGLE (radians in [0, 2&pi;)) or BOOL (0 or 1) field of the entity's type.
     * @return the dequantized value.
     * @throws IllegalArgumentException when the entity does not exist or the field is a quaternion or
     *                                  not of the entity's type.
     */
    public double getDouble(final int entityId, final SchemaField field)
    {
        if (field.kind() == FieldKind.QUATERNION)
        {
            throw new IllegalArgumentException("quaternion field, use getQuaternion: field=" + field.name());
        }
        if (field.isString())
        {
            throw new IllegalArgumentException("string field, use getString: field=" + field.name());
        }
        return field.dequantize(slot(entityId, field));
    }

    /**
     * Event loop thread only.
     *
     * @param entityId entity id.
     * @param field    an INT or BOOL field of the entity's type.
     * @return the value ({@code 0} or {@code 1} for BOOL).
     * @throws IllegalArgumentException when the entity does not exist or the field is of another kind.
     */
    public int getInt(final int entityId, final SchemaField field)
    {
        if (field.kind() != FieldKind.INT && field.kind() != FieldKind.BOOL)
        {
            throw new IllegalArgumentException("not an int field: field=" + field.name() + ", kind=" + field.kind());
        }
        return field.dequantizeInt(slot(entityId, field));
    }

    /**
     * Event loop thread only.
     *
     * @param entityId entity id.
     * @param field    a BOOL field of the entity's type.
     * @return the value.
     * @throws IllegalArgumentException when the entity does not exist or the field is of another kind.
     */
    public boolean getBool(final int entityId, final SchemaField field)
    {
        if (field.kind() != FieldKind.BOOL)
        {
            throw new IllegalArgumentException("not a bool field: field=" + field.name() + ", kind=" + field.kind());
        }
        return slot(entityId, field) != 0;
    }

    /**
     * Event loop thread only.
     *
     * @param entityId entity id.
     * @param field    a QUATERNION field of the entity's type.
     * @param xyzw     receives x, y, z, w of the unit quaternion.
     * @throws IllegalArgumentException when the entity does not exist or the field is of another kind.
     */
    public void getQuaternion(final int entityId, final SchemaField field, final double[] xyzw)
    {
        if (field.kind() != FieldKind.QUATERNION)
        {
            throw new IllegalArgumentException("not a quaternion field: field=" + field.name() + ", kind=" +
                field.kind());
        }
        if (xyzw.length < 4)
        {
            throw new IllegalArgumentException("xyzw too short: length=" + xyzw.length + ", required=4");
        }
        final WorldState s = state();
        final int index = indexOf(s, entityId);
        checkField(s, index, field);
        field.dequantizeQuaternion(s.valueArray(), index * s.slotCount() + field.firstSlot(), xyzw);
    }

    /**
     * Event loop thread only.
     *
     * @param entityId entity id.
     * @param field    a STRING field of the entity's type.
     * @return the text, never null ("" for an owner-only field of an entity this client does not own).
     * @throws IllegalArgumentException when the entity does not exist or the field is of another kind or type.
     */
    public String getString(final int entityId, final SchemaField field)
    {
        if (!field.isString())
        {
            throw new IllegalArgumentException("not a string field: field=" + field.name() + ", kind=" + field.kind());
        }
        final WorldState s = state();
        final int index = indexOf(s, entityId);
        checkField(s, index, field);
        return s.stringAt(index, field.firstSlot());
    }

    /**
     * A copy of one entity's state, of its own type, slots and texts. Event loop thread only (in
     * {@link DeliveryMode#POLL}, the polling thread); allocates.
     *
     * @param entityId entity id.
     * @return a new {@link EntityState} owned by the caller.
     * @throws IllegalArgumentException when the entity does not exist.
     */
    public EntityState copyEntity(final int entityId)
    {
        final WorldState s = state();
        final int index = indexOf(s, entityId);
        final EntityState copy = new EntityState(types, s.typeAt(index), entityId);
        copy.copyFrom(s.valueArray(), s.stringArray(), index * s.slotCount());
        return copy;
    }

    /**
     * A copy of the newest applied state (tick 0 and no entities before the first snapshot). Safe on
     * any thread: off the event loop the copy is taken on the event loop and this call waits for it,
     * so do not call it while holding something the event loop's callbacks wait for.
     *
     * @return a new {@link WorldState} owned by the caller.
     */
    public WorldState copyState()
    {
        if (pollQueue != null && pollQueue.isOwner())
        {
            return copyOf(pollQueue.view());
        }
        if (eventLoop.inEventLoop())
        {
            return copyNow();
        }
        final io.netty.util.concurrent.Future<WorldState> copy;
        try
        {
            copy = eventLoop.submit(this::copyNow);
        }
        catch (final RejectedExecutionException ex)
        {
            // The loop is shutting down: once it has terminated nothing writes the state any more.
            if (!eventLoop.terminationFuture().awaitUninterruptibly(TERMINATION_WAIT_MS, TimeUnit.MILLISECONDS))
            {
                throw new IllegalStateException("event loop rejected the copy and did not terminate: waitedMs=" +
                    TERMINATION_WAIT_MS, ex);
            }
            return copyNow();
        }
        return copy.syncUninterruptibly().getNow();
    }

    private WorldState copyNow()
    {
        return copyOf(tracker.newest());
    }

    private WorldState copyOf(final WorldState s)
    {
        if (s == null)
        {
            return new WorldState(types, 0);
        }
        final WorldState copy = new WorldState(types, s.count());
        copy.copyFrom(s);
        return copy;
    }

    private WorldState state()
    {
        if (pollQueue != null)
        {
            if (!pollQueue.isOwner())
            {
                throw new IllegalStateException("mirror read off the polling thread: thread=" +
                    Thread.currentThread().getName() + "; in DeliveryMode.POLL read it on the thread that calls poll()");
            }
            return pollQueue.view();
        }
        if (!eventLoop.inEventLoop())
        {
            throw new IllegalStateException("mirror read off the connection's event loop: thread=" +
                Thread.currentThread().getName() + "; read it in a callback on the event loop or use copyState()");
        }
        return tracker.newest();
    }

    private int slot(final int entityId, final SchemaField field)
    {
        final WorldState s = state();
        final int index = indexOf(s, entityId);
        checkField(s, index, field);
        return s.valueArray()[index * s.slotCount() + field.firstSlot()];
    }

    private static int indexOf(final WorldState s, final int entityId)
    {
        final int index = s == null ? -1 : s.indexOf(entityId);
        if (index < 0)
        {
            throw new IllegalArgumentException("no such entity: id=" + entityId + ", tick=" +
                (s == null ? 0 : Integer.toUnsignedString(s.tick())));
        }
        return index;
    }

    private void checkField(final WorldState s, final int index, final SchemaField field)
    {
        final int type = s.typeAt(index);
        final List<SchemaField> fields = types.schema(type).fields();
        final int i = field.index();
        if (i < 0 || i >= fields.size() || (fields.get(i) != field && !fields.get(i).equals(field)))
        {
            throw new IllegalArgumentException("field not of this entity's type: field=" + field + ", entityId=" +
                s.idAt(index) + ", type=" + types.name(type) + ", fields=" + fields);
        }
    }
}
