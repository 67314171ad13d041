package io.tickwire.examples.shooter.server;

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
import io.tickwire.protocol.schema.EntityTypes;
import io.tickwire.server.ServerOptions;
import io.tickwire.server.TickwireServer;
import io.tickwire.server.game.GameLogic;
import io.tickwire.server.game.GameLogicFactory;
import io.tickwire.server.game.InterestPolicy;
import io.tickwire.server.game.RoomContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Lag compensation end to end, on the real server and SDK: a gunner whose client renders the room some ticks
 * behind (its interpolation buffer) shoots at a runner moving steadily across its line of fire. Shots aimed at
 * the runner as the gunner's screen showed it must hit, although the runner has moved on by then; shots
 * aimed 1.6 units beside what the screen showed must miss; a laggard is not rewound further than the room
 * type's clamp. Only shots whose window of runner positions is a straight run (no turn at a wall, no respawn,
 * no tick missing) are judged.
 */
@Timeout(60)
class LagCompensationTest
{
    private static final int SHOTS_EACH = 5;
    private static final double SIDE_OFFSET = 1.6;
    private static final double STEP = ShooterGame.PLAYER_SPEED / Shooter.TICK_RATE_HZ;

    /** One shot: what the gunner saw and where it aimed. */
    private record Shot(boolean compensated, int seq, int viewTick, int newestTick, double fromX, double fromY,
        double aimRad)
    {
    }

    /**
     * The gunner renders 3.5 ticks behind; the room type allows rewinding a whole second, so that the server's
     * own scheduling (a loaded machine stretches the client's adaptive delay) cannot push a shot past the clamp.
     */
    @Test
    void shouldHitWhatTheShooterSawAndNotBesideIt() throws Exception
    {
        final Verdicts verdicts = play(new LongRewind(new ShooterFactory()), 3.5, true, 0);
        assertEquals(verdicts.compensated, verdicts.compensatedHits,
            "every shot at what the gunner saw hit: " + verdicts);
        assertEquals(0, verdicts.besideHits, "every shot beside what the gunner saw missed: " + verdicts);
        assertTrue(verdicts.onlyInThePast > 0,
            "some hits landed where the runner was no more when the server resolved them: " + verdicts);
    }

    /**
     * The shooter's own clamp, 250 ms (5 ticks): a gunner rendering 12 ticks behind (600 ms, a laggard) is
     * tested 5 ticks back, where the runner had moved on by 2 units or more from what it aimed at: it misses
     * every shot the first test's gunner would have hit.
     */
    @Test
    void shouldNotRewindALaggardFurtherThanTheClamp() throws Exception
    {
        // Judged: shots the gunner fired showing a tick 9 or more behind its newest snapshot, so that the
        // clamped tick (5 behind the server's newest, itself at or after the gunner's) is 4 or more ticks (1.2
        // units of the runner's run) after what it aimed at.
        final int clampTicks = ShooterFactory.MAX_REWIND_MS * Shooter.TICK_RATE_HZ / 1000;
        final Verdicts verdicts = play(new ShooterFactory(), 12, false, clampTicks + 4);
        assertEquals(0, verdicts.compensatedHits, "a laggard's shots at what it saw missed: " + verdicts);
    }

    private static Verdicts play(final GameLogicFactory factory, final double delayTicks, final boolean beside,
        final int minLagTicks) throws Exception
    {
        try (TickwireServer server = TickwireServer.start(ServerOptions.builder().host("127.0.0.1").port(0)
            .adminPort(-1).roomLoops(1).roomType(Shooter.TYPE, factory).build());
            TickwireClient runnerClient = new TickwireClient(
                ClientOptions.builder().uri(server.webSocketUri()).build());
            TickwireClient gunnerClient = new TickwireClient(ClientOptions.builder().uri(server.webSocketUri())
                .interpolationDelayTicks(delayTicks).maxInterpolationDelayMs(1000).build()))
        {
            final Map<String, String> room = Map.of("mode", "duel", "map", "20", "kills", "50");
            final Gunner gunner = new Gunner(beside);
            gunnerClient.addListener(gunner);
            gunnerClient.join(JoinRequest.byType(Shooter.TYPE).options(with(room, "red", "gunner")))
                .get(10, TimeUnit.SECONDS);
            runnerClient.addListener(new Runner());
            runnerClient.join(JoinRequest.byType(Shooter.TYPE).options(with(room, "blue", "runner")))
                .get(10, TimeUnit.SECONDS);

            final long deadlineNs = System.nanoTime() + TimeUnit.SECONDS.toNanos(45);
            Verdicts verdicts = gunner.judge(minLagTicks);
            while (verdicts.compensated < SHOTS_EACH || beside && verdicts.beside < SHOTS_EACH)
            {
                assertTrue(System.nanoTime() - deadlineNs < 0, "not enough clean shots in time: " + verdicts);
                Thread.sleep(100);
                verdicts = gunner.judge(minLagTicks);
            }
            System.out.println("lag compensation, gunner " + delayTicks + " ticks behind, rewind clamp " +
                factory.maxRewindMs() + " ms: " + verdicts);
            return verdicts;
        }
    }

