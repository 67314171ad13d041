package io.tickwire.benchmarks;

import io.tickwire.protocol.delta.WorldState;
import io.tickwire.protocol.schema.EntitySchema;
import io.tickwire.protocol.schema.SchemaField;

import java.util.Random;

/**
 * Gaffer On Games' snapshot compression scene, simulated deterministically: {@value #CUBES} cubes
 * at 60 Hz, one large player cube rolling through a 30 x 30 grid of small cubes lying at rest.
 * <p>
 * Small cubes are 0.5 m, spaced 1.5 m apart. The player cube (2 m, id 1) rolls along a circle of
 * radius {@value #PLAYER_PATH_RADIUS_M} m at {@value #PLAYER_SPEED_MPS} m/s and kicks every resting
 * cube it touches: away from it at 1.5..4 m/s, up at 1..4 m/s, tumbling at 2..6 rad/s about a random
 * axis. A kicked cube flies under gravity, bounces (restitution 0.4), slides with friction
 * (3 m/s^2) and comes to rest when slow; its orientation integrates its angular velocity, damped on
 * the ground. Optional blasts kick every cube within a radius of a random point on a fixed period;
 * {@code allMoving} re-kicks every cube as soon as it comes to rest (the worst case).
 * <p>
 * Quantization as in the article: position in 1/512 m (about 2 mm), x and y in [-256, 256],
 * z in [0, 32]; orientation "smallest three" with 9 bits per component. Confined to one thread.
 */
final class CubeWorld
{
    static final int CUBES = 901;
    static final int TICK_RATE_HZ = 60;
    static final double PLAYER_SPEED_MPS = 5.0;
    static final double PLAYER_PATH_RADIUS_M = 15.0;

    private static final int GRID = 30;
    private static final double SPACING_M = 1.5;
    private static final double SMALL_HALF_M = 0.25;
    private static final double PLAYER_HALF_M = 1.0;
    private static final double GRAVITY_MPS2 = 9.81;
    private static final double DT_S = 1.0 / TICK_RATE_HZ;
    private static final double RESTITUTION = 0.4;
    private static final double GROUND_DECELERATION_MPS2 = 3.0;
    private static final double ANGULAR_DAMPING_PER_S = 4.0;
    private static final int KICK_COOLDOWN_TICKS = 30;

    private final double blastRadiusM;
    private final int blastPeriodTicks;
    private final boolean allMoving;
    private final Random random;
    private final EntitySchema schema;
    private final SchemaField x;
    private final SchemaField y;
    private final SchemaField z;
    private final SchemaField orientation;

    private final double[] px = new double[CUBES];
    private final double[] py = new double[CUBES];
    private final double[] pz = new double[CUBES];
    private final double[] vx = new double[CUBES];
    private final double[] vy = new double[CUBES];
    private final double[] vz = new double[CUBES];
    private final double[] qx = new double[CUBES];
    private final double[] qy = new double[CUBES];
    private final double[] qz = new double[CUBES];
    private final double[] qw = new double[CUBES];
    private final double[] wx = new double[CUBES];
    private final double[] wy = new double[CUBES];
    private final double[] wz = new double[CUBES];
    private final boolean[] resting = new boolean[CUBES];
    private final int[] lastKickTick = new int[CUBES];
    private final int[] ids = new int[CUBES];
    private final int[] values;
    private int tick;
    private int moving;

