package io.tickwire.server.e2e;

import io.tickwire.protocol.CloseCodes;
import io.tickwire.protocol.ProtocolVersion;
import io.tickwire.protocol.ticket.JoinTickets;
import io.tickwire.protocol.v1.ClientMessage;
import io.tickwire.protocol.v1.Join;
import io.tickwire.protocol.v1.ServerMessage;
import io.tickwire.server.ServerOptions;
import io.tickwire.server.TickwireServer;
import io.tickwire.server.game.arena.ArenaGame;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Instant;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A server with a ticket secret lets in only holders of a valid ticket for the room they join,
 * once per ticket.
 */
@Timeout(60)
class JoinTicketTest
{
    private static final String SECRET = "test-ticket-secret-0123456789abcdef";
    private static final JoinTickets TICKETS = JoinTickets.ofSecret(SECRET);
    private static TickwireServer server;

    @BeforeAll
    static void start()
    {
        server = TickwireServer.start(ServerOptions.builder().host("127.0.0.1").port(0).adminPort(-1).roomLoops(1)
            .ticketSecret(SECRET).roomType(ArenaGame.TYPE, ArenaGame.factory(ArenaGame.DEFAULT_NPC_COUNT)).build());
    }

    @AfterAll
    static void stop()
    {
        server.close();
    }

    private static byte[] join(final String roomId, final String roomType, final String ticket)
    {
        return ClientMessage.newBuilder().setJoin(Join.newBuilder().setRoomId(roomId).setRoomType(roomType)
            .setTicket(ticket).setProtocolVersion(ProtocolVersion.CURRENT)).build().toByteArray();
    }

    private static String refusal(final byte[] join) throws Exception
    {
        try (RawWebSocketClient client = RawWebSocketClient.connect(server.webSocketUri()))
        {
            client.sendBinary(join);
            assertEquals(CloseCodes.TICKET_REJECTED, client.awaitCloseCode(), client.awaitCloseReason());
            return client.awaitMessage(ServerMessage::hasError).getError().getMessage();
        }
    }

    @Test
    void shouldAdmitValidTicketOnceAndNameThePlayer() throws Exception
    {
        final String ticket = TICKETS.mintForType("alice", "arena", Instant.now().plusSeconds(60));
        try (RawWebSocketClient client = RawWebSocketClient.connect(server.webSocketUri()))
        {
            client.sendBinary(join("", "arena", ticket));
            assertEquals("alice", client.awaitMessage(ServerMessage::hasWelcome).getWelcome().getPlayerId());
        }
        assertTrue(refusal(join("", "arena", ticket)).contains("replayed"));
    }

    @Test
    void shouldRefuseMissingForgedExpiredAndOtherRoomTickets() throws Exception
    {
        assertTrue(refusal(join("", "arena", "")).contains("required"));
        final String forged = JoinTickets.ofSecret("someone-elses-secret-0123456789abcd")
            .mintForType("mallory", "arena", Instant.now().plusSeconds(60));
        assertTrue(refusal(join("", "arena", forged)).contains("forged"));
        final String expired = TICKETS.mintForType("bob", "arena", Instant.now().minusSeconds(1));
        assertTrue(refusal(join("", "arena", expired)).contains("expired"));
        final String forLobby = TICKETS.mintForRoom("carol", "lobby", Instant.now().plusSeconds(60));
        assertTrue(refusal(join("", "arena", forLobby)).contains("another room"));
        final String forChess = TICKETS.mintForType("dave", "chess", Instant.now().plusSeconds(60));
        assertTrue(refusal(join("", "arena", forChess)).contains("another room type"));
    }

    @Test
    void shouldRefuseATypeTicketForAJoinByIdEvenIntoARoomOfThatType() throws Exception
    {
        assertEquals(201, server.createRoom(ArenaGame.TYPE, "private-arena").httpStatus());
        final String typeTicket = TICKETS.mintForType("eve", "arena", Instant.now().plusSeconds(60));
        assertTrue(refusal(join("private-arena", "", typeTicket)).contains("needs a ticket for that room"));
        final String roomTicket = TICKETS.mintForRoom("frank", "private-arena", Instant.now().plusSeconds(60));
        try (RawWebSocketClient client = RawWebSocketClient.connect(server.webSocketUri()))
        {
            client.sendBinary(join("private-arena", "", roomTicket));
            assertEquals("private-arena", client.awaitMessage(ServerMessage::hasWelcome).getWelcome().getRoomId());
        }
    }
}
