package io.tickwire.server.it;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The shaded server jar started as a real process with options and environment variables, as an
 * operator would. Reads the WebSocket and admin URLs from its start-up lines, talks to the admin
 * port over real HTTP, and stops it with SIGTERM.
 */
final class ServerProcess implements AutoCloseable
{
    private static final Pattern WEBSOCKET_LINE = Pattern.compile("tickwire-server: WebSocket (ws://\\S+)");
    private static final Pattern ADMIN_LINE = Pattern.compile("tickwire-server: admin (http://\\S+)");

    private final Process process;
    private final List<String> output = new CopyOnWriteArrayList<>();
    private final CompletableFuture<URI> webSocketUri = new CompletableFuture<>();
    private final CompletableFuture<URI> adminUri = new CompletableFuture<>();
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    private ServerProcess(final Process process)
    {
        this.process = process;
        final Thread reader = new Thread(this::readOutput, "server-process-output");
        reader.setDaemon(true);
        reader.start();
    }

    static Path jar()
    {
        final Path jar = Path.of(System.getProperty("tickwire.server.jar", "target/tickwire-server.jar"));
        if (!Files.isRegularFile(jar))
        {
            throw new IllegalStateException("server jar not built: " + jar.toAbsolutePath() + " (run mvn package)");
        }
        return jar;
    }

    static ServerProcess start(final Map<String, String> env, final String... args) throws IOException
    {
        final List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.add("-Xmx256m");
        command.add("-jar");
        command.add(jar().toString());
        command.addAll(List.of(args));
        final ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().keySet().removeIf(k -> k.startsWith("TICKWIRE_"));
        builder.environment().putAll(env);
        return new ServerProcess(builder.start());
    }

    private void readOutput()
    {
        try (BufferedReader in = new BufferedReader(
            new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8)))
        {
            String line;
            while ((line = in.readLine()) != null)
            {
                output.add(line);
                final Matcher ws = WEBSOCKET_LINE.matcher(line);
                if (ws.find())
                {
                    webSocketUri.complete(URI.create(ws.group(1)));
                }
                final Matcher admin = ADMIN_LINE.matcher(line);
                if (admin.find())
                {
                    adminUri.complete(URI.create(admin.group(1)));
                }
            }
        }
        catch (final IOException ignore)
        {
            // process ended
        }
        finally
        {
            webSocketUri.completeExceptionally(new IllegalStateException("server exited: " + output));
            adminUri.completeExceptionally(new IllegalStateException("server exited: " + output));
        }
    }

    URI webSocketUri() throws Exception
    {
        return webSocketUri.get(20, TimeUnit.SECONDS);
    }

    URI adminUri() throws Exception
    {
        return adminUri.get(20, TimeUnit.SECONDS);
    }

    HttpResponse<String> get(final String path) throws Exception
    {
        return http.send(HttpRequest.newBuilder(adminUri().resolve(path)).timeout(Duration.ofSeconds(5)).GET().build(),
            HttpResponse.BodyHandlers.ofString());
    }

    HttpResponse<String> send(final String method, final String path, final String token) throws Exception
    {
        final HttpRequest.Builder request = HttpRequest.newBuilder(adminUri().resolve(path))
            .timeout(Duration.ofSeconds(5))
            .method(method, HttpRequest.BodyPublishers.noBody());
        if (token != null)
        {
            request.header("Authorization", "Bearer " + token);
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    /**
     * Scrape /metrics and sum every sample of a metric, optionally only those whose labels
     * contain {@code labelFragment} (e.g. {@code code="1000"}).
     */
    double metric(final String name, final String labelFragment) throws Exception
    {
        final String body = get("/metrics").body();
        double sum = 0;
        boolean found = false;
        for (final String line : body.split("\n"))
        {
            if (line.startsWith("#") || !(line.startsWith(name + " ") || line.startsWith(name + "{")))
            {
                continue;
            }
            if (labelFragment == null || line.contains(labelFragment))
            {
                sum += Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
                found = true;
            }
        }
        if (!found)
        {
            throw new AssertionError("metric not exposed: " + name + (labelFragment == null ? "" : labelFragment));
        }
        return sum;
    }

    double metric(final String name) throws Exception
    {
        return metric(name, null);
    }

    Process process()
    {
        return process;
    }

    List<String> output()
    {
        return output;
    }

    /**
     * Send SIGTERM and wait.
     *
     * @return the exit code, or -1 if it did not exit in time.
     */
    int terminate(final long timeoutMs) throws InterruptedException, IOException
    {
        // Process.destroy() would also close our end of its stdout and lose its last log lines.
        new ProcessBuilder("kill", "-TERM", String.valueOf(process.pid())).inheritIO().start().waitFor();
        return process.waitFor(timeoutMs, TimeUnit.MILLISECONDS) ? process.exitValue() : -1;
    }

    @Override
    public void close() throws InterruptedException
    {
        if (process.isAlive())
        {
            process.destroy();
            if (!process.waitFor(10, TimeUnit.SECONDS))
            {
                process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            }
        }
    }
}
