package io.tickwire.protocol.arena;

/**
 * The arena's input payload: two signed bytes, axis x then axis y, each an axis in [-1, 1] scaled
 * to [-127, 127]. A reader takes the axis vector back to [-1, 1] and clamps it to length 1, so no
 * input steers faster than full speed along one axis. {@link #encode} is the writer (bots, the
 * viewer, tests); {@link #axisX} and {@link #axisY} are the reader (the server's game and every
 * client-side prediction of it, which must compute bit for bit the same axes).
 * <p>
 * Stateless; the readers allocate nothing.
 */
public final class ArenaInput
{
    /** Bytes of an input payload; longer payloads are read from their first two bytes. */
    public static final int LENGTH = 2;

    private static final double AXIS_SCALE = 127.0;

    private ArenaInput()
    {
    }

    /**
     * @param axisX steering in x, clamped to [-1, 1].
     * @param axisY steering in y, clamped to [-1, 1].
     * @return a new payload of {@link #LENGTH} bytes.
     */
    public static byte[] encode(final double axisX, final double axisY)
    {
        return new byte[]{ toAxisByte(axisX), toAxisByte(axisY) };
    }

    /**
     * @param x the payload's first byte.
     * @param y the payload's second byte.
     * @return steering in x in [-1, 1], with the vector (x, y) clamped to length 1.
     */
    public static double axisX(final byte x, final byte y)
    {
        return clampedAxis(x / AXIS_SCALE, length(x, y));
    }

    /**
     * @param x the payload's first byte.
     * @param y the payload's second byte.
     * @return steering in y in [-1, 1], with the vector (x, y) clamped to length 1.
     */
    public static double axisY(final byte x, final byte y)
    {
        return clampedAxis(y / AXIS_SCALE, length(x, y));
    }

    private static byte toAxisByte(final double axis)
    {
        return (byte)Math.round(Math.max(-1.0, Math.min(1.0, axis)) * AXIS_SCALE);
    }

    private static double length(final byte x, final byte y)
    {
        final double ax = x / AXIS_SCALE;
        final double ay = y / AXIS_SCALE;
        return Math.sqrt(ax * ax + ay * ay);
    }

    private static double clampedAxis(final double axis, final double length)
    {
        return length > 1.0 ? axis / length : axis;
    }
}
