package io.tickwire.loadtest;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.ToDoubleFunction;

/**
 * Writes {@code loadtest-report.html}: one self-contained page (inline CSS and inline SVG charts, no
 * script, no external fonts, images or links) that opens from disk without a network. It shows the
 * verdict and headline figures, the latency percentile distribution, the input round trip, throughput and
 * connected bots over time, then tables of latencies, gates, errors, warnings, the worst bots and the
 * configuration. Stateless.
 */
final class HtmlReport
{
    /** File name in the report directory. */
    static final String FILE_NAME = "loadtest-report.html";

    private static final String BLUE = "#1f77b4";
    private static final String ORANGE = "#e8710a";
    private static final String GREEN = "#2ca02c";
    private static final String RED = "#d62728";
    private static final String PURPLE = "#7b4fb0";
    private static final String GREY = "#888888";

    private static final String CSS =
        "body{font-family:system-ui,-apple-system,'Segoe UI',Roboto,Helvetica,Arial,sans-serif;margin:0;" +
        "background:#f6f7f9;color:#222;line-height:1.45}" +
        "main{max-width:860px;margin:0 auto;padding:24px 20px 48px}" +
        "h1{font-size:24px;margin:0 0 4px}h2{font-size:17px;margin:32px 0 8px;border-bottom:1px solid #ddd;" +
        "padding-bottom:4px}.sub{color:#555;margin:0 0 12px;font-size:14px}" +
        ".badge{display:inline-block;padding:3px 10px;border-radius:12px;font-weight:600;font-size:13px;" +
        "color:#fff}.pass{background:#2e7d32}.fail{background:#c62828}.done{background:#546e7a}" +
        ".cards{display:grid;grid-template-columns:repeat(auto-fill,minmax(180px,1fr));gap:10px;margin:16px 0}" +
        ".card{background:#fff;border:1px solid #e2e4e8;border-radius:8px;padding:10px 12px}" +
        ".card .k{font-size:12px;color:#666;text-transform:uppercase;letter-spacing:.04em}" +
        ".card .v{font-size:20px;font-weight:600}.card .d{font-size:12px;color:#666}" +
        "svg.chart{width:100%;height:auto;background:#fff;border:1px solid #e2e4e8;border-radius:8px;" +
        "font-family:inherit}svg .tick{font-size:11px;fill:#666}svg .axis{font-size:12px;fill:#444}" +
        "svg .legend{font-size:12px;fill:#333}svg .empty{font-size:14px;fill:#999}" +
        "table{border-collapse:collapse;width:100%;background:#fff;font-size:13px;border:1px solid #e2e4e8}" +
        "th,td{padding:5px 8px;border-bottom:1px solid #eee;text-align:left;vertical-align:top}" +
        "td.n,th.n{text-align:right;font-variant-numeric:tabular-nums}th{background:#fafafa;font-weight:600}" +
        ".note{font-size:13px;color:#555;margin:6px 0 0}.warn{background:#fff8e1;border:1px solid #f3d27a;" +
        "border-radius:6px;padding:8px 10px;margin:6px 0;font-size:13px}" +
        "footer{color:#888;font-size:12px;margin-top:40px}code{font-size:12px}";

    private HtmlReport()
    {
    }

    /**
     * @param report  what the run measured.
     * @param verdict the gates and exit code.
     * @param dir     report directory, created when missing.
     * @return the file written.
     * @throws IOException when it cannot be written.
     */
    static Path write(final LoadTestReport report, final Verdict verdict, final Path dir) throws IOException
    {
        Files.createDirectories(dir);
        final Path file = dir.resolve(FILE_NAME);
        Files.writeString(file, render(report, verdict), StandardCharsets.UTF_8);
        return file;
    }

