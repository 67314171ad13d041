package io.tickwire.server.room;

/**
 * How a {@link RoomLoop} ticks and how long it keeps what: one immutable value instead of a long
 * argument list. Validated where the server's options are.
 *
 * @param tickRateHz            ticks per second of every room on the loop.
 * @param historyLength         snapshots kept per room for delta baselines.
 * @param maxCatchUpTicks       lateness in ticks after which missed ticks are skipped.
 * @param roomLingerMs          how long an empty room stays open.
 * @param slowClientTimeoutMs   unwritable time after which a client is closed (4006).
 * @param ackTimeoutMs          time without an ack after which a client is closed (4007).
 * @param ringCapacityBytes     inbound ring capacity (a power of two).
 * @param resumeGraceMs         how long a player whose connection was lost is kept for a resume.
 * @param maxDetachedPerAddress players in their resume grace one address may hold at once; more
 *                              lost connections from it remove their players at once.
 */
public record RoomLoopSettings(
    int tickRateHz,
    int historyLength,
    int maxCatchUpTicks,
    long roomLingerMs,
    long slowClientTimeoutMs,
    long ackTimeoutMs,
    int ringCapacityBytes,
    long resumeGraceMs,
    int maxDetachedPerAddress,
    int snapshotBudgetBytes)
{
    /**
     * Settings without a default snapshot budget (unlimited unless a room type sets one).
     */
    public RoomLoopSettings(
        final int tickRateHz,
        final int historyLength,
        final int maxCatchUpTicks,
        final long roomLingerMs,
        final long slowClientTimeoutMs,
        final long ackTimeoutMs,
        final int ringCapacityBytes,
        final long resumeGraceMs,
        final int maxDetachedPerAddress)
    {
        this(tickRateHz, historyLength, maxCatchUpTicks, roomLingerMs, slowClientTimeoutMs, ackTimeoutMs,
            ringCapacityBytes, resumeGraceMs, maxDetachedPerAddress, 0);
    }

    /**
     * @return nanoseconds between two ticks.
     */
    public long tickPeriodNs()
    {
        return 1_000_000_000L / tickRateHz;
    }
}
