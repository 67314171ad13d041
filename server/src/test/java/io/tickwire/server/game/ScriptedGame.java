package io.tickwire.server.game;

import io.tickwire.protocol.schema.EntitySchema;
import io.tickwire.protocol.schema.SchemaField;
import org.agrona.DirectBuffer;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A game driven by its players' messages, to test the game-facing API end to end: it echoes, kicks, locks,
 * sets metadata, closes, fails on request, and refuses joins by their options or claims. Every callback is
 * recorded in {@link #events} as text ("leave alice consented=true").
 * <p>
 * Messages it understands (type: what it does):
 * 1 echo back as type 2; 3 broadcast to the others as type 4; 5 send {@code n} numbered messages (type 6,
 * payload "i"); 7 kick the sender with 4150; 8 lock; 9 unlock; 10 set metadata "phase" to the payload;
 * 11 close the room; 12 throw. Others are recorded as "unknown type=N".
 * On join it sends type 20 with "hello <claim name or player id>".
 * Join options: ban=yes refused 4101; boom=attempt throws in onJoinAttempt; boom=join throws in onJoin.
 */
public final class ScriptedGame implements GameLogic
{
    /** Room type name. */
    public static final String TYPE = "scripted";
    /** One int field so snapshots have something. */
    public static final EntitySchema SCHEMA = EntitySchema.builder().intField("v", 0, 1000).build();
    private static final SchemaField V = SCHEMA.field("v");

    /** What happened, in order, over every room. */
    public static final List<String> EVENTS = new CopyOnWriteArrayList<>();

    /**
     * @param maxPlayers seats per room.
     * @param tickRateHz tick rate.
     * @return the factory; refuses option {@code mode} unless "a" or "b".
     */
    public static GameLogicFactory factory(final int maxPlayers, final int tickRateHz)
    {
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
            public int maxPlayers()
            {
                return maxPlayers;
            }

            @Override
            public int tickRateHz()
            {
                return tickRateHz;
            }

            @Override
            public String validateOptions(final Map<String, String> options)
            {
                final String mode = options.get("mode");
                return mode == null || mode.equals("a") || mode.equals("b") ? null :
                    "mode must be a or b: mode=" + mode;
            }

            @Override
            public GameLogic create(final RoomContext room)
            {
                return new ScriptedGame();
            }
        };
    }

    /**
     * The factory as a game jar lists it in {@code META-INF/services}: public, no-argument constructor,
     * 4 seats at 20 Hz.
     */
    public static final class Factory implements GameLogicFactory
    {
        private final GameLogicFactory delegate = factory(4, 20);

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
        public int maxPlayers()
        {
            return delegate.maxPlayers();
        }

        @Override
        public int tickRateHz()
        {
            return delegate.tickRateHz();
        }

        @Override
        public String validateOptions(final Map<String, String> options)
        {
            return delegate.validateOptions(options);
        }

        @Override
        public GameLogic create(final RoomContext room)
        {
            return delegate.create(room);
        }
    }

    private Player failInOnJoin;

    private static String name(final Player player)
    {
        return player.claims().getOrDefault("name", String.valueOf(player.playerId()));
    }

    @Override
    public void onCreate(final RoomContext room, final Map<String, String> options)
    {
        EVENTS.add("create " + room.roomId() + " options=" + new java.util.TreeMap<>(options));
    }

    @Override
    public Admission onJoinAttempt(final RoomContext room, final JoinRequest request)
    {
        if ("attempt".equals(request.options().get("boom")))
        {
            throw new IllegalStateException("scripted failure in onJoinAttempt");
        }
        if ("join".equals(request.options().get("boom")))
        {
            failInOnJoin = request.player();
        }
        if ("yes".equals(request.options().get("ban")) || "banned".equals(request.player().claims().get("name")))
        {
            EVENTS.add("refuse " + name(request.player()));
            return Admission.refuse(4101, "banned: name=" + name(request.player()));
        }
        return Admission.accept();
    }

    @Override
    public void onJoin(final RoomContext room, final Player player)
    {
        if (room.players().stream().noneMatch(p -> p == player))
        {
            throw new AssertionError("the joining player is in players() during onJoin");
        }
        if (player == failInOnJoin)
        {
            throw new IllegalStateException("scripted failure in onJoin");
        }
        final int id = room.world().createEntity();
        player.entityId(id);
        player.attachment(Boolean.TRUE);
        room.send(player, 20, ("hello " + name(player)).getBytes(StandardCharsets.UTF_8));
        EVENTS.add("join " + name(player) + " room=" + room.roomId());
    }

    @Override
    public void onInput(final RoomContext room, final Player player, final int seq, final DirectBuffer payload,
        final int offset, final int length)
    {
    }

    @Override
    public void onMessage(final RoomContext room, final Player player, final int type, final DirectBuffer payload,
        final int offset, final int length)
    {
        final byte[] bytes = new byte[length];
        payload.getBytes(offset, bytes);
        switch (type)
        {
            case 1 -> room.send(player, 2, bytes);
            case 3 -> room.broadcastExcept(player, 4, bytes);
            case 5 ->
            {
                final int n = Integer.parseInt(new String(bytes, StandardCharsets.UTF_8));
                for (int i = 0; i < n; i++)
                {
                    room.send(player, 6, String.valueOf(i).getBytes(StandardCharsets.UTF_8));
                }
            }
            case 7 -> room.kick(player, 4150, "kicked by request");
            case 8 -> room.lock();
            case 9 -> room.unlock();
            case 10 -> room.setMetadata("phase", new String(bytes, StandardCharsets.UTF_8));
            case 11 -> room.close("game over");
            case 12 -> throw new IllegalStateException("scripted failure in onMessage");
            default -> EVENTS.add("unknown type=" + type);
        }
    }

    @Override
    public void onTick(final RoomContext room, final int tick)
    {
        for (final Player p : room.players())
        {
            if (room.world().exists(p.entityId()))
            {
                room.world().setInt(p.entityId(), V, tick % 1000);
            }
        }
    }

    @Override
    public void onDetach(final RoomContext room, final Player player)
    {
        EVENTS.add("detach " + name(player));
    }

    @Override
    public void onResume(final RoomContext room, final Player player)
    {
        EVENTS.add("resume " + name(player));
    }

    @Override
    public void onLeave(final RoomContext room, final Player player, final boolean consented)
    {
        room.world().destroyEntity(player.entityId());
        EVENTS.add("leave " + name(player) + " consented=" + consented);
    }

    @Override
    public void onDispose(final RoomContext room)
    {
        EVENTS.add("dispose " + room.roomId());
    }
}
