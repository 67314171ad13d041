package io.tickwire.client;

import io.tickwire.protocol.CloseCodes;
import io.tickwire.protocol.predict.EntityStep;
import io.tickwire.protocol.schema.EntitySchema;
import io.tickwire.protocol.schema.EntityTypes;
import io.tickwire.protocol.schema.SchemaField;
import io.tickwire.protocol.v1.Welcome;

import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;

/**
 * A joined room: what the server's {@code Welcome} said, the mirror of the room's state, and the
 * ways to talk to the room (inputs, acks, pings, leaving); plus what makes a networked game look local:
 * the {@link #clock()} (time sync), the {@link #interpolator()} (smooth rendering of every entity) and
 * a {@link #predictor(EntityStep)} (the player's own entity, predicted and reconciled).
 * <p>
 * Threads: every method is safe on any thread, except the {@link EntityMirror} reads documented
 * there, {@link #poll()} (the game loop's thread) and the {@link Predictor} (the thread that drives it).
 * Sends are queued to the connection's event loop, which writes them in call order.
 * The session belongs to the {@link TickwireClient} that joined it; closing either closes both.
 * <p>
 * A session outlives a lost connection: with the {@link ClientOptions#reconnectPolicy()} (on by default)
 * the SDK resumes the same player on a new connection and this object, its mirror, clock, interpolator and
 * predictor carry on (see {@link SessionListener#onDisconnected} and {@link SessionListener#onReconnected}).
 * <p>
 * <b>Protocol version 2</b> (see {@code docs/client-sdk.md}): a room may declare several entity types
 * ({@link #entityTypes()}), STRING fields, owner-only fields (real values only in the owner's SDK, 0 or ""
 * elsewhere) and an interest policy (the mirror then holds only the entities in this client's view; one that
 * leaves it is removed like a destroyed one). Every input carries the server tick the game was showing
 * ({@link Interpolator#viewTick()}) for lag compensation.
 */
public final class RoomSession implements AutoCloseable
{
    private final ClientConnection connection;
    private final EntityTypes types;
    private final EntityMirror mirror;
    private final List<SessionListener> listeners;
    private final ClientStats stats;
    private final String sessionId;
    private final String roomId;
    private final String roomType;
    private final int playerEntityId;
    private final int tickRateHz;
    private final int serverTickAtJoin;
    private final Runnable closeClient;

    /**
     * @param closeClient what {@link #close()} does: close the owning {@link TickwireClient}.
     */
    RoomSession(
        final ClientConnection connection,
        final Runnable closeClient,
        final Welcome welcome,
        final EntityTypes types,
        final EntityMirror mirror,
        final List<SessionListener> listeners,
        final ClientStats stats)
    {
        this.connection = connection;
        this.closeClient = closeClient;
        this.types = types;
        this.mirror = mirror;
        this.listeners = listeners;
        this.stats = stats;
        this.sessionId = welcome.getSessionId();
        this.roomId = welcome.getRoomId();
        this.roomType = welcome.getRoomType();
        this.playerEntityId = welcome.getEntityId();
        this.tickRateHz = welcome.getTickRateHz();
        this.serverTickAtJoin = welcome.getServerTick();
    }

    /**
     * @return the server's id of this session.
     */
    public String sessionId()
    {
        return sessionId;
    }

    /**
     * @return the room's id (also when joined by type).
     */
    public String roomId()
    {
        return roomId;
    }

    /**
     * @return the room's type.
     */
    public String roomType()
    {
        return roomType;
    }

    /**
     * @return the entity this player controls, 0 when the game spawns none.
     */
    public int playerEntityId()
    {
        return playerEntityId;
    }

    /**
     * @return the room's tick rate in Hz.
     */
    public int tickRateHz()
    {
        return tickRateHz;
    }

    /**
     * @return the server's tick when it sent {@code Welcome}.
     */
    public int serverTickAtJoin()
    {
        return serverTickAtJoin;
    }

    /**
     * The entity schema from {@code Welcome}: of a room with one entity type, that type's; of a room with
     * several, type 0's (read the others from {@link #entityTypes()}). Resolve fields once with
     * {@code schema().field("x")} and pass the {@link SchemaField} to the mirror's getters.
     *
     * @return the schema; immutable.
     */
    public EntitySchema schema()
    {
        return types.schema(0);
    }

