package io.tickwire.server.e2e;

import io.tickwire.client.ClientOptions;
import io.tickwire.client.JoinRequest;
import io.tickwire.client.RoomSession;
import io.tickwire.client.SessionListener;
import io.tickwire.client.SnapshotInfo;
import io.tickwire.client.TickwireClient;
import io.tickwire.client.TickwireException;
import io.tickwire.protocol.CloseCodes;
import io.tickwire.protocol.ProtocolVersion;
import io.tickwire.protocol.ticket.JoinTickets;
import io.tickwire.protocol.v1.ClientMessage;
import io.tickwire.protocol.v1.GameMessage;
import io.tickwire.protocol.v1.Join;
import io.tickwire.protocol.v1.ServerMessage;
import io.tickwire.server.ServerOptions;
import io.tickwire.server.TickwireServer;
import io.tickwire.server.game.ScriptedGame;
import io.tickwire.server.room.RoomHandle;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The game-facing API end to end on loopback, with the real SDK and raw frames: admission by options and
 * ticket claims, game failures that cost one player, messages both ways (order, exactly once, the tick
 * stamp, bad input), kick, lock, metadata, close, and the lifecycle callbacks.
 */
@Timeout(60)
class GameApiTest
{
    private static final String SECRET = "0123456789abcdef0123456789abcdef";
    private TickwireServer server;
    private final List<TickwireClient> clients = new ArrayList<>();

    @BeforeEach
    void start()
    {
        ScriptedGame.EVENTS.clear();
        server = TickwireServer.start(ServerOptions.builder().host("127.0.0.1").port(0).adminPort(-1).roomLoops(2)
            .roomType(ScriptedGame.TYPE, ScriptedGame.factory(4, 20))
            .maxMessagesPerSecond(4000).maxMessageBytes(512).roomLingerMs(200).build());
    }

    @AfterEach
    void stop()
    {
        clients.forEach(TickwireClient::close);
        server.close();
    }

    /** Records one session's events as text. */
    private static class Recorder implements SessionListener
    {
        final List<String> messages = new CopyOnWriteArrayList<>();
        final List<Integer> messageTicks = new CopyOnWriteArrayList<>();
        final AtomicInteger snapshots = new AtomicInteger();
        final AtomicLong lastSnapshotTick = new AtomicLong();
        volatile int closeCode;

        @Override
        public void onMessage(final RoomSession session, final int type, final byte[] payload, final int tick)
        {
            messages.add(type + ":" + new String(payload, StandardCharsets.UTF_8));
            messageTicks.add(tick);
        }

        @Override
        public void onSnapshot(final RoomSession session, final SnapshotInfo info)
        {
            snapshots.incrementAndGet();
            lastSnapshotTick.set(info.tick());
        }

        @Override
        public void onClosed(final RoomSession session, final int code, final String reason)
        {
            closeCode = code;
        }
    }

    private static void await(final java.util.function.BooleanSupplier condition,
        final java.util.function.Supplier<String> what) throws InterruptedException
    {
        io.tickwire.server.support.Await.awaitTrue(condition, io.tickwire.server.support.Await.DEFAULT_TIMEOUT_MS, what);
    }

    private static void await(final java.util.function.BooleanSupplier condition, final String what)
        throws InterruptedException
    {
        io.tickwire.server.support.Await.awaitTrue(condition, what);
    }

    private RoomSession join(final JoinRequest request, final Recorder recorder) throws Exception
    {
        final TickwireClient client = new TickwireClient(ClientOptions.builder().uri(server.webSocketUri()).build());
        clients.add(client);
        client.addListener(recorder);
        return client.join(request).get(5, TimeUnit.SECONDS);
    }

    private int refusalCode(final JoinRequest request) throws Exception
    {
        final ExecutionException ex = assertThrows(ExecutionException.class, () -> join(request, new Recorder()));
        final Throwable cause = ex.getCause() instanceof CompletionException ? ex.getCause().getCause() : ex.getCause();
        assertTrue(cause instanceof TickwireException, "cause: " + cause);
        return ((TickwireException)cause).closeCode();
    }

