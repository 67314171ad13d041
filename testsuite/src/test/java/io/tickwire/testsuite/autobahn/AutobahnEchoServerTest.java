package io.tickwire.testsuite.autobahn;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The Autobahn echo server still starts and echoes with the server's WebSocket configuration, so
 * that {@code -Pautobahn} does not find it broken; the JDK's own WebSocket client drives it.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class AutobahnEchoServerTest
{
    @Test
    void shouldEchoTextAndBinaryMessagesAnswerPingsAndClose() throws Exception
    {
        try (AutobahnEchoServer server = AutobahnEchoServer.start("127.0.0.1", 0))
        {
            final LinkedBlockingQueue<Object> received = new LinkedBlockingQueue<>();
            final CompletableFuture<Integer> closed = new CompletableFuture<>();
            final URI uri = URI.create("ws://127.0.0.1:" + server.port() + AutobahnEchoServer.PATH);
            final WebSocket ws = HttpClient.newHttpClient().newWebSocketBuilder()
                .buildAsync(uri, new WebSocket.Listener()
                {
                    private final StringBuilder text = new StringBuilder();
                    private final ByteArrayOutputStream binary = new ByteArrayOutputStream();

                    @Override
                    public CompletionStage<?> onText(
                        final WebSocket webSocket, final CharSequence data, final boolean last)
                    {
                        text.append(data);
                        if (last)
                        {
                            received.add(text.toString());
                            text.setLength(0);
                        }
                        webSocket.request(1);
                        return null;
                    }

                    @Override
                    public CompletionStage<?> onBinary(
                        final WebSocket webSocket, final ByteBuffer data, final boolean last)
                    {
                        final byte[] bytes = new byte[data.remaining()];
                        data.get(bytes);
                        binary.writeBytes(bytes);
                        if (last)
                        {
                            received.add(binary.toByteArray());
                            binary.reset();
                        }
                        webSocket.request(1);
                        return null;
                    }

                    @Override
                    public CompletionStage<?> onPong(final WebSocket webSocket, final ByteBuffer data)
                    {
                        final byte[] bytes = new byte[data.remaining()];
                        data.get(bytes);
                        received.add(bytes);
                        webSocket.request(1);
                        return null;
                    }

                    @Override
                    public CompletionStage<?> onClose(
                        final WebSocket webSocket, final int statusCode, final String reason)
                    {
                        closed.complete(statusCode);
                        return null;
                    }
                }).get(10, TimeUnit.SECONDS);

            ws.sendText("h\u00e9llo", true).get(5, TimeUnit.SECONDS);
            assertEquals("h\u00e9llo", received.poll(5, TimeUnit.SECONDS));
            // The first fragmented message puts the frame aggregator in place; the fragment it starts with is not lost.
            ws.sendText("fragm", false).get(5, TimeUnit.SECONDS);
            ws.sendText("ented", true).get(5, TimeUnit.SECONDS);
            assertEquals("fragmented", received.poll(5, TimeUnit.SECONDS));
            ws.sendPing(ByteBuffer.wrap(new byte[]{ 4, 2 })).get(5, TimeUnit.SECONDS);
            assertArrayEquals(new byte[]{ 4, 2 }, (byte[])received.poll(5, TimeUnit.SECONDS), "pong with the ping's payload");

            final byte[] big = new byte[100_000];
            for (int i = 0; i < big.length; i++)
            {
                big[i] = (byte)i;
            }
            ws.sendBinary(ByteBuffer.wrap(big, 0, 60_000), false).get(5, TimeUnit.SECONDS);
            ws.sendBinary(ByteBuffer.wrap(big, 60_000, 40_000), true).get(5, TimeUnit.SECONDS);
            assertArrayEquals(big, (byte[])received.poll(5, TimeUnit.SECONDS), "fragments reassembled and echoed");

            ws.sendClose(WebSocket.NORMAL_CLOSURE, "bye").get(5, TimeUnit.SECONDS);
            assertEquals(WebSocket.NORMAL_CLOSURE, closed.get(5, TimeUnit.SECONDS));
        }
    }
}