    /**
     * @param seed             simulation seed.
     * @param blastRadiusM     radius of periodic blasts, 0 for none.
     * @param blastPeriodTicks ticks between blasts.
     * @param allMoving        re-kick every cube that comes to rest.
     */
    CubeWorld(final long seed, final double blastRadiusM, final int blastPeriodTicks, final boolean allMoving)
    {
        this.blastRadiusM = blastRadiusM;
        this.blastPeriodTicks = blastPeriodTicks;
        this.allMoving = allMoving;
        this.random = new Random(seed);
        this.schema = schema();
        this.x = schema.field("x");
        this.y = schema.field("y");
        this.z = schema.field("z");
        this.orientation = schema.field("orientation");
        this.values = new int[CUBES * schema.slotCount()];

        for (int i = 0; i < CUBES; i++)
        {
            ids[i] = i + 1;
            lastKickTick[i] = -KICK_COOLDOWN_TICKS;
        }
        final double origin = -(GRID - 1) * SPACING_M / 2;
        for (int i = 1; i < CUBES; i++)
        {
            final int cell = i - 1;
            px[i] = origin + (cell % GRID) * SPACING_M;
            py[i] = origin + (cell / GRID) * SPACING_M;
            pz[i] = SMALL_HALF_M;
            final double yaw = random.nextDouble() * 2 * Math.PI;
            qz[i] = Math.sin(yaw / 2);
            qw[i] = Math.cos(yaw / 2);
            resting[i] = true;
        }
        qw[0] = 1;
        movePlayer();
    }

    /**
     * @return the cube schema: x, y, z fixed at 1/512 m, orientation quaternion 9 bits.
     */
    static EntitySchema schema()
    {
        return EntitySchema.builder()
            .fixed("x", -256, 256, 1.0 / 512)
            .fixed("y", -256, 256, 1.0 / 512)
            .fixed("z", 0, 32, 1.0 / 512)
            .quaternion("orientation", 9)
            .build();
    }

    EntitySchema entitySchema()
    {
        return schema;
    }

    /**
     * @return small cubes not at rest after the last step, plus the player cube.
     */
    int moving()
    {
        return moving;
    }

    /**
     * Advance one tick.
     */
    void step()
    {
        tick++;
        movePlayer();
        if (blastRadiusM > 0 && tick % blastPeriodTicks == 0)
        {
            final double bx = (random.nextDouble() * 2 - 1) * GRID * SPACING_M / 2;
            final double by = (random.nextDouble() * 2 - 1) * GRID * SPACING_M / 2;
            for (int i = 1; i < CUBES; i++)
            {
                if (Math.hypot(px[i] - bx, py[i] - by) < blastRadiusM)
                {
                    kick(i, bx, by);
                }
            }
        }
        moving = 1;
        for (int i = 1; i < CUBES; i++)
        {
            if (resting[i])
            {
                if (allMoving || (Math.hypot(px[i] - px[0], py[i] - py[0]) < PLAYER_HALF_M + SMALL_HALF_M &&
                    tick - lastKickTick[i] >= KICK_COOLDOWN_TICKS))
                {
                    kick(i, px[0], py[0]);
                }
                else
                {
                    continue;
                }
            }
            integrate(i);
            if (!resting[i])
            {
                moving++;
            }
        }
    }

    private void movePlayer()
    {
        final double t = tick * DT_S;
        final double angle = t * PLAYER_SPEED_MPS / PLAYER_PATH_RADIUS_M;
        px[0] = Math.cos(angle) * PLAYER_PATH_RADIUS_M;
        py[0] = Math.sin(angle) * PLAYER_PATH_RADIUS_M;
        pz[0] = PLAYER_HALF_M;
        // Rolling without slipping: axis horizontal, perpendicular to the direction of travel.
        final double roll = PLAYER_SPEED_MPS * t / PLAYER_HALF_M;
        final double ax = Math.cos(angle);
        final double ay = Math.sin(angle);
        final double s = Math.sin(roll / 2);
        qx[0] = ax * s;
        qy[0] = ay * s;
        qz[0] = 0;
        qw[0] = Math.cos(roll / 2);
    }

    private void kick(final int i, final double fromX, final double fromY)
    {
        double dx = px[i] - fromX;
        double dy = py[i] - fromY;
        final double d = Math.hypot(dx, dy);
        if (d < 1e-6)
        {
            dx = 1;
            dy = 0;
        }
        else
        {
            dx /= d;
            dy /= d;
        }
        final double speed = 1.5 + 2.5 * random.nextDouble();
        vx[i] = dx * speed;
        vy[i] = dy * speed;
        vz[i] = 1 + 3 * random.nextDouble();
        final double spin = 2 + 4 * random.nextDouble();
        double ax = random.nextGaussian();
        double ay = random.nextGaussian();
        double az = random.nextGaussian();
        final double n = Math.sqrt(ax * ax + ay * ay + az * az);
        ax /= n;
        ay /= n;
        az /= n;
        wx[i] = ax * spin;
        wy[i] = ay * spin;
        wz[i] = az * spin;
        resting[i] = false;
        lastKickTick[i] = tick;
    }

