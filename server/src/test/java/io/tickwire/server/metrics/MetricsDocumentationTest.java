package io.tickwire.server.metrics;

import io.tickwire.server.ServerOptions;
import io.tickwire.server.TickwireServer;
import io.tickwire.server.game.arena.ArenaGame;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Keeps the metric table of docs/operations.md honest: every {@code tickwire_*} family a started
 * server exports is in the table with the type Prometheus sees, and the table names nothing the
 * server does not export.
 */
@Timeout(60)
class MetricsDocumentationTest
{
    /** Surefire runs with the server module as working directory. */
    private static final Path OPERATIONS_DOC = Path.of("..", "docs", "operations.md");
    private static final Pattern TYPE_LINE = Pattern.compile("^# TYPE (tickwire_\\w+) (\\w+)$", Pattern.MULTILINE);
    private static final Pattern CODE_SPAN = Pattern.compile("`([^`]+)`");

    @Test
    void shouldDocumentEveryExportedMetricWithItsType() throws Exception
    {
        final Map<String, String> exported = new TreeMap<>();
        try (TickwireServer server = TickwireServer.start(
            ServerOptions.builder().host("127.0.0.1").port(0).adminPort(-1).roomLoops(1)
                .roomType(ArenaGame.TYPE, ArenaGame.factory(0)).build()))
        {
            final Matcher type = TYPE_LINE.matcher(server.scrapeMetrics());
            while (type.find())
            {
                exported.put(type.group(1), type.group(2));
            }
        }
        final Map<String, String> documented = documentedMetrics(Files.readAllLines(OPERATIONS_DOC, StandardCharsets.UTF_8));
        assertTrue(exported.size() > 20, "metric families exported: " + exported.keySet());

        final StringBuilder problems = new StringBuilder();
        exported.forEach((name, type) ->
        {
            final String doc = documented.get(name);
            if (doc == null)
            {
                problems.append("\n  missing from the table: ").append(name).append(" (").append(type).append(')');
            }
            else if (!doc.equals(type))
            {
                problems.append("\n  wrong type: ").append(name).append(" documented as ").append(doc)
                    .append(", exported as ").append(type);
            }
        });
        documented.keySet().stream().filter(name -> !exported.containsKey(name)).forEach(name ->
            problems.append("\n  documented but not exported: ").append(name));
        assertTrue(problems.length() == 0, () -> OPERATIONS_DOC + " metric table vs /metrics:" + problems);
    }

    /**
     * @return name to type of every metric in the table under "## Metrics": the first cell's code
     * spans without their tags ({@code `a_total{loop}`, `b_total{loop}`}), the second cell's type;
     * wildcard rows ({@code jvm_*}) are left out.
     */
    private static Map<String, String> documentedMetrics(final List<String> lines)
    {
        final Map<String, String> documented = new TreeMap<>();
        boolean inSection = false;
        for (final String line : lines)
        {
            if (line.startsWith("## "))
            {
                inSection = line.equals("## Metrics");
                continue;
            }
            if (!inSection || !line.startsWith("| `"))
            {
                continue;
            }
            final String[] cells = line.split("(?<!\\\\)\\|");
            final String type = cells[2].trim();
            final Matcher span = CODE_SPAN.matcher(cells[1]);
            while (span.find())
            {
                final String name = span.group(1).replaceAll("\\{.*", "");
                if (!name.contains("*"))
                {
                    documented.put(name, type);
                }
            }
        }
        assertTrue(!documented.isEmpty(), "no metric table found under '## Metrics' in " + OPERATIONS_DOC);
        return documented;
    }
}
