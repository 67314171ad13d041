package io.tickwire.client;

import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketClientProtocolHandler.ClientHandshakeStateEvent;
import io.tickwire.protocol.CloseCodes;
import io.tickwire.protocol.ProtocolVersion;
import io.tickwire.protocol.delta.DeltaEncoder;
import io.tickwire.protocol.delta.WorldState;
import io.tickwire.protocol.v1.ClientMessage;
import io.tickwire.protocol.v1.Error;
import io.tickwire.protocol.v1.ServerMessage;
import io.tickwire.protocol.v1.Welcome;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The connection's protocol state machine on an {@link EmbeddedChannel}: the WebSocket layer is
 * replaced by frames written and read directly.
 */
class ClientConnectionTest
{
    private final DeltaEncoder encoder = new DeltaEncoder(TestWorlds.SCHEMA);
    private final TestWorlds worlds = new TestWorlds(3);
    private final List<SessionListener> listeners = new CopyOnWriteArrayList<>();
    private final ClientStats stats = new ClientStats();
    private final CompletableFuture<RoomSession> joinFuture = new CompletableFuture<>();
    private final List<String> events = new ArrayList<>();
    private EmbeddedChannel channel;

    private ClientConnection connect(final boolean autoAck)
    {
        return connect(autoAck, 0);
    }

    private ClientConnection connect(final boolean autoAck, final int ackIntervalMs)
    {
        final ClientOptions options = ClientOptions.builder().uri("ws://127.0.0.1:1/tickwire").autoAck(autoAck)
            .ackIntervalMs(ackIntervalMs).build();
        channel = new EmbeddedChannel();
        final ClientConnection connection = new ClientConnection(
            options, channel.eventLoop(), JoinRequest.byType("arena").ticket("t-1"),
            new SessionJoin(joinFuture, listeners, stats, () -> { }), stats);
        final Link link = connection.newLink();
        link.attach(channel);
        channel.pipeline().addLast(link);
        listeners.add(new SessionListener()
        {
            @Override
            public void onSnapshot(final RoomSession session, final SnapshotInfo info)
            {
                events.add("snapshot " + info.tick() + "/" + info.baselineTick());
            }

            @Override
            public void onError(final RoomSession session, final int code, final String message)
            {
                events.add("error " + code);
            }

            @Override
            public void onClosed(final RoomSession session, final int closeCode, final String reason)
            {
                events.add("closed " + closeCode);
            }
        });
        return connection;
    }

    @AfterAll
    static void noLeaks() throws InterruptedException
    {
        CountingLeakDetector.assertNoLeaks();
    }

    @AfterEach
    void finish()
    {
        if (channel != null)
        {
            channel.close();
            assertFalse(channel.finishAndReleaseAll(), "no frames left unread");
        }
    }

    private ClientMessage readClientMessage() throws Exception
    {
        final Object out = channel.readOutbound();
        assertInstanceOf(BinaryWebSocketFrame.class, out, "outbound frame");
        final BinaryWebSocketFrame frame = (BinaryWebSocketFrame)out;
        try
        {
            return ClientMessage.parseFrom(frame.content().nioBuffer());
        }
        finally
        {
            frame.release();
        }
    }

    private void receive(final byte[] serverMessage)
    {
        channel.writeInbound(new BinaryWebSocketFrame(Unpooled.wrappedBuffer(serverMessage)));
    }

    private RoomSession join() throws Exception
    {
        channel.pipeline().fireUserEventTriggered(ClientHandshakeStateEvent.HANDSHAKE_COMPLETE);
        final ClientMessage join = readClientMessage();
        assertEquals("arena", join.getJoin().getRoomType());
        assertEquals(ProtocolVersion.CURRENT, join.getJoin().getProtocolVersion());
        receive(ServerMessage.newBuilder().setWelcome(Welcome.newBuilder()
            .setSessionId("s").setRoomId("r").setRoomType("arena").setEntityId(3).setTickRateHz(30)
            .setSchema(TestWorlds.schemaProto())).build().toByteArray());
        assertTrue(joinFuture.isDone());
        return joinFuture.get();
    }

