package io.tickwire.testsuite.hostile;

import io.tickwire.protocol.CloseCodes;
import io.tickwire.protocol.ProtocolVersion;
import io.tickwire.protocol.v1.Ack;
import io.tickwire.protocol.v1.ClientMessage;
import io.tickwire.protocol.v1.Input;
import io.tickwire.protocol.v1.Join;
import io.tickwire.protocol.v1.Ping;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;

import static io.tickwire.testsuite.hostile.Frames.OP_BINARY;
import static io.tickwire.testsuite.hostile.Frames.OP_CLOSE;
import static io.tickwire.testsuite.hostile.Frames.OP_CONTINUATION;
import static io.tickwire.testsuite.hostile.Frames.OP_PING;
import static io.tickwire.testsuite.hostile.Frames.OP_RESERVED_CONTROL;
import static io.tickwire.testsuite.hostile.Frames.OP_RESERVED_DATA;
import static io.tickwire.testsuite.hostile.Frames.OP_TEXT;
import static io.tickwire.testsuite.hostile.Frames.RSV1;
import static io.tickwire.testsuite.hostile.Frames.RSV3;
import static io.tickwire.testsuite.hostile.Frames.closePayload;
import static io.tickwire.testsuite.hostile.Frames.concat;
import static io.tickwire.testsuite.hostile.Frames.frame;

/**
 * One hostile client: what it sends and the close code a careful reader of RFC 6455 and of
 * protocol/README.md expects back.
 *
 * @param name          what the client does.
 * @param joinFirst     whether it first joins a room properly (by id) and misbehaves after Welcome.
 * @param bytes         the raw bytes it sends, frames included, in one write.
 * @param expectedClose the close code the server must send.
 * @param expectError   whether a Tickwire {@code Error} with the same code must come before the close
 *                      (the application-level rejections do; Netty's codec closes without one).
 */
record HostileCase(String name, boolean joinFirst, byte[] bytes, int expectedClose, boolean expectError)
{
    /** The server's default {@code maxFrameLength}. */
    static final int MAX_FRAME_LENGTH = 4096;
    /** The server's default {@code maxInputPayload}. */
    static final int MAX_INPUT_PAYLOAD = 1024;

    @Override
    public String toString()
    {
        return name + " -> " + expectedClose;
    }

