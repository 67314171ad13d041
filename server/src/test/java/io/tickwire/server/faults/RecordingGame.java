package io.tickwire.server.faults;

import io.tickwire.protocol.delta.WorldState;
import io.tickwire.protocol.schema.EntitySchema;
import io.tickwire.server.game.GameLogic;
import io.tickwire.server.game.GameLogicFactory;
import io.tickwire.server.game.Player;
import io.tickwire.server.game.RoomContext;
import io.tickwire.server.game.World;
import org.agrona.DirectBuffer;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/**
 * Wraps a real game and records, for the fault tests, what the server did: a copy of the world after
 * each tick (exactly what the server captures as that tick's snapshot; the last {@code keepTicks} per
 * room) and, per player session, the sequence of every input the game was given, in order. Adapted from
 * the end-to-end tests' recorder, which is package-private there.
 * <p>
 * Thread: the game callbacks run on the room loop; the recordings are read from the test thread
 * (concurrent map, lists guarded by themselves).
 */
final class RecordingGame implements GameLogic
{
    private final GameLogic delegate;
    private final EntitySchema schema;
    private final ConcurrentMap<Integer, WorldState> states;
    private final Map<String, List<Integer>> inputs;
    private final int keepTicks;

    private RecordingGame(final GameLogic delegate, final EntitySchema schema,
        final ConcurrentMap<Integer, WorldState> states, final Map<String, List<Integer>> inputs, final int keepTicks)
    {
        this.delegate = delegate;
        this.schema = schema;
        this.states = states;
        this.inputs = inputs;
        this.keepTicks = keepTicks;
    }

    /**
     * @param factory   the real game.
     * @param recorded  receives room id to (tick to state).
     * @param inputs    receives player session id to the applied input sequences, in order.
     * @param keepTicks ticks kept per room.
     * @return a factory whose rooms record.
     */
    static GameLogicFactory recording(final GameLogicFactory factory,
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
     * @param inputs the recording.
     * @param sessionId a player's session id.
     * @return a copy of the sequences applied for that player, in order.
     */
    static List<Integer> applied(final Map<String, List<Integer>> inputs, final String sessionId)
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
    public void onStart(final World world)
    {
        delegate.onStart(world);
    }

    @Override
    public void onJoin(final World world, final Player player)
    {
        delegate.onJoin(world, player);
    }

    @Override
    public void onInput(final World world, final Player player, final int seq, final DirectBuffer payload,
        final int offset, final int length)
    {
        final List<Integer> seqs = inputs.computeIfAbsent(player.sessionId(), k -> new ArrayList<>());
        synchronized (seqs)
        {
            seqs.add(seq);
        }
        delegate.onInput(world, player, seq, payload, offset, length);
    }

    @Override
    public void onTick(final World world, final int tick)
    {
        delegate.onTick(world, tick);
        final WorldState copy = new WorldState(schema, world.entityCount());
        world.captureInto(copy, tick, 0);
        states.put(tick, copy);
        states.remove(tick - keepTicks);
    }

    @Override
    public void onLeave(final World world, final Player player)
    {
        delegate.onLeave(world, player);
    }
}
