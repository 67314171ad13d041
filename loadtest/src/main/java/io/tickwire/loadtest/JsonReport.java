package io.tickwire.loadtest;

import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Writes {@code loadtest-report.json}: the configuration, the verdict, every figure of the
 * {@link LoadTestReport}, the latency percentile curves and the per-second timeline. Latencies are in
 * milliseconds, rates per second, kB are 1000 bytes; a value that was not measured is {@code null}.
 * Stateless.
 */
final class JsonReport
{
    /** File name in the report directory. */
    static final String FILE_NAME = "loadtest-report.json";
    /** Bumped when a field changes meaning or goes away. */
    static final int FORMAT_VERSION = 1;

    private JsonReport()
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
        try (Writer w = Files.newBufferedWriter(file, StandardCharsets.UTF_8))
        {
            write(report, verdict, new JsonWriter(w));
        }
        return file;
    }

    static void write(final LoadTestReport r, final Verdict verdict, final JsonWriter j)
    {
        final LoadTestConfig c = r.config();
        j.beginObject();
        j.field("tool", "tickwire-loadtest");
        j.field("formatVersion", FORMAT_VERSION);
        j.field("startedAt", r.startedAt().toString());
        j.field("environment", r.environment());

        j.name("config").beginObject();
        j.field("url", c.url().toString());
        j.field("bots", c.bots());
        j.field("durationSeconds", c.duration().toMillis() / 1000.0);
        j.field("warmupSeconds", c.warmup().toMillis() / 1000.0);
        j.field("roomType", c.roomIds().isEmpty() ? c.roomType() : null);
        j.name("roomIds").beginArray();
        for (final String id : c.roomIds())
        {
            j.value(id);
        }
        j.endArray();
        j.field("playersPerRoom", c.playersPerRoom());
        j.field("rampUpPerSecond", c.rampUpPerSecond());
        j.field("inputRateHz", c.inputRateHz());
        j.field("behaviour", c.behaviour().name());
        j.field("tickets", c.tickets().describe());
        j.field("pingIntervalSeconds", c.pingInterval().toMillis() / 1000.0);
        j.field("threads", c.threads());
        j.field("lean", c.lean());
        if (c.retainedStates() != null)
        {
            j.field("retainedStates", c.retainedStates());
        }
        if (c.ackIntervalMs() != null)
        {
            j.field("ackIntervalMs", c.ackIntervalMs());
        }
        j.field("connectTimeoutMs", c.connectTimeoutMs());
        j.field("seed", c.seed());
        j.endObject();

        j.name("verdict").beginObject();
        j.field("status", verdict.status());
        j.field("exitCode", verdict.exitCode());
        j.name("gates").beginArray();
        for (final Verdict.Gate g : verdict.gates())
        {
            j.beginObject();
            j.field("option", g.option());
            j.field("threshold", g.threshold());
            j.field("actual", g.actual());
            j.field("evaluated", g.evaluated());
            j.field("passed", g.passed());
            j.endObject();
        }
        j.endArray();
        j.endObject();

        j.name("timing").beginObject();
        j.field("elapsedSeconds", r.elapsedSeconds());
        j.field("rampSeconds", r.rampSeconds());
        j.field("warmupSeconds", r.warmupSeconds());
        j.field("measuredSeconds", r.measureSeconds());
        j.endObject();

        final LoadTestReport.BotCounts b = r.bots();
        j.name("bots").beginObject();
        j.field("target", b.target());
        j.field("started", b.started());
        j.field("joined", b.joined());
        j.field("joinFailures", b.joinFailures());
        j.field("connectedAtEnd", b.connectedAtEnd());
        j.field("connectedRatio", r.connectedRatio());
        j.field("peakConnected", b.peakConnected());
        j.field("disconnects", b.disconnects());
        j.endObject();

        j.field("tickRateHz", r.tickRateHz());

        final LoadTestReport.Rooms rooms = r.rooms();
        j.name("rooms").beginObject();
        j.field("count", rooms.count());
        j.field("minBots", rooms.minBots());
        j.field("meanBots", rooms.meanBots());
        j.field("maxBots", rooms.maxBots());
        j.field("groups", rooms.groups());
        j.field("sharedGroups", rooms.sharedGroups());
        j.endObject();

        final LoadTestReport.Rates s = r.steady();
        final LoadTestReport.Totals t = r.totals();
        j.name("snapshots").beginObject();
        j.field("received", t.snapshots());
        j.field("full", t.full());
        j.field("delta", t.delta());
        j.field("stale", t.stale());
        j.field("baselineMisses", t.baselineMisses());
        j.field("perSecond", s.snapshotsPerSecond());
        j.field("perConnectedBotHz", s.snapshotsPerBotHz());
        j.field("bytesPerSnapshot", s.bytesPerSnapshot());
        final LoadTestReport.Distribution d = r.snapshotRatePerBot();
        j.name("perBotHz").beginObject();
        j.field("bots", d.count());
        j.field("min", d.min());
        j.field("p1", d.p1());
        j.field("median", d.median());
        j.field("mean", d.mean());
        j.field("max", d.max());
        j.field("outsideTenPercent", d.outsideTenPercent());
        j.endObject();
        latency(j, "intervalMs", r.snapshotInterval(), false);
        latency(j, "jitterMs", r.snapshotJitter(), false);
        j.endObject();

        j.name("inputs").beginObject();
        j.field("sent", t.inputs());
        j.field("perSecond", s.inputsPerSecond());
        j.field("expiredUnanswered", r.inputsExpired());
        j.endObject();
        latency(j, "inputRttMs", r.inputRtt(), true);
        latency(j, "pingRttMs", r.pingRtt(), true);
        latency(j, "connectTimeMs", r.connectTime(), false);
        j.name("wholeRun").beginObject();
        latency(j, "inputRttMs", r.wholeRunInputRtt(), true);
        latency(j, "pingRttMs", r.wholeRunPingRtt(), false);
        j.endObject();

        j.name("traffic").beginObject();
        j.field("bytesIn", t.bytesIn());
        j.field("bytesOut", t.bytesOut());
        j.field("framesIn", t.framesIn());
        j.field("framesOut", t.framesOut());
        j.field("acksSent", t.acks());
        j.field("kBytesInPerSecond", s.kBytesInPerSecond());
        j.field("kBytesOutPerSecond", s.kBytesOutPerSecond());
        j.field("framesInPerSecond", s.framesInPerSecond());
        j.field("framesOutPerSecond", s.framesOutPerSecond());
        j.endObject();

        j.field("botProcessCpuPercent", s.botCpuPercent());

        j.name("errors").beginObject();
        j.field("total", r.errorCount());
        j.field("protocolErrors", t.protocolErrors());
        j.name("byKind").beginArray();
        for (final SwarmMetrics.ErrorSummary e : r.errors())
        {
            j.beginObject();
            j.field("kind", e.kind());
            j.field("code", e.code());
            j.field("name", e.name());
            j.field("count", e.count());
            j.field("sample", e.sample());
            j.endObject();
        }
        j.endArray();
        j.endObject();

        j.name("worstBots").beginArray();
        for (final Bot.BotResult w : r.worstBots())
        {
            j.beginObject();
            j.field("bot", w.index());
            j.field("roomId", w.roomId());
            j.field("maxInputRttMs", w.maxInputRttMs());
            j.field("meanInputRttMs", w.meanInputRttMs());
            j.field("snapshotRateHz", w.snapshotRateHz());
            j.field("errors", w.errors());
            j.endObject();
        }
        j.endArray();

        j.name("messages").beginObject();
        j.field("sent", r.messagesSent());
        j.field("received", r.messagesReceived());
        j.name("perBot").beginArray();
        for (final Bot.BotResult one : r.allBots())
        {
            j.beginObject();
            j.field("bot", one.index());
            j.field("sent", one.messagesSent());
            j.field("received", one.messagesReceived());
            j.endObject();
        }
        j.endArray();
        j.endObject();

        j.name("warnings").beginArray();
        for (final String warning : r.warnings())
        {
            j.value(warning);
        }
        j.endArray();

        j.name("timeline").beginArray();
        for (final IntervalSample p : r.timeline())
        {
            j.beginObject();
            j.field("t", p.elapsedSeconds());
            j.field("started", p.started());
            j.field("connected", p.connected());
            j.field("snapshotsPerSecond", p.snapshotsPerSecond());
            j.field("fullPerSecond", p.fullPerSecond());
            j.field("kBytesInPerSecond", p.kBytesInPerSecond());
            j.field("kBytesOutPerSecond", p.kBytesOutPerSecond());
            j.field("framesInPerSecond", p.framesInPerSecond());
            j.field("framesOutPerSecond", p.framesOutPerSecond());
            j.field("inputsPerSecond", p.inputsPerSecond());
            j.field("inputRttP50Ms", p.inputRttP50Ms());
            j.field("inputRttP99Ms", p.inputRttP99Ms());
            j.field("pingRttP50Ms", p.pingRttP50Ms());
            j.field("pingRttP99Ms", p.pingRttP99Ms());
            j.field("jitterP99Ms", p.jitterP99Ms());
            j.field("errors", p.errors());
            j.field("botCpuPercent", p.botCpuPercent());
            j.endObject();
        }
        j.endArray();
        j.endObject();
    }

    private static void latency(final JsonWriter j, final String name, final LatencySummary l, final boolean curve)
    {
        j.name(name).beginObject();
        j.field("count", l.count());
        j.field("min", l.minMs());
        j.field("mean", l.meanMs());
        j.field("p50", l.p50Ms());
        j.field("p90", l.p90Ms());
        j.field("p99", l.p99Ms());
        j.field("p999", l.p999Ms());
        j.field("max", l.maxMs());
        if (curve)
        {
            j.name("percentiles").beginArray();
            for (final double[] point : l.curve())
            {
                j.beginArray().value(point[0]).value(point[1]).endArray();
            }
            j.endArray();
        }
        j.endObject();
    }
}