    @Test
    void shouldSendJoinWhenHandshakeCompletes() throws Exception
    {
        connect(true);
        assertNull(channel.readOutbound(), "nothing before the handshake");

        channel.pipeline().fireUserEventTriggered(ClientHandshakeStateEvent.HANDSHAKE_COMPLETE);

        final ClientMessage join = readClientMessage();
        assertEquals(ClientMessage.BodyCase.JOIN, join.getBodyCase());
        assertEquals("arena", join.getJoin().getRoomType());
        assertEquals("", join.getJoin().getRoomId());
        assertEquals("t-1", join.getJoin().getTicket());
        assertEquals(ProtocolVersion.CURRENT, join.getJoin().getProtocolVersion());
        assertEquals(1, stats.framesOut());
    }

    @Test
    void shouldAckEachAppliedSnapshot() throws Exception
    {
        connect(true);
        final RoomSession session = join();
        assertEquals(3, session.playerEntityId());
        assertEquals(30, session.tickRateHz());
        final WorldState s1 = worlds.initial(1);
        final WorldState s2 = worlds.next(s1, 2);

        receive(encoder.encodeServerMessage(null, s1, 0));
        assertEquals(1, readClientMessage().getAck().getTick());
        receive(encoder.encodeServerMessage(s1, s2, 4));
        assertEquals(2, readClientMessage().getAck().getTick());

        assertEquals(List.of("snapshot 1/0", "snapshot 2/1"), events);
        assertEquals(4, session.lastProcessedInputSeq());
        assertNull(s2.firstDifference(session.mirror().copyState()));
        assertEquals(1, stats.fullSnapshots());
        assertEquals(1, stats.deltaSnapshots());
        assertEquals(2, stats.acksSent());
    }

    @Test
    void shouldNotAckWhenAutoAckOffUntilAskedAndPiggybackOnlyExplicitAcks() throws Exception
    {
        connect(false);
        final RoomSession session = join();
        final WorldState s1 = worlds.initial(1);
        final WorldState s2 = worlds.next(s1, 2);
        receive(encoder.encodeServerMessage(null, s1, 0));
        receive(encoder.encodeServerMessage(s1, s2, 0));
        assertNull(channel.readOutbound(), "no auto ack");

        assertEquals(1, session.sendInput(new byte[]{ 1 }));
        channel.runPendingTasks();
        final ClientMessage input = readClientMessage();
        assertEquals(0, input.getInput().getAckTick(), "nothing acked yet");

        session.ack(1);
        channel.runPendingTasks();
        assertEquals(1, readClientMessage().getAck().getTick());
        assertEquals(2, session.sendInput(new byte[]{ 2 }));
        channel.runPendingTasks();
        assertEquals(1, readClientMessage().getInput().getAckTick());
    }

    @Test
    void shouldAckFirstSnapshotAtOnceThenLetTheNextInputCarryTheNewestTick() throws Exception
    {
        connect(true, 60_000);
        final RoomSession session = join();
        final WorldState s1 = worlds.initial(1);
        final WorldState s2 = worlds.next(s1, 2);
        final WorldState s3 = worlds.next(s2, 3);

        receive(encoder.encodeServerMessage(null, s1, 0));
        assertEquals(1, readClientMessage().getAck().getTick(), "first snapshot on the link: acked at once");
        receive(encoder.encodeServerMessage(s1, s2, 0));
        receive(encoder.encodeServerMessage(s2, s3, 0));
        assertNull(channel.readOutbound(), "within the ack interval: no Ack frame of their own");
        assertEquals(1, stats.acksSent());
        assertEquals(2, stats.acksCoalesced());

        assertEquals(1, session.sendInput(new byte[]{ 7 }));
        channel.runPendingTasks();
        final ClientMessage input = readClientMessage();
        assertEquals(3, input.getInput().getAckTick(), "the input carries the newest applied tick");
        assertNull(channel.readOutbound(), "one frame: the input");
        assertEquals(List.of("snapshot 1/0", "snapshot 2/1", "snapshot 3/2"), events);
    }

