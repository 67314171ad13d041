package io.tickwire.loadtest;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;

/**
 * One load test run, start to verdict: run the {@link Swarm}, print the summary, write the JSON and HTML
 * reports, evaluate the gates. The CLI and the tests both come through here.
 * <p>
 * Threads: {@link #run} runs on the caller's thread (the control thread) and blocks until the swarm has
 * stopped and the reports are written.
 */
public final class LoadTest
{
    /** The run completed and every gate held. */
    public static final int EXIT_OK = 0;
    /** The run failed without a gate: no bot joined, none was connected at the end, or a report could not be written. */
    public static final int EXIT_FAILURE = 1;
    /** Invalid command line: an option or value was refused (picocli's usage error). */
    public static final int EXIT_USAGE = 2;
    /** The run completed but a gate was breached. */
    public static final int EXIT_GATE_BREACHED = 3;

    private LoadTest()
    {
    }

    /**
     * Run a load test.
     *
     * @param config what to run.
     * @param out    progress lines and the summary.
     * @param err    problems.
     * @return the outcome: report, verdict, files.
     */
    public static Outcome run(final LoadTestConfig config, final PrintStream out, final PrintStream err)
    {
        out.println("tickwire-loadtest: " + config);
        out.flush();
        final LoadTestReport report = new Swarm(config, out).run();
        final Verdict verdict = Verdict.evaluate(config, report);
        TextSummary.print(report, verdict, out);
        Path json = null;
        Path html = null;
        int exitCode = verdict.exitCode();
        try
        {
            json = JsonReport.write(report, verdict, config.outDir());
            html = HtmlReport.write(report, verdict, config.outDir());
            out.println("reports     " + json.toAbsolutePath().normalize() + "\n            " +
                html.toAbsolutePath().normalize());
        }
        catch (final IOException ex)
        {
            err.println("tickwire-loadtest: cannot write the reports: dir=" + config.outDir() + ", reason=" + ex);
            exitCode = EXIT_FAILURE;
        }
        out.flush();
        return new Outcome(exitCode, verdict.status(), json, html, report.errorCount(), report.bots().connectedAtEnd());
    }

    /**
     * What a run ended with. Immutable.
     *
     * @param exitCode       the process exit code.
     * @param status         see {@link Verdict#status()}.
     * @param jsonReport     the JSON report, null when it could not be written.
     * @param htmlReport     the HTML report, null when it could not be written.
     * @param errors         errors counted.
     * @param connectedAtEnd bots connected when the run stopped.
     */
    public record Outcome(int exitCode, String status, Path jsonReport, Path htmlReport, long errors,
        int connectedAtEnd)
    {
    }
}
