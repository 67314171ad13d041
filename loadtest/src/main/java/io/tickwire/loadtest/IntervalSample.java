package io.tickwire.loadtest;

/**
 * One point of the run's timeline: what happened during one sampling interval (about a second).
 * Rates are per second over the interval; latency percentiles are of that interval only, NaN when
 * nothing was measured. Immutable.
 *
 * @param elapsedSeconds      end of the interval, seconds since the run started.
 * @param started             bots started so far.
 * @param connected           bots connected at the end of the interval.
 * @param snapshotsPerSecond  snapshots received by all bots.
 * @param fullPerSecond       full snapshots applied by all bots.
 * @param kBytesInPerSecond   kB (1000 bytes) read by all bots, WebSocket framing included.
 * @param kBytesOutPerSecond  kB written by all bots.
 * @param framesInPerSecond   WebSocket data frames received.
 * @param framesOutPerSecond  frames sent (inputs, acks, pings, joins).
 * @param inputsPerSecond     inputs sent.
 * @param inputRttP50Ms       median input round trip of the interval.
 * @param inputRttP99Ms       99th percentile input round trip of the interval.
 * @param pingRttP50Ms        median ping round trip of the interval.
 * @param pingRttP99Ms        99th percentile ping round trip of the interval.
 * @param jitterP99Ms         99th percentile snapshot jitter of the interval.
 * @param errors              errors so far (cumulative).
 * @param botCpuPercent       CPU used by the load test process, 100 = one core.
 */
record IntervalSample(
    double elapsedSeconds,
    int started,
    int connected,
    double snapshotsPerSecond,
    double fullPerSecond,
    double kBytesInPerSecond,
    double kBytesOutPerSecond,
    double framesInPerSecond,
    double framesOutPerSecond,
    double inputsPerSecond,
    double inputRttP50Ms,
    double inputRttP99Ms,
    double pingRttP50Ms,
    double pingRttP99Ms,
    double jitterP99Ms,
    long errors,
    double botCpuPercent)
{
}
