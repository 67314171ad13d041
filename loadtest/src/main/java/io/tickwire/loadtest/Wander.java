package io.tickwire.loadtest;

import java.util.SplittableRandom;

/**
 * The steering of the {@code wander} bot behaviour, apart from the network so it can be tested on its
 * own: walk straight to a random waypoint anywhere on the map, pick a new one on arrival, or when the
 * bot made no progress towards it for a while (a wall, a game that moves it elsewhere). Over a run the
 * bots of a swarm spread across the whole map and keep crossing it, so entities keep entering and
 * leaving each other's views, the load interest management is for.
 * <p>
 * Thread: one bot's, not thread-safe.
 */
final class Wander
{
    /** Share of the map's side kept clear at each edge, so waypoints are reachable inside clamped walls. */
    static final double EDGE_MARGIN = 0.05;
    /** Steering inputs without getting closer before the waypoint is given up. */
    static final int STUCK_INPUTS = 60;

    private final SplittableRandom random;
    private final double minX;
    private final double maxX;
    private final double minY;
    private final double maxY;
    private final double arrivalRadius;
    private double targetX;
    private double targetY;
    private boolean hasTarget;
    private double bestDistance;
    private int inputsWithoutProgress;
    private int waypointsReached;

    /**
     * @param random        the bot's random source.
     * @param minX          map bounds, world units.
     * @param maxX          map bounds.
     * @param minY          map bounds.
     * @param maxY          map bounds.
     * @param arrivalRadius distance at which a waypoint counts as reached, above 0.
     */
    Wander(
        final SplittableRandom random, final double minX, final double maxX, final double minY, final double maxY,
        final double arrivalRadius)
    {
        if (!(maxX > minX) || !(maxY > minY) || !(arrivalRadius > 0))
        {
            throw new IllegalArgumentException("bad wander area: x=[" + minX + ", " + maxX + "], y=[" + minY + ", " +
                maxY + "], arrivalRadius=" + arrivalRadius);
        }
        this.random = random;
        final double marginX = (maxX - minX) * EDGE_MARGIN;
        final double marginY = (maxY - minY) * EDGE_MARGIN;
        this.minX = minX + marginX;
        this.maxX = maxX - marginX;
        this.minY = minY + marginY;
        this.maxY = maxY - marginY;
        this.arrivalRadius = arrivalRadius;
    }

    /**
     * One steering decision from where the bot is now.
     *
     * @param x       the bot's position.
     * @param y       the bot's position.
     * @param axisOut receives the unit direction to walk, {@code axisOut[0]} x and {@code axisOut[1]} y.
     */
    void steer(final double x, final double y, final double[] axisOut)
    {
        double distance = hasTarget ? Math.hypot(targetX - x, targetY - y) : 0;
        if (hasTarget && distance <= arrivalRadius)
        {
            waypointsReached++;
        }
        if (!hasTarget || distance <= arrivalRadius || inputsWithoutProgress >= STUCK_INPUTS)
        {
            do
            {
                targetX = minX + random.nextDouble() * (maxX - minX);
                targetY = minY + random.nextDouble() * (maxY - minY);
                distance = Math.hypot(targetX - x, targetY - y);
            }
            while (distance <= arrivalRadius);
            hasTarget = true;
            bestDistance = distance;
            inputsWithoutProgress = 0;
        }
        else if (distance < bestDistance - arrivalRadius * 0.01)
        {
            bestDistance = distance;
            inputsWithoutProgress = 0;
        }
        else
        {
            inputsWithoutProgress++;
        }
        axisOut[0] = (targetX - x) / distance;
        axisOut[1] = (targetY - y) / distance;
    }

    /**
     * @return the current waypoint's x (valid after the first {@link #steer}).
     */
    double targetX()
    {
        return targetX;
    }

    /**
     * @return the current waypoint's y.
     */
    double targetY()
    {
        return targetY;
    }

    /**
     * @return waypoints reached so far.
     */
    int waypointsReached()
    {
        return waypointsReached;
    }
}
