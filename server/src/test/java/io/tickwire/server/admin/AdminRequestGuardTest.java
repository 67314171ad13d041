package io.tickwire.server.admin;

import io.netty.util.NetUtil;
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
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The admin port against requests that must not be routed: oversized or malformed requests, and
 * requests for another host (DNS rebinding), over raw sockets to a started server.
 */
@Timeout(30)
class AdminRequestGuardTest
{
    private static TickwireServer server;
    private static int adminPort;

    @BeforeAll
    static void start()
    {
        server = TickwireServer.start(ServerOptions.builder().host("127.0.0.1").port(0)
            .adminHost("127.0.0.1").adminPort(0).roomLoops(1)
            .roomType(ArenaGame.TYPE, ArenaGame.factory(ArenaGame.DEFAULT_NPC_COUNT)).build());
        adminPort = server.adminUri().getPort();
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
    void shouldAnswer431ToHeadersOverTheLimitAndClose() throws Exception
    {
        final String response = exchange("GET /rooms HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Pad: " + "a".repeat(64 * 1024) +
            "\r\n\r\n");

        assertTrue(response.startsWith("HTTP/1.1 431 "), response);
        assertTrue(response.contains("connection: close"), response);
        assertFalse(response.contains("\"rooms\""), response);
    }

    @Test
    void shouldAnswer400ToAMalformedRequest() throws Exception
    {
        final String response = exchange("GET /rooms HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: x\r\n\r\n");

        assertTrue(response.startsWith("HTTP/1.1 400 "), response);
    }

    @ParameterizedTest
    @ValueSource(strings = { "evil.example", "evil.example:%d", "127.0.0.1.evil.example", "[::1].evil.example",
        "10.1.2.3:%d", "" })
    void shouldAnswer421ToAnotherHost(final String host) throws Exception
    {
        final String response = get("/rooms", String.format(host, adminPort));

        assertTrue(response.startsWith("HTTP/1.1 421 "), response);
        assertFalse(response.contains("\"rooms\""), response);
    }

    @ParameterizedTest
    @ValueSource(strings = { "127.0.0.1:%d", "127.0.0.1", "localhost:%d", "LOCALHOST", "[::1]:%d", "127.0.0.2" })
    void shouldServeLoopbackHosts(final String host) throws Exception
    {
        final String response = get("/rooms", String.format(host, adminPort));

        assertTrue(response.startsWith("HTTP/1.1 200 "), response);
        assertTrue(response.contains("\"rooms\""), response);
    }

    @Test
    void shouldRequireHostInHttp11ButNotInHttp10() throws Exception
    {
        assertTrue(exchange("GET /health HTTP/1.1\r\nConnection: close\r\n\r\n").startsWith("HTTP/1.1 400 "));
        assertTrue(exchange("GET /health HTTP/1.0\r\n\r\n").startsWith("HTTP/1.1 200 "));
    }

    @Test
    void shouldAcceptTheArrivalAddressAndAnyLiteralOnlyOnAWildcardBind()
    {
        final InetAddress arrivedOn = NetUtil.createInetAddressFromIpAddressString("10.0.0.5");

        assertTrue(AdminRequestGuard.isAllowedHost("10.0.0.5:7071", arrivedOn, false));
        assertFalse(AdminRequestGuard.isAllowedHost("10.0.0.6:7071", arrivedOn, false));
        assertTrue(AdminRequestGuard.isAllowedHost("10.0.0.6:7071", arrivedOn, true));
        assertTrue(AdminRequestGuard.isAllowedHost("[2001:db8::1]:7071", arrivedOn, true));
        assertFalse(AdminRequestGuard.isAllowedHost("room-server-1:7071", arrivedOn, true));
        assertFalse(AdminRequestGuard.isAllowedHost("2001:db8::1", arrivedOn, true), "IPv6 without brackets");
        assertFalse(AdminRequestGuard.isAllowedHost("[::1]x", arrivedOn, true));
    }

    private static String get(final String path, final String host) throws Exception
    {
        return exchange("GET " + path + " HTTP/1.1\r\nHost: " + host + "\r\nConnection: close\r\n\r\n");
    }

    /** @return everything the server sent until it closed the connection. */
    private static String exchange(final String request) throws Exception
    {
        try (Socket socket = new Socket("127.0.0.1", adminPort))
        {
            socket.setSoTimeout(10_000);
            socket.getOutputStream().write(request.getBytes(StandardCharsets.ISO_8859_1));
            socket.getOutputStream().flush();
            final InputStream in = socket.getInputStream();
            final ByteArrayOutputStream out = new ByteArrayOutputStream();
            final byte[] buffer = new byte[8192];
            int n;
            while ((n = in.read(buffer)) != -1)
            {
                out.write(buffer, 0, n);
            }
            return out.toString(StandardCharsets.ISO_8859_1);
        }
    }
}