    @Test
    void shouldWriteAnAckFrameWhenNoAckWentOutForTheInterval() throws Exception
    {
        connect(true, 1);
        join();
        final WorldState s1 = worlds.initial(1);
        final WorldState s2 = worlds.next(s1, 2);

        receive(encoder.encodeServerMessage(null, s1, 0));
        assertEquals(1, readClientMessage().getAck().getTick());
        Thread.sleep(5);
        receive(encoder.encodeServerMessage(s1, s2, 0));
        assertEquals(2, readClientMessage().getAck().getTick(), "interval passed without an input: Ack frame");
        assertEquals(2, stats.acksSent());
        assertEquals(0, stats.acksCoalesced());
    }

    /** Stands for another transport's channel class. */
    static final class OtherSocketChannel extends io.netty.channel.socket.nio.NioSocketChannel
    {
    }

    @Test
    void shouldConnectWithNioUnlessGivenAGroupWithItsChannelClass()
    {
        final io.netty.channel.DefaultEventLoopGroup group = new io.netty.channel.DefaultEventLoopGroup(1);
        try
        {
            final ClientOptions.Builder b = ClientOptions.builder().uri("ws://127.0.0.1:1/x");
            assertEquals(io.netty.channel.socket.nio.NioSocketChannel.class, b.build().channelClass());
            assertThrows(NullPointerException.class, () -> b.eventLoopGroup(group, null));
            assertEquals(OtherSocketChannel.class, b.eventLoopGroup(group, OtherSocketChannel.class).build().channelClass());
            assertEquals(io.netty.channel.socket.nio.NioSocketChannel.class,
                b.eventLoopGroup(null).build().channelClass(), "a group of its own is NIO again");
        }
        finally
        {
            group.shutdownGracefully(0, 0, java.util.concurrent.TimeUnit.MILLISECONDS);
        }
    }

    @Test
    void shouldRefuseNegativeAckInterval()
    {
        assertThrows(IllegalArgumentException.class,
            () -> ClientOptions.builder().uri("ws://127.0.0.1:1/x").ackIntervalMs(-1).build());
    }

    @Test
    void shouldAskForTheProtocolVersionOfItsOptions() throws Exception
    {
        final ClientOptions options = ClientOptions.builder().uri("ws://127.0.0.1:1/tickwire").protocolVersion(2)
            .build();
        channel = new EmbeddedChannel();
        final ClientConnection connection = new ClientConnection(
            options, channel.eventLoop(), JoinRequest.byType("arena"),
            new SessionJoin(joinFuture, listeners, stats, () -> { }), stats);
        final Link link = connection.newLink();
        link.attach(channel);
        channel.pipeline().addLast(link);
        channel.pipeline().fireUserEventTriggered(ClientHandshakeStateEvent.HANDSHAKE_COMPLETE);
        assertEquals(2, readClientMessage().getJoin().getProtocolVersion(), "the plain mode asked for");
        final IllegalArgumentException tooNew = assertThrows(IllegalArgumentException.class,
            () -> ClientOptions.builder().uri("ws://127.0.0.1:1/x").protocolVersion(ProtocolVersion.CURRENT + 1).build());
        assertEquals("protocolVersion unsupported: protocolVersion=" + (ProtocolVersion.CURRENT + 1) + ", supported=1.." +
            ProtocolVersion.CURRENT, tooNew.getMessage());
        assertThrows(IllegalArgumentException.class,
            () -> ClientOptions.builder().uri("ws://127.0.0.1:1/x").protocolVersion(0).build());
    }

    @Test
    void shouldRequestFullSnapshotOnceUntilOneArrives() throws Exception
    {
        // A long ack interval: the full snapshot answering the request is acked at once all the same.
        connect(true, 60_000);
        final RoomSession session = join();
        final WorldState s1 = worlds.initial(1);
        final WorldState unseen5 = worlds.next(s1, 5);
        final WorldState s6 = worlds.next(unseen5, 6);
        final WorldState s7 = worlds.next(s6, 7);
        final WorldState s8 = worlds.next(s7, 8);
        receive(encoder.encodeServerMessage(null, s1, 0));
        assertEquals(1, readClientMessage().getAck().getTick());

        receive(encoder.encodeServerMessage(unseen5, s6, 0));
        receive(encoder.encodeServerMessage(unseen5, s7, 0));

        final ClientMessage request = readClientMessage();
        assertTrue(request.getAck().getRequestFull());
        assertNull(channel.readOutbound(), "one request while waiting for the full snapshot");
        assertEquals(2, stats.baselineMisses());
        assertEquals(1, stats.fullRequests());
        assertEquals(1, session.mirror().tick());
        assertNull(s1.firstDifference(session.mirror().copyState()), "mirror unchanged");

        receive(encoder.encodeServerMessage(null, s8, 0));
        assertEquals(8, readClientMessage().getAck().getTick());
        assertNull(s8.firstDifference(session.mirror().copyState()));
        assertEquals(List.of("snapshot 1/0", "error 0", "error 0", "snapshot 8/0"), events);
    }

