package io.tickwire.loadtest;

import java.io.PrintStream;
import java.util.Locale;

/**
 * The stdout side of a run: the progress line printed every second and the summary printed at the end.
 * Stateless.
 */
final class TextSummary
{
    private TextSummary()
    {
    }

    /**
     * @param s      one interval.
     * @param target bots asked for.
     * @return e.g. {@code [  12s] bots 500/500  snaps/s 15012  in 812.4 kB/s  out 152.3 kB/s
     * input-rtt p50 12.1 ms p99 38.0 ms  errors 0}.
     */
    static String progressLine(final IntervalSample s, final int target)
    {
        return String.format(Locale.ROOT,
            "[%5.0fs] bots %d/%d  snaps/s %.0f  in %.1f kB/s  out %.1f kB/s  input-rtt p50 %s p99 %s  errors %d",
            s.elapsedSeconds(), s.connected(), target, s.snapshotsPerSecond(), s.kBytesInPerSecond(),
            s.kBytesOutPerSecond(), ms(s.inputRttP50Ms()), ms(s.inputRttP99Ms()), s.errors());
    }

    /**
     * Print the end-of-run summary.
     *
     * @param r       what the run measured.
     * @param v       the verdict.
     * @param out     where to print.
     */
    static void print(final LoadTestReport r, final Verdict v, final PrintStream out)
    {
        final LoadTestConfig c = r.config();
        final LoadTestReport.BotCounts b = r.bots();
        final LoadTestReport.Rates s = r.steady();
        final LoadTestReport.Totals t = r.totals();
        out.println();
        out.println("== tickwire load test: " + v.status().toUpperCase(Locale.ROOT) + " (exit " + v.exitCode() + ") ==");
        out.printf(Locale.ROOT, "target      %s, %d bots, %s, input %s/s, %s%n", c.url(), c.bots(),
            c.behaviour().name(), trim(c.inputRateHz()),
            c.roomIds().isEmpty() ? "room type " + c.roomType() +
                (c.playersPerRoom() > 0 ? ", " + c.playersPerRoom() + " per room" : "") : "room ids " + c.roomIds());
        out.printf(Locale.ROOT, "time        %.1f s: ramp-up %.1f s, warm-up %.1f s, measured %.1f s " +
            "(figures below are of the measured window unless marked)%n", r.elapsedSeconds(), r.rampSeconds(),
            r.warmupSeconds(), r.measureSeconds());
        out.printf(Locale.ROOT, "bots        connected %d/%d at end (%.1f %%), peak %d, joined %d, join failures %d, " +
            "disconnects %d%n", b.connectedAtEnd(), b.target(), 100 * r.connectedRatio(), b.peakConnected(), b.joined(),
            b.joinFailures(), b.disconnects());
        out.printf(Locale.ROOT, "rooms       %d rooms, %d..%d bots per room (mean %.1f), tick rate %d Hz%n",
            r.rooms().count(), r.rooms().minBots(), r.rooms().maxBots(), r.rooms().meanBots(), r.tickRateHz());
        if (r.messagesSent() > 0 || r.messagesReceived() > 0)
        {
            out.printf(Locale.ROOT, "messages    %d sent, %d received by the bots (game messages, whole run)%n",
                r.messagesSent(), r.messagesReceived());
        }
        final LoadTestReport.Distribution d = r.snapshotRatePerBot();
        out.printf(Locale.ROOT, "snapshots   %.0f/s total, %.2f/s per connected bot; per bot over server time " +
            "%.2f Hz mean (min %.2f, p1 %.2f, max %.2f), %d bots off by > 10 %%%n", s.snapshotsPerSecond(),
            s.snapshotsPerBotHz(), d.mean(), d.min(), d.p1(), d.max(), d.outsideTenPercent());
        out.printf(Locale.ROOT, "            %d full, %d delta, %d stale, %.0f B per snapshot%n", t.full(), t.delta(),
            t.stale(), s.bytesPerSnapshot());
        out.printf(Locale.ROOT, "traffic     in %.1f kB/s (%.0f frames/s), out %.1f kB/s (%.0f frames/s), " +
            "inputs %.0f/s%n", s.kBytesInPerSecond(), s.framesInPerSecond(), s.kBytesOutPerSecond(),
            s.framesOutPerSecond(), s.inputsPerSecond());
        out.println("latency     (ms)           p50      p90      p99    p99.9      max    count");
        latencyRow(out, "input round trip", r.inputRtt());
        latencyRow(out, "ping round trip", r.pingRtt());
        latencyRow(out, "snapshot interval", r.snapshotInterval());
        latencyRow(out, "snapshot jitter", r.snapshotJitter());
        latencyRow(out, "input rtt, whole run", r.wholeRunInputRtt());
        latencyRow(out, "connect+join, whole", r.connectTime());
        out.printf(Locale.ROOT, "errors      %d%n", r.errorCount());
        for (final SwarmMetrics.ErrorSummary e : r.errors())
        {
            out.printf(Locale.ROOT, "            %6d x %s %d %s: %s%n", e.count(), e.kind(), e.code(), e.name(),
                e.sample());
        }
        out.printf(Locale.ROOT, "bot cpu     %.0f %% (100 = one core)%n", s.botCpuPercent());
        for (final Verdict.Gate g : v.gates())
        {
            out.printf(Locale.ROOT, "gate        %-24s %-8s actual %-10s %s%n", g.option(), g.threshold(), g.actual(),
                !g.evaluated() ? "not evaluated" : g.passed() ? "passed" : "BREACHED");
        }
        for (final String w : r.warnings())
        {
            out.println("warning     " + w);
        }
    }

    private static void latencyRow(final PrintStream out, final String name, final LatencySummary l)
    {
        out.printf(Locale.ROOT, "  %-20s %8s %8s %8s %8s %8s %8d%n", name, num(l.p50Ms()), num(l.p90Ms()),
            num(l.p99Ms()), num(l.p999Ms()), num(l.maxMs()), l.count());
    }

    static String ms(final double value)
    {
        return Double.isNaN(value) ? "-" : String.format(Locale.ROOT, "%.1f ms", value);
    }

    static String num(final double value)
    {
        return Double.isNaN(value) ? "-" : String.format(Locale.ROOT, value < 10 ? "%.2f" : "%.1f", value);
    }

    static String trim(final double value)
    {
        return value == Math.rint(value) ? Long.toString((long)value) : String.format(Locale.ROOT, "%.2f", value);
    }
}
