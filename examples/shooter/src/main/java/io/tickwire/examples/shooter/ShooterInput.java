package io.tickwire.examples.shooter;

/**
 * A player's input, one per tick: movement axes, where it aims and whether it fires, in 5 bytes:
 * {@code [moveX][moveY]} signed, -127..127 for -1..1; {@code [aim]} unsigned 16 bits, 65536 steps a turn;
 * {@code [buttons]} bit 0 fire. The server reads it with the static getters (no allocation); clients write it
 * with {@link #encode}.
 */
public final class ShooterInput
{
    /** Bytes of an input. */
    public static final int LENGTH = 5;
    /** Button bit: fire. */
    public static final int FIRE = 1;

    private static final double AXIS_SCALE = 127.0;
    private static final double AIM_STEPS = 65536.0;

    private ShooterInput()
    {
    }

    /**
     * @param moveX   movement in x, clamped to -1..1.
     * @param moveY   movement in y, clamped to -1..1.
     * @param aimRad  aim in radians, any value (wrapped).
     * @param fire    true to fire.
     * @return a new input payload.
     */
    public static byte[] encode(final double moveX, final double moveY, final double aimRad, final boolean fire)
    {
        final double turns = aimRad / (2 * Math.PI);
        final int aim = (int)Math.round((turns - Math.floor(turns)) * AIM_STEPS) & 0xFFFF;
        return new byte[]{ axis(moveX), axis(moveY), (byte)(aim >>> 8), (byte)aim, (byte)(fire ? FIRE : 0) };
    }

    private static byte axis(final double value)
    {
        return (byte)Math.round(Math.max(-1.0, Math.min(1.0, value)) * AXIS_SCALE);
    }

    /**
     * @param b0 the input's first byte.
     * @return movement in x, -1..1.
     */
    public static double moveX(final byte b0)
    {
        return Math.max(-1.0, b0 / AXIS_SCALE);
    }

    /**
     * @param b1 the input's second byte.
     * @return movement in y, -1..1.
     */
    public static double moveY(final byte b1)
    {
        return Math.max(-1.0, b1 / AXIS_SCALE);
    }

    /**
     * @param b2 the input's third byte.
     * @param b3 the input's fourth byte.
     * @return aim in radians, 0..2&pi;.
     */
    public static double aimRad(final byte b2, final byte b3)
    {
        return (((b2 & 0xFF) << 8) | (b3 & 0xFF)) / AIM_STEPS * 2 * Math.PI;
    }

    /**
     * @param b4 the input's fifth byte.
     * @return true when the fire button is down.
     */
    public static boolean fire(final byte b4)
    {
        return (b4 & FIRE) != 0;
    }
}