    static List<HostileCase> all()
    {
        final byte[] ping = ClientMessage.newBuilder().setPing(Ping.newBuilder().setClientTime(1)).build()
            .toByteArray();
        return List.of(
            // RFC 6455 5.2: RSV bits MUST be 0 unless an extension defines them; none is negotiated.
            framing("RSV1 set without an extension", frame(true, RSV1, OP_BINARY, ping)),
            framing("RSV3 set without an extension", frame(true, RSV3, OP_BINARY, ping)),
            // 5.1: the server MUST close on an unmasked client frame.
            framing("unmasked client frame", frame(true, 0, OP_BINARY, false, ping)),
            // 5.2: the most significant bit of the 64-bit length MUST be 0.
            framing("64-bit length with the MSB set (2^63)", Frames.header64(OP_BINARY, Long.MIN_VALUE)),
            // 5.2: "the minimal number of bytes MUST be used to encode the length".
            framing("length not minimally encoded", Frames.nonMinimalLengthFrame(OP_BINARY, ping)),
            // 5.5: control frames MUST have a payload length of 125 bytes or less ...
            framing("ping with a 126-byte payload", frame(true, 0, OP_PING, new byte[126])),
            framing("close with a 126-byte payload", frame(true, 0, OP_CLOSE, closePayload(1000, "x".repeat(124)))),
            // ... and MUST NOT be fragmented.
            framing("fragmented ping", frame(false, 0, OP_PING, new byte[4])),
            // 5.4: a continuation needs a started message; a new data frame must not interrupt one.
            framing("continuation without a start", frame(true, 0, OP_CONTINUATION, ping)),
            framing("new binary frame inside a fragmented message", concat(
                frame(false, 0, OP_BINARY, Arrays.copyOf(ping, 1)), frame(true, 0, OP_BINARY, ping))),
            // 5.2: reserved opcodes fail the connection.
            framing("reserved data opcode 0x3", frame(true, 0, OP_RESERVED_DATA, ping)),
            framing("reserved control opcode 0xB", frame(true, 0, OP_RESERVED_CONTROL, new byte[0])),
            // 5.5.1 / 7.4: a close body is empty or a valid 2-byte code plus UTF-8.
            framing("close with a 1-byte body", frame(true, 0, OP_CLOSE, new byte[]{ 0x03 })),

            // 7.4.1: 1009 is for a message too big to process.
            codec("binary frame one byte over maxFrameLength", CloseCodes.MESSAGE_TOO_BIG,
                frame(true, 0, OP_BINARY, new byte[MAX_FRAME_LENGTH + 1])),
            codec("header declaring 2^32 bytes", CloseCodes.MESSAGE_TOO_BIG, Frames.header64(OP_BINARY, 1L << 32)),
            app("fragments adding up to more than maxFrameLength", CloseCodes.MESSAGE_TOO_BIG, concat(
                frame(false, 0, OP_BINARY, new byte[2000]),
                frame(false, 0, OP_CONTINUATION, new byte[2000]),
                frame(true, 0, OP_CONTINUATION, new byte[2000]))),

            // protocol/README.md: text frames close with 1003, whatever they hold: the server never reads
            // text as UTF-8 (RFC 6455 8.1 applies to an endpoint that does), so it runs no UTF-8 validator.
            app("text frame with invalid UTF-8", CloseCodes.UNSUPPORTED_DATA,
                frame(true, 0, OP_TEXT, new byte[]{ (byte)0xC3, 0x28 })),
            app("text frame", CloseCodes.UNSUPPORTED_DATA,
                frame(true, 0, OP_TEXT, "{\"join\":\"arena\"}".getBytes(StandardCharsets.UTF_8))),
            app("fragmented text message", CloseCodes.UNSUPPORTED_DATA, concat(
                frame(false, 0, OP_TEXT, "he".getBytes(StandardCharsets.UTF_8)),
                frame(true, 0, OP_CONTINUATION, "llo".getBytes(StandardCharsets.UTF_8)))),

            // Binary frames that are not a valid ClientMessage: 1007.
            payload("garbage bytes", new byte[]{ (byte)0xFF, (byte)0xFF, (byte)0xFF, 0x01, 0x02, 0x7F }),
            payload("empty binary frame (no body)", new byte[0]),
            payload("only an unknown field (no body)", new byte[]{ 0x48, 0x01 }),
            payload("length field 2^31-16 with 3 bytes behind it",
                new byte[]{ 0x0A, (byte)0xF0, (byte)0xFF, (byte)0xFF, (byte)0xFF, 0x07, 0x12, 0x01, 0x61 }),
            payload("negative length field (varint 0xFFFFFFFF)",
                new byte[]{ 0x0A, (byte)0xFF, (byte)0xFF, (byte)0xFF, (byte)0xFF, 0x0F, 0x12, 0x00 }),
            payload("varint of 11 bytes", new byte[]{ 0x20, (byte)0xFF, (byte)0xFF, (byte)0xFF, (byte)0xFF,
                (byte)0xFF, (byte)0xFF, (byte)0xFF, (byte)0xFF, (byte)0xFF, (byte)0xFF, 0x01 }),
            payload("unknown groups nested 1000 deep", nestedGroups(6, 1000)),
            payload("unknown groups nested 100 deep inside Join", lengthDelimited(1, nestedGroups(15, 100))),
            payload("unterminated unknown group", new byte[]{ 0x33, 0x08, 0x01 }),
            payload("Join.room_type with invalid UTF-8",
                lengthDelimited(1, new byte[]{ 0x12, 0x02, (byte)0xC3, 0x28 })),
            payload("wrong wire type for Join (varint)", new byte[]{ 0x08, 0x01 }),

            // protocol/README.md: anything but Join (and Ping) before the join completed: 4000.
            app("input before join", CloseCodes.NOT_JOINED,
                binary(ClientMessage.newBuilder().setInput(Input.newBuilder().setSeq(1)).build().toByteArray())),
            app("ack before join", CloseCodes.NOT_JOINED,
                binary(ClientMessage.newBuilder().setAck(Ack.newBuilder().setTick(5)).build().toByteArray())),

            // After a proper join.
            afterJoin("second join", CloseCodes.ALREADY_JOINED, binary(join("anything"))),
            afterJoin("input payload one byte over maxInputPayload", CloseCodes.POLICY_VIOLATION,
                binary(ClientMessage.newBuilder().setInput(Input.newBuilder().setSeq(1)
                    .setPayload(com.google.protobuf.ByteString.copyFrom(new byte[MAX_INPUT_PAYLOAD + 1])))
                    .build().toByteArray())),
            afterJoin("garbage after join", CloseCodes.INVALID_PAYLOAD, binary(new byte[]{ (byte)0xFF, 0x00 })),
            new HostileCase("RSV1 after join", true, frame(true, RSV1, OP_BINARY, ping), CloseCodes.PROTOCOL_ERROR,
                false),

            // Not hostile: a client close is answered with the same code (5.5.1) and the TCP close.
            new HostileCase("client closes with 1000", false, frame(true, 0, OP_CLOSE, closePayload(1000, "bye")),
                CloseCodes.NORMAL, false));
    }

