package io.tickwire.server;

import io.tickwire.server.game.arena.ArenaGame;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Validation of {@link ServerOptions} and its settings records: refusals name the option and the
 * value, the core registers no room type by itself, secrets stay out of the printed configuration,
 * and files are looked at by {@link TickwireServer#start(ServerOptions)}, not by the builder.
 */
class ServerOptionsTest
{
    private static final String SECRET = "0123456789abcdef0123456789abcdef-secret";
    private static final String TOKEN = "admin-token-1234";

    private static ServerOptions.Builder withArena()
    {
        return ServerOptions.builder().roomType(ArenaGame.TYPE, ArenaGame.factory(0));
    }

    private static String refusal(final ServerOptions.Builder builder)
    {
        return assertThrows(IllegalArgumentException.class, builder::build).getMessage();
    }

    @Test
    void shouldRefuseOptionsWithoutRoomType()
    {
        final String message = refusal(ServerOptions.builder());
        assertTrue(message.contains("roomTypes") && message.contains("no room types registered"), message);
    }

    @Test
    void shouldNameOptionAndValueWhenRefusing()
    {
        assertEquals("invalid option: tickRateHz=0", refusal(withArena().tickRateHz(0)));
        assertEquals("invalid option: port=70000", refusal(withArena().port(70000)));
        assertEquals("invalid option: maxInputPayload=4096",
            refusal(withArena().maxFrameLength(4096).maxInputPayload(4096)));
        assertEquals("invalid option: writeBufferLowWaterMark=5000",
            refusal(withArena().writeBufferWaterMark(5000, 4096)));
        assertEquals("invalid option: maxPlayersPerRoom=0", refusal(withArena().maxPlayersPerRoom(0)));
        assertEquals("invalid option: adminPort=-2", refusal(withArena().adminPort(-2)));
        assertEquals("invalid option: resumeGraceMs=-1", refusal(withArena().resumeGraceMs(-1)));
        assertTrue(refusal(withArena().tls(Path.of("cert.pem"), null)).startsWith("invalid option: tls="));
    }

    @Test
    void shouldKeepSecretsOutOfPrintedConfiguration()
    {
        final ServerOptions options = withArena().ticketSecret(SECRET).adminToken(TOKEN).build();
        assertEquals(SECRET, options.auth().ticketSecret());
        assertEquals(TOKEN, options.admin().token());
        final String printed = options.toString();
        assertFalse(printed.contains(SECRET) || printed.contains(TOKEN), printed);
        assertTrue(printed.contains("joinTickets=required") && printed.contains("roomTypes=[arena]"), printed);
    }

    @Test
    void shouldNotEchoRefusedSecrets()
    {
        assertEquals("invalid option: adminToken=<4 chars, need at least 8>", refusal(withArena().adminToken("shhh")));
        assertEquals("invalid option: ticketSecret=<4 chars, need at least 32 bytes>",
            refusal(withArena().ticketSecret("shhh")));
    }

    @Test
    void shouldTreatEmptySecretsAsNone()
    {
        final ServerOptions options = withArena().ticketSecret("").adminToken("").build();
        assertNull(options.auth().ticketSecret());
        assertNull(options.admin().token());
    }

    @Test
    @Timeout(30)
    void shouldCheckTlsFilesAtStartNotAtBuild(@TempDir final Path dir)
    {
        final Path missing = dir.resolve("missing-cert.pem");
        final ServerOptions options = withArena().host("127.0.0.1").port(0).adminPort(-1).roomLoops(1)
            .tls(missing, dir.resolve("missing-key.pem")).build();
        final IllegalArgumentException refused =
            assertThrows(IllegalArgumentException.class, () -> TickwireServer.start(options).close());
        assertEquals("invalid option: tlsCertificate=" + missing + " (not a readable file)", refused.getMessage());
    }
}