    @Test
    void shouldEchoMessagesInOrderExactlyOnceStampedWithATick() throws Exception
    {
        final Recorder r = new Recorder();
        final RoomSession s = join(JoinRequest.byType(ScriptedGame.TYPE), r);
        // Messages reach the game as they arrive (a message wakes the room loop), so wait for the room's
        // first tick: the stamps below must be ticks the room has run.
        await(() -> s.stats().snapshotsReceived() > 0, () -> "a first snapshot");
        for (int i = 0; i < 300; i++)
        {
            assertTrue(s.send(1, ("m" + i).getBytes(StandardCharsets.UTF_8)));
        }
        s.send(5, "200".getBytes(StandardCharsets.UTF_8));
        await(() -> r.messages.size() == 1 + 300 + 200, () -> "messages: " + r.messages.size());
        assertEquals("20:hello null", r.messages.get(0), "the onJoin message comes first, right after Welcome");
        for (int i = 0; i < 300; i++)
        {
            assertEquals("2:m" + i, r.messages.get(1 + i));
        }
        for (int i = 0; i < 200; i++)
        {
            assertEquals("6:" + i, r.messages.get(301 + i));
        }
        for (int i = 1; i < r.messageTicks.size(); i++)
        {
            assertTrue(r.messageTicks.get(i) >= r.messageTicks.get(i - 1), "ticks never go back: " + r.messageTicks);
        }
        assertTrue(r.messageTicks.get(r.messageTicks.size() - 1) > 0);
        assertEquals(301, s.stats().messagesSent());
        assertTrue(s.isOpen());
    }

    @Test
    void shouldBroadcastToTheOthersOnly() throws Exception
    {
        final Recorder a = new Recorder();
        final Recorder b = new Recorder();
        final RoomSession sa = join(JoinRequest.byType(ScriptedGame.TYPE), a);
        final RoomSession sb = join(JoinRequest.byType(ScriptedGame.TYPE), b);
        assertEquals(sa.roomId(), sb.roomId());
        sa.send(3, "to-everyone-else".getBytes(StandardCharsets.UTF_8));
        await(() -> b.messages.contains("4:to-everyone-else"), "b got the broadcast");
        sa.send(1, "sync".getBytes(StandardCharsets.UTF_8));
        await(() -> a.messages.contains("2:sync"), "a's echo");
        assertFalse(a.messages.contains("4:to-everyone-else"), "not to the sender: " + a.messages);
    }

    @Test
    void shouldRefuseJoinWithTheGamesCodeWhileTheRoomPlaysOn() throws Exception
    {
        final Recorder a = new Recorder();
        final RoomSession inside = join(JoinRequest.byType(ScriptedGame.TYPE), a);
        // By id, so the refused joiners knock on the very room the player is in (by type, options that
        // differ would open another room).
        final String roomId = inside.roomId();
        assertEquals(4101, refusalCode(JoinRequest.byId(roomId).options(Map.of("ban", "yes"))));
        assertEquals(CloseCodes.INTERNAL_ERROR, refusalCode(JoinRequest.byId(roomId).options(Map.of("boom", "attempt"))));
        assertEquals(CloseCodes.INTERNAL_ERROR, refusalCode(JoinRequest.byId(roomId).options(Map.of("boom", "join"))));
        final int before = a.snapshots.get();
        await(() -> a.snapshots.get() > before + 5, "the player inside keeps receiving snapshots");
        assertTrue(inside.isOpen());
        final RoomHandle room = server.directory().byId(inside.roomId());
        await(() -> room.seatsTaken() == 1, () -> "refused joins gave their seats back: " + room.seatsTaken());
        assertTrue(ScriptedGame.EVENTS.stream().noneMatch(e -> e.startsWith("leave")), ScriptedGame.EVENTS::toString);
    }

    @Test
    void shouldHandTicketClaimsToTheGame() throws Exception
    {
        server.close();
        server = TickwireServer.start(ServerOptions.builder().host("127.0.0.1").port(0).adminPort(-1).roomLoops(1)
            .roomType(ScriptedGame.TYPE, ScriptedGame.factory(4, 20)).ticketSecret(SECRET).build());
        final JoinTickets tickets = JoinTickets.ofSecret(SECRET);
        final Recorder r = new Recorder();
        join(JoinRequest.byType(ScriptedGame.TYPE).ticket(tickets.mintForType("p1", ScriptedGame.TYPE,
            Instant.now().plusSeconds(60), Map.of("name", "Zoë"))), r);
        await(() -> r.messages.contains("20:hello Zoë"), () -> "claims reached onJoin: " + r.messages);
        assertEquals(4101, refusalCode(JoinRequest.byType(ScriptedGame.TYPE).ticket(tickets.mintForType("p2",
            ScriptedGame.TYPE, Instant.now().plusSeconds(60), Map.of("name", "banned")))));
    }

