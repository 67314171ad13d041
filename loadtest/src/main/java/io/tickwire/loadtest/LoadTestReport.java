package io.tickwire.loadtest;

import java.time.Instant;
import java.util.List;

/**
 * Everything a finished run measured, as the text, JSON and HTML reports show it. Immutable once built
 * by {@link Swarm#run()}.
 *
 * @param config             what was run.
 * @param startedAt          wall clock at the start.
 * @param elapsedSeconds     from the first connect to the stop.
 * @param rampSeconds        from the first connect to the start of the last bot.
 * @param warmupSeconds      from the start of the last bot to the start of the measured window.
 * @param measureSeconds     the measured window: from the end of the warm-up to the stop.
 * @param environment        JVM and machine, one line.
 * @param bots               bot counts.
 * @param tickRateHz         the rooms' tick rate from {@code Welcome}, 0 when no bot joined.
 * @param rooms              how bots spread over rooms.
 * @param totals             SDK counters summed over all bots at the stop.
 * @param steady             per-second rates over the measured window.
 * @param snapshotRatePerBot distribution of each bot's snapshot rate.
 * @param inputRtt           input round trip in the measured window: send of input N to the first snapshot
 *                           with last_input_seq >= N.
 * @param pingRtt            ping to pong, measured window.
 * @param snapshotInterval   time between two snapshots of a bot, measured window.
 * @param snapshotJitter     |snapshot interval - tick period|, measured window.
 * @param wholeRunInputRtt   input round trip over the whole run, ramp-up and warm-up included.
 * @param wholeRunPingRtt    ping round trip over the whole run.
 * @param connectTime        connect, handshake and join until {@code Welcome}.
 * @param inputsExpired      inputs never answered before their send time left the ring.
 * @param errorCount         errors in total.
 * @param errors             errors by kind and code.
 * @param worstBots          the bots with the largest input round trips.
 * @param allBots            every bot's figures, by index (game messages sent and received per bot).
 * @param timeline           one sample per second.
 * @param warnings           things the tester should know about the run.
 */
record LoadTestReport(
    LoadTestConfig config,
    Instant startedAt,
    double elapsedSeconds,
    double rampSeconds,
    double warmupSeconds,
    double measureSeconds,
    String environment,
    BotCounts bots,
    int tickRateHz,
    Rooms rooms,
    Totals totals,
    Rates steady,
    Distribution snapshotRatePerBot,
    LatencySummary inputRtt,
    LatencySummary pingRtt,
    LatencySummary snapshotInterval,
    LatencySummary snapshotJitter,
    LatencySummary wholeRunInputRtt,
    LatencySummary wholeRunPingRtt,
    LatencySummary connectTime,
    long inputsExpired,
    long errorCount,
    List<SwarmMetrics.ErrorSummary> errors,
    List<Bot.BotResult> worstBots,
    List<Bot.BotResult> allBots,
    List<IntervalSample> timeline,
    List<String> warnings)
{
    /**
     * @return game messages the bots sent, whole run.
     */
    long messagesSent()
    {
        return allBots.stream().mapToLong(Bot.BotResult::messagesSent).sum();
    }

    /**
     * @return game messages the bots received, whole run.
     */
    long messagesReceived()
    {
        return allBots.stream().mapToLong(Bot.BotResult::messagesReceived).sum();
    }

    /**
     * @return bots connected at the stop over the target.
     */
    double connectedRatio()
    {
        return bots.target() == 0 ? 0 : (double)bots.connectedAtEnd() / bots.target();
    }

    /**
     * Bot counts. Immutable.
     *
     * @param target         bots asked for.
     * @param started        bots that started a connect.
     * @param joined         bots that got a {@code Welcome}.
     * @param joinFailures   bots whose join failed.
     * @param connectedAtEnd bots connected when the run stopped.
     * @param peakConnected  most bots connected at once.
     * @param disconnects    joined bots whose connection closed while the swarm ran.
     */
    record BotCounts(int target, int started, int joined, int joinFailures, int connectedAtEnd, int peakConnected,
        int disconnects)
    {
    }

    /**
     * How bots spread over rooms. Immutable.
     *
     * @param count            distinct rooms joined.
     * @param minBots          fewest bots in a room.
     * @param meanBots         mean bots per room.
     * @param maxBots          most bots in a room.
     * @param groups           groups formed by {@code --players-per-room}, 0 when not grouping.
     * @param sharedGroups     groups whose first bot landed in a room another group already had.
     */
    record Rooms(int count, int minBots, double meanBots, int maxBots, int groups, int sharedGroups)
    {
    }

    /**
     * SDK counters summed over all bots. Immutable.
     *
     * @param snapshots       snapshots received.
     * @param full            full snapshots applied.
     * @param delta           delta snapshots applied.
     * @param stale           stale snapshots ignored.
     * @param baselineMisses  snapshots refused for a missing baseline.
     * @param protocolErrors  other protocol errors.
     * @param acks            acks sent.
     * @param inputs          inputs sent.
     * @param bytesIn         bytes read, WebSocket framing and handshake included.
     * @param bytesOut        bytes written.
     * @param framesIn        data frames received.
     * @param framesOut       frames sent.
     */
    record Totals(long snapshots, long full, long delta, long stale, long baselineMisses, long protocolErrors,
        long acks, long inputs, long bytesIn, long bytesOut, long framesIn, long framesOut)
    {
        static Totals of(final TrafficTotals t)
        {
            return new Totals(t.snapshots, t.full, t.delta, t.stale, t.baselineMisses, t.protocolErrors, t.acks,
                t.inputs, t.bytesIn, t.bytesOut, t.framesIn, t.framesOut);
        }
    }

    /**
     * Per-second rates of the whole swarm over the measured window. Immutable.
     *
     * @param snapshotsPerSecond snapshots received.
     * @param snapshotsPerBotHz  snapshots received per second per bot connected at the stop (wall clock).
     * @param kBytesInPerSecond  kB (1000 bytes) read.
     * @param kBytesOutPerSecond kB written.
     * @param framesInPerSecond  frames received.
     * @param framesOutPerSecond frames sent.
     * @param inputsPerSecond    inputs sent.
     * @param bytesPerSnapshot   mean bytes read per snapshot (framing included).
     * @param botCpuPercent      mean CPU of the load test process, 100 = one core.
     */
    record Rates(double snapshotsPerSecond, double snapshotsPerBotHz, double kBytesInPerSecond, double kBytesOutPerSecond,
        double framesInPerSecond, double framesOutPerSecond, double inputsPerSecond, double bytesPerSnapshot,
        double botCpuPercent)
    {
    }

    /**
     * A distribution over bots. Immutable; NaN when no bot had a value.
     *
     * @param count       bots with a value.
     * @param min         smallest.
     * @param p1          1st percentile.
     * @param median      median.
     * @param mean        mean.
     * @param max         largest.
     * @param outsideTenPercent bots more than 10 % away from the tick rate.
     */
    record Distribution(int count, double min, double p1, double median, double mean, double max,
        int outsideTenPercent)
    {
    }
}