    @Test
    void shouldFailJoinWithErrorCodeBeforeWelcome()
    {
        connect(true);
        channel.pipeline().fireUserEventTriggered(ClientHandshakeStateEvent.HANDSHAKE_COMPLETE);
        channel.releaseOutbound();

        receive(ServerMessage.newBuilder().setError(Error.newBuilder()
            .setCode(CloseCodes.ROOM_FULL).setMessage("room full: max=2")).build().toByteArray());

        final ExecutionException ex = assertThrows(ExecutionException.class, joinFuture::get);
        final TickwireException cause = assertInstanceOf(TickwireException.class, ex.getCause());
        assertEquals(CloseCodes.ROOM_FULL, cause.closeCode());
        assertTrue(cause.getMessage().contains("room full: max=2"), cause.getMessage());
        assertTrue(events.isEmpty(), "no session events before Welcome: " + events);
    }

    @Test
    void shouldCountTextFrameAndGarbageAsProtocolErrors() throws Exception
    {
        connect(true);
        join();

        channel.writeInbound(new TextWebSocketFrame("hello"));
        receive(new byte[]{ (byte)0xFF, (byte)0xFF, (byte)0xFF });

        assertEquals(2, stats.protocolErrors());
        assertEquals(2, stats.framesIn() - 1);
        assertEquals(List.of("error 0", "error 0"), events);
        assertTrue(channel.isActive(), "protocol errors do not close the connection");
    }

    @Test
    void shouldFireClosedOnceWithNormalCodeAfterLeave() throws Exception
    {
        connect(true);
        final RoomSession session = join();

        session.leave();
        session.leave();
        channel.runPendingTasks();

        final ClientMessage leave = readClientMessage();
        assertEquals(ClientMessage.BodyCase.LEAVE, leave.getBodyCase());
        final Object close = channel.readOutbound();
        assertInstanceOf(io.netty.handler.codec.http.websocketx.CloseWebSocketFrame.class, close);
        assertEquals(CloseCodes.NORMAL,
            ((io.netty.handler.codec.http.websocketx.CloseWebSocketFrame)close).statusCode());
        ((io.netty.handler.codec.http.websocketx.CloseWebSocketFrame)close).release();
        assertFalse(channel.isActive());
        assertEquals(List.of("closed 1000"), events);
    }

    @Test
    void shouldReportHostileNestedFrameAsErrorAndKeepApplyingSnapshots() throws Exception
    {
        connect(true);
        final RoomSession session = join();
        final List<String> errors = new ArrayList<>();
        session.addListener(new SessionListener()
        {
            @Override
            public void onError(final RoomSession s, final int code, final String message)
            {
                errors.add(message);
            }
        });
        final byte[] hostile = WireCodecTest.nestedGroups(100_000);

        channel.writeInbound(new BinaryWebSocketFrame(Unpooled.directBuffer(hostile.length).writeBytes(hostile)));

        assertEquals(1, stats.protocolErrors());
        assertEquals(1, errors.size());
        assertTrue(errors.get(0).startsWith("invalid ServerMessage: length=" + hostile.length + ", reason="),
            errors.get(0));
        assertTrue(errors.get(0).contains("too many levels of nesting"), errors.get(0));
        assertTrue(channel.isActive(), "a protocol error does not close the connection");
        receive(encoder.encodeServerMessage(null, worlds.initial(1), 0));
        assertEquals(1, readClientMessage().getAck().getTick(), "the session goes on");
    }
}