    /** The shooter's room type with a one-second rewind clamp. */
    private static final class LongRewind implements GameLogicFactory
    {
        private final ShooterFactory shooter;

        LongRewind(final ShooterFactory shooter)
        {
            this.shooter = shooter;
        }

        @Override
        public EntityTypes entityTypes()
        {
            return shooter.entityTypes();
        }

        @Override
        public InterestPolicy interest()
        {
            return shooter.interest();
        }

        @Override
        public int snapshotBudgetBytes()
        {
            return shooter.snapshotBudgetBytes();
        }

        @Override
        public int maxRewindMs()
        {
            return 1000;
        }

        @Override
        public int maxPlayers()
        {
            return shooter.maxPlayers();
        }

        @Override
        public int tickRateHz()
        {
            return shooter.tickRateHz();
        }

        @Override
        public Map<String, String> roomOptions(final Map<String, String> joinOptions)
        {
            return shooter.roomOptions(joinOptions);
        }

        @Override
        public String validateOptions(final Map<String, String> options)
        {
            return shooter.validateOptions(options);
        }

        @Override
        public GameLogic create(final RoomContext room)
        {
            return shooter.create(room);
        }
    }

    private static Map<String, String> with(final Map<String, String> room, final String team, final String name)
    {
        final Map<String, String> options = new java.util.HashMap<>(room);
        options.put(Shooter.PLAYER_TEAM, team);
        options.put(Shooter.PLAYER_NAME, name);
        return options;
    }

    /** Runs up and down the map along y, turning near the walls. */
    private static final class Runner implements SessionListener
    {
        private double direction = 1;

        @Override
        public void onSnapshot(final RoomSession session, final SnapshotInfo info)
        {
            final EntityMirror mirror = session.mirror();
            if (!mirror.contains(session.playerEntityId()))
            {
                return;
            }
            final double y = mirror.getDouble(session.playerEntityId(), Shooter.Y);
            if (y > 17)
            {
                direction = -1;
            }
            else if (y < 3)
            {
                direction = 1;
            }
            session.sendInput(ShooterInput.encode(0, direction, Math.PI, false));
        }
    }

    private static final class Verdicts
    {
        int compensated;
        int compensatedHits;
        int beside;
        int besideHits;
        int onlyInThePast;
        int unjudged;
        int minLagTicks = Integer.MAX_VALUE;
        int maxLagTicks;
        int maxQueuedTicks;

        @Override
        public String toString()
        {
            return "compensated=" + compensatedHits + "/" + compensated + " hits, beside=" + besideHits + "/" + beside +
                " hits, hitsOnlyInThePast=" + onlyInThePast + ", unjudged=" + unjudged + ", newest-view ticks=" + minLagTicks +
                ".." + maxLagTicks + ", ticks from the fire snapshot to the shot's tick<=" + maxQueuedTicks;
        }
    }

    /**
     * Walks to the middle line (y = 10), then stands and shoots every 6 snapshots while the runner is in the middle of
     * its run, alternately at the runner as rendered and 1.6 units beside it (perpendicular to the line of fire).
     * Records the runner's y per tick from its mirror and the ticks of the hits.
     */
    private static final class Gunner implements SessionListener
    {
        final boolean beside;
        final List<Shot> shots = new CopyOnWriteArrayList<>();
        final Map<Integer, Double> runnerY = new ConcurrentHashMap<>();
        final Map<Integer, Double> runnerX = new ConcurrentHashMap<>();
        final Map<Integer, Integer> hitTicks = new ConcurrentHashMap<>();
        /** Tick to the last input the server had applied by then (inputs queue: one applied per tick). */
        final Map<Integer, Integer> appliedInputs = new ConcurrentHashMap<>();
        private RenderState render;
        private int runner;
        private int sinceShot;
        private int walkInputs = -1;
        private double walkDirection;

        Gunner(final boolean beside)
        {
            this.beside = beside;
        }

