package io.tickwire.server.fleet;

import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A real {@code redis-server} (Debian's) on its own free loopback port, without persistence, for
 * one test class: started by {@link #start()}, restartable on the same port, stopped by
 * {@link #close()}. Gives tests a Lettuce connection and {@code INFO commandstats} call counts.
 */
public final class RedisProcess implements AutoCloseable
{
    private final int port;
    private Process process;
    private RedisClient client;
    private StatefulRedisConnection<String, String> connection;

    private RedisProcess(final int port)
    {
        this.port = port;
    }

    public static RedisProcess start() throws IOException, InterruptedException
    {
        final RedisProcess redis = new RedisProcess(freePort());
        redis.launch();
        return redis;
    }

    public static int freePort() throws IOException
    {
        try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress()))
        {
            return socket.getLocalPort();
        }
    }

    public void launch() throws IOException, InterruptedException
    {
        process = new ProcessBuilder("redis-server", "--port", Integer.toString(port), "--bind", "127.0.0.1",
            "--save", "", "--appendonly", "no", "--protected-mode", "no", "--loglevel", "warning")
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.DISCARD)
            .start();
        final long deadlineNs = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!pingOk())
        {
            if (!process.isAlive() || System.nanoTime() - deadlineNs > 0)
            {
                throw new IllegalStateException("redis-server did not start on port " + port + " (installed? " +
                    "apt-get install redis-server); alive=" + process.isAlive());
            }
            Thread.sleep(20);
        }
    }

    private boolean pingOk()
    {
        try (Socket socket = new Socket())
        {
            socket.connect(new InetSocketAddress("127.0.0.1", port), 200);
            socket.setSoTimeout(500);
            final OutputStream out = socket.getOutputStream();
            out.write("PING\r\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            final InputStream in = socket.getInputStream();
            final byte[] reply = new byte[7];
            return in.readNBytes(reply, 0, 7) == 7 && new String(reply, StandardCharsets.US_ASCII).startsWith("+PONG");
        }
        catch (final IOException ex)
        {
            return false;
        }
    }

    public String url()
    {
        return "redis://127.0.0.1:" + port;
    }

    public int port()
    {
        return port;
    }

    /**
     * @return sync commands on a connection of the test's own.
     */
    public synchronized RedisCommands<String, String> redis()
    {
        if (client == null)
        {
            client = RedisClient.create(url());
        }
        if (connection == null || !connection.isOpen())
        {
            connection = client.connect();
        }
        return connection.sync();
    }

    /**
     * @return calls per command since start or the last {@code CONFIG RESETSTAT}, from {@code INFO commandstats}
     * (commands run inside Lua scripts included).
     */
    public Map<String, Long> commandCalls()
    {
        final Map<String, Long> calls = new HashMap<>();
        for (final String line : redis().info("commandstats").split("\r?\n"))
        {
            if (line.startsWith("cmdstat_"))
            {
                final String name = line.substring("cmdstat_".length(), line.indexOf(':'));
                final String stats = line.substring(line.indexOf(':') + 1);
                for (final String field : stats.split(","))
                {
                    if (field.startsWith("calls="))
                    {
                        calls.put(name, Long.parseLong(field.substring("calls=".length())));
                    }
                }
            }
        }
        return calls;
    }

    public static long total(final Map<String, Long> calls, final List<String> exclude)
    {
        return calls.entrySet().stream().filter(e -> !exclude.contains(e.getKey())).mapToLong(Map.Entry::getValue).sum();
    }

    /**
     * Stop the process (SIGKILL) and wait for it; the port is reused by {@link #launch()}.
     */
    public void kill() throws InterruptedException
    {
        if (connection != null)
        {
            connection.closeAsync();
            connection = null;
        }
        process.destroyForcibly();
        process.waitFor(10, TimeUnit.SECONDS);
    }

    @Override
    public void close() throws InterruptedException
    {
        kill();
        if (client != null)
        {
            client.shutdown(Duration.ZERO, Duration.ofSeconds(1));
        }
    }
}
