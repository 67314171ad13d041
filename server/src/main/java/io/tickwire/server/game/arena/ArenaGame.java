package io.tickwire.server.game.arena;

import io.tickwire.protocol.arena.ArenaInput;
import io.tickwire.protocol.arena.ArenaStep;
import io.tickwire.protocol.schema.EntitySchema;
import io.tickwire.protocol.schema.SchemaField;
import io.tickwire.server.game.GameLogic;
import io.tickwire.server.game.GameLogicFactory;
import io.tickwire.server.game.Player;
import io.tickwire.server.game.RoomContext;
import io.tickwire.server.game.World;
import org.agrona.DirectBuffer;

import java.util.ArrayList;
import java.util.SplittableRandom;

/**
 * The demo game: a square arena of {@code 2 * HALF_SIZE} units. A player's input is two signed
 * bytes, axis x and axis y in [-127, 127]; the axis vector is clamped to length 1, so no input
 * moves a player faster than {@link #PLAYER_SPEED}. Each input moves its player by one tick's step
 * in the tick it is applied (the server applies one per player per tick), and a tick without an
 * input does not move the player. The movement is {@link ArenaStep}, the one copy a predicting client
 * replays per input too: the game runs it over {@link World#entity(int)}. NPCs walk straight, turn at
 * seeded random intervals and bounce off the walls: the same room id always replays the same NPC paths.
 * <p>
 * Thread: the owning room loop.
 */
public final class ArenaGame implements GameLogic
{
    /** Room type name. */
    public static final String TYPE = "arena";
    /** Half the side of the arena in units. */
    public static final double HALF_SIZE = ArenaStep.HALF_SIZE;
    /** Player speed in units per second. */
    public static final double PLAYER_SPEED = ArenaStep.PLAYER_SPEED;
    /** NPC speed in units per second. */
    public static final double NPC_SPEED = 3.0;
    /** Default NPCs per room. */
    public static final int DEFAULT_NPC_COUNT = 16;
    /** Entity kind of a player. */
    public static final int KIND_PLAYER = 0;
    /** Entity kind of an NPC. */
    public static final int KIND_NPC = 1;
    /** Bytes of an input payload. */
    public static final int INPUT_LENGTH = ArenaInput.LENGTH;

    /** The arena's entity schema: position in centimetres, heading in 1024 steps, kind. */
    public static final EntitySchema SCHEMA = EntitySchema.builder()
        .fixed("x", -HALF_SIZE, HALF_SIZE, 0.01)
        .fixed("y", -HALF_SIZE, HALF_SIZE, 0.01)
        .angle("heading", 10)
        .intField("kind", 0, 3)
        .build();

    private static final SchemaField X = SCHEMA.field("x");
    private static final SchemaField Y = SCHEMA.field("y");
    private static final SchemaField HEADING = SCHEMA.field("heading");
    private static final SchemaField KIND = SCHEMA.field("kind");

    private final int npcCount;
    private final SplittableRandom random;
    private final double dt;
    private final ArenaStep step;
    private final ArrayList<Player> players = new ArrayList<>();
    private final Wanderers npcs;

    /**
     * @param context  room context.
     * @param npcCount NPCs to spawn.
     */
    public ArenaGame(final RoomContext context, final int npcCount)
    {
        this.npcCount = npcCount;
        this.random = new SplittableRandom(context.seed());
        this.dt = context.tickSeconds();
        this.step = new ArenaStep(SCHEMA, context.tickRateHz());
        this.npcs = new Wanderers(X, Y, HEADING, HALF_SIZE, NPC_SPEED, context.tickRateHz(), random);
    }

    /**
     * @param npcCount NPCs per room.
     * @return a factory for the room type registry.
     */
    public static GameLogicFactory factory(final int npcCount)
    {
        if (npcCount < 0)
        {
            throw new IllegalArgumentException("npc count must be >= 0: npcCount=" + npcCount);
        }
        return new GameLogicFactory()
        {
            @Override
            public EntitySchema schema()
            {
                return SCHEMA;
            }

            @Override
            public String type()
            {
                return TYPE;
            }

            @Override
            public GameLogic create(final RoomContext context)
            {
                return new ArenaGame(context, npcCount);
            }
        };
    }

    /**
     * Encode an input payload ({@link ArenaInput#encode}).
     *
     * @param axisX -1..1.
     * @param axisY -1..1.
     * @return the two payload bytes.
     */
    public static byte[] input(final double axisX, final double axisY)
    {
        return ArenaInput.encode(axisX, axisY);
    }

    @Override
    public void onCreate(final RoomContext room, final java.util.Map<String, String> options)
    {
        final World world = room.world();
        for (final int id : npcs.spawn(world, npcCount, 0.9))
        {
            world.setInt(id, KIND, KIND_NPC);
        }
    }

    @Override
    public void onJoin(final RoomContext room, final Player player)
    {
        final World world = room.world();
        final int id = world.createEntity();
        world.setInt(id, KIND, KIND_PLAYER);
        world.setDouble(id, X, (random.nextDouble() * 2 - 1) * HALF_SIZE * 0.5);
        world.setDouble(id, Y, (random.nextDouble() * 2 - 1) * HALF_SIZE * 0.5);
        player.entityId(id);
        player.attachment(new PlayerIntent());
        players.add(player);
    }

    @Override
    public void onInput(
        final RoomContext room, final Player player, final int seq, final DirectBuffer payload, final int offset,
        final int length)
    {
        if (length < INPUT_LENGTH)
        {
            return;
        }
        final PlayerIntent intent = (PlayerIntent)player.attachment();
        payload.getBytes(offset, intent.input, 0, INPUT_LENGTH);
        intent.pending = true;
    }

    @Override
    public void onTick(final RoomContext room, final int tick)
    {
        final World world = room.world();
        for (int i = 0, size = players.size(); i < size; i++)
        {
            stepPlayer(world, players.get(i));
        }
        npcs.step(world, tick, dt);
    }

    private void stepPlayer(final World world, final Player player)
    {
        final PlayerIntent intent = (PlayerIntent)player.attachment();
        final int id = player.entityId();
        if (intent == null || id == 0 || !intent.pending)
        {
            return;
        }
        intent.pending = false;
        step.step(world.entity(id), intent.input, 0, INPUT_LENGTH);
    }

    @Override
    public void onLeave(final RoomContext room, final Player player, final boolean consented)
    {
        players.remove(player);
        room.world().destroyEntity(player.entityId());
    }

    private static final class PlayerIntent
    {
        /** The first {@link #INPUT_LENGTH} bytes of the input to apply next tick. */
        final byte[] input = new byte[INPUT_LENGTH];
        boolean pending;
    }
}
