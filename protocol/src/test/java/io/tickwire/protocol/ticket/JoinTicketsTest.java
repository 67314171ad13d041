package io.tickwire.protocol.ticket;

import org.junit.jupiter.api.Test;

import java.time.Instant;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class JoinTicketsTest
{
    private static final Instant NOW = Instant.parse("2026-11-25T12:00:00Z");
    private final JoinTickets tickets = JoinTickets.ofSecret("0123456789abcdef0123456789abcdef");

    @Test
    void shouldVerifyWhatItMints() throws Exception
    {
        final JoinTicket room = tickets.verify(tickets.mintForRoom("alice", "lobby", NOW.plusSeconds(60)), NOW);
        assertEquals("alice", room.playerId());
        assertEquals("lobby", room.roomId());
        assertNull(room.roomType());
        assertEquals(NOW.plusSeconds(60), room.expiresAt());
        final JoinTicket type = tickets.verify(tickets.mintForType("bob", "arena", NOW.plusSeconds(60)), NOW);
        assertEquals("arena", type.roomType());
        assertNull(type.roomId());
    }

    @Test
    void shouldCarrySignedClaimsInAVersionTwoTicket() throws Exception
    {
        final java.util.Map<String, String> claims = java.util.Map.of("name", "Zoë & co=1", "team", "red", "x\ny", "");
        final String minted = tickets.mintForType("alice", "shooter", NOW.plusSeconds(60), claims);
        assertTrue(minted.startsWith("v2."), minted);
        final JoinTicket ticket = tickets.verify(minted, NOW);
        assertEquals(claims, ticket.claims());
        assertEquals("shooter", ticket.roomType());
    }

    @Test
    void shouldMintVersionOneWithoutClaims() throws Exception
    {
        final String minted = tickets.mintForRoom("alice", "lobby", NOW.plusSeconds(60), java.util.Map.of());
        assertTrue(minted.startsWith("v1."), minted);
        assertTrue(tickets.verify(minted, NOW).claims().isEmpty());
    }

    @Test
    void shouldRefuseClaimsTicketRelabelledAsVersionOne()
    {
        final String minted = tickets.mintForType("alice", "shooter", NOW.plusSeconds(60),
            java.util.Map.of("team", "red"));
        final TicketException ex = assertThrows(TicketException.class,
            () -> tickets.verify("v1" + minted.substring(2), NOW));
        assertTrue(ex.getMessage().contains("forged"), ex.getMessage());
    }

    @Test
    void shouldGiveEachTicketItsOwnNonce() throws Exception
    {
        final JoinTicket a = tickets.verify(tickets.mintForType("p", "arena", NOW.plusSeconds(60)), NOW);
        final JoinTicket b = tickets.verify(tickets.mintForType("p", "arena", NOW.plusSeconds(60)), NOW);
        assertTrue(!a.nonce().equals(b.nonce()));
    }

    @Test
    void shouldRefuseExpiredTicket()
    {
        final String ticket = tickets.mintForType("p", "arena", NOW);
        final TicketException ex = assertThrows(TicketException.class, () -> tickets.verify(ticket, NOW));
        assertTrue(ex.getMessage().contains("expired"), ex.getMessage());
    }

    @Test
    void shouldRefuseTicketSignedWithAnotherSecret()
    {
        final String ticket = JoinTickets.ofSecret("another-secret-another-secret-1234")
            .mintForType("p", "arena", NOW.plusSeconds(60));
        final TicketException ex = assertThrows(TicketException.class, () -> tickets.verify(ticket, NOW));
        assertTrue(ex.getMessage().contains("forged"), ex.getMessage());
    }

    @Test
    void shouldRefuseTamperedPayload()
    {
        final String ticket = tickets.mintForType("mallory", "arena", NOW.plusSeconds(60));
        final String[] parts = ticket.split("\\.");
        final String forgedPayload = java.util.Base64.getUrlEncoder().withoutPadding().encodeToString(
            "admin\ntype:arena\n9999999999\nAAAA".getBytes(java.nio.charset.StandardCharsets.UTF_8));
        final String tampered = parts[0] + "." + forgedPayload + "." + parts[2];
        assertThrows(TicketException.class, () -> tickets.verify(tampered, NOW));
    }

    @Test
    void shouldRefuseMalformedTickets()
    {
        for (final String bad : new String[]{ "", "v1", "v1.", "v2.abc.def", "v1.!!!.???", "x".repeat(2000) })
        {
            assertThrows(TicketException.class, () -> tickets.verify(bad, NOW), bad);
        }
    }

    @Test
    void shouldRefuseShortSecretAndMultiLineIds()
    {
        assertThrows(IllegalArgumentException.class, () -> JoinTickets.ofSecret("short"));
        assertThrows(IllegalArgumentException.class, () -> tickets.mintForType("a\nb", "arena", NOW));
    }
}
