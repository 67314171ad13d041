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
import io.tickwire.server.ServerOptions;
import io.tickwire.server.TickwireServer;
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
 * Lag compensation end to end, on the real server and SDK: a gunner whose client renders the room 3 ticks
 * behind (its interpolation buffer) shoots at a runner moving steadily across its line of fire. Shots aimed at
 * the runner as the gunner's screen showed it must hit, although the runner has moved on by then; shots
 * aimed 1.6 units beside what the screen showed must miss. Only shots whose window of runner positions is a
 * straight run (no turn at a wall, no respawn, no tick missing) are judged.
 */
@Timeout(60)
class LagCompensationTest
{
    private static final int SHOTS_EACH = 5;
    private static final double SIDE_OFFSET = 1.6;
    private static final double STEP = ShooterGame.PLAYER_SPEED / Shooter.TICK_RATE_HZ;

    /** One shot: what the gunner saw and where it aimed. */
    private record Shot(boolean compensated, int viewTick, int newestTick, double fromX, double fromY, double aimRad)
    {
    }

    @Test
    void shouldHitWhatTheShooterSawAndNotBesideIt() throws Exception
    {
        try (TickwireServer server = TickwireServer.start(ServerOptions.builder().host("127.0.0.1").port(0)
            .adminPort(-1).roomLoops(1).roomType(Shooter.TYPE, new ShooterFactory()).build());
            TickwireClient runnerClient = new TickwireClient(
                ClientOptions.builder().uri(server.webSocketUri()).build());
            TickwireClient gunnerClient = new TickwireClient(ClientOptions.builder().uri(server.webSocketUri())
                .interpolationDelayTicks(3).build()))
        {
            final Map<String, String> room = Map.of("mode", "duel", "map", "20", "kills", "50");
            final Gunner gunner = new Gunner();
            gunnerClient.addListener(gunner);
            gunnerClient.join(JoinRequest.byType(Shooter.TYPE).options(with(room, "red", "gunner")))
                .get(10, TimeUnit.SECONDS);
            runnerClient.addListener(new Runner());
            runnerClient.join(JoinRequest.byType(Shooter.TYPE).options(with(room, "blue", "runner")))
                .get(10, TimeUnit.SECONDS);

            final long deadlineNs = System.nanoTime() + TimeUnit.SECONDS.toNanos(45);
            Verdicts verdicts = gunner.judge();
            while (verdicts.compensated < SHOTS_EACH || verdicts.beside < SHOTS_EACH)
            {
                assertTrue(System.nanoTime() - deadlineNs < 0, "not enough clean shots in time: " + verdicts);
                Thread.sleep(100);
                verdicts = gunner.judge();
            }
            System.out.println("lag compensation: " + verdicts);
            assertEquals(verdicts.compensated, verdicts.compensatedHits,
                "every shot at what the gunner saw hit: " + verdicts);
            assertEquals(0, verdicts.besideHits, "every shot beside what the gunner saw missed: " + verdicts);
            assertTrue(verdicts.onlyInThePast > 0,
                "some hits landed where the runner was no more when the server resolved them: " + verdicts);
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

        @Override
        public String toString()
        {
            return "compensated=" + compensatedHits + "/" + compensated + " hits, beside=" + besideHits + "/" + beside +
                " hits, hitsOnlyInThePast=" + onlyInThePast + ", unjudged=" + unjudged;
        }
    }

    /**
     * Walks to the middle line (y = 10), then stands and shoots every 6 snapshots while the runner is in the middle of
     * its run, alternately at the runner as rendered and 1.6 units beside it (perpendicular to the line of fire).
     * Records the runner's y per tick from its mirror and the ticks of the hits.
     */
    private static final class Gunner implements SessionListener
    {
        final List<Shot> shots = new CopyOnWriteArrayList<>();
        final Map<Integer, Double> runnerY = new ConcurrentHashMap<>();
        final Map<Integer, Double> runnerX = new ConcurrentHashMap<>();
        final Map<Integer, Integer> hitTicks = new ConcurrentHashMap<>();
        private RenderState render;
        private int runner;
        private int sinceShot;
        private int walkInputs = -1;
        private double walkDirection;

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
            final boolean compensated = shots.size() % 2 == 0;
            double aim = Math.atan2(seenY - myY, seenX - myX);
            if (!compensated)
            {
                // Aim at a point SIDE_OFFSET beside the rendered runner, perpendicular to the line of fire.
                final double d = Math.hypot(seenX - myX, seenY - myY);
                aim += Math.atan2(SIDE_OFFSET, d);
            }
            sinceShot = 0;
            shots.add(new Shot(compensated, render.viewTick(), info.tick(), myX, myY, aim));
            session.sendInput(ShooterInput.encode(0, 0, aim, true));
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
         * Judge the shots whose runner positions are known far enough: the hit (if any) of a shot fired after
         * snapshot N comes at a tick in (N, N + 6), before the next shot.
         */
        Verdicts judge()
        {
            final Verdicts v = new Verdicts();
            final int newest = runnerY.keySet().stream().mapToInt(Integer::intValue).max().orElse(0);
            for (final Shot shot : shots)
            {
                final int last = shot.newestTick + 6;
                if (last > newest)
                {
                    continue;
                }
                if (!straightRun(shot.viewTick - 1, last))
                {
                    v.unjudged++;
                    continue;
                }
                int hitTick = 0;
                for (int t = shot.newestTick + 1; t < last; t++)
                {
                    if (hitTicks.containsKey(t))
                    {
                        hitTick = t;
                    }
                }
                if (shot.compensated)
                {
                    v.compensated++;
                    if (hitTick != 0)
                    {
                        v.compensatedHits++;
                        // Where the runner was when the server resolved the shot (in onInput of the hit's tick,
                        // before that tick moved anyone): off the line of fire?
                        final double dx = runnerX.get(hitTick - 1) - shot.fromX;
                        final double dy = runnerY.get(hitTick - 1) - shot.fromY;
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
                    if (hitTick != 0)
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
