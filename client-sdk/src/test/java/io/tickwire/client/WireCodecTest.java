package io.tickwire.client;

import com.google.protobuf.CodedOutputStream;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.WireFormat;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.tickwire.protocol.delta.DeltaEncoder;
import io.tickwire.protocol.v1.Error;
import io.tickwire.protocol.v1.ServerMessage;
import io.tickwire.protocol.v1.Welcome;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Parsing hostile server frames: the limits the server also applies, and the inputs that crashed
 * protobuf-java's direct-buffer decoder before 4.34, run through that decoder in this JVM.
 */
class WireCodecTest
{
    private static final int UNKNOWN_FIELD = 1000;

    @AfterAll
    static void noLeaks() throws InterruptedException
    {
        CountingLeakDetector.assertNoLeaks();
    }

    /**
     * A {@code ServerMessage} whose only content is an unknown field nested {@code depth} groups deep:
     * valid protobuf that a parser without a recursion limit walks to the end.
     */
    static byte[] nestedGroups(final int depth) throws IOException
    {
        final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        final CodedOutputStream out = CodedOutputStream.newInstance(bytes);
        for (int i = 0; i < depth; i++)
        {
            out.writeTag(UNKNOWN_FIELD, WireFormat.WIRETYPE_START_GROUP);
        }
        for (int i = 0; i < depth; i++)
        {
            out.writeTag(UNKNOWN_FIELD, WireFormat.WIRETYPE_END_GROUP);
        }
        out.flush();
        return bytes.toByteArray();
    }

    private static ServerMessage parse(final WireCodec codec, final byte[] frame, final boolean direct)
        throws InvalidProtocolBufferException
    {
        final ByteBuf buf = direct ? Unpooled.directBuffer(frame.length) : Unpooled.buffer(frame.length);
        try
        {
            buf.writeBytes(frame);
            return codec.parse(buf);
        }
        finally
        {
            buf.release();
        }
    }

    @ParameterizedTest(name = "direct={0}")
    @ValueSource(booleans = { false, true })
    void shouldRejectFrameNestedDeeperThanTheRecursionLimit(final boolean direct) throws IOException
    {
        final WireCodec codec = new WireCodec(ClientOptions.DEFAULT_MAX_FRAME_PAYLOAD_LENGTH);
        parse(codec, nestedGroups(WireCodec.RECURSION_LIMIT - 1), direct);

        // Deep enough that protobuf's default limit (100) would accept it, and far past ours.
        final InvalidProtocolBufferException ex = assertThrows(InvalidProtocolBufferException.class,
            () -> parse(codec, nestedGroups(50), direct));
        assertTrue(ex.getMessage().contains("too many levels of nesting"), ex.getMessage());
        assertThrows(InvalidProtocolBufferException.class, () -> parse(codec, nestedGroups(100_000), direct),
            "a stack-overflow attempt is refused at the limit, long before the stack runs out");
    }

    @ParameterizedTest(name = "direct={0}")
    @ValueSource(booleans = { false, true })
    void shouldRejectFrameLongerThanTheMaxFrameLength(final boolean direct) throws IOException
    {
        final byte[] frame = ServerMessage.newBuilder()
            .setError(Error.newBuilder().setCode(4000).setMessage("x".repeat(2_000))).build().toByteArray();
        final WireCodec codec = new WireCodec(1_024);

        final InvalidProtocolBufferException ex =
            assertThrows(InvalidProtocolBufferException.class, () -> parse(codec, frame, direct));

        assertEquals("frame too large: length=" + frame.length + ", max=1024", ex.getMessage());
        assertEquals(4000, parse(new WireCodec(frame.length), frame, direct).getError().getCode(), "at the limit");
    }

    @Test
    void shouldParseLegitimateFramesFromHeapAndDirectBuffers() throws IOException
    {
        final WireCodec codec = new WireCodec(ClientOptions.DEFAULT_MAX_FRAME_PAYLOAD_LENGTH);
        final byte[] welcome = ServerMessage.newBuilder().setWelcome(Welcome.newBuilder()
            .setSessionId("s").setSchema(TestWorlds.schemaProto())).build().toByteArray();
        final TestWorlds worlds = new TestWorlds(3);
        final byte[] big = new DeltaEncoder(TestWorlds.SCHEMA).encodeServerMessage(null, worlds.initial(1), 7);
        final byte[] small = ServerMessage.newBuilder().setError(Error.newBuilder().setCode(1)).build().toByteArray();
        final byte[] huge = ServerMessage.newBuilder().setError(Error.newBuilder().setCode(2)
            .setMessage("x".repeat(WireCodec.MAX_SCRATCH_BYTES))).build().toByteArray();

        for (final boolean direct : new boolean[]{ false, true })
        {
            // Larger, then smaller: the scratch array is reused and only the frame's bytes count.
            assertEquals(TestWorlds.schemaProto(), parse(codec, welcome, direct).getWelcome().getSchema());
            assertEquals(7, parse(codec, big, direct).getSnapshot().getLastInputSeq());
            assertEquals(1, parse(codec, small, direct).getError().getCode());
            assertEquals(2, parse(codec, huge, direct).getError().getCode(), "past the scratch array's cap");
            assertEquals(1, parse(codec, small, direct).getError().getCode());
        }
    }

    @ParameterizedTest
    @ValueSource(strings = { "protobuf-direct-pushlimit-overflow-minimal.bin", "protobuf-direct-pushlimit-overflow-found.bin" })
    void shouldRejectDirectDecoderCrashInputsOnTheDirectPathAndInTheCodec(final String file) throws IOException
    {
        final byte[] frame;
        try (InputStream in = WireCodecTest.class.getResourceAsStream("crashes/" + file))
        {
            frame = in.readAllBytes();
        }
        final ByteBuf direct = Unpooled.directBuffer(frame.length).writeBytes(frame);
        try
        {
            // protobuf-java's UnsafeDirectNioDecoder; before 4.34 this read native memory until SIGSEGV.
            assertThrows(InvalidProtocolBufferException.class,
                () -> ServerMessage.parseFrom(direct.nioBuffer()), "direct path");
        }
        finally
        {
            direct.release();
        }
        assertThrows(InvalidProtocolBufferException.class,
            () -> parse(new WireCodec(ClientOptions.DEFAULT_MAX_FRAME_PAYLOAD_LENGTH), frame, true), "codec");
    }
}
