package io.tickwire.examples.shooter.bot;

import io.tickwire.client.ClientOptions;
import io.tickwire.client.EntityMirror;
import io.tickwire.client.JoinRequest;
import io.tickwire.client.RoomSession;
import io.tickwire.client.SessionListener;
import io.tickwire.client.SnapshotInfo;
import io.tickwire.client.TickwireClient;
import io.tickwire.examples.shooter.Shooter;
import io.tickwire.examples.shooter.ShooterInput;
import io.tickwire.examples.shooter.ShooterMessages;
import io.tickwire.protocol.schema.EntitySchema;
import io.tickwire.protocol.schema.SchemaField;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * A headless shooter player on the Java SDK: on every snapshot it finds the nearest enemy in the mirror, walks
 * towards it and strafes once close, aims at it and fires, and sends one input; it chats now and then and
 * after each of its kills. It keeps every game message it received, in order, for whoever runs it.
 * <p>
 * Thread: the SDK delivers every callback on the client's event loop (one thread per bot); the decision reads
 * the mirror there and never blocks. The getters are safe on any thread.
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
    private final CountDownLatch closed = new CountDownLatch(1);
    private TickwireClient client;
    private SchemaField kind;
    private SchemaField x;
    private SchemaField y;
    private SchemaField team;
    private int snapshots;
    private double strafe = 1.0;
    private volatile int inputsSent;
    private volatile int closeCode;
    private volatile String closeReason = "";

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
        if (kind == null)
        {
            final EntitySchema schema = session.schema();
            kind = schema.field("kind");
            x = schema.field("x");
            y = schema.field("y");
            team = schema.field("team");
        }
        final EntityMirror mirror = session.mirror();
        final int me = session.playerEntityId();
        if (!mirror.contains(me))
        {
            return;
        }
        final double myX = mirror.getDouble(me, x);
        final double myY = mirror.getDouble(me, y);
        final int myTeam = mirror.getInt(me, team);
        int target = 0;
        double best = Double.MAX_VALUE;
        for (int i = 0; i < mirror.count(); i++)
        {
            final int id = mirror.entityIdAt(i);
            if (mirror.getInt(id, kind) == Shooter.KIND_PLAYER && mirror.getInt(id, team) != myTeam)
            {
                final double d = Math.hypot(mirror.getDouble(id, x) - myX, mirror.getDouble(id, y) - myY);
                if (d < best)
                {
                    best = d;
                    target = id;
                }
            }
        }
        if (++snapshots % 40 == 0)
        {
            strafe = random.nextBoolean() ? 1.0 : -1.0;
        }
        final byte[] input;
        if (target == 0)
        {
            input = ShooterInput.encode(0, 0, 0, false);
        }
        else
        {
            final double dx = mirror.getDouble(target, x) - myX;
            final double dy = mirror.getDouble(target, y) - myY;
            final double aim = Math.atan2(dy, dx);
            final double ux = dx / Math.max(best, 1e-6);
            final double uy = dy / Math.max(best, 1e-6);
            // Far: walk at the target; close: strafe slowly across its line of fire.
            final double moveX = best > CLOSE_RANGE ? ux : -uy * strafe * 0.3;
            final double moveY = best > CLOSE_RANGE ? uy : ux * strafe * 0.3;
            input = ShooterInput.encode(moveX, moveY, aim, best < FIRE_RANGE);
        }
        outlet.input(session, input);
        inputsSent++;
        if (snapshots % CHAT_EVERY_SNAPSHOTS == 0)
        {
            chat(session, "tick " + info.tick() + ", still standing");
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
