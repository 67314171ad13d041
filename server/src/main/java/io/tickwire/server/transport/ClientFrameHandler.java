package io.tickwire.server.transport;

import com.google.protobuf.CodedInputStream;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.TooLongFrameException;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CorruptedWebSocketFrameException;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolHandler;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.util.concurrent.FastThreadLocal;
import io.tickwire.protocol.CloseCodes;
import io.tickwire.protocol.ProtocolVersion;
import io.tickwire.protocol.v1.Ack;
import io.tickwire.protocol.v1.ClientMessage;
import io.tickwire.protocol.v1.Input;
import io.tickwire.protocol.v1.Join;
import io.tickwire.protocol.v1.Pong;
import io.tickwire.protocol.v1.ServerMessage;
import io.tickwire.protocol.ticket.JoinTicket;
import io.tickwire.protocol.ticket.TicketException;
import io.tickwire.server.auth.TicketVerifier;
import io.tickwire.server.room.InboundRecords;
import io.tickwire.server.room.ResumeRegistry;
import io.tickwire.server.room.JoinResult;
import io.tickwire.server.room.RoomDirectory;
import io.tickwire.server.room.RoomHandle;
import io.tickwire.server.room.RoomLoop;
import org.agrona.concurrent.UnsafeBuffer;
import org.agrona.concurrent.ringbuffer.RingBuffer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;
import java.util.concurrent.TimeUnit;

/**
 * Decodes and validates each binary frame of one connection into a {@code ClientMessage}, then
 * hands it to the room loop that owns the connection's room as a compact ring record. Text frames,
 * unparseable frames, messages before {@code Join} and invalid joins get an {@code Error} and a
 * close with the matching code; nothing they do reaches a room.
 * <p>
 * Thread: the channel's event loop. One instance per channel. Frames are released by
 * {@link SimpleChannelInboundHandler} after {@link #channelRead0}; only copied bytes go into the ring.
 */
final class ClientFrameHandler extends SimpleChannelInboundHandler<WebSocketFrame>
{
    private static final Logger LOG = LoggerFactory.getLogger(ClientFrameHandler.class);
    private static final int PROTOBUF_RECURSION_LIMIT = 8;
    private static final SecureRandom RANDOM = new SecureRandom();
    /** One parse buffer per event loop thread, grown to the largest frame seen (bounded by the frame limit). */
    private static final FastThreadLocal<byte[]> PARSE_SCRATCH = new FastThreadLocal<>()
    {
        @Override
        protected byte[] initialValue()
        {
            return new byte[4096];
        }
    };

    /** Windows in a row with more drops than the allowed rate before the session is closed. */
    static final int RATE_ABUSE_WINDOWS = 3;

    private final ServerContext server;
    private final UnsafeBuffer payloadScratch;
    private final byte[] payloadBytes;
    private final double inputsPerNs;
    private final double inputBurst;
    private final int maxInputsPerSecond;
    private double inputTokens;
    private long lastRefillNs = System.nanoTime();
    private long windowStartNs = lastRefillNs;
    private int droppedInWindow;
    private int abusiveWindows;
    private Session session;

    ClientFrameHandler(final ServerContext server, final int maxInputsPerSecond)
    {
        super(true);
        this.server = server;
        this.maxInputsPerSecond = maxInputsPerSecond;
        this.inputsPerNs = maxInputsPerSecond / 1e9;
        this.inputBurst = Math.max(4, maxInputsPerSecond / 4.0);
        this.inputTokens = inputBurst;
        this.payloadBytes = new byte[server.maxInputPayload()];
        this.payloadScratch = new UnsafeBuffer(payloadBytes);
    }

    @Override
    public void userEventTriggered(final ChannelHandlerContext ctx, final Object evt) throws Exception
    {
        if (evt instanceof WebSocketServerProtocolHandler.HandshakeComplete)
        {
            if (ctx.pipeline().get(HandshakeDeadline.NAME) != null)
            {
                ctx.pipeline().remove(HandshakeDeadline.NAME);
            }
            final SessionRegistry sessions = server.sessions();
            final byte[] token = new byte[24];
            RANDOM.nextBytes(token);
            session = new Session(
                sessions.nextConnectionId(),
                HexFormat.of().toHexDigits(RANDOM.nextLong()),
                Base64.getUrlEncoder().withoutPadding().encodeToString(token),
                ctx.channel(),
                String.valueOf(ctx.channel().remoteAddress()),
                server.counters());
            sessions.add(session);
            server.counters().connectionsOpened.increment();
            LOG.info("connection opened: session={} remote={}", session.sessionId(), session.remoteAddress());
        }
        else if (evt instanceof IdleStateEvent)
        {
            if (session == null)
            {
                ctx.close();
            }
            else
            {
                reject(CloseCodes.IDLE_TIMEOUT, "no message for longer than the idle timeout");
            }
            return;
        }
        super.userEventTriggered(ctx, evt);
    }

