package io.tickwire.server.e2e;

import io.tickwire.client.RoomSession;
import io.tickwire.client.SessionListener;
import io.tickwire.client.SnapshotInfo;
import io.tickwire.client.TickwireClient;
import io.tickwire.protocol.schema.EntitySchema;
import io.tickwire.server.TickwireServer;
import io.tickwire.server.game.GameLogic;
import io.tickwire.server.game.GameLogicFactory;
import io.tickwire.server.game.Player;
import io.tickwire.server.game.RoomContext;
import io.tickwire.server.game.World;
import io.tickwire.server.room.RoomHandle;
import org.agrona.DirectBuffer;

import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import static io.tickwire.server.support.Await.awaitTrue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

/**
 * Holds the server to "one encode per distinct baseline per room tick", exactly: the server's own
 * {@code encodes} counter against the distinct (tick, baseline tick) pairs its clients received.
 * <p>
 * Server side, the wrapped game reads its loop's {@code encodes} at the start of every
 * {@code onTick(tick)}: on the loop thread, between the previous tick's send and this tick's, so the
 * value is exactly the encodes of all ticks before {@code tick}, with no race. Client side, a
 * listener registered on each client before it joins records every applied snapshot's tick and
 * baseline, so a client joining mid-window is seen from its first (full) snapshot. Only for a server
 * with one room: the counter is per loop.
 * <p>
 * Thread: the game wrapper runs on the room loop, the listeners on the clients' event loops, the
 * checks on the test thread; everything shared is concurrent.
 */
final class EncodeLedger
{
    private final AtomicReference<TickwireServer> server = new AtomicReference<>();
    private final ConcurrentMap<Integer, Long> encodesBeforeTick = new ConcurrentHashMap<>();
    private final Set<Long> receivedPairs = ConcurrentHashMap.newKeySet();
    private final ConcurrentMap<Integer, AtomicInteger> receivedPerTick = new ConcurrentHashMap<>();
    private final List<RoomSession> sessions = new CopyOnWriteArrayList<>();
    private final ConcurrentMap<RoomSession, Integer> newestTick = new ConcurrentHashMap<>();

    /**
     * @param factory the real game.
     * @return the same game, reading the encode counter at the start of each tick once
     * {@link #serverStarted} has been called.
     */
    GameLogicFactory counting(final GameLogicFactory factory)
    {
        return new GameLogicFactory()
        {
            @Override
            public EntitySchema schema()
            {
                return factory.schema();
            }

            @Override
            public GameLogic create(final RoomContext context)
            {
                return new CountingGame(factory.create(context), context.roomId());
            }
        };
    }

    void serverStarted(final TickwireServer server)
    {
        this.server.set(server);
    }

    /**
     * Record every snapshot the client applies from now on; call before it joins.
     */
    void watch(final TickwireClient client)
    {
        client.addListener(new SessionListener()
        {
            @Override
            public void onSnapshot(final RoomSession session, final SnapshotInfo info)
            {
                receivedPairs.add((long)info.tick() << 32 | Integer.toUnsignedLong(info.baselineTick()));
                receivedPerTick.computeIfAbsent(info.tick(), t -> new AtomicInteger()).incrementAndGet();
                newestTick.merge(session, info.tick(), Math::max);
            }
        });
    }

    /**
     * @param session a watched client's session, once joined.
     */
    void joined(final RoomSession session)
    {
        sessions.add(session);
    }

    /**
     * @return the ticks that have started so far (the room's current tick, as the game saw it).
     */
    int startedTick()
    {
        return encodesBeforeTick.keySet().stream().mapToInt(Integer::intValue).max().orElse(0);
    }

    /**
     * Wait until tick {@code toTick} has started and every joined client has applied a snapshot of
     * that tick or later (so it has every earlier frame the server wrote to it), then assert that
     * the server encoded ticks [fromTick, toTick) exactly once per distinct baseline its clients got.
     *
     * @return snapshots the clients applied for ticks [fromTick, toTick).
     */
    long assertOneEncodePerDistinctBaseline(final int fromTick, final int toTick) throws InterruptedException
    {
        assertNotNull(encodesBeforeTick.get(fromTick), () -> "tick " + fromTick + " was seen by the game");
        awaitTrue(() -> encodesBeforeTick.containsKey(toTick), 10_000, () -> "tick " + toTick + " starts");
        for (final RoomSession session : sessions)
        {
            awaitTrue(() -> newestTick.getOrDefault(session, 0) >= toTick, 10_000,
                () -> session + " applies tick " + toTick + ", newest=" + newestTick.get(session));
            assertEquals(0, session.stats().staleSnapshots() + session.stats().baselineMisses() +
                session.stats().protocolErrors(), () -> "every snapshot written was applied: " + session.stats());
        }
        final long encodes = encodesBeforeTick.get(toTick) - encodesBeforeTick.get(fromTick);
        long pairs = 0;
        for (final long pair : receivedPairs)
        {
            final int tick = (int)(pair >>> 32);
            if (tick >= fromTick && tick < toTick)
            {
                pairs++;
            }
        }
        long received = 0;
        for (int tick = fromTick; tick < toTick; tick++)
        {
            final AtomicInteger n = receivedPerTick.get(tick);
            received += n == null ? 0 : n.get();
        }
        System.out.println("ticks [" + fromTick + ", " + toTick + "): encodes=" + encodes + ", distinct (tick, baseline)=" +
            pairs + ", snapshots received=" + received + ", clients=" + sessions.size());
        assertEquals(pairs, encodes, "encodes of ticks [" + fromTick + ", " + toTick + ") against the distinct " +
            "(tick, baseline) pairs " + sessions.size() + " clients received, snapshots received=" + received);
        return received;
    }

    private final class CountingGame implements GameLogic
    {
        private final GameLogic delegate;
        private final String roomId;

        CountingGame(final GameLogic delegate, final String roomId)
        {
            this.delegate = delegate;
            this.roomId = roomId;
        }

        @Override
        public void onCreate(final RoomContext room, final java.util.Map<String, String> options)
        {
            delegate.onCreate(room, options);
        }

        @Override
        public void onJoin(final RoomContext room, final Player player)
        {
            delegate.onJoin(room, player);
        }

        @Override
        public void onInput(final RoomContext room, final Player player, final int seq, final DirectBuffer payload,
            final int offset, final int length)
        {
            delegate.onInput(room, player, seq, payload, offset, length);
        }

        @Override
        public void onTick(final RoomContext room, final int tick)
        {
            final TickwireServer s = server.get();
            final RoomHandle handle = s == null ? null : s.room(roomId);
            if (handle != null)
            {
                encodesBeforeTick.put(tick, s.loop(handle.loopIndex()).counters().encodes);
            }
            delegate.onTick(room, tick);
        }

        @Override
        public void onLeave(final RoomContext room, final Player player, final boolean consented)
        {
            delegate.onLeave(room, player, consented);
        }
    }
}
