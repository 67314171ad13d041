package io.tickwire.testsuite.fuzz;

import com.code_intelligence.jazzer.junit.FuzzTest;
import com.google.protobuf.CodedInputStream;
import com.google.protobuf.InvalidProtocolBufferException;
import io.tickwire.protocol.CloseCodes;
import io.tickwire.protocol.ProtocolVersion;
import io.tickwire.protocol.v1.ClientMessage;
import io.tickwire.protocol.v1.Join;
import io.tickwire.server.config.LimitSettings;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Fuzzes what the server does with the payload of every binary frame: parse a {@code ClientMessage}
 * exactly as {@code ClientFrameHandler} does (a {@link CodedInputStream} over the frame's NIO buffer,
 * recursion limit 8, size limit {@code maxFrameLength}), then the validation that picks the close code.
 * <p>
 * Properties, for any bytes up to {@code maxFrameLength}:
 * <ul>
 * <li>parsing either succeeds or throws {@link InvalidProtocolBufferException} (the server answers 1007);
 * never another exception, a stack overflow or an out-of-memory;</li>
 * <li>the direct-buffer decoder (pooled direct buffers, as in production) and the array decoder agree
 * (only on a protobuf-java without the direct decoder's overflow bug: see {@link DirectDecoding});</li>
 * <li>a parsed message re-encodes to at most the frame's size and parses back equal (no amplification);</li>
 * <li>the validation maps every parsed message to a documented outcome, before and after join.</li>
 * </ul>
 * {@code ClientFrameHandler} is package-private, so the parse and the rules are mirrored here; the
 * lead's {@code FrameDecoding} hook (docs/conformance.md) would let this call the handler's code.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ClientMessageFuzzTest
{
    /** {@code ClientFrameHandler.PROTOBUF_RECURSION_LIMIT}. */
    static final int RECURSION_LIMIT = 8;
    static final int MAX_FRAME_LENGTH = LimitSettings.DEFAULT_MAX_FRAME_LENGTH;
    static final int MAX_INPUT_PAYLOAD = LimitSettings.DEFAULT_MAX_INPUT_PAYLOAD;
    /** What the handler does with a message it accepts: hands a record to the room loop. */
    static final int ACCEPTED = 0;

    @FuzzTest(maxDuration = "5m")
    void shouldParseOrRejectEveryFrame(final byte[] frame)
    {
        if (frame.length > MAX_FRAME_LENGTH)
        {
            // WebSocket08FrameDecoder refuses it with 1009 before any byte reaches the parser.
            return;
        }
        final Object fromArray = parse(CodedInputStream.newInstance(frame));
        final Object fromDirect = DirectDecoding.SAFE ?
            parse(CodedInputStream.newInstance(DirectDecoding.direct(frame))) : fromArray;
        final boolean directRejects = fromDirect instanceof InvalidProtocolBufferException;
        final boolean arrayRejects = fromArray instanceof InvalidProtocolBufferException;
        assertEquals(directRejects, arrayRejects, () -> "decoders disagree: direct=" + fromDirect + ", array=" +
            fromArray);
        if (directRejects)
        {
            return;
        }
        final ClientMessage message = (ClientMessage)fromDirect;
        assertEquals(message, fromArray, "direct and array decoders parse the same message");

        final byte[] reencoded = message.toByteArray();
        assertTrue(reencoded.length <= frame.length, () -> "re-encoded larger than the frame: frame=" + frame.length +
            ", reencoded=" + reencoded.length);
        assertEquals(message, parse(CodedInputStream.newInstance(reencoded)), "re-encoded message parses back equal");

        final int beforeJoin = closeCodeFor(message, false);
        final int afterJoin = closeCodeFor(message, true);
        assertDocumented(beforeJoin);
        assertDocumented(afterJoin);
        if (message.hasInput())
        {
            assertTrue(message.getInput().getPayload().size() < MAX_FRAME_LENGTH, "payload bounded by the frame");
        }
    }

    /**
     * The server's parse: {@code ClientFrameHandler.channelRead0}.
     *
     * @param in decoder over the frame.
     * @return the message, or the {@link InvalidProtocolBufferException} the server turns into 1007.
     */
    static Object parse(final CodedInputStream in)
    {
        in.setRecursionLimit(RECURSION_LIMIT);
        in.setSizeLimit(MAX_FRAME_LENGTH);
        try
        {
            return ClientMessage.parseFrom(in);
        }
        catch (final InvalidProtocolBufferException ex)
        {
            return ex;
        }
        catch (final IOException ex)
        {
            return fail("IOException other than InvalidProtocolBufferException: " + ex, ex);
        }
    }

    /**
     * The handler's rules, as far as they depend on the message alone (room lookups aside).
     *
     * @param message parsed message.
     * @param joined  whether the connection already joined.
     * @return the close code, or {@link #ACCEPTED}.
     */
    static int closeCodeFor(final ClientMessage message, final boolean joined)
    {
        switch (message.getBodyCase())
        {
            case JOIN:
                if (joined)
                {
                    return CloseCodes.ALREADY_JOINED;
                }
                final Join join = message.getJoin();
                if (join.getProtocolVersion() != ProtocolVersion.CURRENT)
                {
                    return CloseCodes.UNSUPPORTED_PROTOCOL_VERSION;
                }
                return join.getRoomId().isEmpty() == join.getRoomType().isEmpty() ? CloseCodes.INVALID_JOIN : ACCEPTED;
            case INPUT:
                if (!joined)
                {
                    return CloseCodes.NOT_JOINED;
                }
                return message.getInput().getPayload().size() > MAX_INPUT_PAYLOAD ?
                    CloseCodes.POLICY_VIOLATION : ACCEPTED;
            case ACK:
                return joined ? ACCEPTED : CloseCodes.NOT_JOINED;
            case PING:
                return ACCEPTED;
            case LEAVE:
                return CloseCodes.NORMAL;
            case BODY_NOT_SET:
                return CloseCodes.INVALID_PAYLOAD;
            default:
                return fail("unknown body case: " + message.getBodyCase());
        }
    }

    private static void assertDocumented(final int code)
    {
        switch (code)
        {
            case ACCEPTED:
            case CloseCodes.NORMAL:
            case CloseCodes.INVALID_PAYLOAD:
            case CloseCodes.POLICY_VIOLATION:
            case CloseCodes.NOT_JOINED:
            case CloseCodes.UNSUPPORTED_PROTOCOL_VERSION:
            case CloseCodes.INVALID_JOIN:
            case CloseCodes.ALREADY_JOINED:
                return;
            default:
                fail("undocumented outcome: " + code);
        }
    }
}
