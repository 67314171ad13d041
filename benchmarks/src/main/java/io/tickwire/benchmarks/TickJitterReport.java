package io.tickwire.benchmarks;

import io.tickwire.protocol.schema.EntitySchema;
import io.tickwire.server.ServerOptions;
import io.tickwire.server.TickwireServer;
import io.tickwire.server.game.GameLogic;
import io.tickwire.server.game.GameLogicFactory;
import io.tickwire.server.game.Player;
import io.tickwire.server.game.RoomContext;
import io.tickwire.server.game.arena.ArenaGame;
import io.tickwire.server.room.LoopCounters;
import org.agrona.DirectBuffer;

import java.util.Arrays;
import java.util.concurrent.TimeUnit;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Tick-start jitter: runs a real {@link TickwireServer} with one room loop hosting N arena rooms
 * (NPCs moving, no players) and records, at the start of every {@code onTick}, when the tick began
 * against that room's grid ({@code onStart} time + tick x period; negative: early). Rooms are created
 * one at a time, each in a duty cycle of its own, so {@code onStart} runs shortly after the clock
 * read the room's deadlines count from, and this raw lateness reads that much low; on a saturated
 * machine "shortly" can be milliseconds. So a second figure takes each room's lateness relative to
 * its earliest tick start: that cannot read low by more than the earliest start was late (a wake-up's
 * slack), and reads high by up to 1 ms when the loop started a tick early (it may, by
 * {@code RoomLoop.COALESCE_NS}). Prints both, the ticks skipped and the process's CPU. A room that
 * skips tick slots (more than {@code maxCatchUpTicks} behind) leaves the grid for good: every later
 * tick then reads late by the skipped periods, so a run with {@code ticksSkipped > 0} measures lost
 * ticks, not start jitter. Optional busy threads saturate the machine, to see whether
 * the loop still wakes in time when it has to compete for a core.
 * <p>
 * Uses only public server API, so it runs against an older server jar too (A/B): put that jar first
 * on the class path, e.g.
 * {@code java -cp old-server.jar:benchmarks/target/tickwire-benchmarks.jar io.tickwire.benchmarks.TickJitterReport}.
 * <p>
 * Arguments (all optional, in order): rooms (100), tick rate Hz (30), seconds measured (20), busy
 * threads (0), NPCs per room (10), the server's idle max park in ns (its default). The first 3 s
 * after the rooms are up are a warm-up and not recorded.
 * <p>
 * Thread: main starts the server and reads results; lateness is recorded on the room loop thread
 * into a pre-sized array, published by the server stop.
 */
public final class TickJitterReport
{
    private static final long WARMUP_NS = TimeUnit.SECONDS.toNanos(3);

    private TickJitterReport()
    {
    }

    public static void main(final String[] args) throws Exception
    {
        final int rooms = args.length > 0 ? Integer.parseInt(args[0]) : 100;
        final int tickRateHz = args.length > 1 ? Integer.parseInt(args[1]) : 30;
        final int seconds = args.length > 2 ? Integer.parseInt(args[2]) : 20;
        final int busyThreads = args.length > 3 ? Integer.parseInt(args[3]) : 0;
        final int npcs = args.length > 4 ? Integer.parseInt(args[4]) : 10;
        final long idleMaxParkNs = args.length > 5 ? Long.parseLong(args[5]) : 0;
        final long periodNs = 1_000_000_000L / tickRateHz;
        final long[] latenessNs = new long[rooms * tickRateHz * (seconds + 2)];
        final int[] roomOf = new int[latenessNs.length];
        final long[] earliestNs = new long[rooms];
        Arrays.fill(earliestNs, Long.MAX_VALUE);
        final int[] recorded = new int[1];
        final AtomicInteger started = new AtomicInteger();
        final AtomicLong measureFromNs = new AtomicLong(Long.MAX_VALUE);
        final GameLogicFactory arena = ArenaGame.factory(npcs);
        final GameLogicFactory timed = new GameLogicFactory()
        {
            @Override
            public EntitySchema schema()
            {
                return arena.schema();
            }

            @Override
            public GameLogic create(final RoomContext context)
            {
                final int room = Integer.parseInt(context.roomId().substring("timed-".length()));
                return new TimedGame(arena.create(context), room, periodNs, measureFromNs, latenessNs, roomOf,
                    earliestNs, recorded, started);
            }
        };
        final ServerOptions.Builder builder = ServerOptions.builder()
            .host("127.0.0.1").port(0).adminPort(-1)
            .roomLoops(1).tickRateHz(tickRateHz).maxRooms(rooms + 1).roomLingerMs(3_600_000)
            .roomType("timed", timed);
        if (idleMaxParkNs > 0)
        {
            builder.idleMaxParkNs(idleMaxParkNs);
        }
        final ServerOptions options = builder.build();
        final Thread[] burners = new Thread[busyThreads];
        final long cpuBeforeNs;
        final long wallBeforeNs;
        final long skipped;
        final long overruns;
        try (TickwireServer server = TickwireServer.start(options))
        {
            for (int i = 0; i < rooms; i++)
            {
                // One at a time, so each room starts in a duty cycle of its own, close to the cycle's clock read.
                server.createRoom("timed", "timed-" + i);
                while (started.get() <= i)
                {
                    Thread.onSpinWait();
                }
            }
            for (int i = 0; i < busyThreads; i++)
            {
                burners[i] = new Thread(TickJitterReport::burn, "busy-" + i);
                burners[i].setDaemon(true);
                burners[i].start();
            }
            measureFromNs.set(System.nanoTime() + WARMUP_NS);
            Thread.sleep(TimeUnit.NANOSECONDS.toMillis(WARMUP_NS));
            cpuBeforeNs = processCpuNs();
            wallBeforeNs = System.nanoTime();
            Thread.sleep(seconds * 1000L);
            long s = 0;
            long o = 0;
            for (final LoopCounters c : server.loopCounters())
            {
                s += c.ticksSkipped;
                o += c.tickOverruns;
            }
            skipped = s;
            overruns = o;
        }
        final double cpuPercent = 100.0 * (processCpuNs() - cpuBeforeNs) / (System.nanoTime() - wallBeforeNs);
        final int n = Math.min(recorded[0], latenessNs.length);
        final long[] sorted = Arrays.copyOf(latenessNs, n);
        Arrays.sort(sorted);
        final long[] relative = new long[n];
        for (int i = 0; i < n; i++)
        {
            relative[i] = latenessNs[i] - earliestNs[roomOf[i]];
        }
        Arrays.sort(relative);
        System.out.printf(
            "tick-start lateness: rooms=%d tickRateHz=%d seconds=%d busyThreads=%d npcs=%d ticks=%d%n" +
            "  raw:                      p50=%.3f ms p90=%.3f ms p99=%.3f ms p99.9=%.3f ms max=%.3f ms%n" +
            "  relative to room's best:  p50=%.3f ms p90=%.3f ms p99=%.3f ms p99.9=%.3f ms max=%.3f ms%n" +
            "  ticksSkipped=%d tickOverruns=%d processCpu=%.1f %% of one core (busy threads included)%n",
            rooms, tickRateHz, seconds, busyThreads, npcs, n,
            ms(sorted, 0.50), ms(sorted, 0.90), ms(sorted, 0.99), ms(sorted, 0.999),
            n == 0 ? 0.0 : sorted[n - 1] / 1e6,
            ms(relative, 0.50), ms(relative, 0.90), ms(relative, 0.99), ms(relative, 0.999),
            n == 0 ? 0.0 : relative[n - 1] / 1e6, skipped, overruns, cpuPercent);
    }