    @Test
    void shouldMatchRoomsByOptionsAndRefuseInvalidOnes() throws Exception
    {
        final RoomSession a1 = join(JoinRequest.byType(ScriptedGame.TYPE).options(Map.of("mode", "a")), new Recorder());
        final RoomSession b1 = join(JoinRequest.byType(ScriptedGame.TYPE).options(Map.of("mode", "b")), new Recorder());
        final RoomSession a2 = join(JoinRequest.byType(ScriptedGame.TYPE).options(Map.of("mode", "a")), new Recorder());
        assertEquals(a1.roomId(), a2.roomId());
        assertNotEquals(a1.roomId(), b1.roomId());
        assertEquals(Map.of("mode", "a"), server.directory().byId(a1.roomId()).options());
        assertTrue(ScriptedGame.EVENTS.contains("create " + b1.roomId() + " options={mode=b}"), ScriptedGame.EVENTS::toString);
        assertEquals(CloseCodes.INVALID_ROOM_OPTIONS,
            refusalCode(JoinRequest.byType(ScriptedGame.TYPE).options(Map.of("mode", "z"))));
    }

    @Test
    void shouldKickLockSetMetadataAndCloseFromTheGame() throws Exception
    {
        final Recorder a = new Recorder();
        final Recorder b = new Recorder();
        final RoomSession sa = join(JoinRequest.byType(ScriptedGame.TYPE), a);
        final RoomSession sb = join(JoinRequest.byType(ScriptedGame.TYPE), b);
        final RoomHandle room = server.directory().byId(sa.roomId());

        sa.send(10, "warmup".getBytes(StandardCharsets.UTF_8));
        sa.send(8, new byte[0]);
        await(() -> room.isLocked() && "warmup".equals(room.metadata().get("phase")), "locked, metadata set");
        final RoomSession other = join(JoinRequest.byType(ScriptedGame.TYPE), new Recorder());
        assertNotEquals(sa.roomId(), other.roomId(), "join-or-create skips a locked room");
        sa.send(9, new byte[0]);
        await(() -> !room.isLocked(), "unlocked");

        sb.send(7, new byte[0]);
        await(() -> b.closeCode == 4150, () -> "kicked with the game's code: " + b.closeCode);
        await(() -> ScriptedGame.EVENTS.contains("leave null consented=false"), ScriptedGame.EVENTS::toString);

        sa.send(11, new byte[0]);
        await(() -> a.closeCode == CloseCodes.ROOM_CLOSED, () -> "closed by the game: " + a.closeCode);
        await(() -> ScriptedGame.EVENTS.contains("dispose " + sa.roomId()), ScriptedGame.EVENTS::toString);
    }

    @Test
    void shouldReportConsentedLeave() throws Exception
    {
        final RoomSession s = join(JoinRequest.byType(ScriptedGame.TYPE), new Recorder());
        s.leave().get(5, TimeUnit.SECONDS);
        await(() -> ScriptedGame.EVENTS.contains("leave null consented=true"), ScriptedGame.EVENTS::toString);
        await(() -> ScriptedGame.EVENTS.contains("dispose " + s.roomId()), "disposed after the linger");
    }

    @Test
    void shouldCloseTheRoomWhenOnMessageThrowsAndPassUnknownTypesToTheGame() throws Exception
    {
        final Recorder r = new Recorder();
        final RoomSession s = join(JoinRequest.byType(ScriptedGame.TYPE), r);
        s.send(99, new byte[0]);
        await(() -> ScriptedGame.EVENTS.contains("unknown type=99"), ScriptedGame.EVENTS::toString);
        assertTrue(s.isOpen());
        s.send(12, new byte[0]);
        await(() -> r.closeCode == CloseCodes.INTERNAL_ERROR, () -> "room failed: " + r.closeCode);
    }

