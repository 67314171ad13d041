package io.tickwire.client;

import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.tickwire.protocol.CloseCodes;
import io.tickwire.protocol.ProtocolVersion;
import io.tickwire.protocol.delta.WorldState;
import io.tickwire.protocol.schema.FieldKind;
import io.tickwire.protocol.schema.SchemaField;
import io.tickwire.protocol.v1.ClientMessage;
import io.tickwire.protocol.v1.Pong;
import io.tickwire.protocol.v1.ServerMessage;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.net.ServerSocket;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The SDK against a scripted WebSocket server on the loopback interface: real Netty on both ends,
 * real snapshots from {@link io.tickwire.protocol.delta.DeltaEncoder}.
 */
@Timeout(value = 20, unit = TimeUnit.SECONDS)
class TickwireClientTest
{
    private static final long WAIT_S = 5;

    private ScriptedServer server;
    private final List<TickwireClient> clients = new ArrayList<>();
    private final TestWorlds worlds = new TestWorlds(11);

    @BeforeEach
    void start() throws InterruptedException
    {
        server = new ScriptedServer();
    }

    @AfterAll
    static void noLeaks() throws InterruptedException
    {
        CountingLeakDetector.assertNoLeaks();
    }

    @AfterEach
    void stop()
    {
        for (final TickwireClient c : clients)
        {
            c.close();
        }
        server.close();
    }

    private TickwireClient client(final ClientOptions.Builder options)
    {
        final TickwireClient c = new TickwireClient(options.build());
        clients.add(c);
        return c;
    }

    private ClientOptions.Builder options()
    {
        // Each tick's Ack is the tests' barrier: ack every snapshot in a frame of its own.
        return ClientOptions.builder().uri(server.uri()).connectTimeoutMs(2000).ackIntervalMs(0);
    }

    private RoomSession joined(final TickwireClient client) throws Exception
    {
        final CompletableFuture<RoomSession> join = client.joinByType("arena");
        server.awaitJoin();
        server.sendWelcome(9);
        return join.get(WAIT_S, TimeUnit.SECONDS);
    }

    /** Records events; the mirror reads in onSnapshot run on the event loop. */
    private static final class Recorder implements SessionListener
    {
        final BlockingQueue<SnapshotInfo> snapshots = new LinkedBlockingQueue<>();
        final BlockingQueue<String> errors = new LinkedBlockingQueue<>();
        final BlockingQueue<String> closes = new LinkedBlockingQueue<>();
        final BlockingQueue<long[]> pongs = new LinkedBlockingQueue<>();
        final List<String> threads = new CopyOnWriteArrayList<>();
        final BlockingQueue<WorldState> decodedStates = new LinkedBlockingQueue<>();

        @Override
        public void onSnapshot(final RoomSession session, final SnapshotInfo info)
        {
            threads.add(Thread.currentThread().getName());
            if (session.mirror() != null && Thread.currentThread().getName().startsWith("tickwire-client"))
            {
                decodedStates.add(readThroughGetters(session.mirror(), info.tick()));
            }
            snapshots.add(info);
        }

        @Override
        public void onPong(final RoomSession session, final long rttNanos, final int serverTick)
        {
            pongs.add(new long[]{ rttNanos, serverTick });
        }

        @Override
        public void onError(final RoomSession session, final int code, final String message)
        {
            errors.add(code + " " + message);
        }

        @Override
        public void onClosed(final RoomSession session, final int closeCode, final String reason)
        {
            threads.add(Thread.currentThread().getName());
            closes.add(closeCode + " " + reason);
        }
    }