    static String render(final LoadTestReport r, final Verdict v)
    {
        final LoadTestConfig c = r.config();
        final StringBuilder h = new StringBuilder(64 * 1024);
        h.append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n")
            .append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n")
            .append("<title>Tickwire load test: ").append(c.bots()).append(" bots, ").append(escape(v.status()))
            .append("</title>\n<style>").append(CSS).append("</style>\n</head>\n<body>\n<main>\n");

        final String badge = v.exitCode() != LoadTest.EXIT_OK ? "fail" : v.gates().isEmpty() ? "done" : "pass";
        h.append("<h1>Tickwire load test <span class=\"badge ").append(badge).append("\">")
            .append(escape(v.status().toUpperCase(Locale.ROOT))).append("</span></h1>\n");
        h.append("<p class=\"sub\">").append(escape(c.url().toString())).append(" &middot; ").append(c.bots())
            .append(" bots &middot; ").append(escape(c.behaviour().name())).append(", ")
            .append(TextSummary.trim(c.inputRateHz())).append(" inputs/s &middot; ")
            .append(escape(c.roomIds().isEmpty() ? "room type " + c.roomType() +
                (c.playersPerRoom() > 0 ? ", " + c.playersPerRoom() + " per room" : "") : "room ids " + c.roomIds()))
            .append(" &middot; started ").append(escape(r.startedAt().toString())).append(" &middot; ")
            .append(fmt1(r.elapsedSeconds())).append(" s: ramp-up ").append(fmt1(r.rampSeconds()))
            .append(" s, warm-up ").append(fmt1(r.warmupSeconds())).append(" s, measured ")
            .append(fmt1(r.measureSeconds())).append(" s</p>\n");

        final LoadTestReport.Rates s = r.steady();
        final LoadTestReport.Distribution d = r.snapshotRatePerBot();
        h.append("<section class=\"cards\">\n");
        card(h, "Connected", r.bots().connectedAtEnd() + " / " + r.bots().target(),
            "peak " + r.bots().peakConnected() + ", join failures " + r.bots().joinFailures());
        card(h, "Snapshots per bot", num(d.mean()) + " Hz", "tick rate " + r.tickRateHz() + " Hz, min " +
            num(d.min()) + " Hz");
        card(h, "Input round trip", num(r.inputRtt().p50Ms()) + " / " + num(r.inputRtt().p99Ms()) + " ms",
            "p50 / p99, max " + num(r.inputRtt().maxMs()) + " ms");
        card(h, "Ping round trip", num(r.pingRtt().p50Ms()) + " / " + num(r.pingRtt().p99Ms()) + " ms",
            "p50 / p99");
        card(h, "Errors", Long.toString(r.errorCount()), "disconnects " + r.bots().disconnects());
        card(h, "Traffic", fmt1(s.kBytesInPerSecond()) + " kB/s in", fmt1(s.kBytesOutPerSecond()) + " kB/s out, " +
            String.format(Locale.ROOT, "%.0f", s.snapshotsPerSecond()) + " snapshots/s");
        h.append("</section>\n");

        for (final String w : r.warnings())
        {
            h.append("<div class=\"warn\">").append(escape(w)).append("</div>\n");
        }

        h.append("<h2>Latency by percentile</h2>\n");
        h.append(SvgChart.render("Latency by percentile", "milliseconds", SvgChart.XAxis.PERCENTILE, List.of(
            curve("input round trip", BLUE, r.inputRtt(), false),
            curve("ping round trip", ORANGE, r.pingRtt(), false),
            curve("input round trip, whole run", GREY, r.wholeRunInputRtt(), true))));
        h.append("<p class=\"note\">Measured window (solid) and, dashed, the whole run with ramp-up and " +
            "warm-up. The x axis stretches the tail: 90 %, 99 %, 99.9 % ... are evenly " +
            "spaced. Input round trip: from sending input N to the first snapshot whose last_input_seq &ge; N. " +
            "Ping round trip: Ping to Pong on the same connection.</p>\n");

        final List<IntervalSample> t = r.timeline();
        final double[] band = { r.rampSeconds() + r.warmupSeconds(), r.elapsedSeconds() };
        h.append("<h2>Input round trip over time</h2>\n");
        h.append(SvgChart.render("Input round trip over time", "milliseconds", SvgChart.XAxis.SECONDS, List.of(
            line("p50", BLUE, t, IntervalSample::inputRttP50Ms),
            line("p99", RED, t, IntervalSample::inputRttP99Ms),
            line("ping p99", ORANGE, t, IntervalSample::pingRttP99Ms)), band[0], band[1]));
        h.append("<p class=\"note\">Percentiles of each one-second interval.</p>\n");

        h.append("<h2>Throughput</h2>\n");
        h.append(SvgChart.render("Snapshots per second", "snapshots / s", SvgChart.XAxis.SECONDS, List.of(
            line("snapshots/s (all bots)", GREEN, t, IntervalSample::snapshotsPerSecond),
            line("full snapshots/s", PURPLE, t, IntervalSample::fullPerSecond)), band[0], band[1]));
        h.append(SvgChart.render("Traffic", "kB / s", SvgChart.XAxis.SECONDS, List.of(
            line("in (server to bots)", BLUE, t, IntervalSample::kBytesInPerSecond),
            line("out (bots to server)", ORANGE, t, IntervalSample::kBytesOutPerSecond)), band[0], band[1]));
        h.append("<p class=\"note\">Bytes on the sockets of all bots, WebSocket framing included; kB = 1000 bytes." +
            "</p>\n");

        h.append("<h2>Connected bots</h2>\n");
        final double[] target = new double[t.size()];
        java.util.Arrays.fill(target, r.bots().target());
        h.append(SvgChart.render("Connected bots", "bots", SvgChart.XAxis.SECONDS, List.of(
            line("started", GREY, t, IntervalSample::started),
            line("connected", GREEN, t, IntervalSample::connected),
            new SvgChart.Series("target", RED, xs(t), target, true)), band[0], band[1]));
        h.append("<p class=\"note\">Load test process CPU: mean ").append(num(s.botCpuPercent()))
            .append(" % (100 % = one core).</p>\n");

        h.append("<h2>Latencies (measured window unless marked)</h2>\n<table>\n<tr><th>milliseconds</th><th class=\"n\">p50</th>" +
            "<th class=\"n\">p90</th><th class=\"n\">p99</th><th class=\"n\">p99.9</th><th class=\"n\">max</th>" +
            "<th class=\"n\">mean</th><th class=\"n\">count</th></tr>\n");
        latencyRow(h, "input round trip", r.inputRtt());
        latencyRow(h, "ping round trip", r.pingRtt());
        latencyRow(h, "snapshot interval", r.snapshotInterval());
        latencyRow(h, "snapshot jitter |interval &minus; tick period|", r.snapshotJitter());
        latencyRow(h, "input round trip, whole run", r.wholeRunInputRtt());
        latencyRow(h, "ping round trip, whole run", r.wholeRunPingRtt());
        latencyRow(h, "connect + join until Welcome (whole run)", r.connectTime());
        h.append("</table>\n");

        final LoadTestReport.Totals tot = r.totals();
        h.append("<h2>Snapshots and traffic</h2>\n<table>\n");
        row(h, "snapshots received", Long.toString(tot.snapshots()));
        row(h, "full / delta / stale", tot.full() + " / " + tot.delta() + " / " + tot.stale());
        row(h, "snapshot rate per bot (Hz)", "min " + num(d.min()) + ", p1 " + num(d.p1()) + ", median " +
            num(d.median()) + ", mean " + num(d.mean()) + ", max " + num(d.max()) + "; " + d.outsideTenPercent() +
            " bots off by more than 10 %");
        row(h, "bytes per snapshot (mean, framing included)", num(s.bytesPerSnapshot()));
        row(h, "inputs sent / per second", tot.inputs() + " / " + fmt1(s.inputsPerSecond()));
        row(h, "acks sent", Long.toString(tot.acks()));
        row(h, "frames in / out per second", fmt1(s.framesInPerSecond()) + " / " + fmt1(s.framesOutPerSecond()));
        row(h, "bytes in / out", tot.bytesIn() + " / " + tot.bytesOut());
        row(h, "rooms", r.rooms().count() + " rooms, " + r.rooms().minBots() + ".." + r.rooms().maxBots() +
            " bots per room (mean " + fmt1(r.rooms().meanBots()) + ")");
        h.append("</table>\n");

        h.append("<h2>Gates</h2>\n");
        if (v.gates().isEmpty())
        {
            h.append("<p class=\"note\">No gate configured (--max-errors, --max-p99-input-rtt-ms, " +
                "--min-connected-ratio). Exit code ").append(v.exitCode()).append(".</p>\n");
        }
        else
        {
            h.append("<table>\n<tr><th>option</th><th class=\"n\">threshold</th><th class=\"n\">actual</th>" +
                "<th>result</th></tr>\n");
            for (final Verdict.Gate g : v.gates())
            {
                h.append("<tr><td><code>").append(escape(g.option())).append("</code></td><td class=\"n\">")
                    .append(escape(g.threshold())).append("</td><td class=\"n\">").append(escape(g.actual()))
                    .append("</td><td>").append(!g.evaluated() ? "not evaluated" : g.passed() ? "passed" :
                    "<b>breached</b>").append("</td></tr>\n");
            }
            h.append("</table>\n<p class=\"note\">Exit code ").append(v.exitCode()).append(".</p>\n");
        }

        h.append("<h2>Errors</h2>\n");
        if (r.errors().isEmpty())
        {
            h.append("<p class=\"note\">None.</p>\n");
        }
        else
        {
            h.append("<table>\n<tr><th>kind</th><th class=\"n\">code</th><th>name</th><th class=\"n\">count</th>" +
                "<th>first message</th></tr>\n");
            for (final SwarmMetrics.ErrorSummary e : r.errors())
            {
                h.append("<tr><td>").append(escape(e.kind())).append("</td><td class=\"n\">").append(e.code())
                    .append("</td><td>").append(escape(e.name())).append("</td><td class=\"n\">").append(e.count())
                    .append("</td><td>").append(escape(e.sample())).append("</td></tr>\n");
            }
            h.append("</table>\n");
        }

        if (!r.worstBots().isEmpty())
        {
            h.append("<h2>Bots with the largest input round trip</h2>\n<table>\n<tr><th class=\"n\">bot</th>" +
                "<th>room</th><th class=\"n\">max ms</th><th class=\"n\">mean ms</th>" +
                "<th class=\"n\">snapshots Hz</th><th class=\"n\">errors</th></tr>\n");
            for (final Bot.BotResult b : r.worstBots())
            {
                h.append("<tr><td class=\"n\">").append(b.index()).append("</td><td>").append(escape(b.roomId()))
                    .append("</td><td class=\"n\">").append(num(b.maxInputRttMs())).append("</td><td class=\"n\">")
                    .append(num(b.meanInputRttMs())).append("</td><td class=\"n\">").append(num(b.snapshotRateHz()))
                    .append("</td><td class=\"n\">").append(b.errors()).append("</td></tr>\n");
            }
            h.append("</table>\n");
        }

        h.append("<h2>Configuration</h2>\n<table>\n");
        row(h, "--url", c.url().toString());
        row(h, "--bots", Integer.toString(c.bots()));
        row(h, "--duration (measured)", Durations.format(c.duration()));
        row(h, "--warmup", Durations.format(c.warmup()));
        row(h, c.roomIds().isEmpty() ? "--room-type" : "--room-ids",
            c.roomIds().isEmpty() ? c.roomType() : String.join(",", c.roomIds()));
        row(h, "--players-per-room", c.playersPerRoom() == 0 ? "off" : Integer.toString(c.playersPerRoom()));
        row(h, "--ramp-up", c.rampUpPerSecond() == 0 ? "all at once" : TextSummary.trim(c.rampUpPerSecond()) + "/s");
        row(h, "--input-rate", TextSummary.trim(c.inputRateHz()) + "/s");
        row(h, "--behaviour", c.behaviour().name());
        row(h, "--ping-interval", Durations.format(c.pingInterval()));
        row(h, "--threads", Integer.toString(c.threads()));
        row(h, "environment", r.environment());
        h.append("</table>\n");

        h.append("<footer>Generated by tickwire-loadtest. Self-contained: no scripts, fonts or images are " +
            "loaded.</footer>\n</main>\n</body>\n</html>\n");
        return h.toString();
    }

