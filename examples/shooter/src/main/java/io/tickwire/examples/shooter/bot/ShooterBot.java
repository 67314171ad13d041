package io.tickwire.examples.shooter.bot;

import io.tickwire.client.ClientOptions;
import io.tickwire.client.EntityMirror;
import io.tickwire.client.JoinRequest;
import io.tickwire.client.RenderState;
import io.tickwire.client.RoomSession;
import io.tickwire.client.SessionListener;
import io.tickwire.client.SnapshotInfo;
import io.tickwire.client.TickwireClient;
import io.tickwire.examples.shooter.Shooter;
import io.tickwire.examples.shooter.ShooterInput;
import io.tickwire.examples.shooter.ShooterMessages;
import io.tickwire.protocol.schema.EntitySchema;
import io.tickwire.protocol.schema.EntityTypes;
import io.tickwire.protocol.schema.SchemaField;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * A headless shooter player on the Java SDK, playing as a game client would: on every snapshot it renders the
 * room through the session's interpolator (the other players where a screen would show them, about 100 ms in
 * the past), picks a target among the enemies it sees (the one a teammate is shooting at, from the team-only
 * {@code target} field, else the nearest), walks towards it and strafes once close, aims at it and fires while
 * its magazine (its owner-only {@code ammo} field) has rounds; it chats now and then and after each of its
 * kills. Its inputs carry the view tick of that render, so the server tests its shots against what it aimed
 * at (lag compensation). It keeps every game message it received, in order, and what it saw of the
 * entity types and of the private fields, for whoever runs it.
 * <p>
 * Thread: the SDK delivers every callback on the client's event loop (one thread per bot); the decision reads
 * the mirror and renders the interpolator there and never blocks. The getters are safe on any thread.
 */
public final class ShooterBot implements SessionListener, AutoCloseable
{
    /** Snapshots between two chat lines (3 s at 20 Hz). */
    static final int CHAT_EVERY_SNAPSHOTS = 60;
    private static final double CLOSE_RANGE = 9.0;
    private static final double FIRE_RANGE = 22.0;

    private final Random random;
    private final Outlet outlet;
    private final boolean keepHistory;
    private final List<ShooterMessages.Event> events = new CopyOnWriteArrayList<>();
    private final List<String> chatsSent = new CopyOnWriteArrayList<>();
    private final Map<Integer, String> namesSeen = new ConcurrentHashMap<>();
    private final Set<String> typesSeen = ConcurrentHashMap.newKeySet();
    private final CountDownLatch closed = new CountDownLatch(1);
    private TickwireClient client;
    private int playerType = -1;
    private SchemaField x;
    private SchemaField y;
    private SchemaField team;
    private SchemaField name;
    private SchemaField ammo;
    private SchemaField target;
    private RenderState render;
    private double mapSize = Shooter.MAX_MAP_SIZE;
    private int snapshots;
    private double strafe = 1.0;
    private volatile int inputsSent;
    private volatile int closeCode;
    private volatile String closeReason = "";
    private volatile int lowestOwnAmmo = Integer.MAX_VALUE;
    private volatile int otherAmmoSeen;
    private volatile int teammateTargetsSeen;
    private volatile int enemyTargetsSeen;
    private volatile int snapshotsWithoutEnemy;
    private volatile double farthestEnemySeen;
    private volatile long snapshotBytes;
    private volatile int snapshotsSeen;
    private volatile int largestSnapshotBytes;

    /**
     * @param seed seed of its random choices (strafing, chat).
     */
    public ShooterBot(final long seed)
    {
        this(seed, Outlet.SESSION, true);
    }

    /**
     * @param seed        seed of its random choices (strafing, chat).
     * @param outlet      where its inputs and messages go.
     * @param keepHistory true to keep every event received and chat line sent (for tests and the bot main);
     *                    false for long load tests, where the lists would only grow.
     */
    ShooterBot(final long seed, final Outlet outlet, final boolean keepHistory)
    {
        this.random = new Random(seed);
        this.outlet = outlet;
        this.keepHistory = keepHistory;
    }

    /**
     * Where the bot's inputs and game messages go: straight to the session, or through a load test's counters.
     * Called on the session's event loop.
     */
    interface Outlet
    {
        /** Send to the session itself. */
        Outlet SESSION = new Outlet()
        {
            @Override
            public void input(final RoomSession session, final byte[] payload)
            {
                session.sendInput(payload);
            }

            @Override
            public boolean send(final RoomSession session, final int type, final byte[] payload)
            {
                return session.send(type, payload);
            }
        };

        /**
         * @param session the bot's session.
         * @param payload an encoded {@link ShooterInput}.
         */
        void input(RoomSession session, byte[] payload);

        /**
         * @param session the bot's session.
         * @param type    a {@link ShooterMessages} type.
         * @param payload its bytes.
         * @return true when sent.
         */
        boolean send(RoomSession session, int type, byte[] payload);
    }