    /**
     * Rebuild a state through the mirror's public getters, field by field, re-quantizing each value:
     * equal to the server's state only if every getter returns the server's value.
     */
    private static WorldState readThroughGetters(final EntityMirror mirror, final int tick)
    {
        final int slots = TestWorlds.SCHEMA.slotCount();
        final int count = mirror.count();
        final int[] ids = new int[count];
        final int[] values = new int[Math.max(1, count * slots)];
        final double[] xyzw = new double[4];
        for (int i = 0; i < count; i++)
        {
            final int id = mirror.entityIdAt(i);
            ids[i] = id;
            for (final SchemaField f : TestWorlds.SCHEMA.fields())
            {
                final int slot = i * slots + f.firstSlot();
                switch (f.kind())
                {
                    case INT:
                        values[slot] = f.quantizeInt(mirror.getInt(id, f));
                        break;
                    case BOOL:
                        values[slot] = mirror.getBool(id, f) ? 1 : 0;
                        break;
                    case QUATERNION:
                        mirror.getQuaternion(id, f, xyzw);
                        f.quantizeQuaternion(xyzw[0], xyzw[1], xyzw[2], xyzw[3], values, slot);
                        break;
                    default:
                        values[slot] = f.quantize(mirror.getDouble(id, f));
                        break;
                }
            }
        }
        final WorldState s = new WorldState(TestWorlds.SCHEMA, count);
        s.capture(tick, 0, count, ids, values);
        return s;
    }

    private static void assertSameState(final WorldState expected, final WorldState actual)
    {
        assertEquals(expected.tick(), actual.tick(), "tick");
        assertNull(expected.firstDifference(actual), "state at tick " + expected.tick());
    }

    @Test
    void shouldApplyFullAndDeltaSnapshotsBitExactAndAckEachTick() throws Exception
    {
        final Recorder recorder = new Recorder();
        final TickwireClient client = client(options());
        client.addListener(recorder);
        final CompletableFuture<RoomSession> join = client.join(JoinRequest.byType("arena").ticket("tk"));
        final ClientMessage joinMessage = server.awaitJoin();
        assertEquals("arena", joinMessage.getJoin().getRoomType());
        assertEquals("tk", joinMessage.getJoin().getTicket());
        assertEquals(ProtocolVersion.CURRENT, joinMessage.getJoin().getProtocolVersion());
        server.sendWelcome(9);
        final RoomSession session = join.get(WAIT_S, TimeUnit.SECONDS);
        assertEquals("s-1", session.sessionId());
        assertEquals("room-7", session.roomId());
        assertEquals("arena", session.roomType());
        assertEquals(9, session.playerEntityId());
        assertEquals(20, session.tickRateHz());
        assertEquals("resume-1", session.resumeToken());
        assertEquals(TestWorlds.SCHEMA, session.schema());
        assertEquals(session, client.session());

        final WorldState[] states = new WorldState[8];
        states[1] = worlds.initial(1);
        for (int t = 2; t < states.length; t++)
        {
            states[t] = worlds.next(states[t - 1], t);
        }
        // 4 and 5 against 2 (acks lagging at the server), then 6 against 5, 7 against 6.
        final int[] baselines = { 0, 0, 1, 2, 2, 2, 5, 6 };
        for (int t = 1; t < states.length; t++)
        {
            final WorldState baseline = baselines[t] == 0 ? null : states[baselines[t]];
            final int size = server.sendSnapshot(baseline, states[t], t * 10);
            server.awaitAck(t);

            final SnapshotInfo info = recorder.snapshots.poll(WAIT_S, TimeUnit.SECONDS);
            assertNotNull(info, "onSnapshot for tick " + t);
            assertEquals(t, info.tick());
            assertEquals(baselines[t], info.baselineTick());
            assertEquals(size, info.sizeBytes());
            assertEquals(t * 10, info.lastInputSeq());
            assertEquals(states[t].count(), info.entityCount());
            assertSameState(states[t], session.mirror().copyState());
            assertSameState(states[t], recorder.decodedStates.poll(WAIT_S, TimeUnit.SECONDS));
            assertEquals(t, session.mirror().tick());
            assertEquals(t * 10, session.lastProcessedInputSeq());
        }
        assertEquals(1, client.stats().fullSnapshots());
        assertEquals(6, client.stats().deltaSnapshots());
        assertEquals(0, client.stats().baselineMisses());
        assertEquals(7, client.stats().acksSent());
        assertTrue(recorder.errors.isEmpty(), "errors: " + recorder.errors);
        assertTrue(client.stats().bytesIn() > client.stats().framesIn(), client.stats().toString());
    }

