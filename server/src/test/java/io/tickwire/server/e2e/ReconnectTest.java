package io.tickwire.server.e2e;

import io.tickwire.protocol.CloseCodes;
import io.tickwire.protocol.ProtocolVersion;
import io.tickwire.protocol.v1.Ack;
import io.tickwire.protocol.v1.ClientMessage;
import io.tickwire.protocol.v1.Input;
import io.tickwire.protocol.v1.Join;
import io.tickwire.protocol.v1.ServerMessage;
import io.tickwire.protocol.v1.Welcome;
import io.tickwire.server.ServerOptions;
import io.tickwire.server.TickwireServer;
import io.tickwire.server.game.arena.ArenaGame;
import io.tickwire.server.room.LoopCounters;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import static io.tickwire.server.support.Await.awaitTrue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Resuming a player with the Welcome's resume token after the connection is lost: the same
 * entity, a delta from the last acked tick, inputs applied exactly once; a wrong token changes
 * nothing; after the grace period the player is gone.
 */
@Timeout(60)
class ReconnectTest
{
    private static final long GRACE_MS = 2_000;
    private TickwireServer server;

    @AfterEach
    void tearDown()
    {
        if (server != null)
        {
            server.close();
        }
    }

    private void start()
    {
        server = TickwireServer.start(ServerOptions.builder().host("127.0.0.1").port(0).adminPort(-1).roomLoops(1)
            .resumeGraceMs(GRACE_MS).roomType(ArenaGame.TYPE, ArenaGame.factory(ArenaGame.DEFAULT_NPC_COUNT)).build());
    }

    private static byte[] join(final String roomId, final String roomType, final String resumeToken)
    {
        return ClientMessage.newBuilder().setJoin(Join.newBuilder().setRoomId(roomId).setRoomType(roomType)
            .setResumeToken(resumeToken).setProtocolVersion(ProtocolVersion.CURRENT)).build().toByteArray();
    }

    private static byte[] input(final int seq, final int ackTick)
    {
        return ClientMessage.newBuilder().setInput(Input.newBuilder().setSeq(seq).setAckTick(ackTick)
            .setPayload(com.google.protobuf.ByteString.copyFrom(new byte[]{ 127, 0 }))).build().toByteArray();
    }

    private long inputsApplied()
    {
        long sum = 0;
        for (final LoopCounters c : server.loopCounters())
        {
            sum += c.inputsApplied;
        }
        return sum;
    }

    @Test
    void shouldResumeSamePlayerWithDeltaAndApplyEachInputOnce() throws Exception
    {
        start();
        final Welcome first;
        final int ackedTick;
        try (RawWebSocketClient a = RawWebSocketClient.connect(server.webSocketUri()))
        {
            a.sendBinary(join("", "arena", ""));
            first = a.awaitMessage(ServerMessage::hasWelcome).getWelcome();
            ackedTick = a.awaitMessage(ServerMessage::hasSnapshot).getSnapshot().getTick();
            a.sendBinary(ClientMessage.newBuilder().setAck(Ack.newBuilder().setTick(ackedTick)).build().toByteArray());
            for (int seq = 1; seq <= 5; seq++)
            {
                a.sendBinary(input(seq, ackedTick));
            }
            a.awaitMessage(m -> m.hasSnapshot() && m.getSnapshot().getLastInputSeq() == 5);
            a.dropConnection();
        }
        assertEquals(5, inputsApplied());
        awaitTrue(() -> server.loopCounters().get(0).detaches == 1, "the lost player is detached, not removed");
        assertEquals(1, server.directory().byId(first.getRoomId()).players(), "its seat and entity are kept");

        // A wrong token is refused and does not disturb the grace period of the real player.
        try (RawWebSocketClient thief = RawWebSocketClient.connect(server.webSocketUri()))
        {
            thief.sendBinary(join(first.getRoomId(), "", "not-the-token"));
            assertEquals(CloseCodes.RESUME_REJECTED, thief.awaitCloseCode());
        }

        try (RawWebSocketClient b = RawWebSocketClient.connect(server.webSocketUri()))
        {
            b.sendBinary(join(first.getRoomId(), "", first.getResumeToken()));
            final Welcome resumed = b.awaitMessage(ServerMessage::hasWelcome).getWelcome();
            assertTrue(resumed.getResumed());
            assertEquals(first.getEntityId(), resumed.getEntityId(), "same entity");
            assertEquals(first.getSessionId(), resumed.getSessionId(), "same player session");
            assertEquals(5, resumed.getLastInputSeq(), "the server tells which inputs it applied");
            assertNotEquals(first.getResumeToken(), resumed.getResumeToken(), "the token rotates on each resume");

            final ServerMessage snapshot = b.awaitMessage(ServerMessage::hasSnapshot);
            assertEquals(ackedTick, snapshot.getSnapshot().getBaselineTick(),
                "the resumed client gets a delta from its last acked tick");

            // The client resends everything after what it last saw processed (3, 4, 5 were in flight
            // from its point of view) plus new inputs: only 6..8 are applied.
            for (int seq = 3; seq <= 8; seq++)
            {
                b.sendBinary(input(seq, ackedTick));
            }
            b.awaitMessage(m -> m.hasSnapshot() && m.getSnapshot().getLastInputSeq() == 8);
            assertEquals(8, inputsApplied(), "every input applied exactly once across the reconnect");

            // The old token is spent.
            try (RawWebSocketClient replay = RawWebSocketClient.connect(server.webSocketUri()))
            {
                replay.sendBinary(join(first.getRoomId(), "", first.getResumeToken()));
                assertEquals(CloseCodes.RESUME_REJECTED, replay.awaitCloseCode());
            }
        }
    }

    @Test
    void shouldForgetPlayerAfterGracePeriod() throws Exception
    {
        start();
        final Welcome first;
        try (RawWebSocketClient a = RawWebSocketClient.connect(server.webSocketUri()))
        {
            a.sendBinary(join("", "arena", ""));
            first = a.awaitMessage(ServerMessage::hasWelcome).getWelcome();
            a.dropConnection();
        }
        awaitTrue(() -> server.directory().byId(first.getRoomId()) == null ||
            server.directory().byId(first.getRoomId()).players() == 0, "player removed after the grace period");
        try (RawWebSocketClient late = RawWebSocketClient.connect(server.webSocketUri()))
        {
            late.sendBinary(join(first.getRoomId(), "", first.getResumeToken()));
            assertEquals(CloseCodes.RESUME_REJECTED, late.awaitCloseCode());
        }
    }

    @Test
    void shouldReplaceHalfOpenConnectionWhenPlayerResumes() throws Exception
    {
        start();
        try (RawWebSocketClient a = RawWebSocketClient.connect(server.webSocketUri());
            RawWebSocketClient b = RawWebSocketClient.connect(server.webSocketUri()))
        {
            a.sendBinary(join("", "arena", ""));
            final Welcome first = a.awaitMessage(ServerMessage::hasWelcome).getWelcome();
            // The server still thinks A is connected (half-open from the client's side).
            b.sendBinary(join(first.getRoomId(), "", first.getResumeToken()));
            assertTrue(b.awaitMessage(ServerMessage::hasWelcome).getWelcome().getResumed());
            assertEquals(CloseCodes.SESSION_REPLACED, a.awaitCloseCode());
            assertEquals(1, server.directory().byId(first.getRoomId()).players());
        }
    }
}
