package io.tickwire.server.room;

import io.tickwire.protocol.schema.EntitySchema;
import io.tickwire.server.game.GameLogic;
import io.tickwire.server.game.GameLogicFactory;
import io.tickwire.server.game.Player;
import io.tickwire.server.game.RoomContext;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.CachedNanoClock;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A room whose handle is retired while it is empty must leave its loop, whoever retired it. The directory retires
 * an empty room outside the loop when a create record is refused ({@link RoomDirectory#abandonCreate}, which
 * does not know whether a joiner's record started the room in the meantime). Before, the loop only removed a room
 * after retiring its handle itself, which fails on a handle already retired: the room ticked for ever, gone from
 * the directory and its counts.
 */
class RetiredRoomRemovalTest
{
    private static final int TICK_RATE_HZ = 10;
    private static final long PERIOD_NS = 100_000_000L;
    private static final EntitySchema SCHEMA = EntitySchema.builder().intField("v", 0, 1000).build();

    @Test
    void shouldRemoveAStartedRoomWhoseHandleWasRetiredWhileEmpty()
    {
        final CachedNanoClock clock = new CachedNanoClock();
        long nowNs = 1_000_000_000_000L;
        clock.update(nowNs);
        final GameLogicFactory factory = new GameLogicFactory()
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
        };
        final RoomDirectory directory = new RoomDirectory(Map.of("t", factory), 1, 10, 4, TICK_RATE_HZ);
        // A long linger: only the retired handle can take the room out during the test.
        final RoomLoopSettings settings = new RoomLoopSettings(
            TICK_RATE_HZ, 8, 5, 600_000, 5_000, 10_000, 64 * 1024, 10_000, 16);
        final RecordingLinks links = new RecordingLinks();
        final LoopCounters counters = new LoopCounters();
        final RoomLoop loop = new RoomLoop(0, settings, directory, links, new ResumeRegistry(),
            new DetachedSeats(settings.maxDetachedPerAddress()), clock, counters, LoopObserver.NOOP);

        // An operator's create is in the directory; a joiner by id starts the room and leaves.
        final RoomHandle room = directory.create("t", "r", Map.of(), RoomHandle.LINGER).handle();
        assertTrue(directory.joinById("r").isJoined());
        final RecordingLinks.RecordingLink link = links.open();
        InboundRecords.offerJoin(loop.inbound(), link.connectionId(), room.key());
        loop.doWork();
        assertTrue(room.isStarted());
        InboundRecords.offerLeave(loop.inbound(), link.connectionId(), 1000);
        loop.doWork();
        assertEquals(0, room.seatsTaken());

        // The operator's create record did not fit the ring: the directory takes the (now empty) room back.
        assertTrue(directory.abandonCreate(room));
        assertNull(directory.byId("r"));

        for (int i = 0; i < 5; i++)
        {
            nowNs += PERIOD_NS;
            clock.update(nowNs);
            loop.doWork();
        }
        assertEquals(1, counters.roomsClosed, "the loop closed the room whose handle was retired");
        final int tickAfterClose = room.currentTick();
        for (int i = 0; i < 5; i++)
        {
            nowNs += PERIOD_NS;
            clock.update(nowNs);
            loop.doWork();
        }
        assertEquals(tickAfterClose, room.currentTick(), "a removed room does not tick");
    }
}