    @Test
    void shouldRequestFullSnapshotAndKeepMirrorWhenBaselineUnknown() throws Exception
    {
        final Recorder recorder = new Recorder();
        final TickwireClient client = client(options());
        client.addListener(recorder);
        final RoomSession session = joined(client);
        final WorldState s1 = worlds.initial(1);
        final WorldState s2 = worlds.next(s1, 2);
        final WorldState unseen50 = worlds.next(s2, 50);
        final WorldState s51 = worlds.next(unseen50, 51);
        final WorldState s52 = worlds.next(s51, 52);
        final WorldState s53 = worlds.next(s52, 53);
        server.sendSnapshot(null, s1, 0);
        server.awaitAck(1);
        server.sendSnapshot(s1, s2, 0);
        server.awaitAck(2);

        server.sendSnapshot(unseen50, s51, 0);

        final ClientMessage request = ScriptedServer.next(server.acks);
        assertTrue(request.getAck().getRequestFull(), "request_full: " + request);
        final String error = recorder.errors.poll(WAIT_S, TimeUnit.SECONDS);
        assertNotNull(error);
        assertTrue(error.startsWith("0 ") && error.contains("baselineTick=50"), error);
        assertEquals(1, client.stats().baselineMisses());
        assertEquals(2, session.mirror().tick());
        assertSameState(s2, session.mirror().copyState());

        server.sendSnapshot(null, s52, 0);
        server.awaitAck(52);
        assertSameState(s52, session.mirror().copyState());
        server.sendSnapshot(s52, s53, 0);
        server.awaitAck(53);
        assertSameState(s53, session.mirror().copyState());
        assertEquals(4, recorder.snapshots.size(), "onSnapshot for 1, 2, 52 and 53, none for 51");
    }

    @Test
    void shouldRequestFullSnapshotWhenDeltaDoesNotFitBaseline() throws Exception
    {
        final Recorder recorder = new Recorder();
        final TickwireClient client = client(options());
        client.addListener(recorder);
        final RoomSession session = joined(client);
        final WorldState s1 = worlds.initial(1);
        final WorldState s2 = worlds.next(s1, 2);
        server.sendSnapshot(null, s1, 0);
        server.awaitAck(1);
        final WorldState bogus = worlds.initial(3);
        final ServerMessage bad = ServerMessage.parseFrom(
            new io.tickwire.protocol.delta.DeltaEncoder(TestWorlds.SCHEMA).encodeServerMessage(s1, bogus, 0));
        final ServerMessage corrupted = bad.toBuilder()
            .setSnapshot(bad.getSnapshot().toBuilder().setEntityCount(bogus.count() + 3)).build();

        server.send(corrupted);

        assertTrue(ScriptedServer.next(server.acks).getAck().getRequestFull());
        assertTrue(recorder.errors.poll(WAIT_S, TimeUnit.SECONDS).contains("entity count mismatch"));
        assertEquals(1, client.stats().protocolErrors());
        assertSameState(s1, session.mirror().copyState());
        server.sendSnapshot(s1, s2, 0);
        server.awaitAck(2);
        assertSameState(s2, session.mirror().copyState());
    }

