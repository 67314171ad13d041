package io.tickwire.server.game.arena;

import io.tickwire.protocol.schema.SchemaField;
import io.tickwire.server.game.World;

import java.util.SplittableRandom;

/**
 * The demo rooms' npcs: entities that walk at a constant speed, turn by up to 90 degrees every one to four
 * seconds, and bounce off the edges of a square map. Used by {@code arena} and {@code bigworld}.
 * <p>
 * Thread: the room loop.
 */
public final class Wanderers
{
    private final SchemaField x;
    private final SchemaField y;
    private final SchemaField heading;
    private final double halfSize;
    private final double speed;
    private final int tickRateHz;
    private final SplittableRandom random;
    private int[] ids = new int[0];
    private double[] px = new double[0];
    private double[] py = new double[0];
    private double[] dir = new double[0];
    private int[] turnTick = new int[0];

    /**
     * @param x          position field.
     * @param y          position field.
     * @param heading    angle field, radians.
     * @param halfSize   the map spans [-halfSize, halfSize] on both axes.
     * @param speed      units per second.
     * @param tickRateHz the room's tick rate.
     * @param random     the room's seeded random.
     */
    public Wanderers(final SchemaField x, final SchemaField y, final SchemaField heading, final double halfSize,
        final double speed, final int tickRateHz, final SplittableRandom random)
    {
        this.x = x;
        this.y = y;
        this.heading = heading;
        this.halfSize = halfSize;
        this.speed = speed;
        this.tickRateHz = tickRateHz;
        this.random = random;
    }

    /**
     * Create the npcs at random places within {@code spawnFraction} of the map.
     *
     * @param world         the room's world.
     * @param count         how many.
     * @param spawnFraction share of the half size they spawn within, e.g. 0.9.
     * @return the new entities' ids, for the game to set its other fields.
     */
    public int[] spawn(final World world, final int count, final double spawnFraction)
    {
        ids = new int[count];
        px = new double[count];
        py = new double[count];
        dir = new double[count];
        turnTick = new int[count];
        for (int i = 0; i < count; i++)
        {
            ids[i] = world.createEntity();
            px[i] = (random.nextDouble() * 2 - 1) * halfSize * spawnFraction;
            py[i] = (random.nextDouble() * 2 - 1) * halfSize * spawnFraction;
            dir[i] = random.nextDouble() * 2 * Math.PI;
            turnTick[i] = nextTurnTick(0);
            write(world, i);
        }
        return ids;
    }

    /**
     * Move every npc one tick.
     *
     * @param world the room's world.
     * @param tick  the tick being computed.
     * @param dt    seconds per tick.
     */
    public void step(final World world, final int tick, final double dt)
    {
        for (int i = 0; i < ids.length; i++)
        {
            if (tick >= turnTick[i])
            {
                dir[i] += (random.nextDouble() - 0.5) * Math.PI;
                turnTick[i] = nextTurnTick(tick);
            }
            double nx = px[i] + Math.cos(dir[i]) * speed * dt;
            double ny = py[i] + Math.sin(dir[i]) * speed * dt;
            if (nx < -halfSize || nx > halfSize)
            {
                dir[i] = Math.PI - dir[i];
                nx = Math.max(-halfSize, Math.min(halfSize, nx));
            }
            if (ny < -halfSize || ny > halfSize)
            {
                dir[i] = -dir[i];
                ny = Math.max(-halfSize, Math.min(halfSize, ny));
            }
            px[i] = nx;
            py[i] = ny;
            write(world, i);
        }
    }

    private int nextTurnTick(final int tick)
    {
        return tick + tickRateHz + random.nextInt(3 * tickRateHz);
    }

    private void write(final World world, final int i)
    {
        final int id = ids[i];
        world.setDouble(id, x, px[i]);
        world.setDouble(id, y, py[i]);
        world.setDouble(id, heading, dir[i]);
    }
}