    /**
     * The room's entity types from {@code Welcome} (protocol version 2): each with a name and its own schema;
     * an entity's type is an index of this list and never changes. A room declared with one schema has one
     * type named {@value EntityTypes#SINGLE_TYPE_NAME}. Resolve fields once per type:
     * {@code entityTypes().schema(entityTypes().index("player")).field("name")}.
     *
     * @return the types; immutable.
     */
    public EntityTypes entityTypes()
    {
        return types;
    }

    /**
     * @return the type of {@link #playerEntityId()} in the newest applied snapshot, -1 before a snapshot shows it
     * (or when the game spawns none). Any thread.
     */
    public int playerEntityType()
    {
        final SnapshotReceiver r = connection.receiver();
        return r == null ? -1 : r.playerEntityType();
    }

    /**
     * @return secret to present in {@link JoinRequest#resumeToken(String)} to resume this player later: the
     * token of the latest {@code Welcome} (the server issues a new one on each resume and the old one is spent).
     */
    public String resumeToken()
    {
        return connection.resumeToken();
    }

    /**
     * @return true between {@link SessionListener#onDisconnected} with {@code willReconnect} and the resume
     * ({@link SessionListener#onReconnected}) or the final {@link SessionListener#onClosed}.
     */
    public boolean isReconnecting()
    {
        return connection.isReconnecting();
    }

    /**
     * @return the view of the newest applied state; see {@link EntityMirror} for which thread may read it.
     */
    public EntityMirror mirror()
    {
        return mirror;
    }

    /**
     * Send one game input. The sequence is the previous one plus one, starting at 1; the message
     * piggybacks an ack of the newest applied tick (with auto-ack off: of the newest tick passed to
     * {@link #ack(int)}). Any thread; inputs go on the wire in sequence order. Inputs sent after the
     * session closed are dropped.
     * <p>
     * The SDK keeps each input until a snapshot's {@code last_input_seq} covers it (at most
     * {@link ClientOptions#maxPendingInputs()}; past that the oldest one already written is forgotten).
     * While the session is reconnecting, inputs are kept and written after the resume, together with
     * those the server had not processed, paced by {@link ReconnectPolicy#resendWindowInputs()}. When the
     * buffer is full of inputs not yet written (a long outage), the input is refused and 0 returned: no
     * sequence is used, so none is ever skipped.
     *
     * @param payload game-defined bytes, copied before this method returns.
     * @return the input's sequence number, or 0 when refused.
     */
    public int sendInput(final byte[] payload)
    {
        Objects.requireNonNull(payload, "payload");
        return connection.sendInput(payload);
    }

    /**
     * Send a game message to the room: reliable and ordered while the connection lives (the server hands
     * each one to the game's {@code onMessage} once, in the order sent, and in order with this session's
     * inputs). Separate from inputs: not one per tick, not replayed by prediction, not kept across a
     * reconnection. The server closes the connection for a payload over its {@code --max-message-bytes}
     * (1009) or more than {@code --max-messages-per-second} (1008). Any thread.
     *
     * @param type    game-defined type, at least 1.
     * @param payload bytes, copied before this returns.
     * @return true when queued; false when the session is not open (reconnecting or closed), nothing sent.
     * @throws IllegalArgumentException when {@code type} is below 1.
     */
    public boolean send(final int type, final byte[] payload)
    {
        Objects.requireNonNull(payload, "payload");
        if (type < 1)
        {
            throw new IllegalArgumentException("message type must be >= 1: type=" + type);
        }
        return connection.sendMessage(type, payload);
    }

    /**
     * Acknowledge a tick explicitly, for clients built with {@link ClientOptions#autoAck()} off.
     * Acknowledge only ticks this client applied. Any thread.
     *
     * @param tick an applied tick.
     */
    public void ack(final int tick)
    {
        connection.sendAck(tick);
    }

    /**
     * @return the last input sequence the server had applied at the newest applied snapshot (0 = none).
     */
    public int lastProcessedInputSeq()
    {
        return connection.lastProcessedInputSeq();
    }