    /**
     * Close frames that must be answered with a close frame (RFC 6455 5.5.1: "If an endpoint receives
     * a Close frame and did not previously send a Close frame, the endpoint MUST send a Close frame
     * in response"; 7.1.7: when failing the connection it SHOULD send one with the right code), but
     * whose body is invalid. Netty's decoder marks the closing handshake as received before it
     * checks the body and then, on the violation, drops the TCP connection without any close frame.
     *
     * @return the cases, each with the code RFC 6455 calls for.
     */
    static List<HostileCase> invalidCloseFrames()
    {
        return List.of(
            framing("close with status 1005 (never on the wire)", frame(true, 0, OP_CLOSE, closePayload(1005, ""))),
            framing("close with status 1006 (never on the wire)", frame(true, 0, OP_CLOSE, closePayload(1006, ""))),
            framing("close with status 999", frame(true, 0, OP_CLOSE, closePayload(999, ""))),
            framing("close with status 2000 (reserved)", frame(true, 0, OP_CLOSE, closePayload(2000, ""))),
            framing("close with status 2999 (unassigned)", frame(true, 0, OP_CLOSE, closePayload(2999, ""))),
            codec("close with an invalid UTF-8 reason", CloseCodes.INVALID_PAYLOAD,
                frame(true, 0, OP_CLOSE, concat(closePayload(1000, ""), new byte[]{ (byte)0xC3, 0x28 }))));
    }

    static byte[] join(final String roomId)
    {
        return ClientMessage.newBuilder().setJoin(Join.newBuilder()
            .setRoomId(roomId)
            .setProtocolVersion(ProtocolVersion.CURRENT))
            .build().toByteArray();
    }

    private static HostileCase framing(final String name, final byte[] bytes)
    {
        return new HostileCase(name, false, bytes, CloseCodes.PROTOCOL_ERROR, false);
    }

    private static HostileCase codec(final String name, final int code, final byte[] bytes)
    {
        return new HostileCase(name, false, bytes, code, false);
    }

    private static HostileCase app(final String name, final int code, final byte[] bytes)
    {
        return new HostileCase(name, false, bytes, code, true);
    }

    private static HostileCase afterJoin(final String name, final int code, final byte[] bytes)
    {
        return new HostileCase(name, true, bytes, code, true);
    }

    private static HostileCase payload(final String name, final byte[] clientMessageBytes)
    {
        return new HostileCase(name, false, binary(clientMessageBytes), CloseCodes.INVALID_PAYLOAD, true);
    }

    private static byte[] binary(final byte[] payload)
    {
        return frame(true, 0, OP_BINARY, payload);
    }

    /**
     * @param field field number below 16 (one-byte tags).
     * @param depth nesting depth.
     * @return {@code depth} START_GROUP tags, then as many END_GROUP tags.
     */
    static byte[] nestedGroups(final int field, final int depth)
    {
        final byte[] bytes = new byte[depth * 2];
        Arrays.fill(bytes, 0, depth, (byte)(field << 3 | 3));
        Arrays.fill(bytes, depth, depth * 2, (byte)(field << 3 | 4));
        return bytes;
    }

    static byte[] lengthDelimited(final int field, final byte[] content)
    {
        final ByteArrayOutputStream out = new ByteArrayOutputStream(content.length + 6);
        out.write(field << 3 | 2);
        int length = content.length;
        while ((length & ~0x7F) != 0)
        {
            out.write(length & 0x7F | 0x80);
            length >>>= 7;
        }
        out.write(length);
        out.writeBytes(content);
        return out.toByteArray();
    }
}
