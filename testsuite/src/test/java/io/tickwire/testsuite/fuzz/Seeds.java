package io.tickwire.testsuite.fuzz;

import com.google.protobuf.ByteString;
import io.tickwire.protocol.ProtocolVersion;
import io.tickwire.protocol.delta.DeltaEncoder;
import io.tickwire.protocol.delta.WorldState;
import io.tickwire.protocol.schema.EntitySchema;
import io.tickwire.protocol.v1.Ack;
import io.tickwire.protocol.v1.ClientMessage;
import io.tickwire.protocol.v1.Error;
import io.tickwire.protocol.v1.Input;
import io.tickwire.protocol.v1.Join;
import io.tickwire.protocol.v1.Leave;
import io.tickwire.protocol.v1.Ping;
import io.tickwire.protocol.v1.Pong;
import io.tickwire.protocol.v1.ServerMessage;
import io.tickwire.protocol.v1.Welcome;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The fixed schema and baseline the snapshot fuzz test decodes against, and the seed inputs of both
 * fuzz tests. The seed files under {@code src/test/resources/.../<Class>Inputs/<method>/} are what
 * {@link #main} writes; {@code SeedCorpusTest} checks they still mean what their names say.
 */
final class Seeds
{
    /** Tick of {@link #baseline()}: deltas in the seeds name it as their baseline. */
    static final int BASELINE_TICK = 100;
    /** Tick of {@link #current()}. */
    static final int CURRENT_TICK = 103;

    /** Every field kind: x, y, heading, kind, hp, alive, rotation (4 slots): 10 slots. */
    static final EntitySchema SCHEMA = EntitySchema.builder()
        .fixed("x", -512, 512, 0.01)
        .fixed("y", -512, 512, 0.01)
        .angle("heading", 10)
        .intField("kind", 0, 7)
        .intField("hp", 0, 100)
        .bool("alive")
        .quaternion("rotation", 9)
        .build();

    private Seeds()
    {
    }

    /**
     * @return a new state at {@link #BASELINE_TICK}: ids 1, 2, 5, one near the top of every range.
     */
    static WorldState baseline()
    {
        final WorldState state = new WorldState(SCHEMA, 4);
        final int slots = SCHEMA.slotCount();
        final int[] ids = { 1, 2, 5 };
        final int[] values = new int[ids.length * slots];
        for (int e = 0; e < ids.length; e++)
        {
            for (int s = 0; s < slots; s++)
            {
                values[e * slots + s] = e == 2 ? SCHEMA.slotMax(s) : (e * 37 + s * 11) % (SCHEMA.slotMax(s) + 1);
            }
        }
        state.capture(BASELINE_TICK, 3_300, ids.length, ids, values);
        return state;
    }

    /**
     * @return the state at {@link #CURRENT_TICK}: id 2 removed, id 7 created, id 5 moved and its
     * heading wrapped past the top.
     */
    static WorldState current()
    {
        final WorldState base = baseline();
        final int slots = SCHEMA.slotCount();
        final int[] ids = { 1, 5, 7 };
        final int[] values = new int[ids.length * slots];
        for (int s = 0; s < slots; s++)
        {
            values[s] = base.valueAt(0, s);
            values[slots + s] = base.valueAt(2, s);
            values[2 * slots + s] = SCHEMA.slotMax(s) / 2;
        }
        values[slots] -= 12;
        values[slots + 2] = 4;
        final WorldState state = new WorldState(SCHEMA, 4);
        state.capture(CURRENT_TICK, 3_400, ids.length, ids, values);
        return state;
    }

    /**
     * @return ServerMessage seeds by file name.
     */
    static Map<String, byte[]> serverMessages()
    {
        final DeltaEncoder encoder = new DeltaEncoder(SCHEMA);
        final Map<String, byte[]> seeds = new LinkedHashMap<>();
        seeds.put("full-snapshot", encoder.encodeServerMessage(null, current(), 0));
        seeds.put("delta-snapshot", encoder.encodeServerMessage(baseline(), current(), 300));
        final WorldState unchanged = baseline();
        unchanged.capture(BASELINE_TICK + 1, 3_333, unchanged.count(), unchanged.idArray(), unchanged.valueArray());
        seeds.put("idle-delta-snapshot", encoder.encodeServerMessage(baseline(), unchanged, 0));
        seeds.put("welcome", ServerMessage.newBuilder().setWelcome(Welcome.newBuilder()
            .setSessionId("0123456789abcdef").setResumeToken("token").setRoomId("r1").setRoomType("arena")
            .setEntityId(5).setTickRateHz(30).setServerTick(BASELINE_TICK).setSchema(SCHEMA.toProto())
            .setProtocolVersion(ProtocolVersion.CURRENT)).build().toByteArray());
        seeds.put("pong", ServerMessage.newBuilder().setPong(Pong.newBuilder()
            .setClientTime(42).setServerTimeNs(1_000_000).setServerTick(BASELINE_TICK)).build().toByteArray());
        seeds.put("error", ServerMessage.newBuilder().setError(Error.newBuilder()
            .setCode(4001).setMessage("room not found: id=x")).build().toByteArray());
        return seeds;
    }

    /**
     * @return ClientMessage seeds by file name.
     */
    static Map<String, byte[]> clientMessages()
    {
        final Map<String, byte[]> seeds = new LinkedHashMap<>();
        seeds.put("join-by-type", ClientMessage.newBuilder().setJoin(Join.newBuilder()
            .setRoomType("arena").setProtocolVersion(ProtocolVersion.CURRENT)).build().toByteArray());
        seeds.put("join-by-id-resume", ClientMessage.newBuilder().setJoin(Join.newBuilder()
            .setRoomId("r1").setProtocolVersion(ProtocolVersion.CURRENT).setTicket("t.sig")
            .setResumeToken("abc_-")).build().toByteArray());
        seeds.put("input", ClientMessage.newBuilder().setInput(Input.newBuilder()
            .setSeq(7).setAckTick(BASELINE_TICK).setPayload(ByteString.copyFrom(new byte[]{ 1, -1 })))
            .build().toByteArray());
        seeds.put("ack", ClientMessage.newBuilder().setAck(Ack.newBuilder()
            .setTick(BASELINE_TICK).setRequestFull(true)).build().toByteArray());
        seeds.put("ping", ClientMessage.newBuilder().setPing(Ping.newBuilder().setClientTime(123_456_789L))
            .build().toByteArray());
        seeds.put("leave", ClientMessage.newBuilder().setLeave(Leave.newBuilder().setReason("bye"))
            .build().toByteArray());
        seeds.put("nested-groups", new byte[]{ 0x0A, 0x08, 0x7B, 0x7B, 0x7B, 0x7B, 0x7C, 0x7C, 0x7C, 0x7C });
        return seeds;
    }

    /**
     * Rewrite the seed files after a protocol change: run from the testsuite module directory.
     *
     * @param args unused.
     * @throws IOException when a file cannot be written.
     */
    public static void main(final String[] args) throws IOException
    {
        final Path resources = Path.of("src/test/resources/io/tickwire/testsuite/fuzz");
        write(resources.resolve("ClientMessageFuzzTestInputs/shouldParseOrRejectEveryFrame"), clientMessages());
        write(resources.resolve("SnapshotDecodingFuzzTestInputs/shouldApplyOrRejectEverySnapshot"), serverMessages());
    }

    private static void write(final Path dir, final Map<String, byte[]> seeds) throws IOException
    {
        Files.createDirectories(dir);
        for (final Map.Entry<String, byte[]> seed : seeds.entrySet())
        {
            Files.write(dir.resolve(seed.getKey()), seed.getValue());
        }
    }
}