    /**
     * Send a {@code Ping}; the {@code Pong} updates {@link #lastRttNanos()} and the {@link #clock()} and
     * calls {@link SessionListener#onPong}. Any thread. (The SDK also pings on its own, see
     * {@link ClientOptions#pingIntervalMs()}.)
     */
    public void ping()
    {
        connection.sendPing();
    }

    /**
     * @return round-trip time of the newest {@code Pong} in nanoseconds, -1 before the first.
     */
    public long lastRttNanos()
    {
        return connection.lastRttNanos();
    }

    /**
     * The estimate of the server's clock and tick from ping round trips. The SDK pings automatically
     * ({@link ClientOptions#pingIntervalMs()}, starting with the first snapshot); {@link #ping()} adds samples.
     *
     * @return the session's clock; getters are safe on any thread.
     */
    public ServerClock clock()
    {
        return connection.clock();
    }

    /**
     * The snapshot interpolation buffer, created on the first call (it sees snapshots from then on; it
     * has enough after two or three ticks). Render with
     * {@code interpolator.sample(System.nanoTime(), renderState)} once per frame. Any thread.
     *
     * @return the session's interpolator.
     */
    public Interpolator interpolator()
    {
        return connection.receiver().interpolator();
    }

    /**
     * Create the predictor of the player's own entity ({@link #playerEntityId()}) with the game's movement
     * rule, the same {@link EntityStep} the server's game runs (see {@link Predictor}). It sees snapshots from
     * then on. Once it exists send every input through it
     * ({@link Predictor#update} or {@link Predictor#sendInput}), not through {@link #sendInput(byte[])}:
     * it can only replay the inputs it knows. Any thread; then drive it from one thread.
     * <p>
     * The predictor works on the player's entity's type: the type a snapshot showed it with, else the one type
     * whose schema has every field of {@link EntityStep#predictedFields()}. When that is ambiguous before the
     * first snapshot, name the type with {@link #predictor(EntityStep, String)}.
     *
     * @param step the movement rule, shared with the server's game logic.
     * @return the new predictor.
     * @throws IllegalStateException when the session already has one, or the player's type cannot be told.
     */
    public Predictor predictor(final EntityStep step)
    {
        Objects.requireNonNull(step, "step");
        return connection.receiver().createPredictor(step, playerType(step.predictedFields()));
    }

    /**
     * Create the predictor of the player's own entity, of a named entity type (as {@link #predictor(EntityStep)}).
     *
     * @param step     the movement rule, shared with the server's game logic; its fields are of that type.
     * @param typeName the player's entity's type, one of {@link #entityTypes()}.
     * @return the new predictor.
     * @throws IllegalArgumentException when there is no such type or the step's fields are not of it.
     * @throws IllegalStateException    when the session already has one.
     */
    public Predictor predictor(final EntityStep step, final String typeName)
    {
        Objects.requireNonNull(step, "step");
        return connection.receiver().createPredictor(step, types.index(typeName));
    }

    /**
     * Create the predictor with a client-only movement rule: as {@link #predictor(EntityStep)} with every
     * field of the player's entity's type predicted but its STRING fields (any difference in any of them is a
     * misprediction). Prefer an {@link EntityStep} shared with the server's game: one copy of the rule, and
     * server-only fields do not count as mispredictions. In a room with several entity types the player's type is
     * the one a snapshot showed it with (so create it after the first snapshot, or use
     * {@link #predictor(EntityStep, String)}).
     *
     * @param step the movement rule, mirroring the server's game logic.
     * @return the new predictor.
     * @throws IllegalStateException when the session already has one, or the player's type cannot be told.
     */
    public Predictor predictor(final StepFunction step)
    {
        Objects.requireNonNull(step, "step");
        final int type = playerType(null);
        return connection.receiver().createPredictor(Predictor.adapt(step, types.schema(type)), type);
    }

