package io.tickwire.server.e2e;

import io.tickwire.client.RoomSession;
import io.tickwire.client.SessionListener;
import io.tickwire.client.SnapshotInfo;
import io.tickwire.protocol.delta.WorldState;
import io.tickwire.protocol.schema.EntitySchema;
import io.tickwire.server.game.GameLogic;
import io.tickwire.server.game.GameLogicFactory;
import io.tickwire.server.game.Player;
import io.tickwire.server.game.RoomContext;
import io.tickwire.server.game.World;
import io.tickwire.server.support.Await;
import org.agrona.DirectBuffer;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

/**
 * Wraps a real game and records what the server did: a copy of the world after each tick (exactly
 * what the server captures as that tick's snapshot; the last {@code keepTicks} per room), so tests
 * can compare a client's mirror with the server's state at the same tick, and per player session
 * the sequence of every input the game was given, in order (exactly-once checks).
 * <p>
 * Thread: the game callbacks run on the room loop; the recordings are read from the test thread
 * (concurrent map, input lists guarded by themselves).
 */
public final class RecordingGame implements GameLogic
{
    private final GameLogic delegate;
    private final EntitySchema schema;
    private final ConcurrentMap<Integer, WorldState> states;
    private final int keepTicks;
    private final Map<String, List<Integer>> inputs;

    private RecordingGame(final GameLogic delegate, final EntitySchema schema,
        final ConcurrentMap<Integer, WorldState> states, final Map<String, List<Integer>> inputs, final int keepTicks)
    {
        this.inputs = inputs;
        this.delegate = delegate;
        this.schema = schema;
        this.states = states;
        this.keepTicks = keepTicks;
    }

    /**
     * @param factory   the real game.
     * @param recorded  receives room id to (tick to state).
     * @param keepTicks ticks kept per room.
     * @return a factory whose rooms record their states.
     */
    public static GameLogicFactory recording(final GameLogicFactory factory,
        final ConcurrentMap<String, ConcurrentMap<Integer, WorldState>> recorded, final int keepTicks)
    {
        return recording(factory, recorded, new ConcurrentHashMap<>(), keepTicks);
    }

    /**
     * @param factory   the real game.
     * @param recorded  receives room id to (tick to state).
     * @param inputs    receives player session id to the applied input sequences, in order.
     * @param keepTicks ticks kept per room.
     * @return a factory whose rooms record states and inputs.
     */
    public static GameLogicFactory recording(final GameLogicFactory factory,
        final ConcurrentMap<String, ConcurrentMap<Integer, WorldState>> recorded,
        final Map<String, List<Integer>> inputs, final int keepTicks)
    {
        return new GameLogicFactory()
        {
            @Override
            public EntitySchema schema()
            {
                return factory.schema();
            }

            @Override
            public GameLogic create(final RoomContext context)
            {
                final ConcurrentMap<Integer, WorldState> states = new ConcurrentHashMap<>();
                recorded.put(context.roomId(), states);
                return new RecordingGame(factory.create(context), factory.schema(), states, inputs, keepTicks);
            }
        };
    }

    /**
     * Take a copy of the client's mirror at the next applied snapshot and compare it, field for
     * field, with what the server captured at that tick.
     *
     * @param session  the client's session.
     * @param recorded what {@link #recording} recorded, by room id.
     */
    public static void assertMirrorEqualsServer(final RoomSession session,
        final ConcurrentMap<String, ConcurrentMap<Integer, WorldState>> recorded) throws InterruptedException
    {
        final AtomicReference<WorldState> copy = new AtomicReference<>();
        final SessionListener listener = new SessionListener()
        {
            @Override
            public void onSnapshot(final RoomSession s, final SnapshotInfo info)
            {
                copy.compareAndSet(null, s.mirror().copyState());
            }
        };
        session.addListener(listener);
        Await.awaitTrue(() -> copy.get() != null, "a snapshot arrives");
        session.removeListener(listener);
        final WorldState client = copy.get();
        final ConcurrentMap<Integer, WorldState> serverStates = recorded.get(session.roomId());
        assertNotNull(serverStates, "room recorded: " + session.roomId());
        Await.awaitTrue(() -> serverStates.containsKey(client.tick()), "server recorded tick " + client.tick());
        assertNull(serverStates.get(client.tick()).firstDifference(client),
            "mirror differs from the server at tick " + client.tick());
    }

    /**
     * @param inputs    the recording.
     * @param sessionId a player's session id.
     * @return a copy of the sequences applied for that player, in order.
     */
    public static List<Integer> applied(final Map<String, List<Integer>> inputs, final String sessionId)
    {
        final List<Integer> seqs = inputs.get(sessionId);
        if (seqs == null)
        {
            return List.of();
        }
        synchronized (seqs)
        {
            return new ArrayList<>(seqs);
        }
    }

    @Override
    public void onCreate(final RoomContext room, final java.util.Map<String, String> options)
    {
        delegate.onCreate(room, options);
    }

    @Override
    public void onJoin(final RoomContext room, final Player player)
    {
        delegate.onJoin(room, player);
    }

    @Override
    public void onInput(final RoomContext room, final Player player, final int seq, final DirectBuffer payload,
        final int offset, final int length)
    {
        final List<Integer> seqs = inputs.computeIfAbsent(player.sessionId(), k -> new ArrayList<>());
        synchronized (seqs)
        {
            seqs.add(seq);
        }
        delegate.onInput(room, player, seq, payload, offset, length);
    }

    @Override
    public void onTick(final RoomContext room, final int tick)
    {
        delegate.onTick(room, tick);
        final World world = room.world();
        final WorldState copy = new WorldState(schema, world.entityCount());
        world.captureInto(copy, tick, 0);
        states.put(tick, copy);
        states.remove(tick - keepTicks);
    }

    @Override
    public void onLeave(final RoomContext room, final Player player, final boolean consented)
    {
        delegate.onLeave(room, player, consented);
    }
}
