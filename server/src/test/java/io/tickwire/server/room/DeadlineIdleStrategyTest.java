package io.tickwire.server.room;

import io.tickwire.protocol.schema.EntitySchema;
import io.tickwire.server.game.GameLogic;
import io.tickwire.server.game.GameLogicFactory;
import io.tickwire.server.game.Player;
import io.tickwire.server.game.RoomContext;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.AgentRunner;
import org.agrona.concurrent.SystemNanoClock;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A real room loop thread parked by {@link DeadlineIdleStrategy}: work that cannot wait for the next
 * tick wakes it, and closing it does not wait for a park to end.
 */
class DeadlineIdleStrategyTest
{
    /** Far longer than the test may take: anything seen before it ends was woken, not timed out. */
    private static final long PARK_NS = TimeUnit.SECONDS.toNanos(120);
    private static final EntitySchema SCHEMA = EntitySchema.builder().intField("v", 0, 10).build();

    @Test
    @Timeout(30)
    void shouldWakeAParkedLoopForARoomCreatedWhileItSleeps() throws InterruptedException
    {
        final RoomDirectory directory = new RoomDirectory(Map.of("test", new IdleGameFactory()), 1, 10, 4, 30);
        final RoomLoopSettings settings = new RoomLoopSettings(30, 8, 5, 10_000, 5_000, 10_000, 64 * 1024, 10_000, 16);
        final RoomLoop loop = new RoomLoop(0, settings, directory, new RecordingLinks(), new ResumeRegistry(),
            new DetachedSeats(16), SystemNanoClock.INSTANCE, new LoopCounters(), LoopObserver.NOOP);
        final AgentRunner runner = new AgentRunner(
            new DeadlineIdleStrategy(loop, SystemNanoClock.INSTANCE, PARK_NS), Throwable::printStackTrace, null, loop);
        final Thread thread = AgentRunner.startOnThread(runner);
        try
        {
            awaitParked(thread);
            final RoomHandle handle = directory.create("test", "room-1");
            assertNotNull(handle);
            assertTrue(InboundRecords.offerCreateRoom(loop.inbound(), handle.key()));
            loop.wake();
            while (loop.roomCount() == 0)
            {
                Thread.sleep(1);
            }
            assertEquals(1, loop.roomCount());
            // With a room, the loop parks only until the room's next tick: it keeps ticking.
            final long ticksBefore = loop.counters().ticks;
            while (loop.counters().ticks < ticksBefore + 3)
            {
                Thread.sleep(5);
            }
        }
        finally
        {
            loop.stopParking();
            runner.close();
        }
        assertTrue(!thread.isAlive(), "the loop thread stopped");
    }

    private static void awaitParked(final Thread thread) throws InterruptedException
    {
        while (thread.getState() != Thread.State.TIMED_WAITING)
        {
            Thread.sleep(1);
        }
    }

    private static final class IdleGameFactory implements GameLogicFactory
    {
        @Override
        public EntitySchema schema()
        {
            return SCHEMA;
        }

        @Override
        public GameLogic create(final RoomContext context)
        {
            return new GameLogic()
            {
                @Override
                public void onJoin(final RoomContext room, final Player player)
                {
                }

                @Override
                public void onLeave(final RoomContext room, final Player player, final boolean consented)
                {
                }

                @Override
                public void onInput(final RoomContext room, final Player player, final int seq,
                    final DirectBuffer payload, final int offset, final int length)
                {
                }

                @Override
                public void onTick(final RoomContext room, final int tick)
                {
                }
            };
        }
    }
}