    /**
     * Connect and join; the bot plays from the first snapshot on.
     *
     * @param uri     the server's WebSocket URI.
     * @param request what to join: {@code JoinRequest.byType(Shooter.TYPE)} with options (mode, map, kills and,
     *                in open mode, name and team) or a ticket carrying name and team claims.
     * @return completes with the session, or fails with the server's close code ({@code TickwireException}).
     */
    public CompletableFuture<RoomSession> join(final URI uri, final JoinRequest request)
    {
        client = new TickwireClient(ClientOptions.builder().uri(uri).build());
        client.addListener(this);
        return client.join(request);
    }

    @Override
    public void onSnapshot(final RoomSession session, final SnapshotInfo info)
    {
        if (playerType < 0)
        {
            // Resolve the fields once, from the types the room declared in its Welcome.
            final EntityTypes types = session.entityTypes();
            playerType = types.index(Shooter.TYPE_PLAYER);
            final EntitySchema player = types.schema(playerType);
            x = player.field("x");
            y = player.field("y");
            team = player.field("team");
            name = player.field("name");
            ammo = player.field("ammo");
            target = player.field("target");
            render = session.interpolator().newRenderState();
        }
        snapshotsSeen++;
        snapshotBytes += info.sizeBytes();
        largestSnapshotBytes = Math.max(largestSnapshotBytes, info.sizeBytes());
        final EntityMirror mirror = session.mirror();
        final int me = session.playerEntityId();
        if (!mirror.contains(me))
        {
            return;
        }
        final double myX = mirror.getDouble(me, x);
        final double myY = mirror.getDouble(me, y);
        final int myTeam = mirror.getInt(me, team);
        final int rounds = mirror.getInt(me, ammo);
        if (keepHistory)
        {
            observe(mirror, me, myTeam, rounds);
        }
        // What a screen would show now: the others interpolated between snapshots. The session sends this
        // render's view tick with the next input.
        session.interpolator().sample(System.nanoTime(), render);
        int called = 0;
        for (int i = 0; i < render.count(); i++)
        {
            if (render.typeAt(i) == playerType && render.entityIdAt(i) != me && render.getInt(i, team) == myTeam &&
                render.getInt(i, target) != 0)
            {
                called = render.getInt(i, target);
            }
        }
        int chosen = -1;
        double best = Double.MAX_VALUE;
        int focus = -1;
        double focusDistance = 0;
        for (int i = 0; i < render.count(); i++)
        {
            if (render.typeAt(i) == playerType && render.getInt(i, team) != myTeam)
            {
                final double d = Math.hypot(render.getDouble(i, x) - myX, render.getDouble(i, y) - myY);
                if (d < best)
                {
                    best = d;
                    chosen = i;
                }
                if (render.entityIdAt(i) == called && d < FIRE_RANGE)
                {
                    focus = i;
                    focusDistance = d;
                }
            }
        }
        if (focus >= 0)
        {
            // A teammate is hitting this one: finish it together.
            chosen = focus;
            best = focusDistance;
        }
        if (++snapshots % 40 == 0)
        {
            strafe = random.nextBoolean() ? 1.0 : -1.0;
        }
        final byte[] input;
        if (chosen < 0)
        {
            // Nobody in view (a big map's fog): head for the middle, where the teams meet.
            final double dx = mapSize / 2 - myX;
            final double dy = mapSize / 2 - myY;
            final double d = Math.max(1.0, Math.hypot(dx, dy));
            input = ShooterInput.encode(dx / d, dy / d, Math.atan2(dy, dx), false);
        }
        else
        {
            final double dx = render.getDouble(chosen, x) - myX;
            final double dy = render.getDouble(chosen, y) - myY;
            final double aim = Math.atan2(dy, dx);
            final double ux = dx / Math.max(best, 1e-6);
            final double uy = dy / Math.max(best, 1e-6);
            // Far: walk at the target; close: strafe slowly across its line of fire.
            final double moveX = best > CLOSE_RANGE ? ux : -uy * strafe * 0.3;
            final double moveY = best > CLOSE_RANGE ? uy : ux * strafe * 0.3;
            input = ShooterInput.encode(moveX, moveY, aim, best < FIRE_RANGE && rounds > 0);
        }
        outlet.input(session, input);
        inputsSent++;
        if (snapshots % CHAT_EVERY_SNAPSHOTS == 0)
        {
            chat(session, "tick " + info.tick() + ", still standing");
        }
    }

    /** What the mirror shows of types, names and the private fields, for tests and the bot main. */
    private void observe(final EntityMirror mirror, final int me, final int myTeam, final int rounds)
    {
        lowestOwnAmmo = Math.min(lowestOwnAmmo, rounds);
        final double myX = mirror.getDouble(me, x);
        final double myY = mirror.getDouble(me, y);
        boolean enemy = false;
        for (int i = 0; i < mirror.count(); i++)
        {
            final int id = mirror.entityIdAt(i);
            final int type = mirror.typeAt(i);
            typesSeen.add(mirror.types().name(type));
            if (type != playerType)
            {
                continue;
            }
            namesSeen.put(id, mirror.getString(id, name));
            if (id == me)
            {
                continue;
            }
            if (mirror.getInt(id, team) != myTeam)
            {
                enemy = true;
                farthestEnemySeen = Math.max(farthestEnemySeen, Math.max(Math.abs(mirror.getDouble(id, x) - myX),
                    Math.abs(mirror.getDouble(id, y) - myY)));
            }
            if (mirror.getInt(id, ammo) != 0)
            {
                otherAmmoSeen++;
            }
            if (mirror.getInt(id, target) != 0)
            {
                if (mirror.getInt(id, team) == myTeam)
                {
                    teammateTargetsSeen++;
                }
                else
                {
                    enemyTargetsSeen++;
                }
            }
        }
        if (!enemy)
        {
            snapshotsWithoutEnemy++;
        }
    }

