package io.tickwire.testsuite.fleet;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A server or matchmaker as its own JVM process, started as an operator would: the shaded
 * {@code tickwire-server.jar} when the build has made a fresh one, else the same main class on this
 * test's class path (the same code, unshaded). Captures output, finds a URL in it by pattern,
 * and stops with SIGTERM or SIGKILL.
 */
final class FleetProcess implements AutoCloseable
{
    private final String name;
    private final Process process;
    private final List<String> output = new CopyOnWriteArrayList<>();
    private final CompletableFuture<String> found = new CompletableFuture<>();
    private final Pattern pattern;

    private FleetProcess(final String name, final Process process, final Pattern pattern)
    {
        this.name = name;
        this.process = process;
        this.pattern = pattern;
        final Thread reader = new Thread(this::readOutput, name + "-output");
        reader.setDaemon(true);
        reader.start();
    }

    /**
     * @param name    for thread names and messages.
     * @param pattern its first group is what {@link #awaitMatch()} returns.
     * @param args    command line after the jar.
     */
    static FleetProcess start(final String name, final Pattern pattern, final String... args) throws IOException
    {
        final List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.add("-Xmx256m");
        command.add("-XX:+UseSerialGC");
        final Path jar = freshJar();
        if (jar != null)
        {
            command.add("-jar");
            command.add(jar.toString());
        }
        else
        {
            command.add("--add-exports");
            command.add("java.base/jdk.internal.misc=ALL-UNNAMED");
            command.add("-cp");
            command.add(System.getProperty("java.class.path"));
            command.add("io.tickwire.server.Main");
        }
        command.addAll(List.of(args));
        final ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().keySet().removeIf(k -> k.startsWith("TICKWIRE_") || k.startsWith("AGONES_"));
        return new FleetProcess(name, builder.start(), pattern);
    }

    /**
     * @return the shaded jar when it exists and is newer than the server's compiled classes, else null.
     */
    static Path freshJar()
    {
        final Path jar = Path.of(System.getProperty("tickwire.server.jar", "../server/target/tickwire-server.jar"));
        final Path classes = Path.of(System.getProperty("tickwire.server.classes",
            "../server/target/classes/io/tickwire/server/fleet/Fleet.class"));
        try
        {
            if (Files.isRegularFile(jar) && (!Files.exists(classes) ||
                Files.getLastModifiedTime(jar).compareTo(Files.getLastModifiedTime(classes)) >= 0))
            {
                return jar;
            }
        }
        catch (final IOException ignore)
        {
            // fall back to the class path
        }
        return null;
    }

    private void readOutput()
    {
        try (BufferedReader in = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8)))
        {
            String line;
            while ((line = in.readLine()) != null)
            {
                output.add(line);
                final Matcher m = pattern.matcher(line);
                if (m.find())
                {
                    found.complete(m.group(1));
                }
            }
        }
        catch (final IOException ignore)
        {
            // process ended
        }
        finally
        {
            found.completeExceptionally(new IllegalStateException(name + " exited: " + output));
        }
    }

    String awaitMatch() throws Exception
    {
        return found.get(30, TimeUnit.SECONDS);
    }

    List<String> output()
    {
        return output;
    }

    long pid()
    {
        return process.pid();
    }

    boolean isAlive()
    {
        return process.isAlive();
    }

    /** SIGKILL: no drain, no deregistration. */
    void kill9() throws InterruptedException
    {
        process.destroyForcibly();
        process.waitFor(10, TimeUnit.SECONDS);
    }

    /**
     * SIGTERM and wait.
     *
     * @return exit code, or -1 when it did not exit in time.
     */
    int terminate(final long timeoutMs) throws InterruptedException
    {
        process.destroy();
        return process.waitFor(timeoutMs, TimeUnit.MILLISECONDS) ? process.exitValue() : -1;
    }

    @Override
    public void close() throws InterruptedException
    {
        if (process.isAlive())
        {
            process.destroyForcibly();
            process.waitFor(10, TimeUnit.SECONDS);
        }
    }

    @Override
    public String toString()
    {
        return name + "(pid " + process.pid() + ")";
    }
}
