package io.tickwire.testsuite.fuzz;

import com.google.protobuf.RuntimeVersion;

import java.nio.ByteBuffer;

/**
 * Whether the fuzz targets may parse from direct {@link ByteBuffer}s, as the server and the SDK do
 * ({@code CodedInputStream.newInstance(content.nioBuffer())} over Netty's pooled direct buffers picks
 * protobuf-java's {@code UnsafeDirectNioDecoder}).
 * <p>
 * protobuf-java before 4.34.0 has no overflow check in {@code UnsafeDirectNioDecoder.pushLimit}: a
 * length field near 2^31 wraps the limit negative, the decoder's end moves past the buffer, and the
 * next length-delimited field is copied from native memory beyond it: an out-of-bounds read that
 * ends in SIGSEGV (12 bytes: {@code 0A FF FF FF FF 07 7A 80 80 80 80 02}, in
 * {@code src/test/resources/io/tickwire/testsuite/fuzz/crashes/}). Found by
 * {@link ClientMessageFuzzTest}; {@code ProtobufDirectDecoderCrashTest} reproduces it in a child JVM.
 * On a vulnerable runtime the in-process targets skip the direct decoder, or the first such input
 * would kill the JVM running the build.
 */
final class DirectDecoding
{
    /** First protobuf-java release whose direct decoders check the limit for overflow. */
    static final int FIXED_MAJOR = 4;
    static final int FIXED_MINOR = 34;
    /** True when the protobuf-java on the class path has the overflow check. */
    static final boolean SAFE = isFixed();

    private DirectDecoding()
    {
    }

    /**
     * @param bytes content.
     * @return a direct buffer holding a copy, positioned at 0.
     */
    static ByteBuffer direct(final byte[] bytes)
    {
        final ByteBuffer buffer = ByteBuffer.allocateDirect(bytes.length);
        buffer.put(bytes).flip();
        return buffer;
    }

    /**
     * @return "major.minor.patch" of the protobuf-java runtime, read at run time (the constants
     * would otherwise be inlined at compile time).
     */
    static String runtimeVersion()
    {
        return field("MAJOR") + "." + field("MINOR") + "." + field("PATCH");
    }

    private static boolean isFixed()
    {
        final int major = field("MAJOR");
        return major > FIXED_MAJOR || major == FIXED_MAJOR && field("MINOR") >= FIXED_MINOR;
    }

    private static int field(final String name)
    {
        try
        {
            return RuntimeVersion.class.getField(name).getInt(null);
        }
        catch (final ReflectiveOperationException ex)
        {
            throw new IllegalStateException("cannot read RuntimeVersion." + name, ex);
        }
    }
}
