package io.tickwire.server.e2e;

import io.tickwire.server.ServerOptions;
import io.tickwire.server.TickwireServer;
import io.tickwire.server.game.arena.ArenaGame;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Upgrade requests that are not RFC 6455, over raw sockets: older WebSocket drafts and malformed keys
 * are refused before the handshake (426 naming the version, 400 naming the key), counted, and the
 * connection closed; a correct RFC 6455 upgrade still gets 101.
 */
@Timeout(30)
class UpgradeRequestTest
{
    private static final String GOOD_KEY = "dGhlIHNhbXBsZSBub25jZQ==";

    private static TickwireServer server;

    @BeforeAll
    static void start()
    {
        server = TickwireServer.start(ServerOptions.builder().host("127.0.0.1").port(0).adminPort(-1).roomLoops(1)
            .roomType(ArenaGame.TYPE, ArenaGame.factory(ArenaGame.DEFAULT_NPC_COUNT)).build());
    }

    @AfterAll
    static void stop()
    {
        if (server != null)
        {
            server.close();
        }
    }

    @Test
    void shouldStillUpgradeAnRfc6455Request() throws Exception
    {
        try (Socket socket = connect())
        {
            send(socket, upgrade("13", GOOD_KEY));
            final String head = readHead(socket);
            assertTrue(head.startsWith("HTTP/1.1 101 "), head);
            assertTrue(head.contains("s3pPLMBiTxaQ9kYGzzhZRbK+xOo="), head);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = { "8", "7", "0", "14", "13, 8" })
    void shouldAnswer426ToAnotherVersion(final String version) throws Exception
    {
        final long refused = server.counters().upgradesRefused.sum();

        final String response = refusedResponse(upgrade(version, GOOD_KEY));

        assertTrue(response.startsWith("HTTP/1.1 426 "), response);
        assertTrue(response.toLowerCase().contains("sec-websocket-version: 13\r\n"), response);
        assertTrue(response.contains("version=" + version + ","), response);
        assertEquals(refused + 1, server.counters().upgradesRefused.sum());
    }

    @Test
    void shouldAnswer426ToAHixie76Handshake() throws Exception
    {
        final String request = "GET /ws HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: WebSocket\r\nConnection: Upgrade\r\n" +
            "Origin: http://example.com\r\nSec-WebSocket-Key1: 4 @1  46546xW%0l 1 5\r\n" +
            "Sec-WebSocket-Key2: 12998 5 Y3 1  .P00\r\n\r\n^n:ds[4U";

        final String response = refusedResponse(request);

        assertTrue(response.startsWith("HTTP/1.1 426 "), response);
        assertTrue(response.contains("Sec-WebSocket-Version missing"), response);
    }

    @ParameterizedTest
    @ValueSource(strings = { "short", "AAAAAAAAAAAAAAAAAAAAAA", "AAAAAAAAAAAAAAAAAAAAAAAA", "AAAAAAAAAAAAAAAAAAAA====",
        "dGhlIHNhbXBsZSBub25jZQ=!", "dGhlIHNhbXBsZSBub25jZQ==dGhlIHNhbXBsZSBub25jZQ==" })
    void shouldAnswer400ToAKeyThatIsNotBase64Of16Bytes(final String key) throws Exception
    {
        final long refused = server.counters().upgradesRefused.sum();

        final String response = refusedResponse(upgrade("13", key));

        assertTrue(response.startsWith("HTTP/1.1 400 "), response);
        assertTrue(response.contains("key=" + key + ","), response);
        assertEquals(refused + 1, server.counters().upgradesRefused.sum());
    }

    private static String upgrade(final String version, final String key)
    {
        return "GET /ws HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n" +
            "Sec-WebSocket-Key: " + key + "\r\nSec-WebSocket-Version: " + version + "\r\n\r\n";
    }

    /** @return the whole response; fails if the server does not close the connection after it. */
    private static String refusedResponse(final String request) throws Exception
    {
        try (Socket socket = connect())
        {
            send(socket, request);
            final InputStream in = socket.getInputStream();
            final ByteArrayOutputStream out = new ByteArrayOutputStream();
            final byte[] buffer = new byte[4096];
            int n;
            while ((n = in.read(buffer)) != -1)
            {
                out.write(buffer, 0, n);
            }
            return out.toString(StandardCharsets.ISO_8859_1);
        }
    }

    private static Socket connect() throws Exception
    {
        final Socket socket = new Socket("127.0.0.1", server.port());
        socket.setSoTimeout(5_000);
        return socket;
    }

    private static void send(final Socket socket, final String text) throws Exception
    {
        socket.getOutputStream().write(text.getBytes(StandardCharsets.ISO_8859_1));
        socket.getOutputStream().flush();
    }

    private static String readHead(final Socket socket) throws Exception
    {
        final InputStream in = socket.getInputStream();
        final StringBuilder head = new StringBuilder();
        while (!head.toString().endsWith("\r\n\r\n"))
        {
            final int b = in.read();
            if (b == -1)
            {
                break;
            }
            head.append((char)b);
        }
        return head.toString();
    }
}
