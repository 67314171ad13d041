package io.tickwire.server;

import io.tickwire.protocol.ticket.JoinTicket;
import io.tickwire.protocol.ticket.JoinTickets;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Instant;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code tickwire-server ticket}: the printed ticket verifies with the secret and carries the claims given with
 * {@code --claim}.
 */
class TicketCommandTest
{
    private static final String SECRET = "0123456789abcdef0123456789abcdef";

    private static String run(final String... args)
    {
        final java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
        final java.io.PrintStream previous = System.out;
        System.setOut(new java.io.PrintStream(bytes, true, java.nio.charset.StandardCharsets.UTF_8));
        try
        {
            final CommandLine commandLine = Main.commandLine();
            final StringWriter err = new StringWriter();
            commandLine.setErr(new PrintWriter(err));
            assertEquals(0, commandLine.execute(args), err::toString);
        }
        finally
        {
            System.setOut(previous);
        }
        return bytes.toString(java.nio.charset.StandardCharsets.UTF_8).trim();
    }

    @Test
    void shouldMintTicketWithClaims() throws Exception
    {
        final String ticket = run("ticket", "--secret", SECRET, "--player", "p1", "--room-type", "shooter",
            "--claim", "name=alice", "--claim", "team=blue");
        assertTrue(ticket.startsWith("v2."), ticket);
        final JoinTicket verified = JoinTickets.ofSecret(SECRET).verify(ticket, Instant.now());
        assertEquals("p1", verified.playerId());
        assertEquals("shooter", verified.roomType());
        assertEquals(Map.of("name", "alice", "team", "blue"), verified.claims());
    }

    @Test
    void shouldMintVersionOneTicketWithoutClaims() throws Exception
    {
        final String ticket = run("ticket", "--secret", SECRET, "--player", "p2", "--room-id", "room-7");
        assertTrue(ticket.startsWith("v1."), ticket);
        final JoinTicket verified = JoinTickets.ofSecret(SECRET).verify(ticket, Instant.now());
        assertEquals("room-7", verified.roomId());
        assertEquals(Map.of(), verified.claims());
    }
}
