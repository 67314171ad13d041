package io.tickwire.server.e2e;

import io.tickwire.client.ClientOptions;
import io.tickwire.client.RoomSession;
import io.tickwire.client.SessionListener;
import io.tickwire.client.SnapshotInfo;
import io.tickwire.client.TickwireClient;
import io.tickwire.protocol.delta.WorldState;
import io.tickwire.server.ServerOptions;
import io.tickwire.server.TickwireServer;
import io.tickwire.server.game.arena.ArenaGame;
import io.tickwire.server.room.LoopCounters;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import static io.tickwire.server.support.Await.awaitTrue;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A client that stops reading for several seconds: the server skips it while its channel is
 * unwritable, keeps what it buffers for it under the write-buffer high-water mark plus one frame,
 * keeps ticking the room for the other player on time, and when the client reads again the delta
 * against its old ack brings its mirror back to the exact server state.
 */
class SlowConsumerTest
{
    private static final int HIGH_WATER_MARK = 64 * 1024;
    private static final int LOW_WATER_MARK = 32 * 1024;
    private static final int NPCS = 3_000;
    private static final long PAUSE_MS = 4_000;

    private final ConcurrentMap<String, ConcurrentMap<Integer, WorldState>> recorded = new ConcurrentHashMap<>();
    private final List<TickwireClient> clients = new ArrayList<>();
    private TickwireServer server;

    @AfterEach
    void tearDown()
    {
        clients.forEach(TickwireClient::close);
        if (server != null)
        {
            server.close();
        }
    }

    @Test
    @Timeout(90)
    void shouldBoundMemoryForClientThatStopsReadingAndResyncItExactly() throws Exception
    {
        server = TickwireServer.start(ServerOptions.builder()
            .host("127.0.0.1")
            .port(0)
            .adminPort(-1)
            .roomLoops(1)
            .writeBufferWaterMark(LOW_WATER_MARK, HIGH_WATER_MARK)
            .socketSendBufferBytes(32 * 1024)
            .slowClientTimeoutMs(30_000)
            .ackTimeoutMs(30_000)
            .roomType(ArenaGame.TYPE, RecordingGame.recording(ArenaGame.factory(NPCS), recorded, 400))
            .build());
        final RoomSession slow = join(ArenaGame.TYPE, null);
        final RoomSession steady = join(null, slow.roomId());
        final CopyOnWriteArrayList<Long> steadyArrivalsNs = new CopyOnWriteArrayList<>();
        steady.addListener(new SessionListener()
        {
            @Override
            public void onSnapshot(final RoomSession session, final SnapshotInfo info)
            {
                steadyArrivalsNs.add(System.nanoTime());
            }
        });
        awaitTrue(() -> slow.stats().deltaSnapshots() > 10, "slow client is in sync before it stops reading");
        // A reference window of the same length with both clients reading, to compare against.
        final long referenceStartNs = System.nanoTime();
        Thread.sleep(PAUSE_MS);
        final long referenceEndNs = System.nanoTime();
        final long skipped0 = skipped();

        slow.suspendReading();
        final long pauseStartNs = System.nanoTime();
        long maxPending = 0;
        while (System.nanoTime() - pauseStartNs < TimeUnit.MILLISECONDS.toNanos(PAUSE_MS))
        {
            maxPending = Math.max(maxPending, server.pendingOutboundBytes(slow.sessionId()));
            Thread.sleep(5);
        }
        final long pauseEndNs = System.nanoTime();

        assertTrue(maxPending >= LOW_WATER_MARK,
            "the paused client really backed up the server: maxPending=" + maxPending + ", open=" + slow.isOpen() +
            ", pendingNow=" + server.pendingOutboundBytes(slow.sessionId()) + ", sessions=" + server.sessions().size() +
            ", stats=" + slow.stats());
        assertTrue(maxPending <= HIGH_WATER_MARK + 64 * 1024,
            "server memory for the paused client stays under the high-water mark plus one frame: maxPending=" +
            maxPending + ", highWaterMark=" + HIGH_WATER_MARK);
        assertTrue(skipped() - skipped0 > 30, "snapshots were skipped while unwritable: " + (skipped() - skipped0));

        // The other player of the same room kept its snapshot rate and spacing during the pause,
        // compared with the reference window measured the same way in this run.
        final Window reference = Window.of(steadyArrivalsNs, referenceStartNs, referenceEndNs);
        final Window paused = Window.of(steadyArrivalsNs, pauseStartNs, pauseEndNs);
        assertTrue(reference.arrivals >= PAUSE_MS / 1000.0 * 30 * 0.5, "reference window is meaningful: " + reference);
        assertTrue(paused.arrivals >= reference.arrivals * 0.9,
            "steady client's snapshot rate unaffected: paused=" + paused + ", reference=" + reference);
        // The arrival checks above leave both windows at least 14 arrivals, so both have gaps.
        assertTrue(paused.p95GapMs <= Math.max(70, 2 * reference.p95GapMs),
            "steady client's snapshot spacing unaffected: paused=" + paused + ", reference=" + reference);

        slow.resumeReading();
        final long resumedDeltas = slow.stats().deltaSnapshots();
        awaitTrue(() -> slow.stats().deltaSnapshots() > resumedDeltas + 30, "slow client receives again");
        RecordingGame.assertMirrorEqualsServer(slow, recorded);
        RecordingGame.assertMirrorEqualsServer(steady, recorded);
        assertTrue(slow.mirror().copyState().count() >= NPCS);
    }

    /**
     * Snapshot arrivals inside one window and the 95th percentile of the gaps between consecutive
     * ones; a window with fewer than two arrivals has no gap, and its {@code p95GapMs} is 0.
     */
    private record Window(int arrivals, int gaps, long p95GapMs)
    {
        static Window of(final List<Long> arrivalsNs, final long startNs, final long endNs)
        {
            final List<Long> gapsMs = new ArrayList<>();
            long previousNs = 0;
            int arrivals = 0;
            for (final long t : arrivalsNs)
            {
                if (t - startNs >= 0 && endNs - t >= 0)
                {
                    if (arrivals > 0)
                    {
                        gapsMs.add((t - previousNs) / 1_000_000);
                    }
                    arrivals++;
                    previousNs = t;
                }
            }
            Collections.sort(gapsMs);
            final long p95GapMs = gapsMs.isEmpty() ? 0 : gapsMs.get((int)(gapsMs.size() * 0.95));
            return new Window(arrivals, gapsMs.size(), p95GapMs);
        }
    }

    private long skipped()
    {
        long skipped = 0;
        for (final LoopCounters c : server.loopCounters())
        {
            skipped += c.snapshotsSkippedUnwritable;
        }
        return skipped;
    }

    private RoomSession join(final String type, final String id) throws Exception
    {
        final TickwireClient client = new TickwireClient(ClientOptions.builder().uri(server.webSocketUri()).build());
        clients.add(client);
        return (type != null ? client.joinByType(type) : client.joinById(id)).get(5, TimeUnit.SECONDS);
    }
}
