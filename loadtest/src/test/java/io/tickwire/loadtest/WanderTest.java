package io.tickwire.loadtest;

import org.junit.jupiter.api.Test;

import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class WanderTest
{
    private static final double HALF_SIZE = 1000;
    private static final double SPEED = 6.0;
    private static final double TICK_S = 1.0 / 30;

    @Test
    void shouldWalkStraightAtItsWaypoint()
    {
        final Wander wander = new Wander(new SplittableRandom(1), -HALF_SIZE, HALF_SIZE, -HALF_SIZE, HALF_SIZE, 20);
        final double[] axis = new double[2];
        wander.steer(100, -200, axis);

        assertEquals(1.0, Math.hypot(axis[0], axis[1]), 1e-9);
        final double dx = wander.targetX() - 100;
        final double dy = wander.targetY() + 200;
        assertEquals(dx / Math.hypot(dx, dy), axis[0], 1e-9);
        assertEquals(dy / Math.hypot(dx, dy), axis[1], 1e-9);
    }

    @Test
    void shouldPickWaypointsInsideTheMarginOfTheWholeMap()
    {
        final Wander wander = new Wander(new SplittableRandom(2), -HALF_SIZE, HALF_SIZE, -500, 1500, 1);
        final double[] axis = new double[2];
        final boolean[] quadrants = new boolean[4];
        for (int i = 0; i < 2000; i++)
        {
            // Standing on the previous waypoint: every call picks a new one.
            wander.steer(wander.targetX(), wander.targetY(), axis);
            final double x = wander.targetX();
            final double y = wander.targetY();
            assertTrue(x >= -HALF_SIZE + 100 && x <= HALF_SIZE - 100, "x=" + x);
            assertTrue(y >= -500 + 100 && y <= 1500 - 100, "y=" + y);
            quadrants[(x < 0 ? 0 : 1) + (y < 500 ? 0 : 2)] = true;
        }
        assertTrue(quadrants[0] && quadrants[1] && quadrants[2] && quadrants[3]);
        assertTrue(wander.waypointsReached() >= 1999);
    }

    /**
     * A bot moved the way the arena moves a player (speed 6 units/s at 30 Hz, clamped to the map)
     * crosses a 2 km map again and again and, over 12 simulated hours, has stood in every one of its
     * 4 x 4 sectors.
     */
    @Test
    void shouldCrossTheWholeMapOverTime()
    {
        final Wander wander = new Wander(new SplittableRandom(3), -HALF_SIZE, HALF_SIZE, -HALF_SIZE, HALF_SIZE,
            0.02 * 2 * HALF_SIZE);
        final double[] axis = new double[2];
        final boolean[] sectors = new boolean[16];
        double x = 0;
        double y = 0;
        final int ticks = 12 * 3600 * 30;
        for (int t = 0; t < ticks; t++)
        {
            wander.steer(x, y, axis);
            x = Math.max(-HALF_SIZE, Math.min(HALF_SIZE, x + axis[0] * SPEED * TICK_S));
            y = Math.max(-HALF_SIZE, Math.min(HALF_SIZE, y + axis[1] * SPEED * TICK_S));
            sectors[sector(x) + 4 * sector(y)] = true;
        }
        int visited = 0;
        for (final boolean s : sectors)
        {
            visited += s ? 1 : 0;
        }
        // 12 h at 6 m/s is 259 km: about 250 legs of a mean 1 km each.
        assertTrue(wander.waypointsReached() >= 150, "waypoints reached: " + wander.waypointsReached());
        assertEquals(16, visited, "sectors visited");
    }

    @Test
    void shouldGiveUpAWaypointItMakesNoProgressTowards()
    {
        final Wander wander = new Wander(new SplittableRandom(4), -HALF_SIZE, HALF_SIZE, -HALF_SIZE, HALF_SIZE, 20);
        final double[] axis = new double[2];
        wander.steer(0, 0, axis);
        final double firstX = wander.targetX();
        for (int i = 0; i < Wander.STUCK_INPUTS; i++)
        {
            wander.steer(0, 0, axis);
            assertEquals(firstX, wander.targetX(), "kept while within the patience");
        }
        wander.steer(0, 0, axis);
        assertNotEquals(firstX, wander.targetX());
        assertEquals(0, wander.waypointsReached());
    }

    @Test
    void shouldRefuseAnEmptyArea()
    {
        assertThrows(IllegalArgumentException.class, () -> new Wander(new SplittableRandom(5), 1, 1, 0, 1, 1));
        assertThrows(IllegalArgumentException.class, () -> new Wander(new SplittableRandom(5), 0, 1, 0, 1, 0));
    }

    private static int sector(final double v)
    {
        return Math.min(3, (int)((v + HALF_SIZE) / (2 * HALF_SIZE) * 4));
    }
}
