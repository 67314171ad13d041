package io.tickwire.testsuite.hostile;

import io.tickwire.client.ClientOptions;
import io.tickwire.client.RoomSession;
import io.tickwire.client.SessionListener;
import io.tickwire.client.SnapshotInfo;
import io.tickwire.client.TickwireClient;
import io.tickwire.protocol.CloseCodes;
import io.tickwire.protocol.ProtocolVersion;
import io.tickwire.protocol.v1.Ack;
import io.tickwire.protocol.v1.ClientMessage;
import io.tickwire.protocol.v1.Join;
import io.tickwire.protocol.v1.Ping;
import io.tickwire.server.ServerOptions;
import io.tickwire.server.TickwireServer;
import io.tickwire.server.game.arena.ArenaGame;
import io.tickwire.server.room.RoomHandle;
import io.tickwire.server.transport.Session;
import io.tickwire.server.transport.TransportCounters;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * One client must never take the server down (issue #10): a client that sends and never reads, one
 * that acks blindly and never reads, one that joins and resets in a loop, one that never joins. Each
 * case asserts on the server's own counters and queues (bytes queued per connection never past the
 * outbound budget, closes by reason, seats taken), on heap after the flood, and that an SDK client
 * in another room keeps its tick rate throughout.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class OutboundBoundsTest
{
    private static final int TICK_RATE_HZ = 30;
    private static final int MAX_OUTBOUND_BYTES = 64 * 1024;
    private static final int HIGH_WATER_MARK = 16 * 1024;
    private static final long SLOW_CLIENT_TIMEOUT_MS = 1_000;
    private static final long JOIN_TIMEOUT_MS = 1_500;
    private static final long CLOSE_GRACE_MS = 500;
    private static final int SMALL_RECEIVE_BUFFER = 4 * 1024;
    private static final long FLOOD_MS = 4_000;
    private static final String BYSTANDER_ROOM = "bystander";

    private static TickwireServer server;
    private static TickwireClient bystanderClient;
    private static final List<Long> bystanderArrivalsNs = new CopyOnWriteArrayList<>();

    @BeforeAll
    static void start() throws Exception
    {
        server = TickwireServer.start(ServerOptions.builder().host("127.0.0.1").port(0).adminPort(-1)
            .roomType(ArenaGame.TYPE, ArenaGame.factory(20))
            .tickRateHz(TICK_RATE_HZ)
            .maxOutboundBytes(MAX_OUTBOUND_BYTES)
            .writeBufferWaterMark(HIGH_WATER_MARK / 2, HIGH_WATER_MARK)
            .socketSendBufferBytes(8 * 1024)
            .slowClientTimeoutMs(SLOW_CLIENT_TIMEOUT_MS)
            .joinTimeoutMs(JOIN_TIMEOUT_MS)
            .closeGraceMs(CLOSE_GRACE_MS)
            .build());
        assertEquals(201, server.createRoom(ArenaGame.TYPE, BYSTANDER_ROOM).httpStatus());
        bystanderClient = new TickwireClient(ClientOptions.builder().uri(server.webSocketUri()).build());
        final RoomSession bystander = bystanderClient.joinById(BYSTANDER_ROOM).get(10, TimeUnit.SECONDS);
        bystander.addListener(new SessionListener()
        {
            @Override
            public void onSnapshot(final RoomSession session, final SnapshotInfo info)
            {
                bystanderArrivalsNs.add(System.nanoTime());
            }
        });
    }

    @AfterAll
    static void stop()
    {
        if (bystanderClient != null)
        {
            bystanderClient.close();
        }
        if (server != null)
        {
            server.close();
        }
    }

    @Test
    void shouldBoundWhatAWebSocketPingFloodQueuesAndCloseIt() throws Exception
    {
        final byte[] ping = Frames.frame(true, 0, Frames.OP_PING, new byte[125]);
        flood("websocket pings", Frames.concat(repeat(ping, 64)));
    }

    @Test
    void shouldBoundWhatAProtobufPingFloodQueuesAndCloseIt() throws Exception
    {
        final byte[] ping = Frames.frame(true, 0, Frames.OP_BINARY, ClientMessage.newBuilder()
            .setPing(Ping.newBuilder().setClientTime(123_456_789L)).build().toByteArray());
        flood("protobuf pings", Frames.concat(repeat(ping, 64)));
    }

    /**
     * A client that never joins and never reads floods pings. Before the fix every ping queued a pong
     * whatever the client read (2.4 GB in 10 s); now pongs beyond the ping rate or on an unwritable
     * channel are dropped, the queue stays under the budget, and sustained abuse is closed (1008).
     */
    private void flood(final String what, final byte[] batch) throws Exception
    {
        final TransportCounters counters = server.counters();
        final long closesBefore = disconnects(CloseCodes.POLICY_VIOLATION) + disconnects(CloseCodes.JOIN_TIMEOUT);
        final long heapBefore = usedHeapAfterGc();
        final int arrivalsBefore = bystanderArrivalsNs.size();
        final long startNs = System.nanoTime();
        long maxQueued = 0;
        long bytesSent = 0;
        try (RawWebSocket ws = RawWebSocket.connect(server.webSocketUri(), SMALL_RECEIVE_BUFFER))
        {
            while (System.nanoTime() - startNs < TimeUnit.MILLISECONDS.toNanos(FLOOD_MS))
            {
                ws.send(batch);
                bytesSent += batch.length;
                maxQueued = Math.max(maxQueued, maxQueuedOutboundBytes());
                if (!ws.notes().isEmpty())
                {
                    break;  // the server closed: writes fail
                }
            }
            final long floodMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNs);
            // Never joined: the join timeout (4014) or the ping abuse rule (1008), whichever comes first.
            assertTrue(waitFor(() -> disconnects(CloseCodes.POLICY_VIOLATION) + disconnects(CloseCodes.JOIN_TIMEOUT) >
                closesBefore, 10_000),
                what + ": the flooding connection is closed (1008 or 4014) within seconds; sent=" + bytesSent +
                ", pingsRateLimited=" + counters.pingsRateLimited.sum() + ", badFrames=" + counters.badFrames.sum() +
                ", notes=" + ws.notes() + ", disconnects=" + java.util.Arrays.toString(counters.disconnects));
            final long heapGrowth = usedHeapAfterGc() - heapBefore;
            final double bystanderHz = rate(arrivalsBefore, startNs);
            System.out.printf("%s: sent %,d B in %d ms, max queued for one connection %,d B (budget %,d), " +
                "pings rate-limited %,d, outbound dropped %,d, heap growth %,d B, bystander %.1f Hz%n",
                what, bytesSent, floodMs, maxQueued, MAX_OUTBOUND_BYTES, counters.pingsRateLimited.sum(),
                counters.outboundDropped.sum(), heapGrowth, bystanderHz);
            assertTrue(maxQueued <= MAX_OUTBOUND_BYTES, what + ": queued " + maxQueued + " > budget");
            assertTrue(counters.pingsRateLimited.sum() > 0, what + ": pings over the rate were refused");
            assertTrue(heapGrowth < 32L * 1024 * 1024, what + ": retained heap grew by " + heapGrowth + " B");
            assertTrue(bystanderHz >= TICK_RATE_HZ * 0.8, what + ": bystander room kept its rate: " + bystanderHz);
        }
    }

    /**
     * A joined client that acks blindly but never reads: the slow-client decision (4006) releases its
     * seat at once and TCP is closed within the close grace, whatever its buffer holds (before the fix
     * the close frame waited behind the full buffer for as long as the client stayed, seat held).
     */
    @Test
    void shouldReleaseTheSeatAndCloseASlowClientWithinTheGrace() throws Exception
    {
        final String roomId = "slow-reader";
        assertEquals(201, server.createRoom(ArenaGame.TYPE, roomId).httpStatus());
        final RoomHandle room = server.room(roomId);
        final long slowClosesBefore = disconnects(CloseCodes.SLOW_CONSUMER);
        try (RawWebSocket ws = RawWebSocket.connect(server.webSocketUri(), SMALL_RECEIVE_BUFFER))
        {
            ws.send(binary(ClientMessage.newBuilder().setJoin(Join.newBuilder()
                .setProtocolVersion(ProtocolVersion.CURRENT).setRoomId(roomId)).build()));
            assertTrue(waitFor(() -> room.players() == 1, 5_000), "joined");
            final long startNs = System.nanoTime();
            long maxQueued = 0;
            while (room.seatsTaken() > 0 && System.nanoTime() - startNs < TimeUnit.SECONDS.toNanos(20))
            {
                ws.send(binary(ClientMessage.newBuilder().setAck(Ack.newBuilder().setTick(room.currentTick())).build()));
                maxQueued = Math.max(maxQueued, maxQueuedOutboundBytes());
                Thread.sleep(20);
            }
            final long seatReleasedMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNs);
            assertEquals(0, room.seatsTaken(), "seat released");
            assertTrue(waitFor(() -> disconnects(CloseCodes.SLOW_CONSUMER) > slowClosesBefore,
                CLOSE_GRACE_MS + 3_000), "TCP closed within the grace after the 4006 decision");
            System.out.printf("slow reader: seat released after %d ms, max queued %,d B (budget %,d)%n",
                seatReleasedMs, maxQueued, MAX_OUTBOUND_BYTES);
            assertTrue(maxQueued <= MAX_OUTBOUND_BYTES, "queued " + maxQueued + " > budget");
        }
    }

    /**
     * Join, then reset, in a loop: a player who never acknowledged a snapshot is not kept for a
     * resume, so dropped connections hold no seats (before the fix each held one for the whole grace).
     */
    @Test
    void shouldNotLetResetConnectionsSquatSeats() throws Exception
    {
        final String roomId = "squat";
        assertEquals(201, server.createRoom(ArenaGame.TYPE, roomId).httpStatus());
        final RoomHandle room = server.room(roomId);
        for (int i = 0; i < 40; i++)
        {
            final RawWebSocket ws = RawWebSocket.connect(server.webSocketUri());
            ws.send(binary(ClientMessage.newBuilder().setJoin(Join.newBuilder()
                .setProtocolVersion(ProtocolVersion.CURRENT).setRoomId(roomId)).build()));
            if (i % 2 == 0)
            {
                waitFor(() -> room.players() == 1, 2_000);
            }
            ws.reset();
        }
        assertTrue(waitFor(() -> room.seatsTaken() == 0, 3_000),
            "no seat held by reset connections: seatsTaken=" + room.seatsTaken());
        try (TickwireClient honest = new TickwireClient(ClientOptions.builder().uri(server.webSocketUri()).build()))
        {
            assertEquals(roomId, honest.joinById(roomId).get(5, TimeUnit.SECONDS).roomId(), "an honest join gets a seat");
        }
    }

    /**
     * A connection that never joins is closed after the join timeout (4014), however many pings keep
     * its idle timer quiet.
     */
    @Test
    void shouldCloseAConnectionThatNeverJoins() throws Exception
    {
        final long before = server.counters().joinTimeouts.sum();
        try (RawWebSocket ws = RawWebSocket.connect(server.webSocketUri()))
        {
            final long startNs = System.nanoTime();
            for (int i = 0; i < 10; i++)
            {
                ws.send(Frames.frame(true, 0, Frames.OP_PING, new byte[4]));
                Thread.sleep(100);
            }
            final RawWebSocket.Reply reply = ws.awaitClose(JOIN_TIMEOUT_MS + 3_000);
            final long closedMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNs);
            assertEquals(CloseCodes.JOIN_TIMEOUT, reply.closeCode(), reply.toString());
            assertTrue(closedMs >= JOIN_TIMEOUT_MS - 200, "not before the join timeout: " + closedMs + " ms");
            assertEquals(before + 1, server.counters().joinTimeouts.sum());
        }
    }

    private static byte[][] repeat(final byte[] frame, final int times)
    {
        final byte[][] frames = new byte[times][];
        for (int i = 0; i < times; i++)
        {
            frames[i] = frame;
        }
        return frames;
    }

    private static byte[] binary(final ClientMessage message)
    {
        return Frames.frame(true, 0, Frames.OP_BINARY, message.toByteArray());
    }

    private static long maxQueuedOutboundBytes()
    {
        long max = 0;
        for (final Session session : server.sessions().sessions())
        {
            max = Math.max(max, session.pendingOutboundBytes());
        }
        return max;
    }

    private static long disconnects(final int code)
    {
        final TransportCounters counters = server.counters();
        for (int i = 0; i < TransportCounters.DISCONNECT_CODES.length; i++)
        {
            if (TransportCounters.DISCONNECT_CODES[i] == code)
            {
                return counters.disconnects[i].sum();
            }
        }
        throw new IllegalArgumentException("code not counted: " + code);
    }

    private static double rate(final int arrivalsBefore, final long sinceNs)
    {
        final int arrivals = bystanderArrivalsNs.size() - arrivalsBefore;
        return arrivals * 1e9 / (System.nanoTime() - sinceNs);
    }

    private static long usedHeapAfterGc()
    {
        final MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
        for (int i = 0; i < 3; i++)
        {
            System.gc();
        }
        return memory.getHeapMemoryUsage().getUsed();
    }

    private static boolean waitFor(final BooleanSupplier condition, final long timeoutMs) throws InterruptedException
    {
        final long deadlineNs = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMs);
        while (System.nanoTime() - deadlineNs < 0)
        {
            if (condition.getAsBoolean())
            {
                return true;
            }
            Thread.sleep(10);
        }
        return condition.getAsBoolean();
    }
}