    @Test
    void shouldFailJoinWithServerCodeWhenErrorAndCloseBeforeWelcome() throws Exception
    {
        final Recorder recorder = new Recorder();
        final TickwireClient client = client(options());
        client.addListener(recorder);
        final CompletableFuture<RoomSession> join = client.joinById("nope");
        assertEquals("nope", server.awaitJoin().getJoin().getRoomId());

        server.sendError(CloseCodes.ROOM_NOT_FOUND, "no such room: roomId=nope");
        server.sendClose(CloseCodes.ROOM_NOT_FOUND, "room not found");

        final ExecutionException ex = assertThrows(ExecutionException.class, () -> join.get(WAIT_S, TimeUnit.SECONDS));
        final TickwireException cause = assertInstanceOf(TickwireException.class, ex.getCause());
        assertEquals(CloseCodes.ROOM_NOT_FOUND, cause.closeCode());
        assertTrue(cause.getMessage().contains("no such room: roomId=nope"), cause.getMessage());
        assertNull(client.session());
        assertTrue(recorder.closes.isEmpty(), "no onClosed without a session");
    }

    @Test
    void shouldFailJoinWithCloseCodeWhenClosedWithoutError() throws Exception
    {
        final TickwireClient client = client(options());
        final CompletableFuture<RoomSession> join = client.joinByType("arena");
        server.awaitJoin();

        server.sendClose(CloseCodes.SERVER_OVERLOADED, "overloaded");

        final ExecutionException ex = assertThrows(ExecutionException.class, () -> join.get(WAIT_S, TimeUnit.SECONDS));
        assertEquals(CloseCodes.SERVER_OVERLOADED, ((TickwireException)ex.getCause()).closeCode());
    }