    private void chat(final RoomSession session, final String text)
    {
        if (outlet.send(session, ShooterMessages.CHAT_SEND, text.getBytes(StandardCharsets.UTF_8)) && keepHistory)
        {
            chatsSent.add(text);
        }
    }

    @Override
    public void onMessage(final RoomSession session, final int type, final byte[] payload, final int tick)
    {
        final ShooterMessages.Event event = ShooterMessages.decode(type, payload);
        if (keepHistory)
        {
            events.add(event);
        }
        if (event instanceof ShooterMessages.Hello hello)
        {
            mapSize = hello.mapSize();
            chat(session, "hi, " + hello.name() + " for " + Shooter.teamName(hello.team()));
        }
        else if (event instanceof ShooterMessages.Kill kill && kill.killer() == session.playerEntityId())
        {
            chat(session, "gg " + kill.victimName());
        }
    }

    @Override
    public void onClosed(final RoomSession session, final int code, final String reason)
    {
        closeCode = code;
        closeReason = reason;
        closed.countDown();
    }

    /**
     * @return every game message received, decoded, in arrival order.
     */
    public List<ShooterMessages.Event> events()
    {
        return events;
    }

    /**
     * @param type an event class.
     * @param <T>  its type.
     * @return the received events of that class, in arrival order.
     */
    public <T extends ShooterMessages.Event> List<T> events(final Class<T> type)
    {
        return events.stream().filter(type::isInstance).map(type::cast).toList();
    }

    /**
     * @return player entity id to the name its {@code name} string field showed, for every player it saw.
     */
    public Map<Integer, String> namesSeen()
    {
        return namesSeen;
    }

    /**
     * @return the entity type names it saw in its mirror.
     */
    public Set<String> typesSeen()
    {
        return typesSeen;
    }

    /**
     * @return the fewest rounds its own (owner-only) {@code ammo} field showed, {@link Integer#MAX_VALUE} before
     * a snapshot.
     */
    public int lowestOwnAmmo()
    {
        return lowestOwnAmmo;
    }

    /**
     * @return how often another player's {@code ammo} read non-zero (owner-only: never, if the server hides it).
     */
    public int otherAmmoSeen()
    {
        return otherAmmoSeen;
    }

    /**
     * @return how often a teammate's (audience-only) {@code target} read non-zero.
     */
    public int teammateTargetsSeen()
    {
        return teammateTargetsSeen;
    }

    /**
     * @return how often an enemy's {@code target} read non-zero (never, if the server hides it from other teams).
     */
    public int enemyTargetsSeen()
    {
        return enemyTargetsSeen;
    }

    /**
     * @return snapshots in which its mirror held no enemy (out of its view on a big map, or none joined yet).
     */
    public int snapshotsWithoutEnemy()
    {
        return snapshotsWithoutEnemy;
    }

    /**
     * @return the largest distance along x or y at which its mirror held an enemy.
     */
    public double farthestEnemySeen()
    {
        return farthestEnemySeen;
    }

    /**
     * @return snapshot bytes received, per snapshot on average (the wire size of each snapshot message).
     */
    public double averageSnapshotBytes()
    {
        return snapshotsSeen == 0 ? 0 : (double)snapshotBytes / snapshotsSeen;
    }

    /**
     * @return the largest snapshot received, in bytes.
     */
    public int largestSnapshotBytes()
    {
        return largestSnapshotBytes;
    }

    /**
     * @return the chat lines this bot sent, in order.
     */
    public List<String> chatsSent()
    {
        return chatsSent;
    }

    /**
     * @return inputs sent.
     */
    public int inputsSent()
    {
        return inputsSent;
    }

    /**
     * @return the session's close code, 0 while open.
     */
    public int closeCode()
    {
        return closeCode;
    }

    /**
     * @return the close reason, empty while open.
     */
    public String closeReason()
    {
        return closeReason;
    }

    /**
     * @param timeout how long.
     * @param unit    its unit.
     * @return true when the session closed within the time.
     * @throws InterruptedException when interrupted.
     */
    public boolean awaitClose(final long timeout, final TimeUnit unit) throws InterruptedException
    {
        return closed.await(timeout, unit);
    }

    /**
     * @return true once a {@link ShooterMessages.MatchOver} arrived.
     */
    public boolean sawMatchOver()
    {
        return events.stream().anyMatch(e -> e instanceof ShooterMessages.MatchOver);
    }

    /**
     * Leave (if still in the room) and release the client's thread.
     */
    @Override
    public void close()
    {
        if (client != null)
        {
            client.close();
        }
    }
}
