package io.tickwire.benchmarks;

import com.google.protobuf.InvalidProtocolBufferException;
import io.tickwire.protocol.delta.DeltaDecoder;
import io.tickwire.protocol.delta.DeltaEncoder;
import io.tickwire.protocol.delta.DeltaException;
import io.tickwire.protocol.delta.WorldState;
import io.tickwire.protocol.v1.ServerMessage;
import io.tickwire.protocol.v1.Snapshot;
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

import java.util.concurrent.TimeUnit;

/**
 * Client side: decode the snapshot of a 1,000-entity 2D-mover world ({@link MoverFixture}) the way
 * the SDK does, {@code ServerMessage.parseFrom} then {@code DeltaDecoder.apply} against the
 * baseline into a reused {@link WorldState}. {@link #decode()} is the whole path;
 * {@link #applyParsed()} applies an already parsed {@code Snapshot}, to separate the codec's cost
 * (and allocation) from protobuf-java's parsing.
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
public class DeltaDecodeBenchmark
{
    /** true: protocol version 3's bit-packed changed section; false: version 2's varint columns. */
    @Param({"false", "true"})
    public boolean packed;

    @Param({"0", "10", "100", "full"})
    public String changedPercent;

    private DeltaDecoder decoder;
    private WorldState baseline;
    private WorldState out;
    private byte[] frame;
    private Snapshot parsed;

    @Setup
    public void setup() throws InvalidProtocolBufferException, DeltaException
    {
        final boolean full = "full".equals(changedPercent);
        final MoverFixture fixture = MoverFixture.create(full ? 10 : Integer.parseInt(changedPercent));
        decoder = new DeltaDecoder(fixture.entitySchema());
        baseline = full ? null : fixture.baseline();
        out = new WorldState(fixture.entitySchema(), MoverFixture.ENTITIES);
        frame = new DeltaEncoder(fixture.entitySchema()).encodeServerMessage(baseline, fixture.current(), 1_234,
            null, null, packed);
        parsed = ServerMessage.parseFrom(frame).getSnapshot();

        decode();
        final String difference = fixture.current().firstDifference(out);
        if (difference != null)
        {
            throw new IllegalStateException("decoded state differs: " + difference);
        }
    }

    /**
     * @return entities decoded, so the work cannot be eliminated.
     * @throws InvalidProtocolBufferException never: the frame is valid.
     * @throws DeltaException never: the frame fits the baseline.
     */
    @Benchmark
    public int decode() throws InvalidProtocolBufferException, DeltaException
    {
        final Snapshot snapshot = ServerMessage.parseFrom(frame).getSnapshot();
        decoder.apply(baseline, snapshot, out);
        return out.count();
    }

    /**
     * @return entities decoded, so the work cannot be eliminated.
     * @throws DeltaException never: the snapshot fits the baseline.
     */
    @Benchmark
    public int applyParsed() throws DeltaException
    {
        decoder.apply(baseline, parsed, out);
        return out.count();
    }
}
