package io.tickwire.server.e2e;

import io.tickwire.protocol.CloseCodes;
import io.tickwire.server.ServerOptions;
import io.tickwire.server.TickwireServer;
import io.tickwire.server.game.arena.ArenaGame;
import io.tickwire.server.transport.TransportCounters;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * With {@code --ws-compression}, a small compressed frame that inflates past the frame limit is
 * closed with 1009 (message too big) and counted so, like an uncompressed frame over the limit; not
 * with 1011 (internal error), which operators alert on.
 */
@Timeout(30)
class CompressionLimitTest
{
    private TickwireServer server;

    @AfterEach
    void tearDown()
    {
        if (server != null)
        {
            server.close();
        }
    }

    @Test
    void shouldClose1009WhenAFrameInflatesPastTheFrameLimit() throws Exception
    {
        server = TickwireServer.start(ServerOptions.builder().host("127.0.0.1").port(0).adminPort(-1).roomLoops(1)
            .roomType(ArenaGame.TYPE, ArenaGame.factory(ArenaGame.DEFAULT_NPC_COUNT))
            .webSocketCompression(true).build());
        final int maxFrameLength = server.maxFrameLength();
        final long tooBig = disconnects(CloseCodes.MESSAGE_TOO_BIG);
        final long internal = disconnects(CloseCodes.INTERNAL_ERROR);

        try (RawWebSocketClient client = RawWebSocketClient.connectCompressed(server.webSocketUri()))
        {
            // Zeros deflate to a few hundred bytes: the frame on the wire is far below the limit.
            final byte[] inflated = new byte[maxFrameLength * 16];
            Arrays.fill(inflated, (byte)0);
            client.sendBinary(inflated);

            assertEquals(CloseCodes.MESSAGE_TOO_BIG, client.awaitCloseCode());
            assertTrue(client.messages().stream().anyMatch(m -> m.hasError() &&
                m.getError().getCode() == CloseCodes.MESSAGE_TOO_BIG), () -> "Error 1009 first: " + client.messages());
        }
        final long deadlineNs = System.nanoTime() + 5_000_000_000L;
        while (disconnects(CloseCodes.MESSAGE_TOO_BIG) == tooBig && System.nanoTime() - deadlineNs < 0)
        {
            Thread.sleep(5);
        }
        assertEquals(tooBig + 1, disconnects(CloseCodes.MESSAGE_TOO_BIG), "counted as message_too_big");
        assertEquals(internal, disconnects(CloseCodes.INTERNAL_ERROR), "not counted as internal_error");
    }

    @Test
    void shouldStillInflateAFrameWithinTheLimit() throws Exception
    {
        server = TickwireServer.start(ServerOptions.builder().host("127.0.0.1").port(0).adminPort(-1).roomLoops(1)
            .roomType(ArenaGame.TYPE, ArenaGame.factory(ArenaGame.DEFAULT_NPC_COUNT))
            .webSocketCompression(true).build());

        try (RawWebSocketClient client = RawWebSocketClient.connectCompressed(server.webSocketUri()))
        {
            // A compressed frame within the limit reaches the frame handler: garbage protobuf is 1007 there.
            client.sendBinary(new byte[]{ (byte)0xFF, (byte)0xFF, (byte)0xFF });

            assertEquals(CloseCodes.INVALID_PAYLOAD, client.awaitCloseCode());
        }
    }

    private long disconnects(final int code)
    {
        for (int i = 0; i < TransportCounters.DISCONNECT_CODES.length; i++)
        {
            if (TransportCounters.DISCONNECT_CODES[i] == code)
            {
                return server.counters().disconnects[i].sum();
            }
        }
        throw new IllegalArgumentException("not a counted close code: " + code);
    }
}
