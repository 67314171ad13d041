package io.tickwire.testsuite.fuzz;

import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The crash {@link ClientMessageFuzzTest} found, reproduced where it cannot take the build down: in
 * child JVMs. protobuf-java 4.33.x's {@code UnsafeDirectNioDecoder} (what {@code parseFrom} picks for a
 * direct {@code ByteBuffer}, i.e. for Netty's pooled buffers) lets a length field near 2^31 overflow
 * its limit and reads native memory past the buffer until SIGSEGV. The server parses every binary
 * frame that way ({@code ClientFrameHandler}), and so does the SDK ({@code ClientConnection}).
 * <p>
 * protobuf-java 4.34.0 added the overflow check (the build pins {@code protobuf.version} 4.36.2):
 * this test runs on every build so that a protobuf downgrade cannot bring the crash back.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class ProtobufDirectDecoderCrashTest
{
    private static final String CRASHES = "crashes/";

    @ParameterizedTest(name = "{0} as {1}")
    @CsvSource({
        "protobuf-direct-pushlimit-overflow-minimal.bin, client",
        "protobuf-direct-pushlimit-overflow-minimal.bin, server",
        "protobuf-direct-pushlimit-overflow-found.bin, client" })
    void shouldRejectALengthThatOverflowsTheLimitWhenParsingADirectBuffer(final String file, final String kind)
        throws Exception
    {
        final Process child = ChildProcesses.childJvm(ChildProcesses.ParseDirect.class, kind,
            "/io/tickwire/testsuite/fuzz/" + CRASHES + file).start();
        final String output;
        try (InputStream in = child.getInputStream())
        {
            output = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        assertTrue(child.waitFor(60, TimeUnit.SECONDS), "child finished");
        assertEquals(0, child.exitValue(), () -> "child JVM exit (non-zero after a crash): " + output);
        assertTrue(output.startsWith(ChildProcesses.REJECTED), () -> "parser rejects it: " + output);
    }
}