    @Override
    protected void channelRead0(final ChannelHandlerContext ctx, final WebSocketFrame frame)
    {
        if (session == null || session.isClosing())
        {
            return;
        }
        if (frame instanceof TextWebSocketFrame)
        {
            reject(CloseCodes.UNSUPPORTED_DATA, "text frames are not supported: send binary ClientMessage frames");
            return;
        }
        if (!(frame instanceof BinaryWebSocketFrame))
        {
            reject(CloseCodes.PROTOCOL_ERROR, "unexpected frame: " + frame.getClass().getSimpleName());
            return;
        }
        final ByteBuf content = frame.content();
        server.counters().framesIn.increment();
        server.counters().bytesIn.add(content.readableBytes());
        final ClientMessage message;
        try
        {
            // Parse from a heap copy: protobuf-java's direct-buffer decoder (before 4.34) let a length
            // near 2^31 wrap its limit and read native memory; the array decoder checks it.
            final int length = content.readableBytes();
            final byte[] bytes = scratch(length);
            content.getBytes(content.readerIndex(), bytes, 0, length);
            final CodedInputStream in = CodedInputStream.newInstance(bytes, 0, length);
            in.setRecursionLimit(PROTOBUF_RECURSION_LIMIT);
            in.setSizeLimit(server.maxFrameLength());
            message = ClientMessage.parseFrom(in);
        }
        catch (final IOException ex)
        {
            reject(CloseCodes.INVALID_PAYLOAD, "invalid ClientMessage: " + ex.getMessage() + ", length=" +
                content.readableBytes());
            return;
        }

        switch (message.getBodyCase())
        {
            case JOIN:
                onJoin(message.getJoin());
                break;
            case INPUT:
                onInput(message.getInput());
                break;
            case ACK:
                onAck(message.getAck());
                break;
            case PING:
                onPing(message.getPing().getClientTime());
                break;
            case LEAVE:
                session.closeWith(CloseCodes.NORMAL, "left: " + message.getLeave().getReason());
                break;
            default:
                reject(CloseCodes.INVALID_PAYLOAD, "ClientMessage has no body (unknown oneof case?)");
                break;
        }
    }

    private static byte[] scratch(final int length)
    {
        byte[] bytes = PARSE_SCRATCH.get();
        if (bytes.length < length)
        {
            bytes = new byte[length];
            PARSE_SCRATCH.set(bytes);
        }
        return bytes;
    }

