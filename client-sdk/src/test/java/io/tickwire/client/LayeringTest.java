package io.tickwire.client;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The SDK's layering, read from its sources: the entry points {@link TickwireClient} and
 * {@link Matchmaker} (0, the matchmaker joins through a client) use {@link RoomSession} and the
 * classes beside it (1), which use {@link ClientConnection} (2), which uses its role classes (3), which
 * use the rest (4). Code (comments and string literals stripped) may name a class of its own layer or a
 * lower one, never a higher one; a lower class that must tell an upper one something calls an interface it
 * owns. The role classes form no cycle.
 */
class LayeringTest
{
    private static final Path SOURCES = Path.of("src/main/java/io/tickwire/client");
    private static final Map<String, Integer> LAYERS = Map.ofEntries(
        Map.entry("TickwireClient", 0), Map.entry("Matchmaker", 0),
        Map.entry("RoomSession", 1), Map.entry("SessionJoin", 1), Map.entry("SessionListeners", 1),
        Map.entry("SessionListener", 1),
        Map.entry("ClientConnection", 2), Map.entry("Joiner", 2), Map.entry("Connector", 2),
        Map.entry("Link", 3), Map.entry("WireCodec", 3), Map.entry("Inbound", 3), Map.entry("Outbound", 3),
        Map.entry("SnapshotReceiver", 3), Map.entry("InputJournal", 3), Map.entry("Reconnector", 3),
        Map.entry("PingKeeper", 3), Map.entry("EventDispatcher", 3));
    private static final int OTHERS = 4;

    private static Map<String, List<String>> references() throws IOException
    {
        final Map<String, String> code = new TreeMap<>();
        try (Stream<Path> files = Files.list(SOURCES))
        {
            for (final Path f : (Iterable<Path>)files::iterator)
            {
                final String name = f.getFileName().toString().replace(".java", "");
                if (!name.equals("package-info"))
                {
                    code.put(name, Files.readString(f)
                        .replaceAll("(?s)/\\*.*?\\*/", "")
                        .replaceAll("//[^\\n]*", "")
                        .replaceAll("\"(\\\\.|[^\"\\\\])*\"", "\"\""));
                }
            }
        }
        final Map<String, List<String>> refs = new TreeMap<>();
        for (final Map.Entry<String, String> from : code.entrySet())
        {
            final List<String> to = new ArrayList<>();
            for (final String other : code.keySet())
            {
                if (!other.equals(from.getKey()) &&
                    Pattern.compile("\\b" + other + "\\b").matcher(from.getValue()).find())
                {
                    to.add(other);
                }
            }
            refs.put(from.getKey(), to);
        }
        return refs;
    }

    @Test
    void shouldNeverReferToAClassOfAHigherLayer() throws IOException
    {
        final Map<String, List<String>> refs = references();
        final List<String> upward = new ArrayList<>();
        refs.forEach((from, tos) ->
        {
            final int layer = LAYERS.getOrDefault(from, OTHERS);
            for (final String to : tos)
            {
                final int toLayer = LAYERS.getOrDefault(to, OTHERS);
                if (toLayer < layer)
                {
                    upward.add(from + " (layer " + layer + ") -> " + to + " (layer " + toLayer + ")");
                }
            }
        });

        assertEquals(List.of(), upward, "references that run back up; sources: " + SOURCES.toAbsolutePath());
        assertTrue(refs.containsKey("ClientConnection"), "sources found: " + refs.keySet());
    }

    @Test
    void shouldKeepTheRoleClassesFreeOfCycles() throws IOException
    {
        final Map<String, List<String>> refs = references();
        final List<String> cycles = new ArrayList<>();
        for (final String role : refs.keySet())
        {
            if (LAYERS.getOrDefault(role, OTHERS) == 3)
            {
                findCycle(refs, new ArrayList<>(List.of(role)), cycles);
            }
        }

        assertEquals(List.of(), cycles);
    }

    private static void findCycle(final Map<String, List<String>> refs, final List<String> path, final List<String> out)
    {
        for (final String next : refs.get(path.get(path.size() - 1)))
        {
            if (LAYERS.getOrDefault(next, OTHERS) != 3)
            {
                continue;
            }
            if (path.contains(next))
            {
                out.add(String.join(" -> ", path.subList(path.indexOf(next), path.size())) + " -> " + next);
                return;
            }
            path.add(next);
            findCycle(refs, path, out);
            path.remove(path.size() - 1);
        }
    }
}
