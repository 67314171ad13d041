package io.tickwire.testsuite.hostile;

import io.tickwire.protocol.CloseCodes;
import io.tickwire.testsuite.fuzz.ChildProcesses;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The one hostile frame that must not run against the in-process server of {@link HostileClientTest}:
 * with protobuf-java 4.33.x it crashes the JVM (see {@code ProtobufDirectDecoderCrashTest}). Here the
 * server runs in a child JVM; the frame must be closed with 1007 like any other invalid
 * {@code ClientMessage}, and the server must keep serving.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class OverflowFrameCrashTest
{
    /** 12 bytes: Join with length 2^31-1, inside it an unknown field of 512 MiB. */
    static final String OVERFLOW_FRAME =
        "/io/tickwire/testsuite/fuzz/crashes/protobuf-direct-pushlimit-overflow-minimal.bin";

    @Test
    void shouldCloseTheOverflowFrameWithInvalidPayloadAndKeepServing() throws Exception
    {
        final Process server = ChildProcesses.childJvm(ChildProcesses.RunServer.class).start();
        try
        {
            final BufferedReader lines = new BufferedReader(
                new InputStreamReader(server.getInputStream(), StandardCharsets.UTF_8));
            String line = lines.readLine();
            while (line != null && !line.startsWith(ChildProcesses.PORT_LINE))
            {
                line = lines.readLine();
            }
            assertNotNull(line, "child server printed its port");
            final URI uri = URI.create("ws://127.0.0.1:" + line.substring(ChildProcesses.PORT_LINE.length()) + "/ws");
            final byte[] payload;
            try (InputStream in = getClass().getResourceAsStream(OVERFLOW_FRAME))
            {
                payload = in.readAllBytes();
            }

            final RawWebSocket.Reply reply = closeAfterBinary(uri, payload);
            if (reply.closeCode() != CloseCodes.INVALID_PAYLOAD && server.waitFor(10, TimeUnit.SECONDS))
            {
                final String output = new String(server.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
                assertEquals(CloseCodes.INVALID_PAYLOAD, reply.closeCode(), () -> "overflow frame: " + reply +
                    "; the server process died with exit code " + server.exitValue() + ": " + output);
            }
            assertEquals(CloseCodes.INVALID_PAYLOAD, reply.closeCode(), () -> "overflow frame: " + reply);
            assertTrue(server.isAlive(), "server process survived");
            final RawWebSocket.Reply next = closeAfterBinary(uri, new byte[]{ (byte)0xFF });
            assertEquals(CloseCodes.INVALID_PAYLOAD, next.closeCode(), () -> "server still serves: " + next);
        }
        finally
        {
            server.getOutputStream().close();
            if (!server.waitFor(15, TimeUnit.SECONDS))
            {
                server.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            }
        }
    }

    private static RawWebSocket.Reply closeAfterBinary(final URI uri, final byte[] payload) throws Exception
    {
        try (RawWebSocket ws = RawWebSocket.connect(uri))
        {
            ws.send(Frames.frame(true, 0, Frames.OP_BINARY, payload));
            return ws.awaitClose(5_000);
        }
    }
}