    @Test
    void shouldFailJoinWhenConnectionRefused() throws Exception
    {
        final int port;
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress()))
        {
            port = s.getLocalPort();
        }
        final TickwireClient client = client(ClientOptions.builder().uri("ws://127.0.0.1:" + port + "/tickwire"));

        final ExecutionException ex = assertThrows(
            ExecutionException.class, () -> client.joinByType("arena").get(WAIT_S, TimeUnit.SECONDS));

        final TickwireException cause = assertInstanceOf(TickwireException.class, ex.getCause());
        assertEquals(TickwireException.ABNORMAL_CLOSURE, cause.closeCode());
        assertTrue(cause.getMessage().startsWith("connect failed"), cause.getMessage());
    }

    @Test
    void shouldFailJoinWhenNoWelcomeArrivesInTime() throws Exception
    {
        final TickwireClient client = client(options().connectTimeoutMs(300));
        final long startNs = System.nanoTime();
        final CompletableFuture<RoomSession> join = client.joinByType("arena");
        server.awaitJoin();

        final ExecutionException ex = assertThrows(ExecutionException.class, () -> join.get(WAIT_S, TimeUnit.SECONDS));

        final long elapsedMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNs);
        final TickwireException cause = assertInstanceOf(TickwireException.class, ex.getCause());
        assertEquals(TickwireException.ABNORMAL_CLOSURE, cause.closeCode());
        assertTrue(cause.getMessage().contains("no Welcome in time"), cause.getMessage());
        assertTrue(elapsedMs >= 250, "elapsedMs=" + elapsedMs);
    }

    @Test
    void shouldFailJoinWhenHandshakeDoesNotComplete() throws Exception
    {
        final TickwireClient client = client(ClientOptions.builder()
            .uri("ws://127.0.0.1:" + server.port() + "/not-a-websocket").connectTimeoutMs(300));

        final ExecutionException ex = assertThrows(
            ExecutionException.class, () -> client.joinByType("arena").get(WAIT_S, TimeUnit.SECONDS));

        final TickwireException cause = assertInstanceOf(TickwireException.class, ex.getCause());
        assertEquals(TickwireException.ABNORMAL_CLOSURE, cause.closeCode());
        assertTrue(server.joins.isEmpty());
    }

    @Test
    void shouldCloseWithMessageTooBigWhenFrameExceedsMaximum() throws Exception
    {
        final Recorder recorder = new Recorder();
        final TickwireClient client = client(options().maxFramePayloadLength(512));
        client.addListener(recorder);
        joined(client);

        server.sendBytes(new byte[2048]);

        final String closed = recorder.closes.poll(WAIT_S, TimeUnit.SECONDS);
        assertNotNull(closed);
        assertTrue(closed.startsWith(CloseCodes.MESSAGE_TOO_BIG + " "), closed);
        assertEquals(0, client.stats().snapshotsReceived());
    }

    @Test
    void shouldSendInputsInSequenceFromManyThreadsWithPiggybackedAck() throws Exception
    {
        final TickwireClient client = client(options());
        final RoomSession session = joined(client);
        final WorldState s1 = worlds.initial(1);
        server.sendSnapshot(null, s1, 0);
        server.awaitAck(1);
        final int threads = 2;
        final int perThread = 50;
        final ExecutorService pool = Executors.newFixedThreadPool(threads);
        final CountDownLatch go = new CountDownLatch(1);
        final List<CompletableFuture<List<Integer>>> results = new ArrayList<>();
        for (int i = 0; i < threads; i++)
        {
            final byte tag = (byte)i;
            results.add(CompletableFuture.supplyAsync(() ->
            {
                final List<Integer> seqs = new ArrayList<>();
                try
                {
                    go.await();
                }
                catch (final InterruptedException ex)
                {
                    throw new IllegalStateException(ex);
                }
                for (int n = 0; n < perThread; n++)
                {
                    seqs.add(session.sendInput(new byte[]{ tag, (byte)n }));
                }
                return seqs;
            }, pool));
        }
        go.countDown();
        final List<Integer> assigned = new ArrayList<>();
        for (final CompletableFuture<List<Integer>> r : results)
        {
            assigned.addAll(r.get(WAIT_S, TimeUnit.SECONDS));
        }
        pool.shutdown();

        assertEquals(threads * perThread, assigned.stream().distinct().count());
        for (int expected = 1; expected <= threads * perThread; expected++)
        {
            final ClientMessage input = ScriptedServer.next(server.inputs);
            assertEquals(expected, input.getInput().getSeq(), "wire order is sequence order");
            assertEquals(1, input.getInput().getAckTick());
            assertEquals(2, input.getInput().getPayload().size());
        }
        assertEquals(threads * perThread, client.stats().inputsSent());
    }

    @Test
    void shouldMeasureRoundTripOnPong() throws Exception
    {
        final Recorder recorder = new Recorder();
        final TickwireClient client = client(options());
        client.addListener(recorder);
        final RoomSession session = joined(client);
        assertEquals(-1, session.lastRttNanos());

        final long before = System.nanoTime();
        session.ping();
        final ClientMessage ping = ScriptedServer.next(server.pings);
        assertTrue(ping.getPing().getClientTime() - before >= 0, "client_time is System.nanoTime()");
        server.send(ServerMessage.newBuilder().setPong(Pong.newBuilder()
            .setClientTime(ping.getPing().getClientTime()).setServerTick(77)).build());

        final long[] pong = recorder.pongs.poll(WAIT_S, TimeUnit.SECONDS);
        assertNotNull(pong);
        assertEquals(77, pong[1]);
        assertTrue(pong[0] > 0 && pong[0] < TimeUnit.SECONDS.toNanos(WAIT_S), "rtt " + pong[0]);
        assertEquals(pong[0], session.lastRttNanos());
    }

    @Test
    void shouldSendLeaveAndCloseFrameOnCloseAndFireClosedOnce() throws Exception
    {
        final Recorder recorder = new Recorder();
        final TickwireClient client = client(options());
        client.addListener(recorder);
        joined(client);

        client.close();
        client.close();

        assertEquals("client closed", ScriptedServer.next(server.leaves).getLeave().getReason());
        assertEquals(CloseCodes.NORMAL, server.closeCodes.poll(WAIT_S, TimeUnit.SECONDS));
        assertEquals("1000 client closed", recorder.closes.poll(0, TimeUnit.SECONDS), "onClosed before close() returns");
        Thread.sleep(50);
        assertTrue(recorder.closes.isEmpty(), "onClosed fired once");
        assertTrue(client.isClosed());
        final ExecutionException ex = assertThrows(
            ExecutionException.class, () -> client.joinByType("arena").get(WAIT_S, TimeUnit.SECONDS));
        assertInstanceOf(IllegalStateException.class, ex.getCause());
    }

    @Test
    void shouldReportServerErrorAndCloseCodeAfterWelcome() throws Exception
    {
        final Recorder recorder = new Recorder();
        final TickwireClient client = client(options());
        client.addListener(recorder);
        final RoomSession session = joined(client);

        server.sendError(CloseCodes.ROOM_CLOSED, "room closed: game over");
        server.sendClose(CloseCodes.ROOM_CLOSED, "game over");

        assertEquals(CloseCodes.ROOM_CLOSED + " room closed: game over", recorder.errors.poll(WAIT_S, TimeUnit.SECONDS));
        assertEquals(CloseCodes.ROOM_CLOSED + " game over", recorder.closes.poll(WAIT_S, TimeUnit.SECONDS));
        client.close();
        assertTrue(recorder.closes.isEmpty(), "onClosed fired once");
        assertFalse(session.isOpen());
    }

    @Test
    void shouldReportConnectionLossAsAbnormalClosureWhenReconnectDisabled() throws Exception
    {
        final Recorder recorder = new Recorder();
        final TickwireClient client = client(options().reconnect(ReconnectPolicy.disabled()));
        client.addListener(recorder);
        joined(client);

        server.drop();

        assertEquals(TickwireException.ABNORMAL_CLOSURE + " connection lost without a close frame",
            recorder.closes.poll(WAIT_S, TimeUnit.SECONDS));
    }

    @Test
    void shouldIgnoreStaleSnapshotsAndTextFrames() throws Exception
    {
        final Recorder recorder = new Recorder();
        final TickwireClient client = client(options());
        client.addListener(recorder);
        final RoomSession session = joined(client);
        final WorldState s1 = worlds.initial(1);
        final WorldState s2 = worlds.next(s1, 2);
        final WorldState s3 = worlds.next(s2, 3);
        server.sendSnapshot(null, s1, 0);
        server.sendSnapshot(s1, s3, 0);
        server.awaitAck(3);

        server.sendSnapshot(s1, s2, 0);
        server.sendText("hello");
        final String error = recorder.errors.poll(WAIT_S, TimeUnit.SECONDS);

        assertNotNull(error);
        assertTrue(error.startsWith("0 text frame"), error);
        assertEquals(1, client.stats().staleSnapshots());
        assertEquals(1, client.stats().protocolErrors());
        assertSameState(s3, session.mirror().copyState());
        assertTrue(server.acks.isEmpty(), "no ack for a stale snapshot: " + server.acks);
    }

    @Test
    void shouldNotReadWhileSuspended() throws Exception
    {
        final TickwireClient client = client(options());
        final RoomSession session = joined(client);
        final WorldState s1 = worlds.initial(1);
        final WorldState s2 = worlds.next(s1, 2);
        server.sendSnapshot(null, s1, 0);
        server.awaitAck(1);

        session.suspendReading();
        assertTrue(session.isReadingSuspended());
        Thread.sleep(100);
        server.sendSnapshot(s1, s2, 0);
        Thread.sleep(200);
        assertEquals(1, client.stats().snapshotsReceived(), "nothing read while suspended");
        assertEquals(1, session.mirror().tick());

        session.resumeReading();
        server.awaitAck(2);
        assertEquals(2, session.mirror().tick());
    }

    @Test
    void shouldRunCallbacksOnCallbackExecutorAndConfineMirrorReads() throws Exception
    {
        final ExecutorService callbacks = Executors.newSingleThreadExecutor(r -> new Thread(r, "game-thread"));
        try
        {
            final Recorder recorder = new Recorder();
            final BlockingQueue<Throwable> offLoopReads = new LinkedBlockingQueue<>();
            final BlockingQueue<WorldState> copies = new LinkedBlockingQueue<>();
            final TickwireClient client = client(options().callbackExecutor(callbacks));
            client.addListener(recorder);
            client.addListener(new SessionListener()
            {
                @Override
                public void onSnapshot(final RoomSession session, final SnapshotInfo info)
                {
                    try
                    {
                        session.mirror().count();
                    }
                    catch (final Throwable t)
                    {
                        offLoopReads.add(t);
                    }
                    copies.add(session.mirror().copyState());
                }
            });
            final CompletableFuture<String> joinThread = client.joinByType("arena")
                .thenApply(s -> Thread.currentThread().getName());
            server.awaitJoin();
            server.sendWelcome(1);
            assertEquals("game-thread", joinThread.get(WAIT_S, TimeUnit.SECONDS));
            final WorldState s1 = worlds.initial(1);

            server.sendSnapshot(null, s1, 0);

            assertNotNull(recorder.snapshots.poll(WAIT_S, TimeUnit.SECONDS));
            assertInstanceOf(IllegalStateException.class, offLoopReads.poll(WAIT_S, TimeUnit.SECONDS));
            assertSameState(s1, copies.poll(WAIT_S, TimeUnit.SECONDS));
            client.close();
            assertEquals("1000 client closed", recorder.closes.poll(WAIT_S, TimeUnit.SECONDS));
            assertEquals(List.of("game-thread", "game-thread"), recorder.threads, "onSnapshot, onClosed");
        }
        finally
        {
            callbacks.shutdownNow();
        }
    }

    @Test
    void shouldShareEventLoopGroupWithoutShuttingItDown() throws Exception
    {
        final EventLoopGroup shared = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
        try
        {
            final TickwireClient first = client(options().eventLoopGroup(shared));
            joined(first);
            first.close();
            assertEquals(CloseCodes.NORMAL, server.closeCodes.poll(WAIT_S, TimeUnit.SECONDS));
            assertFalse(shared.isShuttingDown(), "shared group left running");

            final TickwireClient second = client(options().eventLoopGroup(shared));
            final RoomSession session = joined(second);
            assertTrue(session.isOpen());
        }
        finally
        {
            for (final TickwireClient c : clients)
            {
                c.close();
            }
            shared.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
        }
    }

    @Test
    void shouldRejectMirrorReadsOfWrongKindOrUnknownEntity() throws Exception
    {
        final TickwireClient client = client(options());
        final BlockingQueue<Throwable> failures = new LinkedBlockingQueue<>();
        final SchemaField quaternion = TestWorlds.fieldOf(FieldKind.QUATERNION);
        final SchemaField fixed = TestWorlds.fieldOf(FieldKind.FIXED);
        client.addListener(new SessionListener()
        {
            @Override
            public void onSnapshot(final RoomSession session, final SnapshotInfo info)
            {
                final EntityMirror m = session.mirror();
                final int id = m.entityIdAt(0);
                failures.add(assertThrows(IllegalArgumentException.class, () -> m.getDouble(id, quaternion)));
                failures.add(assertThrows(IllegalArgumentException.class, () -> m.getInt(id, fixed)));
                failures.add(assertThrows(IllegalArgumentException.class, () -> m.getDouble(10_000, fixed)));
                assertFalse(m.contains(10_000));
                assertTrue(m.contains(id));
            }
        });
        joined(client);

        server.sendSnapshot(null, worlds.initial(1), 0);

        assertTrue(failures.poll(WAIT_S, TimeUnit.SECONDS).getMessage().contains("use getQuaternion"));
        assertTrue(failures.poll(WAIT_S, TimeUnit.SECONDS).getMessage().contains("not an int field"));
        assertTrue(failures.poll(WAIT_S, TimeUnit.SECONDS).getMessage().contains("no such entity: id=10000"));
    }
}