    private void onJoin(final Join join)
    {
        if (session.joinOffered())
        {
            reject(CloseCodes.ALREADY_JOINED, "already joined: room=" + session.room().id());
            return;
        }
        if (join.getProtocolVersion() != ProtocolVersion.CURRENT)
        {
            reject(CloseCodes.UNSUPPORTED_PROTOCOL_VERSION, "unsupported protocol version: version=" +
                join.getProtocolVersion() + ", supported=" + ProtocolVersion.CURRENT);
            return;
        }
        if (!join.getResumeToken().isEmpty())
        {
            onResume(join);
            return;
        }
        final boolean hasId = !join.getRoomId().isEmpty();
        final boolean hasType = !join.getRoomType().isEmpty();
        if (hasId == hasType)
        {
            reject(CloseCodes.INVALID_JOIN, "join must name exactly one of room_id and room_type: room_id=" +
                join.getRoomId() + ", room_type=" + join.getRoomType());
            return;
        }
        final TicketVerifier tickets = server.tickets();
        JoinTicket ticket = null;
        if (tickets != null)
        {
            try
            {
                ticket = tickets.check(join.getTicket(), join.getRoomId(), join.getRoomType());
            }
            catch (final TicketException ex)
            {
                reject(CloseCodes.TICKET_REJECTED, ex.getMessage());
                return;
            }
        }
        final RoomDirectory directory = server.directory();
        final JoinResult result = hasId ? directory.joinById(join.getRoomId()) :
            directory.joinOrCreate(join.getRoomType());
        if (!result.isJoined())
        {
            reject(result.closeCode(), result.reason());
            return;
        }
        final RoomHandle handle = result.handle();
        if (ticket != null)
        {
            try
            {
                if (ticket.roomType() != null && !ticket.roomType().equals(handle.type()))
                {
                    throw new TicketException("join ticket is for another room type: ticketType=" +
                        ticket.roomType() + ", room=" + handle.id() + ", roomType=" + handle.type());
                }
                tickets.consume(ticket);
            }
            catch (final TicketException ex)
            {
                directory.abandonSeat(handle);
                reject(CloseCodes.TICKET_REJECTED, ex.getMessage());
                return;
            }
            session.playerId(ticket.playerId());
        }
        final RoomLoop loop = server.loop(handle.loopIndex());
        if (!InboundRecords.offerJoin(loop.inbound(), session.connectionId(), handle.key()))
        {
            directory.abandonSeat(handle);
            server.counters().joinsRefusedOverload.increment();
            reject(CloseCodes.SERVER_OVERLOADED, "server overloaded: room loop " + handle.loopIndex() +
                " inbound ring full");
            return;
        }
        session.room(handle);
        session.joinOffered(true);
    }

    /**
     * A client that lost its connection comes back with the resume token of its last Welcome. A
     * wrong token is refused here and changes nothing: the real player's grace period runs on.
     */
    private void onResume(final Join join)
    {
        final ResumeRegistry.Target target = server.resumes().lookup(join.getResumeToken());
        if (target == null || target.room().isRetired())
        {
            reject(CloseCodes.RESUME_REJECTED, "resume token unknown or expired");
            return;
        }
        if (!target.room().id().equals(join.getRoomId()))
        {
            reject(CloseCodes.RESUME_REJECTED, "resume token is for another room: room_id=" + join.getRoomId());
            return;
        }
        final RoomHandle handle = target.room();
        if (!InboundRecords.offerResume(server.loop(handle.loopIndex()).inbound(), session.connectionId(),
            target.playerKey()))
        {
            server.counters().joinsRefusedOverload.increment();
            reject(CloseCodes.SERVER_OVERLOADED, "server overloaded: room loop " + handle.loopIndex() +
                " inbound ring full");
            return;
        }
        session.room(handle);
        session.joinOffered(true);
    }

    private void onInput(final Input input)
    {
        final RoomHandle room = session.room();
        if (room == null)
        {
            reject(CloseCodes.NOT_JOINED, "input before join: seq=" + input.getSeq());
            return;
        }
        final int length = input.getPayload().size();
        if (length > payloadBytes.length)
        {
            reject(CloseCodes.POLICY_VIOLATION, "input payload too large: length=" + length + ", max=" +
                payloadBytes.length);
            return;
        }
        if (!takeInputToken())
        {
            return;
        }
        input.getPayload().copyTo(payloadBytes, 0);
        if (!InboundRecords.offerInput(server.loop(room.loopIndex()).inbound(), session.connectionId(),
            input.getSeq(), input.getAckTick(), payloadScratch, length))
        {
            server.counters().inputsDropped.increment();
        }
    }

    /**
     * Token bucket of {@code maxInputsPerSecond} with a quarter-second burst. Excess inputs are
     * dropped and counted; a session that keeps sending more than twice the allowed rate for
     * {@link #RATE_ABUSE_WINDOWS} seconds in a row is closed with 1008.
     */
    private boolean takeInputToken()
    {
        final long nowNs = System.nanoTime();
        inputTokens = Math.min(inputBurst, inputTokens + (nowNs - lastRefillNs) * inputsPerNs);
        lastRefillNs = nowNs;
        if (nowNs - windowStartNs >= 1_000_000_000L)
        {
            abusiveWindows = droppedInWindow > maxInputsPerSecond ? abusiveWindows + 1 : 0;
            droppedInWindow = 0;
            windowStartNs = nowNs;
            if (abusiveWindows >= RATE_ABUSE_WINDOWS)
            {
                reject(CloseCodes.POLICY_VIOLATION, "input rate exceeded for " + RATE_ABUSE_WINDOWS +
                    " s: maxInputsPerSecond=" + maxInputsPerSecond);
                return false;
            }
        }
        if (inputTokens >= 1.0)
        {
            inputTokens -= 1.0;
            return true;
        }
        droppedInWindow++;
        server.counters().inputsRateLimited.increment();
        return false;
    }

