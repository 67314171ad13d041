package io.tickwire.server.room;

import io.tickwire.protocol.schema.EntitySchema;
import io.tickwire.server.game.GameLogic;
import io.tickwire.server.game.GameLogicFactory;
import io.tickwire.server.game.Player;
import io.tickwire.server.game.RoomContext;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.CachedNanoClock;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

/**
 * Room types declare their own tick rate, and one room loop ticks a 20 Hz room and a 30 Hz room side by
 * side, each on its own absolute deadlines: injected clock, {@code doWork()} called by the test.
 */
class MixedTickRatesTest
{
    private static final long MS = 1_000_000L;
    private static final long T0 = 5_000_000_000_000L;
    private static final EntitySchema SCHEMA = EntitySchema.builder().intField("v", 0, 10).build();

    private final CachedNanoClock clock = new CachedNanoClock();
    private final Map<String, List<Long>> tickTimesNs = Map.of("slow", new ArrayList<>(), "fast", new ArrayList<>());

    private GameLogicFactory type(final int tickRateHz)
    {
        return new GameLogicFactory()
        {
            @Override
            public EntitySchema schema()
            {
                return SCHEMA;
            }

            @Override
            public int tickRateHz()
            {
                return tickRateHz;
            }

            @Override
            public GameLogic create(final RoomContext room)
            {
                final List<Long> times = tickTimesNs.get(room.roomType());
                return new GameLogic()
                {
                    @Override
                    public void onJoin(final RoomContext r, final Player player)
                    {
                    }

                    @Override
                    public void onInput(final RoomContext r, final Player player, final int seq,
                        final DirectBuffer payload, final int offset, final int length)
                    {
                    }

                    @Override
                    public void onTick(final RoomContext r, final int tick)
                    {
                        assertEquals(times.size() + 1, tick, "ticks are consecutive");
                        times.add(clock.nanoTime() - T0);
                    }

                    @Override
                    public void onLeave(final RoomContext r, final Player player, final boolean consented)
                    {
                    }
                };
            }
        };
    }

    @Test
    void shouldTickA20HzRoomBesideA30HzRoomOnOneLoop()
    {
        clock.update(T0);
        final RoomDirectory directory = new RoomDirectory(
            Map.of("slow", type(20), "fast", type(30)), 1, 10, 4, 60);
        final RoomLoopSettings settings = new RoomLoopSettings(60, 8, 5, 60_000, 5_000, 10_000, 64 * 1024, 10_000, 16);
        final RoomLoop loop = new RoomLoop(0, settings, directory, new RecordingLinks(), new ResumeRegistry(),
            new DetachedSeats(settings.maxDetachedPerAddress()), clock, new LoopCounters(), LoopObserver.NOOP);
        final RoomHandle slow = directory.create("slow", "slow-1");
        final RoomHandle fast = directory.create("fast", "fast-1");
        assertNotNull(slow);
        assertNotNull(fast);
        assertEquals(20, slow.tickRateHz());
        assertEquals(30, fast.tickRateHz());
        InboundRecords.offerCreateRoom(loop.inbound(), slow.key());
        InboundRecords.offerCreateRoom(loop.inbound(), fast.key());
        loop.doWork();
        assertEquals(2, loop.roomCount());

        for (long nowMs = 1; nowMs <= 1_000; nowMs++)
        {
            clock.update(T0 + nowMs * MS);
            loop.doWork();
        }

        assertEquals(20, tickTimesNs.get("slow").size(), () -> "slow ticks: " + tickTimesNs.get("slow"));
        assertEquals(30, tickTimesNs.get("fast").size(), () -> "fast ticks: " + tickTimesNs.get("fast"));
        for (int i = 0; i < 20; i++)
        {
            // Deadlines are whole periods from the start; a tick runs at the first millisecond the test
            // steps that is less than RoomLoop.COALESCE_NS before its deadline (nearby deadlines share a wake-up).
            assertEquals(dueMs(50_000_000L * (i + 1)), tickTimesNs.get("slow").get(i), "slow tick " + (i + 1));
        }
        for (int i = 0; i < 30; i++)
        {
            assertEquals(dueMs((i + 1) * (1_000_000_000L / 30)), tickTimesNs.get("fast").get(i), "fast tick " + (i + 1));
        }
        assertEquals(0, loop.counters().tickOverruns);
        assertEquals(0, loop.counters().ticksSkipped);
    }

    private static long dueMs(final long deadlineNs)
    {
        return ((deadlineNs - RoomLoop.COALESCE_NS) / MS + 1) * MS;
    }
}
