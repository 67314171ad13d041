package io.tickwire.testsuite.hostile;

import io.tickwire.client.ClientOptions;
import io.tickwire.client.RoomSession;
import io.tickwire.client.SessionListener;
import io.tickwire.client.SnapshotInfo;
import io.tickwire.client.TickwireClient;
import io.tickwire.protocol.ProtocolVersion;
import io.tickwire.protocol.v1.Ack;
import io.tickwire.protocol.v1.ClientMessage;
import io.tickwire.protocol.v1.Join;
import io.tickwire.protocol.v1.Ping;
import io.tickwire.testsuite.fuzz.ChildProcesses;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Mixed hostile clients for minutes against a server in its own JVM with a small heap
 * ({@value #SERVER_HEAP}): WebSocket and protobuf ping floods that never read, blind-acking readers
 * that never read, join-and-reset loops and connections that never join, all at once, round after
 * round, while an SDK client keeps playing. After every round the server's heap is measured after
 * a full GC ({@code jcmd}); retained memory must not grow and the bystander must keep its tick rate.
 * <p>
 * Not in the default build (it runs for minutes):
 * {@code mvn -B verify -pl testsuite -am -Dtest=SoakTest -Dsurefire.failIfNoSpecifiedTests=false -Dtickwire.soak.minutes=3}.
 */
@EnabledIfSystemProperty(named = "tickwire.soak.minutes", matches = "\\d+")
class SoakTest
{
    private static final String SERVER_HEAP = "-Xmx96m";
    private static final long ROUND_MS = 10_000;
    private static final long ALLOWED_GROWTH_BYTES = 16L * 1024 * 1024;
    private static final Pattern HEAP_USED = Pattern.compile("used (\\d+)K");

    @Test
    void shouldHoldNoMoreMemoryAfterMinutesOfMixedHostileClients() throws Exception
    {
        final long minutes = Long.getLong("tickwire.soak.minutes");
        final ProcessBuilder builder = ChildProcesses.childJvm(ChildProcesses.RunServer.class);
        builder.command().add(1, SERVER_HEAP);
        final Process server = builder.start();
        final ExecutorService hostile = Executors.newFixedThreadPool(5);
        try
        {
            final BufferedReader out = new BufferedReader(new InputStreamReader(server.getInputStream(),
                StandardCharsets.UTF_8));
            String line;
            int port = -1;
            while ((line = out.readLine()) != null)
            {
                if (line.startsWith(ChildProcesses.PORT_LINE))
                {
                    port = Integer.parseInt(line.substring(ChildProcesses.PORT_LINE.length()).trim());
                    break;
                }
            }
            assertTrue(port > 0, "child server printed its port");
            final Thread drainer = new Thread(() -> drain(out), "soak-server-log");
            drainer.setDaemon(true);
            drainer.start();
            final URI uri = URI.create("ws://127.0.0.1:" + port + "/ws");

            final AtomicLong snapshots = new AtomicLong();
            final AtomicLong newestTick = new AtomicLong();
            try (TickwireClient client = new TickwireClient(ClientOptions.builder().uri(uri).build()))
            {
                final RoomSession bystander = client.joinByType("arena").get(10, TimeUnit.SECONDS);
                bystander.addListener(new SessionListener()
                {
                    @Override
                    public void onSnapshot(final RoomSession session, final SnapshotInfo info)
                    {
                        snapshots.incrementAndGet();
                        newestTick.set(info.tick());
                    }
                });
                final List<Long> heapAfterRound = new ArrayList<>();
                final List<Double> bystanderHz = new ArrayList<>();
                final List<Double> roomTickHz = new ArrayList<>();
                final long endNs = System.nanoTime() + TimeUnit.MINUTES.toNanos(minutes);
                while (System.nanoTime() - endNs < 0)
                {
                    final long before = snapshots.get();
                    final long tickBefore = newestTick.get();
                    final long roundStartNs = System.nanoTime();
                    final long roundEndNs = roundStartNs + TimeUnit.MILLISECONDS.toNanos(ROUND_MS);
                    final List<java.util.concurrent.Future<?>> tasks = new ArrayList<>();
                    tasks.add(hostile.submit(() -> flood(uri, Frames.frame(true, 0, Frames.OP_PING, new byte[125]), roundEndNs)));
                    tasks.add(hostile.submit(() -> flood(uri, binary(ClientMessage.newBuilder()
                        .setPing(Ping.newBuilder().setClientTime(1)).build()), roundEndNs)));
                    tasks.add(hostile.submit(() -> blindAcker(uri, roundEndNs)));
                    tasks.add(hostile.submit(() -> joinAndReset(uri, roundEndNs)));
                    tasks.add(hostile.submit(() -> neverJoin(uri, roundEndNs)));
                    for (final java.util.concurrent.Future<?> task : tasks)
                    {
                        task.get(ROUND_MS + 30_000, TimeUnit.MILLISECONDS);
                    }
                    final long roundNs = System.nanoTime() - roundStartNs;
                    bystanderHz.add((snapshots.get() - before) * 1e9 / roundNs);
                    roomTickHz.add((newestTick.get() - tickBefore) * 1e9 / roundNs);
                    heapAfterRound.add(heapUsedAfterGc(server.pid()));
                    System.out.printf("soak round %d: server heap after GC %,d KB, bystander room %.1f ticks/s, " +
                        "bystander received %.1f snapshots/s%n", heapAfterRound.size(),
                        heapAfterRound.get(heapAfterRound.size() - 1) / 1024, roomTickHz.get(roomTickHz.size() - 1),
                        bystanderHz.get(bystanderHz.size() - 1));
                }
                assertTrue(server.isAlive(), "server still running");
                assertTrue(bystander.isOpen(), "bystander still connected");
                final long first = heapAfterRound.get(0);
                final long last = heapAfterRound.get(heapAfterRound.size() - 1);
                assertTrue(last - first < ALLOWED_GROWTH_BYTES,
                    "retained heap grew from " + first + " to " + last + " B over " + heapAfterRound.size() + " rounds");
                // The room's own rate is the server's job: its ticks, as the bystander's snapshots number them.
                final double slowestRoom = roomTickHz.stream().mapToDouble(Double::doubleValue).min().orElse(0);
                assertTrue(slowestRoom >= 27.0, "bystander room kept its tick rate in every round: slowest " +
                    slowestRoom + " ticks/s");
                // What the bystander received also depends on its own share of a box the flooders saturate.
                final double slowestReceived = bystanderHz.stream().mapToDouble(Double::doubleValue).min().orElse(0);
                assertTrue(slowestReceived >= 15.0, "bystander never stalled: slowest round " + slowestReceived + " Hz");
            }
        }
        finally
        {
            hostile.shutdownNow();
            server.getOutputStream().close();
            if (!server.waitFor(10, TimeUnit.SECONDS))
            {
                server.destroyForcibly();
            }
        }
    }

    private static void flood(final URI uri, final byte[] frame, final long endNs)
    {
        final byte[] batch = Frames.concat(java.util.Collections.nCopies(64, frame).toArray(new byte[0][]));
        while (System.nanoTime() - endNs < 0)
        {
            try (RawWebSocket ws = RawWebSocket.connect(uri, 4096))
            {
                while (System.nanoTime() - endNs < 0 && ws.notes().isEmpty())
                {
                    ws.send(batch);
                }
            }
            catch (final java.io.IOException ex)
            {
                sleep(50);
            }
        }
    }

    private static void blindAcker(final URI uri, final long endNs)
    {
        while (System.nanoTime() - endNs < 0)
        {
            try (RawWebSocket ws = RawWebSocket.connect(uri, 4096))
            {
                ws.send(binary(ClientMessage.newBuilder().setJoin(Join.newBuilder()
                    .setProtocolVersion(ProtocolVersion.CURRENT).setRoomType("arena")).build()));
                int tick = 1;
                while (System.nanoTime() - endNs < 0 && ws.notes().isEmpty())
                {
                    ws.send(binary(ClientMessage.newBuilder().setAck(Ack.newBuilder().setTick(tick++)).build()));
                    sleep(33);
                }
            }
            catch (final java.io.IOException ex)
            {
                sleep(50);
            }
        }
    }

    private static void joinAndReset(final URI uri, final long endNs)
    {
        while (System.nanoTime() - endNs < 0)
        {
            try
            {
                final RawWebSocket ws = RawWebSocket.connect(uri);
                ws.send(binary(ClientMessage.newBuilder().setJoin(Join.newBuilder()
                    .setProtocolVersion(ProtocolVersion.CURRENT).setRoomType("arena")).build()));
                sleep(5);
                ws.reset();
            }
            catch (final java.io.IOException ex)
            {
                sleep(50);
            }
        }
    }

    private static void neverJoin(final URI uri, final long endNs)
    {
        final List<RawWebSocket> open = new ArrayList<>();
        try
        {
            while (System.nanoTime() - endNs < 0)
            {
                if (open.size() < 50)
                {
                    try
                    {
                        open.add(RawWebSocket.connect(uri));
                    }
                    catch (final java.io.IOException ex)
                    {
                        sleep(50);
                    }
                }
                for (final RawWebSocket ws : open)
                {
                    ws.send(Frames.frame(true, 0, Frames.OP_PING, new byte[8]));
                }
                sleep(100);
            }
        }
        finally
        {
            open.forEach(RawWebSocket::close);
        }
    }

    private static long heapUsedAfterGc(final long pid) throws Exception
    {
        final String jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd").toString();
        new ProcessBuilder(jcmd, String.valueOf(pid), "GC.run").redirectErrorStream(true).start().waitFor(30, TimeUnit.SECONDS);
        final Process info = new ProcessBuilder(jcmd, String.valueOf(pid), "GC.heap_info").redirectErrorStream(true).start();
        final String text = new String(info.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        info.waitFor(30, TimeUnit.SECONDS);
        final Matcher m = HEAP_USED.matcher(text);
        assertTrue(m.find(), "jcmd GC.heap_info: " + text);
        return Long.parseLong(m.group(1)) * 1024;
    }

    private static byte[] binary(final ClientMessage message)
    {
        return Frames.frame(true, 0, Frames.OP_BINARY, message.toByteArray());
    }

    private static void drain(final BufferedReader out)
    {
        try
        {
            while (out.readLine() != null)
            {
                // the child's log; read so its pipe never fills
            }
        }
        catch (final java.io.IOException ignored)
        {
            // the child exited
        }
    }

    private static void sleep(final long ms)
    {
        try
        {
            Thread.sleep(ms);
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
        }
    }
}
