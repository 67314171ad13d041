package io.tickwire.benchmarks;

import com.google.protobuf.CodedOutputStream;
import io.tickwire.protocol.delta.DeltaEncoder;
import io.tickwire.protocol.delta.WorldState;
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
import java.util.concurrent.TimeUnit;

/**
 * Server side: encode the snapshot of a 1,000-entity 2D-mover world ({@link MoverFixture}) the
 * way a room loop does, {@code prepare} (diff into scratch columns) then the per-connection
 * envelope header and the shared body, into a {@code CodedOutputStream} created once over a reused
 * sink. Nothing is allocated per operation; check {@code gc.alloc.rate.norm} with {@code -prof gc}.
 * <p>
 * {@code changedPercent}: share of movers that moved since the baseline, or {@code full} for a
 * full snapshot (no baseline).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-exports", "java.base/jdk.internal.misc=ALL-UNNAMED"})
public class DeltaEncodeBenchmark
{
    @Param({"0", "10", "100", "full"})
    public String changedPercent;

    /** true: protocol version 3's bit-packed changed section; false: version 2's varint columns. */
    @Param({"false", "true"})
    public boolean packed;

    private DeltaEncoder encoder;
    private WorldState baseline;
    private WorldState current;
    private ReusableSink sink;
    private CodedOutputStream out;
    private int lastInputSeq;

    @Setup
    public void setup() throws IOException
    {
        final boolean full = "full".equals(changedPercent);
        final MoverFixture fixture = MoverFixture.create(full ? 10 : Integer.parseInt(changedPercent));
        encoder = new DeltaEncoder(fixture.entitySchema());
        baseline = full ? null : fixture.baseline();
        current = fixture.current();
        sink = new ReusableSink(64 * 1024);
        out = CodedOutputStream.newInstance(sink, 64 * 1024);
        lastInputSeq = 1_234;

        final int written = encode();
        final int expected = encoder.encodeServerMessage(baseline, current, lastInputSeq, null, null, packed).length;
        if (written != expected)
        {
            throw new IllegalStateException("encoded size mismatch: written=" + written + ", expected=" + expected);
        }
    }

    /**
     * @return bytes of the frame, so the work cannot be eliminated.
     * @throws IOException never: the sink is in memory.
     */
    @Benchmark
    public int encode() throws IOException
    {
        sink.reset();
        final int bodySize = encoder.prepare(baseline, current, packed);
        DeltaEncoder.writeEnvelopeHeader(out, lastInputSeq, bodySize);
        encoder.writeBody(out);
        out.flush();
        return sink.position();
    }
}
