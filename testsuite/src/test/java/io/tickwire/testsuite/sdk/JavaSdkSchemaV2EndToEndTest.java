package io.tickwire.testsuite.sdk;

import io.tickwire.client.ClientOptions;
import io.tickwire.client.EntityMirror;
import io.tickwire.client.Interpolator;
import io.tickwire.client.JoinRequest;
import io.tickwire.client.RenderState;
import io.tickwire.client.RoomSession;
import io.tickwire.client.SessionListener;
import io.tickwire.client.SnapshotInfo;
import io.tickwire.client.TickwireClient;
import io.tickwire.protocol.schema.EntitySchema;
import io.tickwire.protocol.schema.EntityTypes;
import io.tickwire.protocol.schema.SchemaField;
import io.tickwire.server.ServerOptions;
import io.tickwire.server.TickwireServer;
import io.tickwire.server.game.Admission;
import io.tickwire.server.game.GameLogic;
import io.tickwire.server.game.GameLogicFactory;
import io.tickwire.server.game.InterestPolicy;
import io.tickwire.server.game.Player;
import io.tickwire.server.game.RoomContext;
import io.tickwire.server.game.World;
import org.agrona.DirectBuffer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The Java SDK against the real server in a protocol version 2 room: two entity types, a STRING name, an
 * owner-only ammo count, a 10-unit interest grid with a view radius of one cell. Two players read each other's
 * names but only their own ammo, one walks out of the other's view (a removal for the other), and the view tick
 * the SDK puts on inputs is the one the game sees as {@code Player.viewTick()}.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class JavaSdkSchemaV2EndToEndTest
{
    private static final String TYPE = "sdk-v2";
    private static final long WAIT_S = 10;
    private static final EntityTypes TYPES = EntityTypes.builder()
        .type("npc", EntitySchema.builder()
            .fixed("x", -100, 100, 0.1)
            .fixed("y", -100, 100, 0.1)
            .build())
        .type("player", EntitySchema.builder()
            .fixed("x", -100, 100, 0.1)
            .fixed("y", -100, 100, 0.1)
            .string("name", 16)
            .intField("ammo", 0, 500).ownerOnly()
            .build())
        .build();
    private static final int PLAYER = TYPES.index("player");
    private static final SchemaField X = TYPES.schema(PLAYER).field("x");
    private static final SchemaField Y = TYPES.schema(PLAYER).field("y");
    private static final SchemaField NAME = TYPES.schema(PLAYER).field("name");
    private static final SchemaField AMMO = TYPES.schema(PLAYER).field("ammo");

    /** Per entity id, the view ticks its inputs carried, as the game saw them. */
    private static final Map<Integer, BlockingQueue<Integer>> VIEW_TICKS = new ConcurrentHashMap<>();

    private TickwireServer server;
    private final List<TickwireClient> clients = new ArrayList<>();

    @AfterEach
    void stop()
    {
        clients.forEach(TickwireClient::close);
        if (server != null)
        {
            server.close();
        }
    }

    /** Players start where their join options say; an input of two signed bytes moves them by whole cells. */
    private static final class Game implements GameLogic
    {
        @Override
        public void onCreate(final RoomContext room, final Map<String, String> options)
        {
            final World world = room.world();
            final int npc = world.createEntity("npc");
            world.setDouble(npc, TYPES.schema(0).field("x"), 2);
        }

        @Override
        public Admission onJoinAttempt(final RoomContext room, final io.tickwire.server.game.JoinRequest request)
        {
            request.player().attachment(request.options());
            return Admission.accept();
        }

        @Override
        @SuppressWarnings("unchecked")
        public void onJoin(final RoomContext room, final Player player)
        {
            final World world = room.world();
            final Map<String, String> options = (Map<String, String>)player.attachment();
            final int id = world.createEntity("player");
            player.entityId(id);
            world.setDouble(id, X, Double.parseDouble(options.getOrDefault("x", "0")));
            world.setDouble(id, Y, Double.parseDouble(options.getOrDefault("y", "0")));
            world.setString(id, NAME, options.getOrDefault("name", ""));
            world.setInt(id, AMMO, 100 + id);
        }

        @Override
        public void onInput(final RoomContext room, final Player player, final int seq, final DirectBuffer payload,
            final int offset, final int length)
        {
            final int id = player.entityId();
            VIEW_TICKS.computeIfAbsent(id, k -> new LinkedBlockingQueue<>()).add(player.viewTick());
            if (length >= 2)
            {
                final World world = room.world();
                world.setDouble(id, X, world.getDouble(id, X) + payload.getByte(offset) * 10.0);
                world.setDouble(id, Y, world.getDouble(id, Y) + payload.getByte(offset + 1) * 10.0);
            }
        }

        @Override
        public void onTick(final RoomContext room, final int tick)
        {
        }

        @Override
        public void onLeave(final RoomContext room, final Player player, final boolean consented)
        {
            room.world().destroyEntity(player.entityId());
        }
    }

    private static GameLogicFactory factory()
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
                return InterestPolicy.grid(10, 1);
            }

            @Override
            public int tickRateHz()
            {
                return 30;
            }

            @Override
            public int maxPlayers()
            {
                return 8;
            }

            @Override
            public Map<String, String> roomOptions(final Map<String, String> joinOptions)
            {
                // Join options place the player; they do not pick the room: everyone shares one.
                return Map.of();
            }

            @Override
            public GameLogic create(final RoomContext room)
            {
                return new Game();
            }
        };
    }

    /** Events and reads of one client, taken on its event loop. */
    private static final class Watcher implements SessionListener
    {
        final BlockingQueue<Integer> removed = new LinkedBlockingQueue<>();
        final BlockingQueue<Integer> added = new LinkedBlockingQueue<>();
        volatile Function<EntityMirror, String> probe;
        final BlockingQueue<String> probed = new LinkedBlockingQueue<>();

        @Override
        public void onEntityAdded(final RoomSession session, final int entityId)
        {
            added.add(entityId);
        }

        @Override
        public void onEntityRemoved(final RoomSession session, final int entityId)
        {
            removed.add(entityId);
        }

        @Override
        public void onSnapshot(final RoomSession session, final SnapshotInfo info)
        {
            final Function<EntityMirror, String> p = probe;
            if (p != null)
            {
                final String result = p.apply(session.mirror());
                if (result != null)
                {
                    probe = null;
                    probed.add(result);
                }
            }
        }
    }

    private RoomSession join(final String name, final double x, final double y, final Watcher watcher)
        throws Exception
    {
        final TickwireClient client = new TickwireClient(ClientOptions.builder().uri(server.webSocketUri())
            .connectTimeoutMs(5000).build());
        clients.add(client);
        client.addListener(watcher);
        return client.join(JoinRequest.byType(TYPE).options(Map.of("name", name, "x", Double.toString(x),
            "y", Double.toString(y)))).get(WAIT_S, TimeUnit.SECONDS);
    }

    @Test
    void shouldShowNamesToAllOwnerFieldsToTheOwnerAndRemoveWhatLeavesTheView() throws Exception
    {
        server = TickwireServer.start(ServerOptions.builder().host("127.0.0.1").port(0).adminPort(-1).roomLoops(1)
            .roomType(TYPE, factory()).build());
        final Watcher a = new Watcher();
        final Watcher b = new Watcher();
        final RoomSession sa = join("ada", 0, 0, a);
        final RoomSession sb = join("bob", 5, 0, b);
        final int ida = sa.playerEntityId();
        final int idb = sb.playerEntityId();
        assertEquals(sa.roomId(), sb.roomId(), "one room");
        assertTrue(ida != idb, "two players: " + ida + ", " + idb);
        assertEquals(TYPES, sa.entityTypes());

        a.probe = m -> m.contains(ida) && m.contains(idb) ?
            m.typeOf(idb) + " " + m.getString(idb, NAME) + " " + m.getInt(idb, AMMO) + " " +
                m.getString(ida, NAME) + " " + m.getInt(ida, AMMO) + " " + m.copyEntity(ida).typeName() : null;
        assertEquals(PLAYER + " bob 0 ada " + (100 + ida) + " player", a.probed.poll(WAIT_S, TimeUnit.SECONDS),
            "a sees b's name, not b's ammo, and its own ammo");
        b.probe = m -> m.contains(ida) && m.contains(idb) ?
            m.getInt(ida, AMMO) + " " + m.getInt(idb, AMMO) : null;
        assertEquals("0 " + (100 + idb), b.probed.poll(WAIT_S, TimeUnit.SECONDS));

        // b walks 8 cells away: out of a's view (radius one cell), so a's SDK removes it.
        assertTrue(sb.sendInput(new byte[]{ 8, 8 }) > 0);
        boolean gone = false;
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(WAIT_S);
        while (!gone && System.nanoTime() < deadline)
        {
            final Integer id = a.removed.poll(100, TimeUnit.MILLISECONDS);
            gone = id != null && id == idb;
        }
        assertTrue(gone, "a was told b left its view");
        a.probe = m -> m.contains(idb) ? null : "absent " + m.contains(ida);
        assertEquals("absent true", a.probed.poll(WAIT_S, TimeUnit.SECONDS));

        // a renders through the interpolator, then sends an input: the game sees the tick a was showing.
        final Interpolator interpolator = sa.interpolator();
        final RenderState frame = interpolator.newRenderState();
        final long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(WAIT_S);
        while ((!interpolator.sample(System.nanoTime(), frame) || frame.viewTick() == 0) && System.nanoTime() < until)
        {
            Thread.sleep(5);
        }
        final int shown = frame.viewTick();
        assertTrue(shown > 0, "interpolator showed a tick");
        assertTrue(sa.sendInput(new byte[]{ 0, 0 }) > 0);
        final BlockingQueue<Integer> seen = VIEW_TICKS.computeIfAbsent(ida, k -> new LinkedBlockingQueue<>());
        final Integer atServer = seen.poll(WAIT_S, TimeUnit.SECONDS);
        assertNotNull(atServer, "the game got a's input");
        assertEquals(shown, atServer.intValue(), "Player.viewTick() is the tick the SDK rendered");
    }
}
