package io.tickwire.loadtest;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The pipeline gates evaluated against a report, and the exit code they imply. Immutable.
 *
 * @param gates    every configured gate, in option order.
 * @param exitCode {@link LoadTest#EXIT_OK}, {@link LoadTest#EXIT_GATE_BREACHED} or {@link LoadTest#EXIT_FAILURE}.
 * @param status   {@link #PASSED}, {@link #COMPLETED}, {@link #GATE_BREACHED}, {@link #NO_BOT_JOINED} or
 *                 {@link #NO_BOT_CONNECTED}.
 */
record Verdict(List<Gate> gates, int exitCode, String status)
{
    /** Gates were set and every one held. */
    static final String PASSED = "passed";
    /** No gate was set; the run completed with at least one bot connected at the end. */
    static final String COMPLETED = "completed";
    /** A gate was breached. */
    static final String GATE_BREACHED = "gate breached";
    /** No bot could join. */
    static final String NO_BOT_JOINED = "no bot joined";
    /** Bots joined but none was connected when the run stopped. */
    static final String NO_BOT_CONNECTED = "no bot connected at the end";

    /**
     * One gate. Immutable.
     *
     * @param option    the command-line option that set it.
     * @param threshold its value as typed.
     * @param actual    the measured value, formatted.
     * @param evaluated false when the run measured nothing to compare (e.g. no inputs with {@code idle}).
     * @param passed    true when it held (or was not evaluated).
     */
    record Gate(String option, String threshold, String actual, boolean evaluated, boolean passed)
    {
    }

    /**
     * @param config  the gates.
     * @param report  what the run measured.
     * @return the verdict.
     */
    static Verdict evaluate(final LoadTestConfig config, final LoadTestReport report)
    {
        final List<Gate> gates = new ArrayList<>();
        if (config.maxErrors() != null)
        {
            gates.add(new Gate("--max-errors", Long.toString(config.maxErrors()), Long.toString(report.errorCount()),
                true, report.errorCount() <= config.maxErrors()));
        }
        if (config.maxP99InputRttMs() != null)
        {
            final double p99 = report.inputRtt().p99Ms();
            final boolean measured = report.inputRtt().count() > 0;
            gates.add(new Gate("--max-p99-input-rtt-ms", format(config.maxP99InputRttMs()),
                measured ? format(p99) : "no inputs answered", measured,
                !measured || p99 <= config.maxP99InputRttMs()));
        }
        if (config.minConnectedRatio() != null)
        {
            final double ratio = report.connectedRatio();
            gates.add(new Gate("--min-connected-ratio", format(config.minConnectedRatio()), format(ratio), true,
                ratio >= config.minConnectedRatio()));
        }
        final boolean breached = gates.stream().anyMatch(g -> !g.passed());
        if (breached)
        {
            return new Verdict(List.copyOf(gates), LoadTest.EXIT_GATE_BREACHED, GATE_BREACHED);
        }
        if (report.bots().joined() == 0)
        {
            return new Verdict(List.copyOf(gates), LoadTest.EXIT_FAILURE, NO_BOT_JOINED);
        }
        if (report.bots().connectedAtEnd() == 0)
        {
            return new Verdict(List.copyOf(gates), LoadTest.EXIT_FAILURE, NO_BOT_CONNECTED);
        }
        return new Verdict(List.copyOf(gates), LoadTest.EXIT_OK, gates.isEmpty() ? COMPLETED : PASSED);
    }

    private static String format(final double value)
    {
        return String.format(Locale.ROOT, "%.3f", value).replaceAll("0+$", "").replaceAll("\\.$", "");
    }
}
