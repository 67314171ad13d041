package io.tickwire.loadtest;

/**
 * Input payloads of the demo game {@code arena}: two signed bytes, axis x and axis y, each an axis in
 * [-1, 1] scaled to [-127, 127]. The same encoding as the server's {@code ArenaGame.input}, repeated
 * here because the load test links only the client SDK. Stateless.
 */
public final class ArenaInputs
{
    private ArenaInputs()
    {
    }

    /**
     * @param axisX steering in x, clamped to [-1, 1].
     * @param axisY steering in y, clamped to [-1, 1].
     * @return a new two-byte payload.
     */
    public static byte[] encode(final double axisX, final double axisY)
    {
        return new byte[]{ toAxisByte(axisX), toAxisByte(axisY) };
    }

    private static byte toAxisByte(final double axis)
    {
        return (byte)Math.round(Math.max(-1.0, Math.min(1.0, axis)) * 127);
    }
}
