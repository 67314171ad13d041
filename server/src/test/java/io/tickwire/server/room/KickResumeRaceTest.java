package io.tickwire.server.room;

import io.tickwire.protocol.CloseCodes;
import io.tickwire.protocol.schema.EntitySchema;
import io.tickwire.server.game.GameLogic;
import io.tickwire.server.game.GameLogicFactory;
import io.tickwire.server.game.Player;
import io.tickwire.server.game.RoomContext;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.CachedNanoClock;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

/**
 * A kicked player's connection and its client's next connection are two producers into the room loop's ring:
 * the new connection's RESUME can arrive before the kicked connection's LEAVE (or, for a player kicked while
 * detached, before the tick that removes it). A kick ends the player ({@code onLeave}, not consented, seat given
 * back), so that resume must be refused rather than take the player back. Driven on the test's thread with an
 * injected clock, records in the order the two event loops could have written them.
 */
class KickResumeRaceTest
{
    private static final int TICK_RATE_HZ = 10;
    private static final long PERIOD_NS = 100_000_000L;
    private static final long T0 = 1_000_000_000_000L;
    private static final int KICK = 7;
    private static final int KICK_CODE = 4150;
    private static final EntitySchema SCHEMA = EntitySchema.builder().intField("v", 0, 1000).build();

    private final CachedNanoClock clock = new CachedNanoClock();
    private final RecordingLinks links = new RecordingLinks();
    private final ResumeRegistry resumes = new ResumeRegistry();
    private final List<String> events = new ArrayList<>();
    private RoomDirectory directory;
    private RoomLoop loop;
    private long nowNs = T0;

    /** Message {@link #KICK} kicks the player whose session id is its payload. */
    private final class KickingGame implements GameLogic
    {
        @Override
        public void onJoin(final RoomContext room, final Player player)
        {
            player.entityId(room.world().createEntity());
            events.add("join " + player.sessionId());
        }

        @Override
        public void onInput(final RoomContext room, final Player player, final int seq, final DirectBuffer payload,
            final int offset, final int length)
        {
        }

        @Override
        public void onMessage(final RoomContext room, final Player player, final int type, final DirectBuffer payload,
            final int offset, final int length)
        {
            final String target = payload.getStringWithoutLengthAscii(offset, length);
            for (final Player p : room.players())
            {
                if (p.sessionId().equals(target))
                {
                    room.kick(p, KICK_CODE, "kicked");
                }
            }
        }

        @Override
        public void onTick(final RoomContext room, final int tick)
        {
        }

        @Override
        public void onDetach(final RoomContext room, final Player player)
        {
            events.add("detach " + player.sessionId());
        }

        @Override
        public void onResume(final RoomContext room, final Player player)
        {
            events.add("resume " + player.sessionId());
        }

        @Override
        public void onLeave(final RoomContext room, final Player player, final boolean consented)
        {
            events.add("leave " + player.sessionId() + " consented=" + consented);
        }
    }

    @BeforeEach
    void setUp()
    {
        clock.update(T0);
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
                return new KickingGame();
            }
        };
        directory = new RoomDirectory(Map.of("kick", factory), 1, 10, 4, TICK_RATE_HZ);
        final RoomLoopSettings settings = new RoomLoopSettings(
            TICK_RATE_HZ, 8, 5, 10_000, 5_000, 10_000, 64 * 1024, 10_000, 16);
        loop = new RoomLoop(0, settings, directory, links, resumes, new DetachedSeats(settings.maxDetachedPerAddress()),
            clock, new LoopCounters(), LoopObserver.NOOP);
    }

    private void work()
    {
        clock.update(nowNs);
        loop.doWork();
    }

    private void tick()
    {
        nowNs += PERIOD_NS;
        work();
    }

    /**
     * A player that joined (its seat reserved by the directory) and acknowledged a snapshot, so a lost connection
     * keeps it for a resume.
     */
    private RecordingLinks.RecordingLink joinAndAck(final JoinResult seat)
    {
        final RoomHandle room = seat.handle();
        final RecordingLinks.RecordingLink link = links.open();
        InboundRecords.offerJoin(loop.inbound(), link.connectionId(), room.key());
        work();
        tick();
        InboundRecords.offerAck(loop.inbound(), link.connectionId(), room.currentTick(), 0);
        work();
        return link;
    }

    private void kick(final RecordingLinks.RecordingLink by, final RecordingLinks.RecordingLink target)
    {
        final UnsafeBuffer payload = new UnsafeBuffer(target.sessionId().getBytes(StandardCharsets.US_ASCII));
        InboundRecords.offerMessage(loop.inbound(), by.connectionId(), KICK, payload, payload.capacity());
    }

    private void resume(final RecordingLinks.RecordingLink with, final RecordingLinks.RecordingLink of)
    {
        final ResumeRegistry.Target target = resumes.lookup(of.resumeToken());
        assertNotNull(target, "the event loop found the token before the room loop took the kick");
        InboundRecords.offerResume(loop.inbound(), with.connectionId(), target.playerKey());
    }

    @Test
    void shouldRefuseAResumeThatArrivesBeforeTheKickedConnectionsLeave()
    {
        final JoinResult seat = directory.joinOrCreate("kick");
        final RoomHandle room = seat.handle();
        final RecordingLinks.RecordingLink kicked = joinAndAck(seat);
        kick(kicked, kicked);
        work();
        assertEquals(KICK_CODE, kicked.closeCode());

        // The kicked client reconnects with its token; its new connection's event loop is faster than its old one's.
        final RecordingLinks.RecordingLink comeback = links.open();
        resume(comeback, kicked);
        work();
        InboundRecords.offerLeave(loop.inbound(), kicked.connectionId(), KICK_CODE);
        work();
        tick();

        assertEquals(CloseCodes.RESUME_REJECTED, comeback.closeCode(), "events: " + events);
        assertEquals(List.of("join " + kicked.sessionId(), "leave " + kicked.sessionId() + " consented=false"),
            events);
        assertEquals(0, room.seatsTaken());
        assertEquals(0, room.players());
    }

    @Test
    void shouldRefuseAResumeThatArrivesBetweenADetachedPlayersKickAndItsRemoval()
    {
        final JoinResult seat = directory.joinOrCreate("kick");
        final RoomHandle room = seat.handle();
        final RecordingLinks.RecordingLink kicker = joinAndAck(seat);
        final RecordingLinks.RecordingLink lost = joinAndAck(directory.joinById(room.id()));
        // Connection lost without a close: the player is kept for its grace.
        InboundRecords.offerLeave(loop.inbound(), lost.connectionId(), 0);
        work();

        // The game kicks the detached player; its client's resume is in the same batch of records.
        kick(kicker, lost);
        final RecordingLinks.RecordingLink comeback = links.open();
        resume(comeback, lost);
        work();
        tick();

        assertEquals(CloseCodes.RESUME_REJECTED, comeback.closeCode(), "events: " + events);
        assertEquals(List.of("join " + kicker.sessionId(), "join " + lost.sessionId(), "detach " + lost.sessionId(),
            "leave " + lost.sessionId() + " consented=false"), events);
        assertEquals(1, room.seatsTaken());
        assertEquals(1, room.players());
    }
}
