package io.tickwire.server;

import io.tickwire.server.game.GameLogicFactory;

import java.io.IOException;
import java.net.MalformedURLException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;

/**
 * Loads room types from game jars for the stock server: one class loader over every jar (child of the
 * server's, so games see the server's API and libraries), then {@link ServiceLoader} of
 * {@link GameLogicFactory} (each jar lists its factories in
 * {@code META-INF/services/io.tickwire.server.game.GameLogicFactory}); each factory names its type.
 * <p>
 * Thread: the launcher's, once at start-up. The class loader stays open for the life of the process.
 */
final class GameJars
{
    private GameJars()
    {
    }

    /**
     * @param folder a plugins folder.
     * @return every {@code *.jar} file in it (not in sub-folders), by name.
     * @throws IllegalArgumentException when the folder does not exist or holds no jar.
     */
    static List<Path> inFolder(final Path folder)
    {
        if (!Files.isDirectory(folder))
        {
            throw new IllegalArgumentException("invalid option: plugins-dir=" + folder + " (no such directory)");
        }
        final List<Path> jars;
        try (java.util.stream.Stream<Path> files = Files.list(folder))
        {
            jars = files.filter(p -> p.getFileName().toString().endsWith(".jar") && Files.isRegularFile(p)).sorted()
                .toList();
        }
        catch (final IOException ex)
        {
            throw new IllegalArgumentException("invalid option: plugins-dir=" + folder + " (" + ex.getMessage() + ")");
        }
        if (jars.isEmpty())
        {
            // A deployment that forgot its game must not quietly serve the demo instead.
            throw new IllegalArgumentException("invalid option: plugins-dir=" + folder + " (no *.jar in it)");
        }
        return jars;
    }

    /**
     * @param jars game jar files.
     * @return room types by name, in discovery order.
     * @throws IllegalArgumentException naming the jar or factory at fault: a missing file, a factory that
     *                                  fails to load or has no type name, two factories with one name, no factory.
     */
    static Map<String, GameLogicFactory> load(final List<Path> jars)
    {
        final URL[] urls = new URL[jars.size()];
        for (int i = 0; i < urls.length; i++)
        {
            final Path jar = jars.get(i);
            if (!Files.isRegularFile(jar))
            {
                throw new IllegalArgumentException("invalid option: game-jar=" + jar + " (no such file)");
            }
            try
            {
                urls[i] = jar.toUri().toURL();
            }
            catch (final MalformedURLException ex)
            {
                throw new IllegalArgumentException("invalid option: game-jar=" + jar + " (" + ex.getMessage() + ")");
            }
        }
        final URLClassLoader loader = new URLClassLoader("tickwire-games", urls, GameJars.class.getClassLoader());
        final Map<String, GameLogicFactory> types = new LinkedHashMap<>();
        try
        {
            for (final GameLogicFactory factory : ServiceLoader.load(GameLogicFactory.class, loader))
            {
                final String type = factory.type();
                if (type == null || type.isEmpty())
                {
                    throw new IllegalArgumentException("game factory has no type name: factory=" +
                        factory.getClass().getName() + " (implement GameLogicFactory.type())");
                }
                final GameLogicFactory previous = types.putIfAbsent(type, factory);
                if (previous != null)
                {
                    throw new IllegalArgumentException("two game factories for one room type: type=" + type +
                        ", factories=" + previous.getClass().getName() + ", " + factory.getClass().getName());
                }
            }
        }
        catch (final ServiceConfigurationError ex)
        {
            closeQuietly(loader);
            throw new IllegalArgumentException("game jar failed to load: jars=" + jars + " (" + ex.getMessage() + ")");
        }
        if (types.isEmpty())
        {
            closeQuietly(loader);
            throw new IllegalArgumentException("no room type in the game jars: jars=" + jars + " (list factories in " +
                "META-INF/services/" + GameLogicFactory.class.getName() + ")");
        }
        return types;
    }

    private static void closeQuietly(final URLClassLoader loader)
    {
        try
        {
            loader.close();
        }
        catch (final IOException ignored)
        {
            // Start-up is failing anyway; the message names the cause.
        }
    }
}
