package io.tickwire.server.game.bigworld;

import io.tickwire.protocol.arena.ArenaInput;
import io.tickwire.protocol.schema.EntitySchema;
import io.tickwire.protocol.schema.SchemaField;
import io.tickwire.server.game.GameLogic;
import io.tickwire.server.game.GameLogicFactory;
import io.tickwire.server.game.InterestPolicy;
import io.tickwire.server.game.Player;
import io.tickwire.server.game.RoomContext;
import io.tickwire.server.game.World;
import io.tickwire.server.game.arena.Wanderers;
import org.agrona.DirectBuffer;

import java.util.Map;
import java.util.SplittableRandom;

/**
 * The big-world demo and benchmark scenario (issue #14): a 2 km x 2 km map (4 km^2) with 2,000 wandering npcs by
 * default and up to 200 players in one room at 30 Hz, under an interest grid of 100 m cells with a view radius
 * of 2 cells (a 500 m x 500 m window, 1/16 of the map). Players steer with the arena's input (two signed axis
 * bytes) at 8 m/s. One entity schema (x, y, heading, kind) so that any client, version 1 or 2, can join it:
 * what it measures is interest management, not entity types.
 * <p>
 * Thread: the room loop.
 */
public final class BigWorldGame implements GameLogic
{
    /** Room type name. */
    public static final String TYPE = "bigworld";
    /** Half the map's edge, metres. */
    public static final double HALF_SIZE = 1000;
    /** Grid cell edge, metres. */
    public static final double CELL_SIZE = 100;
    /** Cells seen in each direction from the viewpoint's cell. */
    public static final int VIEW_RADIUS_CELLS = 2;
    /** Npcs per room unless configured. */
    public static final int DEFAULT_NPC_COUNT = 2000;
    /** Seats per room. */
    public static final int MAX_PLAYERS = 200;
    /** Player speed, metres per second at full axis. */
    public static final double PLAYER_SPEED = 8;
    /** Npc speed, metres per second. */
    public static final double NPC_SPEED = 1.5;
    /** Value of {@code kind} for players. */
    public static final int KIND_PLAYER = 0;
    /** Value of {@code kind} for npcs. */
    public static final int KIND_NPC = 1;

    /** x, y in 5 cm steps, heading in 256 steps, kind. */
    public static final EntitySchema SCHEMA = EntitySchema.builder()
        .fixed("x", -HALF_SIZE, HALF_SIZE, 0.05)
        .fixed("y", -HALF_SIZE, HALF_SIZE, 0.05)
        .angle("heading", 8)
        .intField("kind", 0, 1)
        .build();

    private static final SchemaField X = SCHEMA.field("x");
    private static final SchemaField Y = SCHEMA.field("y");
    private static final SchemaField HEADING = SCHEMA.field("heading");
    private static final SchemaField KIND = SCHEMA.field("kind");

    private final SplittableRandom random;
    private final double dt;
    private final int npcCount;
    private final Wanderers npcs;

    private BigWorldGame(final RoomContext context, final int npcCount)
    {
        this.random = new SplittableRandom(context.seed());
        this.dt = context.tickSeconds();
        this.npcCount = npcCount;
        this.npcs = new Wanderers(X, Y, HEADING, HALF_SIZE, NPC_SPEED, context.tickRateHz(), random);
    }

    /**
     * @param npcCount npcs per room.
     * @return the room type.
     */
    public static GameLogicFactory factory(final int npcCount)
    {
        if (npcCount < 0)
        {
            throw new IllegalArgumentException("npc count must be >= 0: npcCount=" + npcCount);
        }
        final InterestPolicy interest = InterestPolicy.grid(CELL_SIZE, VIEW_RADIUS_CELLS);
        return new GameLogicFactory()
        {
            @Override
            public String type()
            {
                return TYPE;
            }

            @Override
            public EntitySchema schema()
            {
                return SCHEMA;
            }

            @Override
            public InterestPolicy interest()
            {
                return interest;
            }

            @Override
            public int maxPlayers()
            {
                return MAX_PLAYERS;
            }

            @Override
            public int tickRateHz()
            {
                return 30;
            }

            @Override
            public Map<String, String> roomOptions(final Map<String, String> joinOptions)
            {
                return Map.of();
            }

            @Override
            public GameLogic create(final RoomContext context)
            {
                return new BigWorldGame(context, npcCount);
            }
        };
    }

    @Override
    public void onCreate(final RoomContext room, final Map<String, String> options)
    {
        final World world = room.world();
        for (final int id : npcs.spawn(world, npcCount, 0.98))
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
        world.setDouble(id, X, (random.nextDouble() * 2 - 1) * HALF_SIZE * 0.9);
        world.setDouble(id, Y, (random.nextDouble() * 2 - 1) * HALF_SIZE * 0.9);
        player.entityId(id);
    }

    @Override
    public void onInput(final RoomContext room, final Player player, final int seq, final DirectBuffer payload,
        final int offset, final int length)
    {
        final int id = player.entityId();
        if (length < ArenaInput.LENGTH || id == 0)
        {
            return;
        }
        final byte bx = payload.getByte(offset);
        final byte by = payload.getByte(offset + 1);
        final double ax = ArenaInput.axisX(bx, by);
        final double ay = ArenaInput.axisY(bx, by);
        final World world = room.world();
        world.setDouble(id, X, clamp(world.getDouble(id, X) + ax * PLAYER_SPEED * dt));
        world.setDouble(id, Y, clamp(world.getDouble(id, Y) + ay * PLAYER_SPEED * dt));
        if (ax != 0 || ay != 0)
        {
            world.setDouble(id, HEADING, Math.atan2(ay, ax));
        }
    }

    private static double clamp(final double v)
    {
        return Math.max(-HALF_SIZE, Math.min(HALF_SIZE, v));
    }

    @Override
    public void onTick(final RoomContext room, final int tick)
    {
        npcs.step(room.world(), tick, dt);
    }

    @Override
    public void onLeave(final RoomContext room, final Player player, final boolean consented)
    {
        if (player.entityId() != 0)
        {
            room.world().destroyEntity(player.entityId());
        }
    }
}