    /**
     * Escape text for HTML and SVG, and defang URLs with a scheme other than ws so the page never
     * references anything outside itself, even when an error message quotes a URL.
     *
     * @param text any text, null shown as "-".
     * @return the escaped text.
     */
    static String escape(final String text)
    {
        if (text == null)
        {
            return "-";
        }
        final StringBuilder sb = new StringBuilder(text.length() + 16);
        for (int i = 0; i < text.length(); i++)
        {
            final char ch = text.charAt(i);
            switch (ch)
            {
                case '<':
                    sb.append("&lt;");
                    break;
                case '>':
                    sb.append("&gt;");
                    break;
                case '&':
                    sb.append("&amp;");
                    break;
                case '"':
                    sb.append("&quot;");
                    break;
                case '\'':
                    sb.append("&#39;");
                    break;
                case '/':
                    // "http://" in a message becomes "http:&#47;&#47;": same text on screen, never a link.
                    sb.append(i > 0 && (text.charAt(i - 1) == ':' || text.charAt(i - 1) == '/') ? "&#47;" : "/");
                    break;
                default:
                    sb.append(ch);
                    break;
            }
        }
        return sb.toString();
    }

    private static void card(final StringBuilder h, final String key, final String value, final String detail)
    {
        h.append("<div class=\"card\"><div class=\"k\">").append(escape(key)).append("</div><div class=\"v\">")
            .append(escape(value)).append("</div><div class=\"d\">").append(escape(detail)).append("</div></div>\n");
    }