    private static double ms(final long[] sorted, final double quantile)
    {
        if (sorted.length == 0)
        {
            return 0;
        }
        return sorted[(int)Math.min(sorted.length - 1, Math.ceil(quantile * sorted.length) - 1)] / 1e6;
    }

    private static long processCpuNs()
    {
        return ((com.sun.management.OperatingSystemMXBean)java.lang.management.ManagementFactory
            .getOperatingSystemMXBean()).getProcessCpuTime();
    }

    private static void burn()
    {
        long x = 0;
        while (true)
        {
            x += System.nanoTime() & 1;
            if (x == Long.MIN_VALUE)
            {
                System.out.print("");
            }
        }
    }

    /**
     * Records how late each tick starts, then runs the real game's tick. Room loop thread only.
     */
    private static final class TimedGame implements GameLogic
    {
        private final GameLogic game;
        private final long periodNs;
        private final AtomicLong measureFromNs;
        private final int room;
        private final long[] latenessNs;
        private final int[] roomOf;
        private final long[] earliestNs;
        private final int[] recorded;
        private final AtomicInteger started;
        private long startNs;

        TimedGame(final GameLogic game, final int room, final long periodNs, final AtomicLong measureFromNs,
            final long[] latenessNs, final int[] roomOf, final long[] earliestNs, final int[] recorded,
            final AtomicInteger started)
        {
            this.game = game;
            this.room = room;
            this.roomOf = roomOf;
            this.earliestNs = earliestNs;
            this.periodNs = periodNs;
            this.measureFromNs = measureFromNs;
            this.latenessNs = latenessNs;
            this.recorded = recorded;
            this.started = started;
        }

        @Override
        public void onCreate(final RoomContext context, final Map<String, String> options)
        {
            startNs = System.nanoTime();
            game.onCreate(context, options);
            started.incrementAndGet();
        }

        @Override
        public void onTick(final RoomContext context, final int tick)
        {
            final long nowNs = System.nanoTime();
            final long rawNs = nowNs - (startNs + tick * periodNs);
            if (rawNs < earliestNs[room])
            {
                earliestNs[room] = rawNs;
            }
            if (nowNs - measureFromNs.get() >= 0 && recorded[0] < latenessNs.length)
            {
                roomOf[recorded[0]] = room;
                latenessNs[recorded[0]++] = rawNs;
            }
            game.onTick(context, tick);
        }

        @Override
        public void onJoin(final RoomContext context, final Player player)
        {
            game.onJoin(context, player);
        }

        @Override
        public void onLeave(final RoomContext context, final Player player, final boolean consented)
        {
            game.onLeave(context, player, consented);
        }

        @Override
        public void onInput(final RoomContext context, final Player player, final int seq, final DirectBuffer payload,
            final int offset, final int length)
        {
            game.onInput(context, player, seq, payload, offset, length);
        }
    }
}