    /**
     * The player's entity's type: one type only, the type a snapshot showed, or the one type that has every
     * given field.
     */
    private int playerType(final SchemaField[] fields)
    {
        if (types.count() == 1)
        {
            return 0;
        }
        final int seen = playerEntityType();
        if (seen >= 0)
        {
            return seen;
        }
        int found = -1;
        int candidates = 0;
        for (int t = 0; fields != null && t < types.count(); t++)
        {
            if (hasAll(types.schema(t), fields))
            {
                found = t;
                candidates++;
            }
        }
        if (candidates != 1)
        {
            throw new IllegalStateException("cannot tell the player's entity type: no snapshot showed entity " +
                playerEntityId + " yet and " + candidates + " types have the step's fields; name it with " +
                "predictor(step, typeName): types=" + types.names());
        }
        return found;
    }

    private static boolean hasAll(final EntitySchema schema, final SchemaField[] fields)
    {
        for (final SchemaField f : fields)
        {
            final int i = f == null ? -1 : f.index();
            if (i < 0 || i >= schema.fields().size() || !schema.fields().get(i).equals(f))
            {
                return false;
            }
        }
        return true;
    }

    /**
     * @return the predictor created by {@link #predictor(EntityStep)}, or null.
     */
    public Predictor predictor()
    {
        return connection.receiver().predictor();
    }

    /**
     * In {@link DeliveryMode#POLL}: run every queued event's callbacks on the calling thread, in order, and
     * make the {@link EntityMirror} readable on this thread (showing, after the call, the newest snapshot
     * delivered). Call it from the game loop, from one thread; never from inside a callback. Cheap when
     * nothing is queued.
     *
     * @return events delivered (snapshots, pongs, errors, the close).
     * @throws IllegalStateException in {@link DeliveryMode#CALLBACKS}, or when called from a polled callback.
     */
    public int poll()
    {
        return connection.poll();
    }

    /**
     * Register a listener; it sees events from the next one on. Any thread.
     *
     * @param listener the listener.
     */
    public void addListener(final SessionListener listener)
    {
        listeners.add(Objects.requireNonNull(listener, "listener"));
    }

    /**
     * Any thread.
     *
     * @param listener a registered listener.
     * @return true when it was registered.
     */
    public boolean removeListener(final SessionListener listener)
    {
        return listeners.remove(listener);
    }

    /**
     * Stop reading from the socket (Netty auto-read off): snapshots queue up in the kernel and then
     * at the server, as for a client that stalls. A flow-control hook for games and load tests. Any thread.
     */
    public void suspendReading()
    {
        connection.suspendReading();
    }

    /**
     * Read from the socket again after {@link #suspendReading()}. Any thread.
     */
    public void resumeReading()
    {
        connection.resumeReading();
    }

    /**
     * @return true while reading is suspended.
     */
    public boolean isReadingSuspended()
    {
        return connection.isReadingSuspended();
    }

    /**
     * @return true while the session has an open, joined connection (false while reconnecting and after the close).
     */
    public boolean isOpen()
    {
        return connection.isOpen();
    }

    /**
     * @return the connection's counters (shared with {@link TickwireClient#stats()}).
     */
    public ClientStats stats()
    {
        return stats;
    }

    /**
     * Leave the room: send {@code Leave} and a close frame 1000, then close the connection. Returns at
     * once; listeners get {@link SessionListener#onClosed} with 1000. While reconnecting it stops trying
     * (the server forgets the detached player when its grace period ends). Does not shut down the client's
     * event loop group: {@link #close()} or {@link TickwireClient#close()} does. Any thread; idempotent.
     *
     * @return completes when the connection is closed.
     */
    public CompletableFuture<Void> leave()
    {
        final CompletableFuture<Void> done = new CompletableFuture<>();
        connection.closeAsync(CloseCodes.NORMAL, "leave").addListener(f -> done.complete(null));
        return done;
    }

    /**
     * Close the owning {@link TickwireClient}: leave, wait for the close, release its resources.
     * Same threading as {@link TickwireClient#close()}.
     */
    @Override
    public void close()
    {
        closeClient.run();
    }

    @Override
    public String toString()
    {
        return "RoomSession{sessionId=" + sessionId + ", roomId=" + roomId + ", roomType=" + roomType +
            ", playerEntityId=" + playerEntityId + ", tickRateHz=" + tickRateHz + '}';
    }
}