    private void onAck(final Ack ack)
    {
        final RoomHandle room = session.room();
        if (room == null)
        {
            reject(CloseCodes.NOT_JOINED, "ack before join: tick=" + ack.getTick());
            return;
        }
        if (!InboundRecords.offerAck(server.loop(room.loopIndex()).inbound(), session.connectionId(), ack.getTick(),
            ack.getRequestFull() ? InboundRecords.ACK_FLAG_REQUEST_FULL : 0))
        {
            server.counters().acksDropped.increment();
        }
    }

    private void onPing(final long clientTime)
    {
        final RoomHandle room = session.room();
        session.send(ServerMessage.newBuilder().setPong(Pong.newBuilder()
            .setClientTime(clientTime)
            .setServerTimeNs(server.serverTimeNs())
            .setServerTick(room == null ? 0 : room.currentTick()))
            .build());
    }

    private void reject(final int code, final String reason)
    {
        server.counters().badFrames.increment();
        LOG.info("closing connection: session={} remote={} code={} reason={}",
            session.sessionId(), session.remoteAddress(), code, reason);
        session.closeWith(code, reason);
    }

    @Override
    public void channelInactive(final ChannelHandlerContext ctx) throws Exception
    {
        if (session != null)
        {
            server.sessions().remove(session);
            server.counters().connectionsClosed.increment();
            server.counters().onDisconnect(session.closeCode());
            if (session.joinOffered())
            {
                offerLeave(ctx, session.room(), session.connectionId(), session.closeCode());
            }
            final RoomHandle room = session.room();
            LOG.info("connection closed: session={} room={} remote={} code={} reason=\"{}\"",
                session.sessionId(), room == null ? "-" : room.id(), session.remoteAddress(), session.closeCode(),
                session.closeReason());
        }
        super.channelInactive(ctx);
    }

    private void offerLeave(final ChannelHandlerContext ctx, final RoomHandle room, final long connectionId,
        final int code)
    {
        final RingBuffer ring = server.loop(room.loopIndex()).inbound();
        if (!InboundRecords.offerLeave(ring, connectionId, code))
        {
            // A leave must not be lost (the player would stay in the room): retry until the loop drains.
            server.counters().leaveRetries.increment();
            ctx.channel().eventLoop().schedule(
                () -> offerLeave(ctx, room, connectionId, code), 1, TimeUnit.MILLISECONDS);
        }
    }

    @Override
    public void exceptionCaught(final ChannelHandlerContext ctx, final Throwable cause)
    {
        LOG.debug("connection error: remote={} cause={}", ctx.channel().remoteAddress(), cause.toString());
        if (session != null && cause instanceof CorruptedWebSocketFrameException)
        {
            // The decoder already answered with its own close frame (1002, 1007 or 1009).
            final CorruptedWebSocketFrameException corrupted = (CorruptedWebSocketFrameException)cause;
            final int code = corrupted.closeStatus() == null ? CloseCodes.PROTOCOL_ERROR : corrupted.closeStatus().code();
            server.counters().badFrames.increment();
            session.closedByCodec(code, "WebSocket protocol violation: " + cause.getMessage());
            LOG.info("closing connection: session={} remote={} code={} reason=\"{}\"",
                session.sessionId(), session.remoteAddress(), code, cause.getMessage());
            ctx.close();
        }
        else if (session != null && cause instanceof TooLongFrameException)
        {
            // A fragmented message whose parts add up to more than the frame limit.
            server.counters().badFrames.increment();
            session.closeWith(CloseCodes.MESSAGE_TOO_BIG, "message too big: max=" + server.maxFrameLength());
        }
        else if (session != null && cause instanceof java.io.IOException)
        {
            ctx.close();
        }
        else if (session != null)
        {
            session.closeWith(CloseCodes.INTERNAL_ERROR, "internal error");
        }
        else
        {
            ctx.close();
        }
    }
}
