package io.tickwire.server;

import io.tickwire.server.game.arena.ArenaGame;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The launcher's part of the configuration: it registers the demo game, validates its own
 * options, and refuses unreadable TLS files with exit code 2 before anything starts.
 */
class MainTest
{
    private static Main parse(final String... args)
    {
        final CommandLine commandLine = Main.commandLine();
        commandLine.parseArgs(args);
        return commandLine.getCommand();
    }

    @Test
    void shouldRegisterTheDemosArenaAndBigworldAsTheLaunchersRoomTypes()
    {
        final ServerOptions options = parse("--arena-npcs", "3", "--bigworld-npcs", "50").toOptions();
        assertEquals(Set.of(ArenaGame.TYPE, io.tickwire.server.game.bigworld.BigWorldGame.TYPE),
            options.roomTypes().keySet());
        assertEquals("invalid option: bigworldNpcs=-1", assertThrows(IllegalArgumentException.class,
            () -> parse("--bigworld-npcs", "-1").toOptions()).getMessage());
    }

    @Test
    void shouldLoadRoomTypesFromGameJarsInsteadOfArena(@TempDir final Path dir) throws Exception
    {
        final Path jar = dir.resolve("scripted-game.jar");
        try (java.util.jar.JarOutputStream out = new java.util.jar.JarOutputStream(Files.newOutputStream(jar)))
        {
            out.putNextEntry(new java.util.jar.JarEntry("META-INF/services/" +
                io.tickwire.server.game.GameLogicFactory.class.getName()));
            out.write((io.tickwire.server.game.ScriptedGame.Factory.class.getName() + "\n")
                .getBytes(StandardCharsets.UTF_8));
        }
        final ServerOptions options = parse("--game-jar", jar.toString()).toOptions();
        assertEquals(Set.of(io.tickwire.server.game.ScriptedGame.TYPE), options.roomTypes().keySet());
        assertEquals(20, options.roomTypes().get(io.tickwire.server.game.ScriptedGame.TYPE).tickRateHz());
    }

    private static void writeScriptedGameJar(final Path jar) throws Exception
    {
        try (java.util.jar.JarOutputStream out = new java.util.jar.JarOutputStream(Files.newOutputStream(jar)))
        {
            out.putNextEntry(new java.util.jar.JarEntry("META-INF/services/" +
                io.tickwire.server.game.GameLogicFactory.class.getName()));
            out.write((io.tickwire.server.game.ScriptedGame.Factory.class.getName() + "\n")
                .getBytes(StandardCharsets.UTF_8));
        }
    }

    @Test
    void shouldLoadEveryJarOfThePluginsFolder(@TempDir final Path dir) throws Exception
    {
        final Path plugins = Files.createDirectory(dir.resolve("plugins"));
        writeScriptedGameJar(plugins.resolve("scripted-game.jar"));
        Files.writeString(plugins.resolve("README.txt"), "not a jar");
        final ServerOptions options = parse("--plugins-dir", plugins.toString()).toOptions();
        assertEquals(Set.of(io.tickwire.server.game.ScriptedGame.TYPE), options.roomTypes().keySet());

        final Path empty = Files.createDirectory(dir.resolve("empty"));
        assertEquals("invalid option: plugins-dir=" + empty + " (no *.jar in it)",
            assertThrows(IllegalArgumentException.class, () -> parse("--plugins-dir", empty.toString()).toOptions())
                .getMessage());
        final Path missing = dir.resolve("missing");
        assertEquals("invalid option: plugins-dir=" + missing + " (no such directory)",
            assertThrows(IllegalArgumentException.class, () -> parse("--plugins-dir", missing.toString()).toOptions())
                .getMessage());
    }

    @Test
    void shouldRefuseGameJarWithoutRoomTypes(@TempDir final Path dir) throws Exception
    {
        final Path jar = dir.resolve("empty.jar");
        new java.util.jar.JarOutputStream(Files.newOutputStream(jar)).close();
        final IllegalArgumentException refused =
            assertThrows(IllegalArgumentException.class, () -> parse("--game-jar", jar.toString()).toOptions());
        assertTrue(refused.getMessage().startsWith("no room type in the game jars"), refused.getMessage());
        assertThrows(IllegalArgumentException.class,
            () -> parse("--game-jar", dir.resolve("missing.jar").toString()).toOptions());
    }

    @Test
    void shouldRefuseNegativeArenaNpcsNamingValue()
    {
        final IllegalArgumentException refused =
            assertThrows(IllegalArgumentException.class, () -> parse("--arena-npcs", "-1").toOptions());
        assertEquals("invalid option: arenaNpcs=-1", refused.getMessage());
    }

    @Test
    @Timeout(30)
    void shouldExitTwoForUnreadableTlsFile(@TempDir final Path dir)
    {
        final Path missing = dir.resolve("missing-cert.pem");
        final PrintStream originalErr = System.err;
        final ByteArrayOutputStream err = new ByteArrayOutputStream();
        final int exitCode;
        System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
        try
        {
            exitCode = Main.commandLine().execute("--host", "127.0.0.1", "--port", "0", "--admin-port", "-1",
                "--room-loops", "1", "--tls-cert", missing.toString(), "--tls-key", dir.resolve("key.pem").toString());
        }
        finally
        {
            System.setErr(originalErr);
        }
        final String printed = err.toString(StandardCharsets.UTF_8);
        assertEquals(2, exitCode, printed);
        assertTrue(printed.contains("invalid option: tlsCertificate=" + missing + " (not a readable file)"), printed);
    }
}
