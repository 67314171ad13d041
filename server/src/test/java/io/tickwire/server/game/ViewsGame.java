package io.tickwire.server.game;

import io.tickwire.protocol.delta.WorldState;
import io.tickwire.protocol.schema.EntitySchema;
import io.tickwire.protocol.schema.EntityTypes;
import io.tickwire.protocol.schema.SchemaField;
import org.agrona.DirectBuffer;

import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A test game for views: players (position, name, owner-only ammo and secret, audience-only intel), wandering
 * npcs and position-less flags (global), on a 200 x 200 map with a 10-unit grid and a view radius of 1 cell.
 * Each player's team (its audience) comes from the join option "team". Inputs are two signed bytes: the cell
 * step the player's entity takes, so tests can walk players across cells. It records every tick's captured
 * state, each player's audience and entity, so a test can compute, independently, what each client must hold.
 */
public final class ViewsGame implements GameLogic
{
    public static final String TYPE = "views";
    public static final double CELL = 10;
    public static final int RADIUS = 1;
    public static final EntityTypes TYPES = EntityTypes.builder()
        .type("player", EntitySchema.builder()
            .fixed("x", -100, 100, 0.1)
            .fixed("y", -100, 100, 0.1)
            .string("name", 16)
            .intField("ammo", 0, 500).ownerOnly()
            .string("secret", 8).ownerOnly()
            .intField("intel", 0, 1000).audienceOnly()
            .build())
        .type("npc", EntitySchema.builder()
            .fixed("x", -100, 100, 0.1)
            .fixed("y", -100, 100, 0.1)
            .angle("heading", 8)
            .build())
        .type("flag", EntitySchema.builder()
            .intField("owner", 0, 1000)
            .string("label", 12)
            .build())
        .build();

    /** Captured state per tick, per room id. */
    public static final Map<String, Map<Integer, WorldState>> STATES = new ConcurrentHashMap<>();
    /** Audience and entity per session id, per tick: "audience,entity". */
    public static final Map<String, Map<Integer, long[]>> PLAYERS = new ConcurrentHashMap<>();

    private static final EntitySchema P = TYPES.schema(0);
    private static final SchemaField PX = P.field("x");
    private static final SchemaField PY = P.field("y");
    private static final SchemaField NAME = P.field("name");
    private static final SchemaField AMMO = P.field("ammo");
    private static final SchemaField SECRET = P.field("secret");
    private static final SchemaField INTEL = P.field("intel");
    private static final EntitySchema N = TYPES.schema(1);
    private static final SchemaField NX = N.field("x");
    private static final SchemaField NY = N.field("y");
    private static final SchemaField HEADING = N.field("heading");
    private static final SchemaField LABEL = TYPES.schema(2).field("label");
    private static final SchemaField FLAG_OWNER = TYPES.schema(2).field("owner");

    private final Random random;
    private final int npcs;
    private int[] npcIds;
    private int flag;

    private ViewsGame(final long seed, final int npcs)
    {
        this.random = new Random(seed);
        this.npcs = npcs;
    }

    /**
     * @param npcs   wandering npcs.
     * @param budget per-connection snapshot budget, 0 for none.
     * @return the factory.
     */
    public static GameLogicFactory factory(final int npcs, final int budget)
    {
        return new GameLogicFactory()
        {
            @Override
            public String type()
            {
                return TYPE;
            }

            @Override
            public EntityTypes entityTypes()
            {
                return TYPES;
            }

            @Override
            public InterestPolicy interest()
            {
                return InterestPolicy.grid(CELL, RADIUS).typeWeight("player", 4f);
            }

            @Override
            public int snapshotBudgetBytes()
            {
                return budget;
            }

            @Override
            public int maxPlayers()
            {
                return 16;
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
            public GameLogic create(final RoomContext room)
            {
                return new ViewsGame(room.seed(), npcs);
            }
        };
    }

    @Override
    public void onCreate(final RoomContext room, final Map<String, String> options)
    {
        final World world = room.world();
        npcIds = new int[npcs];
        for (int i = 0; i < npcs; i++)
        {
            final int id = world.createEntity("npc");
            world.setDouble(id, NX, random.nextDouble() * 180 - 90);
            world.setDouble(id, NY, random.nextDouble() * 180 - 90);
            npcIds[i] = id;
        }
        flag = world.createEntity("flag");
        world.setString(flag, LABEL, "capture me");
    }

    @Override
    public void onJoin(final RoomContext room, final Player player)
    {
        final World world = room.world();
        final int id = world.createEntity("player");
        player.entityId(id);
        final int team = player.audience();
        world.setDouble(id, PX, random.nextDouble() * 60 - 30);
        world.setDouble(id, PY, random.nextDouble() * 60 - 30);
        world.setString(id, NAME, "p" + id);
        world.setString(id, SECRET, "s" + id);
        world.setAudience(id, team);
    }

    @Override
    public Admission onJoinAttempt(final RoomContext room, final JoinRequest request)
    {
        request.player().audience(Integer.parseInt(request.options().getOrDefault("team", "0")));
        return Admission.accept();
    }

    @Override
    public void onInput(final RoomContext room, final Player player, final int seq, final DirectBuffer payload,
        final int offset, final int length)
    {
        if (length < 2 || player.entityId() == 0)
        {
            return;
        }
        final World world = room.world();
        final int id = player.entityId();
        world.setDouble(id, PX, world.getDouble(id, PX) + payload.getByte(offset) * CELL);
        world.setDouble(id, PY, world.getDouble(id, PY) + payload.getByte(offset + 1) * CELL);
    }

    @Override
    public void onTick(final RoomContext room, final int tick)
    {
        final World world = room.world();
        for (final int id : npcIds)
        {
            world.setDouble(id, NX, world.getDouble(id, NX) + random.nextDouble() * 4 - 2);
            world.setDouble(id, NY, world.getDouble(id, NY) + random.nextDouble() * 4 - 2);
            world.setDouble(id, HEADING, random.nextDouble() * 6.28);
        }
        for (final Player p : room.players())
        {
            final int id = p.entityId();
            if (id != 0)
            {
                world.setInt(id, AMMO, random.nextInt(500));
                world.setInt(id, INTEL, random.nextInt(1000));
                if (random.nextInt(20) == 0)
                {
                    world.setString(id, SECRET, "s" + random.nextInt(1000));
                }
            }
        }
        if (tick % 50 == 0 && !room.players().isEmpty())
        {
            // The flag changes hands: its owner gets... nothing owner-only (flags have none), but it is global.
            world.setInt(flag, FLAG_OWNER, room.players().get(0).entityId());
        }
        final WorldState state = new WorldState(TYPES, world.entityCount());
        world.captureInto(state, tick, 0);
        STATES.computeIfAbsent(room.roomId(), k -> new ConcurrentHashMap<>()).put(tick, state);
        for (final Player p : room.players())
        {
            PLAYERS.computeIfAbsent(p.sessionId(), k -> new ConcurrentHashMap<>())
                .put(tick, new long[]{p.audience(), p.entityId()});
        }
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