    private static void row(final StringBuilder h, final String key, final String value)
    {
        h.append("<tr><th>").append(escape(key)).append("</th><td>").append(escape(value)).append("</td></tr>\n");
    }

    private static void latencyRow(final StringBuilder h, final String nameHtml, final LatencySummary l)
    {
        h.append("<tr><td>").append(nameHtml).append("</td><td class=\"n\">").append(num(l.p50Ms()))
            .append("</td><td class=\"n\">").append(num(l.p90Ms())).append("</td><td class=\"n\">")
            .append(num(l.p99Ms())).append("</td><td class=\"n\">").append(num(l.p999Ms()))
            .append("</td><td class=\"n\">").append(num(l.maxMs())).append("</td><td class=\"n\">")
            .append(num(l.meanMs())).append("</td><td class=\"n\">").append(l.count()).append("</td></tr>\n");
    }

    private static SvgChart.Series curve(
        final String name, final String color, final LatencySummary l, final boolean dashed)
    {
        final List<double[]> points = l.curve();
        final double[] xs = new double[points.size()];
        final double[] ys = new double[points.size()];
        for (int i = 0; i < xs.length; i++)
        {
            xs[i] = points.get(i)[0];
            ys[i] = points.get(i)[1];
        }
        return new SvgChart.Series(name, color, xs, ys, dashed);
    }

    private static SvgChart.Series line(
        final String name, final String color, final List<IntervalSample> t, final ToDoubleFunction<IntervalSample> f)
    {
        final double[] ys = new double[t.size()];
        for (int i = 0; i < ys.length; i++)
        {
            ys[i] = f.applyAsDouble(t.get(i));
        }
        return new SvgChart.Series(name, color, xs(t), ys, false);
    }

    private static double[] xs(final List<IntervalSample> t)
    {
        final List<Double> list = new ArrayList<>(t.size());
        for (final IntervalSample s : t)
        {
            list.add(s.elapsedSeconds());
        }
        return list.stream().mapToDouble(Double::doubleValue).toArray();
    }

    private static String num(final double value)
    {
        return TextSummary.num(value);
    }

    private static String fmt1(final double value)
    {
        return Double.isNaN(value) ? "-" : String.format(Locale.ROOT, "%.1f", value);
    }
}
