/**
 * The bot swarm load test: {@link io.tickwire.loadtest.LoadTestMain} turns the command line into a
 * {@link io.tickwire.loadtest.LoadTestConfig}; {@link io.tickwire.loadtest.LoadTest} runs a
 * {@link io.tickwire.loadtest.Swarm} of real client-SDK bots that share one Netty event loop group,
 * prints a progress line a second, then writes the text summary, {@code loadtest-report.json} and the
 * self-contained {@code loadtest-report.html}, and evaluates the pipeline gates.
 * <p>
 * Threads: the control thread (the caller of {@link io.tickwire.loadtest.LoadTest#run}) starts bots at the
 * ramp-up rate, samples the metrics once a second, prints progress and writes the reports. Each bot is
 * confined to one event loop of the shared group: its SDK callbacks and its input and ping timers all run
 * there. The two sides meet only in {@link io.tickwire.loadtest.SwarmMetrics} (HdrHistogram
 * {@code Recorder}s, adders, atomics), in the bots' volatile state and in the SDK's volatile counters.
 */
package io.tickwire.loadtest;