    private void integrate(final int i)
    {
        vz[i] -= GRAVITY_MPS2 * DT_S;
        px[i] += vx[i] * DT_S;
        py[i] += vy[i] * DT_S;
        pz[i] += vz[i] * DT_S;
        if (Math.abs(px[i]) > 250)
        {
            vx[i] = -vx[i];
            px[i] = Math.copySign(250, px[i]);
        }
        if (Math.abs(py[i]) > 250)
        {
            vy[i] = -vy[i];
            py[i] = Math.copySign(250, py[i]);
        }
        boolean onGround = false;
        if (pz[i] <= SMALL_HALF_M)
        {
            pz[i] = SMALL_HALF_M;
            if (vz[i] < -0.5)
            {
                vz[i] = -vz[i] * RESTITUTION;
                vx[i] *= 0.8;
                vy[i] *= 0.8;
                wx[i] *= 0.7;
                wy[i] *= 0.7;
                wz[i] *= 0.7;
            }
            else
            {
                vz[i] = 0;
                onGround = true;
            }
        }
        if (onGround)
        {
            final double speed = Math.hypot(vx[i], vy[i]);
            final double slower = Math.max(0, speed - GROUND_DECELERATION_MPS2 * DT_S);
            final double scale = speed > 0 ? slower / speed : 0;
            vx[i] *= scale;
            vy[i] *= scale;
            final double damping = Math.exp(-ANGULAR_DAMPING_PER_S * DT_S);
            wx[i] *= damping;
            wy[i] *= damping;
            wz[i] *= damping;
            final double spin = Math.sqrt(wx[i] * wx[i] + wy[i] * wy[i] + wz[i] * wz[i]);
            if (slower < 0.05 && spin < 0.15)
            {
                vx[i] = 0;
                vy[i] = 0;
                wx[i] = 0;
                wy[i] = 0;
                wz[i] = 0;
                resting[i] = true;
                return;
            }
        }
        // q' = q + dt/2 * (w, 0) * q, then normalize.
        final double ox = qx[i];
        final double oy = qy[i];
        final double oz = qz[i];
        final double ow = qw[i];
        final double h = DT_S / 2;
        qx[i] = ox + h * (wx[i] * ow + wy[i] * oz - wz[i] * oy);
        qy[i] = oy + h * (wy[i] * ow + wz[i] * ox - wx[i] * oz);
        qz[i] = oz + h * (wz[i] * ow + wx[i] * oy - wy[i] * ox);
        qw[i] = ow - h * (wx[i] * ox + wy[i] * oy + wz[i] * oz);
        final double n = Math.sqrt(qx[i] * qx[i] + qy[i] * qy[i] + qz[i] * qz[i] + qw[i] * qw[i]);
        qx[i] /= n;
        qy[i] /= n;
        qz[i] /= n;
        qw[i] /= n;
    }

    /**
     * Quantize the world into {@code state}.
     *
     * @param state        destination.
     * @param serverTimeMs server clock to label it with.
     */
    void capture(final WorldState state, final long serverTimeMs)
    {
        final int slots = schema.slotCount();
        for (int i = 0; i < CUBES; i++)
        {
            final int offset = i * slots;
            values[offset + x.firstSlot()] = x.quantize(px[i]);
            values[offset + y.firstSlot()] = y.quantize(py[i]);
            values[offset + z.firstSlot()] = z.quantize(pz[i]);
            orientation.quantizeQuaternion(qx[i], qy[i], qz[i], qw[i], values, offset + orientation.firstSlot());
        }
        state.capture(tick, serverTimeMs, CUBES, ids, values);
    }

    int tick()
    {
        return tick;
    }
}
