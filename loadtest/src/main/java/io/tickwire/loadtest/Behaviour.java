package io.tickwire.loadtest;

import java.util.Locale;

/**
 * How a bot sends inputs. Immutable.
 */
public enum Behaviour
{
    /** Steer in a slowly turning direction, one input every {@code 1 / inputRate} seconds. */
    WALK,
    /** Send no inputs: the bot only receives snapshots, acks them and pings. */
    IDLE,
    /** Send inputs in bursts: every {@link #BURST_PERIOD_MS} a burst of back-to-back inputs, same mean rate. */
    BURST;

    /** Nominal gap between two bursts in milliseconds; the exact gap keeps the mean rate at the input rate. */
    public static final long BURST_PERIOD_MS = 500;

    /**
     * @return the name as typed on the command line.
     */
    public String cliName()
    {
        return name().toLowerCase(Locale.ROOT);
    }

    /**
     * @param text {@code walk}, {@code idle} or {@code burst}, any case.
     * @return the behaviour.
     * @throws IllegalArgumentException naming the value when it is none of these.
     */
    public static Behaviour parse(final String text)
    {
        for (final Behaviour b : values())
        {
            if (b.name().equalsIgnoreCase(text.trim()))
            {
                return b;
            }
        }
        throw new IllegalArgumentException("'" + text + "' is not a behaviour: use walk, idle or burst");
    }

    /**
     * Inputs per burst for a mean rate: what arrives in {@link #BURST_PERIOD_MS}, at least one.
     *
     * @param inputRateHz mean inputs per second.
     * @return inputs per burst.
     */
    public static int burstSize(final double inputRateHz)
    {
        return (int)Math.max(1, Math.round(inputRateHz * BURST_PERIOD_MS / 1000.0));
    }
}