    private int rawClose(final ClientMessage... frames) throws Exception
    {
        try (RawWebSocketClient client = RawWebSocketClient.connect(server.webSocketUri()))
        {
            for (final ClientMessage frame : frames)
            {
                try
                {
                    client.sendBinary(frame.toByteArray());
                }
                catch (final Exception ex)
                {
                    break; // the server closed the connection: the rest is not needed
                }
            }
            final int code = client.awaitCloseCode();
            await(() -> client.messages().stream().anyMatch(ServerMessage::hasError), "Error before close");
            return code;
        }
    }

    private static ClientMessage joinFrame()
    {
        return ClientMessage.newBuilder().setJoin(Join.newBuilder().setRoomType(ScriptedGame.TYPE)
            .setProtocolVersion(ProtocolVersion.CURRENT)).build();
    }

    private static ClientMessage message(final int type, final int length)
    {
        return ClientMessage.newBuilder().setMessage(GameMessage.newBuilder().setType(type)
            .setPayload(com.google.protobuf.ByteString.copyFrom(new byte[length]))).build();
    }

    @Test
    void shouldCloseBadMessagesWithTheirCodes() throws Exception
    {
        server.close();
        server = TickwireServer.start(ServerOptions.builder().host("127.0.0.1").port(0).adminPort(-1).roomLoops(1)
            .roomType(ScriptedGame.TYPE, ScriptedGame.factory(4, 20)).maxMessagesPerSecond(20).maxMessageBytes(512)
            .build());
        assertEquals(CloseCodes.NOT_JOINED, rawClose(message(1, 4)), "before join");
        assertEquals(CloseCodes.MESSAGE_TOO_BIG, rawClose(joinFrame(), message(1, 513)), "oversize");
        assertEquals(CloseCodes.INVALID_PAYLOAD, rawClose(joinFrame(), message(0, 4)), "type 0");
        final ClientMessage[] flood = new ClientMessage[1 + 40];
        flood[0] = joinFrame();
        for (int i = 1; i < flood.length; i++)
        {
            flood[i] = message(1, 4);
        }
        assertEquals(CloseCodes.POLICY_VIOLATION, rawClose(flood), "flood past maxMessagesPerSecond");
        final long closes = server.counters().messageCloses.sum();
        assertEquals(2, closes, "oversize and flood counted: " + closes);
    }

    /**
     * Not a pass/fail timing: measures one message's round trip (SDK send, server echo from onMessage, SDK
     * listener) one at a time on loopback, and the bytes each direction costs, for protocol/README.md.
     */
    @Test
    void shouldMeasureMessageRoundTripOnLoopback() throws Exception
    {
        final java.util.concurrent.BlockingQueue<Long> arrivals = new java.util.concurrent.LinkedBlockingQueue<>();
        final Recorder r = new Recorder()
        {
            @Override
            public void onMessage(final RoomSession session, final int type, final byte[] payload, final int tick)
            {
                if (type == 2)
                {
                    arrivals.add(System.nanoTime());
                }
            }
        };
        final RoomSession s = join(JoinRequest.byType(ScriptedGame.TYPE), r);
        final byte[] payload = new byte[16];
        final int warmup = 200;
        final int measured = 600;
        final long[] rttNs = new long[measured];
        for (int i = 0; i < warmup + measured; i++)
        {
            Thread.sleep(1);
            final long sentNs = System.nanoTime();
            s.send(1, payload);
            final Long arrivedNs = arrivals.poll(5, TimeUnit.SECONDS);
            assertTrue(arrivedNs != null, "echo " + i + " arrived");
            if (i >= warmup)
            {
                rttNs[i - warmup] = arrivedNs - sentNs;
            }
        }
        java.util.Arrays.sort(rttNs);
        final long bytesOutBefore = s.stats().bytesOut();
        final long bytesInBefore = s.stats().bytesIn();
        s.send(1, payload);
        assertTrue(arrivals.poll(5, TimeUnit.SECONDS) != null);
        System.out.println("message round trip on loopback, 16-byte payload: p50=" + rttNs[measured / 2] / 1000 +
            " us, p99=" + rttNs[measured * 99 / 100] / 1000 + " us, max=" + rttNs[measured - 1] / 1000 +
            " us; one message client->server " + (s.stats().bytesOut() - bytesOutBefore) +
            " bytes (SDK count), server->client " + (s.stats().bytesIn() - bytesInBefore) + " bytes (SDK count)");
    }
}
