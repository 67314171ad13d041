package io.tickwire.server.config;

import static io.tickwire.server.config.OptionChecks.require;

/**
 * How the room loops run: tick rate, how many loops, their inbound rings, catch-up, idle parking
 * and the snapshot history kept per room.
 *
 * @param tickRateHz        ticks per second of every room, 1..1000.
 * @param roomLoops         room loops (threads), each hosting many rooms, 1..256.
 * @param ringCapacityBytes bytes of each room loop's inbound ring, a power of two of at least 4096.
 * @param maxCatchUpTicks   a room this many ticks behind drops the missed ticks instead of running them.
 * @param idleMaxParkNs     longest a room loop parks when idle and its next tick is further away (a loop with
 *                          no rooms wakes this often), 1 us..100 ms.
 * @param snapshotHistory   snapshots kept per room as delta baselines, 2..4096.
 * @param snapshotBudgetBytes per-connection snapshot bytes per tick for rooms whose type sets none; 0 = unlimited,
 *                          else at least 64.
 */
public record LoopSettings(
    int tickRateHz,
    int roomLoops,
    int ringCapacityBytes,
    int maxCatchUpTicks,
    long idleMaxParkNs,
    int snapshotHistory,
    int snapshotBudgetBytes)
{
    /** Ticks per second of every room. */
    public static final int DEFAULT_TICK_RATE_HZ = 30;
    /** Room loops (threads), each hosting many rooms. */
    public static final int DEFAULT_ROOM_LOOPS = Runtime.getRuntime().availableProcessors();
    /** Bytes of each room loop's inbound ring (a power of two). */
    public static final int DEFAULT_RING_CAPACITY_BYTES = 1 << 20;
    /** A room this many ticks behind drops the missed ticks instead of running them back to back. */
    public static final int DEFAULT_MAX_CATCH_UP_TICKS = 5;
    /**
     * Longest a room loop parks at once. An idle loop parks until its next tick deadline (woken early
     * by joins), so this bounds only the wake-ups of a loop with no rooms: 20 a second.
     */
    public static final long DEFAULT_IDLE_MAX_PARK_NS = 50_000_000L;
    /** Snapshots kept per room for delta baselines. */
    public static final int DEFAULT_SNAPSHOT_HISTORY = 64;
    /** Per-connection snapshot bytes per tick: unlimited unless a room type or the operator sets one. */
    public static final int DEFAULT_SNAPSHOT_BUDGET_BYTES = 0;

    /**
     * @throws IllegalArgumentException naming the first invalid option and its value.
     */
    public LoopSettings
    {
        require(tickRateHz >= 1 && tickRateHz <= 1000, "tickRateHz", tickRateHz);
        require(roomLoops >= 1 && roomLoops <= 256, "roomLoops", roomLoops);
        require(ringCapacityBytes >= 4096 && Integer.bitCount(ringCapacityBytes) == 1,
            "ringCapacityBytes", ringCapacityBytes);
        require(maxCatchUpTicks >= 1, "maxCatchUpTicks", maxCatchUpTicks);
        require(idleMaxParkNs >= 1_000 && idleMaxParkNs <= 100_000_000L, "idleMaxParkNs", idleMaxParkNs);
        require(snapshotHistory >= 2 && snapshotHistory <= 4096, "snapshotHistory", snapshotHistory);
        require(snapshotBudgetBytes == 0 || snapshotBudgetBytes >= 64, "snapshotBudgetBytes", snapshotBudgetBytes);
    }

    /**
     * @return duration of a tick in nanoseconds.
     */
    public long tickPeriodNs()
    {
        return 1_000_000_000L / tickRateHz;
    }
}