        @Override
        public void onSnapshot(final RoomSession session, final SnapshotInfo info)
        {
            if (render == null)
            {
                render = session.interpolator().newRenderState();
            }
            final EntityMirror mirror = session.mirror();
            final int me = session.playerEntityId();
            if (!mirror.contains(me))
            {
                return;
            }
            appliedInputs.put(info.tick(), info.lastInputSeq());
            for (int i = 0; i < mirror.count(); i++)
            {
                final int id = mirror.entityIdAt(i);
                if (id != me && mirror.types().name(mirror.typeAt(i)).equals(Shooter.TYPE_PLAYER))
                {
                    runner = id;
                    runnerX.put(info.tick(), mirror.getDouble(id, Shooter.X));
                    runnerY.put(info.tick(), mirror.getDouble(id, Shooter.Y));
                }
            }
            final double myX = mirror.getDouble(me, Shooter.X);
            final double myY = mirror.getDouble(me, Shooter.Y);
            session.interpolator().sample(System.nanoTime(), render);
            sinceShot++;
            if (walkInputs < 0)
            {
                // Each input moves one step once the server applies it: count them instead of watching the
                // mirror, which lags the inputs already sent.
                walkInputs = (int)Math.round(Math.abs(10 - myY) / STEP);
                walkDirection = Math.signum(10 - myY);
            }
            if (walkInputs > 0)
            {
                walkInputs--;
                sinceShot = 0;
                session.sendInput(ShooterInput.encode(0, walkDirection, 0, false));
                return;
            }
            final int at = runner == 0 ? -1 : render.indexOf(runner);
            if (at < 0 || sinceShot < 6 || shots.size() >= 8 * SHOTS_EACH)
            {
                session.sendInput(ShooterInput.encode(0, 0, 0, false));
                return;
            }
            final double seenX = render.getDouble(at, Shooter.X);
            final double seenY = render.getDouble(at, Shooter.Y);
            if (seenY < 6 || seenY > 14)
            {
                session.sendInput(ShooterInput.encode(0, 0, 0, false));
                return;
            }
            final boolean compensated = !beside || shots.size() % 2 == 0;
            double aim = Math.atan2(seenY - myY, seenX - myX);
            if (!compensated)
            {
                // Aim at a point SIDE_OFFSET beside the rendered runner, perpendicular to the line of fire.
                final double d = Math.hypot(seenX - myX, seenY - myY);
                aim += Math.atan2(SIDE_OFFSET, d);
            }
            sinceShot = 0;
            final int viewTick = render.viewTick();
            final int seq = session.sendInput(ShooterInput.encode(0, 0, aim, true));
            shots.add(new Shot(compensated, seq, viewTick, info.tick(), myX, myY, aim));
        }

        @Override
        public void onMessage(final RoomSession session, final int type, final byte[] payload, final int tick)
        {
            if (ShooterMessages.decode(type, payload) instanceof ShooterMessages.Hit hit)
            {
                hitTicks.put(tick, hit.victim());
            }
        }

        /**
         * Judge the shots whose outcome is known: the server applied a shot's input at the first tick whose
         * snapshot says its sequence was applied (inputs wait in a queue, one applied per tick, so that can be
         * several ticks after the snapshot the gunner fired on); its hit, if any, is stamped with that tick.
         *
         * @param minLagTicks shots fired showing fewer ticks behind the newest snapshot are not judged.
         */
        Verdicts judge(final int minLagTicks)
        {
            final Verdicts v = new Verdicts();
            for (final Shot shot : shots)
            {
                int applied = 0;
                for (int t = shot.newestTick + 1; t <= shot.newestTick + 40 && applied == 0; t++)
                {
                    final Integer seq = appliedInputs.get(t);
                    if (seq != null && seq - shot.seq >= 0)
                    {
                        applied = t;
                    }
                }
                if (applied == 0 || !runnerY.containsKey(applied + 1))
                {
                    continue;
                }
                if (shot.newestTick - shot.viewTick < minLagTicks || !straightRun(shot.viewTick - 1, applied + 1))
                {
                    v.unjudged++;
                    continue;
                }
                v.minLagTicks = Math.min(v.minLagTicks, shot.newestTick - shot.viewTick);
                v.maxLagTicks = Math.max(v.maxLagTicks, shot.newestTick - shot.viewTick);
                v.maxQueuedTicks = Math.max(v.maxQueuedTicks, applied - shot.newestTick);
                final boolean hit = hitTicks.containsKey(applied);
                if (shot.compensated)
                {
                    v.compensated++;
                    if (hit)
                    {
                        v.compensatedHits++;
                        // Where the runner was when the server resolved the shot (in onInput of that tick,
                        // before the tick moved anyone): off the line of fire?
                        final double dx = runnerX.get(applied - 1) - shot.fromX;
                        final double dy = runnerY.get(applied - 1) - shot.fromY;
                        final double across = Math.abs(dx * Math.sin(shot.aimRad) - dy * Math.cos(shot.aimRad));
                        if (across > ShooterGame.HIT_RADIUS)
                        {
                            v.onlyInThePast++;
                        }
                    }
                }
                else
                {
                    v.beside++;
                    if (hit)
                    {
                        v.besideHits++;
                    }
                }
            }
            return v;
        }

        /** True when every tick from..to is recorded and the runner moved one step each, the same way. */
        private boolean straightRun(final int from, final int to)
        {
            double direction = 0;
            for (int t = from; t < to; t++)
            {
                final Double a = runnerY.get(t);
                final Double b = runnerY.get(t + 1);
                if (a == null || b == null || !runnerX.get(t).equals(runnerX.get(t + 1)))
                {
                    return false;
                }
                final double step = b - a;
                if (Math.abs(Math.abs(step) - STEP) > 0.02 || direction != 0 && Math.signum(step) != direction)
                {
                    return false;
                }
                direction = Math.signum(step);
            }
            return true;
        }
    }
}
