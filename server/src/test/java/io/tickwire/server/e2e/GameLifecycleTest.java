package io.tickwire.server.e2e;

import io.tickwire.protocol.ProtocolVersion;
import io.tickwire.protocol.v1.Ack;
import io.tickwire.protocol.v1.ClientMessage;
import io.tickwire.protocol.v1.Join;
import io.tickwire.protocol.v1.ServerMessage;
import io.tickwire.protocol.v1.Welcome;
import io.tickwire.protocol.schema.EntitySchema;
import io.tickwire.server.ServerOptions;
import io.tickwire.server.TickwireServer;
import io.tickwire.server.game.GameLogic;
import io.tickwire.server.game.GameLogicFactory;
import io.tickwire.server.game.RoomContext;
import io.tickwire.server.game.ScriptedGame;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.Map;

import static io.tickwire.server.support.Await.awaitTrue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Lifecycle callbacks and join options on loopback with raw frames: a lost connection is {@code onDetach},
 * its resume {@code onResume}, and a room type that names its room options keeps the players' own options
 * (a team, a name) out of matchmaking while its game still sees them.
 */
@Timeout(30)
class GameLifecycleTest
{
    private static final String PICKY = "picky";
    private TickwireServer server;

    /** ScriptedGame whose room options are only {@code mode}: the rest of a join's options are the player's. */
    private static final GameLogicFactory MODE_ONLY = new GameLogicFactory()
    {
        private final GameLogicFactory scripted = ScriptedGame.factory(4, 20);

        @Override
        public EntitySchema schema()
        {
            return scripted.schema();
        }

        @Override
        public String validateOptions(final Map<String, String> options)
        {
            return scripted.validateOptions(options);
        }

        @Override
        public Map<String, String> roomOptions(final Map<String, String> joinOptions)
        {
            return joinOptions.containsKey("mode") ? Map.of("mode", joinOptions.get("mode")) : Map.of();
        }

        @Override
        public GameLogic create(final RoomContext room)
        {
            return scripted.create(room);
        }
    };

    @BeforeEach
    void start()
    {
        ScriptedGame.EVENTS.clear();
        server = TickwireServer.start(ServerOptions.builder().host("127.0.0.1").port(0).adminPort(-1).roomLoops(1)
            .roomType(ScriptedGame.TYPE, ScriptedGame.factory(4, 20)).roomType(PICKY, MODE_ONLY)
            .resumeGraceMs(5_000).build());
    }

    @AfterEach
    void stop()
    {
        server.close();
    }

    private static byte[] join(final String roomId, final String roomType, final String resumeToken,
        final Map<String, String> options)
    {
        return ClientMessage.newBuilder().setJoin(Join.newBuilder().setRoomId(roomId).setRoomType(roomType)
            .setResumeToken(resumeToken).putAllOptions(options).setProtocolVersion(ProtocolVersion.CURRENT)).build()
            .toByteArray();
    }

    private static void await(final java.util.function.BooleanSupplier condition,
        final java.util.function.Supplier<String> what) throws InterruptedException
    {
        awaitTrue(condition, io.tickwire.server.support.Await.DEFAULT_TIMEOUT_MS, what);
    }

    @Test
    void shouldCallOnDetachWhenTheConnectionIsLostAndOnResumeWhenItComesBack() throws Exception
    {
        final Welcome first;
        try (RawWebSocketClient a = RawWebSocketClient.connect(server.webSocketUri()))
        {
            a.sendBinary(join("", ScriptedGame.TYPE, "", Map.of()));
            first = a.awaitMessage(ServerMessage::hasWelcome).getWelcome();
            final int tick = a.awaitMessage(ServerMessage::hasSnapshot).getSnapshot().getTick();
            // Only a client that acknowledged a snapshot is kept for a resume.
            a.sendBinary(ClientMessage.newBuilder().setAck(Ack.newBuilder().setTick(tick)).build().toByteArray());
            awaitTrue(() -> server.directory().byId(first.getRoomId()).players() == 1, "joined");
            a.awaitMessage(m -> m.hasSnapshot() && m.getSnapshot().getBaselineTick() == tick);
            a.dropConnection();
        }
        await(() -> ScriptedGame.EVENTS.contains("detach null"), () -> "onDetach: " + ScriptedGame.EVENTS);
        assertTrue(ScriptedGame.EVENTS.stream().noneMatch(e -> e.startsWith("leave")), ScriptedGame.EVENTS::toString);

        try (RawWebSocketClient b = RawWebSocketClient.connect(server.webSocketUri()))
        {
            b.sendBinary(join(first.getRoomId(), "", first.getResumeToken(), Map.of()));
            assertTrue(b.awaitMessage(ServerMessage::hasWelcome).getWelcome().getResumed());
            await(() -> ScriptedGame.EVENTS.contains("resume null"), () -> "onResume: " + ScriptedGame.EVENTS);
            b.sendBinary(ClientMessage.newBuilder().setLeave(io.tickwire.protocol.v1.Leave.newBuilder().setReason("bye"))
                .build().toByteArray());
            await(() -> ScriptedGame.EVENTS.stream().anyMatch(e -> e.startsWith("leave")),
                () -> "left: " + ScriptedGame.EVENTS);
        }
        await(() -> ScriptedGame.EVENTS.contains("leave null consented=true"),
            () -> "a Leave from the resumed connection is a consented leave: " + ScriptedGame.EVENTS);
        assertEquals(1, ScriptedGame.EVENTS.stream().filter(e -> e.startsWith("detach")).count(),
            ScriptedGame.EVENTS::toString);
    }

    @Test
    void shouldMatchRoomsByRoomOptionsOnlyAndHandEveryOptionToTheGame() throws Exception
    {
        try (RawWebSocketClient a = RawWebSocketClient.connect(server.webSocketUri());
            RawWebSocketClient b = RawWebSocketClient.connect(server.webSocketUri());
            RawWebSocketClient banned = RawWebSocketClient.connect(server.webSocketUri()))
        {
            a.sendBinary(join("", PICKY, "", Map.of("mode", "a", "team", "red")));
            final Welcome wa = a.awaitMessage(ServerMessage::hasWelcome).getWelcome();
            b.sendBinary(join("", PICKY, "", Map.of("mode", "a", "team", "blue")));
            final Welcome wb = b.awaitMessage(ServerMessage::hasWelcome).getWelcome();
            assertEquals(wa.getRoomId(), wb.getRoomId(), "the players' own options do not split them");
            assertEquals(Map.of("mode", "a"), server.directory().byId(wa.getRoomId()).options());
            assertTrue(ScriptedGame.EVENTS.contains("create " + wa.getRoomId() + " options={mode=a}"),
                ScriptedGame.EVENTS::toString);

            // By type, the refused player knocks on the very room the others play in.
            banned.sendBinary(join("", PICKY, "", Map.of("mode", "a", "ban", "yes")));
            assertEquals(4101, banned.awaitCloseCode(), "onJoinAttempt saw the player's option");
            assertEquals(1, server.directory().rooms().size());
        }
    }
}
