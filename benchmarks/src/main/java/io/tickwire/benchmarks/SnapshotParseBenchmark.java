package io.tickwire.benchmarks;

import com.google.protobuf.CodedInputStream;
import io.tickwire.protocol.delta.DeltaEncoder;
import io.tickwire.protocol.v1.ServerMessage;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.concurrent.TimeUnit;

/**
 * Client side: parse one delta snapshot frame that sits in a direct buffer (as Netty's pooled frames
 * do) the ways the SDK could: {@link #heapCopy()} copies the frame into a new {@code byte[]} and
 * parses that (protobuf's array decoder), {@link #heapScratch()} copies it into a reused
 * {@code byte[]} (what the SDK's {@code WireCodec} does), {@link #direct()} parses the direct buffer
 * in place (protobuf's {@code UnsafeDirectNioDecoder}). All set the SDK's recursion and size limits.
 * Run with {@code -prof gc} to compare {@code gc.alloc.rate.norm}.
 * <p>
 * {@code changedPercent}: share of the {@link MoverFixture}'s 1,000 movers that moved since the
 * baseline; 17 gives a frame of about 900 bytes, a typical snapshot of a small room.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-exports", "java.base/jdk.internal.misc=ALL-UNNAMED"})
public class SnapshotParseBenchmark
{
    private static final int RECURSION_LIMIT = 8;
    private static final int SIZE_LIMIT = 65_536;

    @Param({"17"})
    public int changedPercent;

    private ByteBuffer frame;
    private int length;
    private byte[] scratch;

    @Setup
    public void setup()
    {
        final MoverFixture fixture = MoverFixture.create(changedPercent);
        final byte[] bytes = new DeltaEncoder(fixture.entitySchema())
            .encodeServerMessage(fixture.baseline(), fixture.current(), 1_234);
        length = bytes.length;
        frame = ByteBuffer.allocateDirect(length);
        frame.put(bytes).flip();
        scratch = new byte[length];
        System.out.println("frame length=" + length + " bytes");
    }

    /**
     * @return the parsed message, so the work cannot be eliminated.
     * @throws IOException never: the frame is valid.
     */
    @Benchmark
    public ServerMessage heapCopy() throws IOException
    {
        final byte[] copy = new byte[length];
        frame.get(0, copy);
        final CodedInputStream in = CodedInputStream.newInstance(copy);
        in.setRecursionLimit(RECURSION_LIMIT);
        in.setSizeLimit(SIZE_LIMIT);
        return ServerMessage.parseFrom(in);
    }

    /**
     * @return the parsed message, so the work cannot be eliminated.
     * @throws IOException never: the frame is valid.
     */
    @Benchmark
    public ServerMessage heapScratch() throws IOException
    {
        frame.get(0, scratch, 0, length);
        final CodedInputStream in = CodedInputStream.newInstance(scratch, 0, length);
        in.setRecursionLimit(RECURSION_LIMIT);
        in.setSizeLimit(SIZE_LIMIT);
        return ServerMessage.parseFrom(in);
    }

    /**
     * @return the parsed message, so the work cannot be eliminated.
     * @throws IOException never: the frame is valid.
     */
    @Benchmark
    public ServerMessage direct() throws IOException
    {
        final CodedInputStream in = CodedInputStream.newInstance(frame.duplicate());
        in.setRecursionLimit(RECURSION_LIMIT);
        in.setSizeLimit(SIZE_LIMIT);
        return ServerMessage.parseFrom(in);
    }
}
