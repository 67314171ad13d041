package io.tickwire.server.room;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The room side never sees a channel or a buffer to release: no source file of {@code room} imports Netty
 * or the transport package.
 */
class RoomLayeringTest
{
    /** Surefire runs with the server module as working directory. */
    private static final Path ROOM_SOURCES = Path.of("src", "main", "java", "io", "tickwire", "server", "room");

    @Test
    void shouldKeepRoomPackageFreeOfNettyAndTransport() throws Exception
    {
        final List<Path> files;
        try (Stream<Path> list = Files.list(ROOM_SOURCES))
        {
            files = list.filter(p -> p.toString().endsWith(".java")).toList();
        }
        assertTrue(files.size() > 15, "room sources found: " + files.size());
        final List<String> offending = files.stream().filter(RoomLayeringTest::importsForbidden)
            .map(p -> p.getFileName().toString()).toList();
        assertEquals(List.of(), offending, "room files importing Netty or transport");
    }

    private static boolean importsForbidden(final Path file)
    {
        try
        {
            return Files.readAllLines(file, StandardCharsets.UTF_8).stream().anyMatch(line ->
                line.startsWith("import io.netty.") || line.startsWith("import io.tickwire.server.transport.") ||
                line.contains(" io.netty.") || line.contains("io.tickwire.server.transport."));
        }
        catch (final java.io.IOException ex)
        {
            throw new java.io.UncheckedIOException(ex);
        }
    }
}
