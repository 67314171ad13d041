package io.tickwire.server.transport;

import com.google.protobuf.CodedInputStream;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.TooLongFrameException;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CorruptedWebSocketFrameException;
import io.netty.handler.codec.http.websocketx.PingWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.util.concurrent.FastThreadLocal;
import io.tickwire.protocol.CloseCodes;
import io.tickwire.protocol.v1.Ack;
import io.tickwire.protocol.v1.ClientMessage;
import io.tickwire.protocol.v1.GameMessage;
import io.tickwire.protocol.v1.Input;
import io.tickwire.protocol.v1.Pong;
import io.tickwire.protocol.v1.ServerMessage;
import io.tickwire.server.logging.LogSafe;
import io.tickwire.server.logging.LogThrottle;
import io.tickwire.server.room.InboundRecords;
import io.tickwire.server.room.RoomHandle;
import org.agrona.concurrent.UnsafeBuffer;
import org.agrona.concurrent.ringbuffer.RingBuffer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.security.SecureRandom;
import java.util.concurrent.TimeUnit;

/**
 * Decodes and validates each binary frame of one connection into a {@code ClientMessage}, then
 * hands it to the room loop that owns the connection's room as a compact ring record. Text frames,
 * unparseable frames, messages before {@code Join} and invalid joins get an {@code Error} and a
 * close with the matching code; nothing they do reaches a room. Joins are decided by
 * {@link JoinAdmission}; inputs and pings are rate-limited by {@link RateLimiter}s; a connection
 * that does not join within the join timeout is closed (4014).
 * <p>
 * Logs: client-supplied values are escaped ({@link LogSafe}); per-address connection lines are
 * rate-limited with counts ({@link LogThrottle}).
 * <p>
 * After the handshake it is also the connection's WebSocket endpoint ({@link UpgradedWebSocketHandler}):
 * close frames, pings ({@link PingGuard#answer}), pongs, and a frame aggregator only once a binary message
 * arrives in fragments; a text message is refused at its first fragment.
 * <p>
 * Thread: the channel's event loop. One instance per channel. Frames are released after
 * {@link #onMessage}; only copied bytes go into the ring.
 */
final class ClientFrameHandler extends UpgradedWebSocketHandler implements Session.CloseListener
{
    private static final Logger LOG = LoggerFactory.getLogger(ClientFrameHandler.class);
    private static final int PROTOBUF_RECURSION_LIMIT = 8;
    private static final SecureRandom RANDOM = new SecureRandom();
    /** Connection log lines per address: 20 per 10 s, then counted and summarised. */
    private static final LogThrottle CONNECTION_LOG = new LogThrottle(20, TimeUnit.SECONDS.toNanos(10), 4096);
    /** One parse buffer per event loop thread, grown to the largest frame seen (bounded by the frame limit). */
    private static final FastThreadLocal<byte[]> PARSE_SCRATCH = new FastThreadLocal<>()
    {
        @Override
        protected byte[] initialValue()
        {
            return new byte[4096];
        }
    };

    /**
     * One input payload buffer per event loop thread: the payload is copied out of the parsed message
     * and into the ring within one {@link #onMessage}, so a connection needs none of its own.
     */
    private static final FastThreadLocal<UnsafeBuffer> PAYLOAD_SCRATCH = new FastThreadLocal<>()
    {
        @Override
        protected UnsafeBuffer initialValue()
        {
            return new UnsafeBuffer(new byte[1024]);
        }
    };

    /** Wraps a game message's payload for the ring within one {@link #onMessage}: one per event loop. */
    private static final FastThreadLocal<UnsafeBuffer> MESSAGE_SCRATCH = new FastThreadLocal<>()
    {
        @Override
        protected UnsafeBuffer initialValue()
        {
            return new UnsafeBuffer(new byte[0]);
        }
    };

    private final ServerContext server;
    private final SessionLimits limits;
    private final JoinAdmission admission;
    // Made at the first input or message: a connection that never joins never needs them.
    private RateLimiter inputLimiter;
    private RateLimiter messageLimiter;
    private Session session;

    ClientFrameHandler(final ServerContext server, final SessionLimits limits, final JoinAdmission admission)
    {
        super(server.maxFrameLength());
        this.server = server;
        this.limits = limits;
        this.admission = admission;
    }

    /**
     * @return the session, or null before the handshake completed.
     */
    Session session()
    {
        return session;
    }

    @Override
    public void userEventTriggered(final ChannelHandlerContext ctx, final Object evt) throws Exception
    {
        if (evt == OutboundWriter.JOIN_TIMEOUT)
        {
            if (session != null)
            {
                expireUnjoined(session);
            }
            return;
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

    /**
     * The handshake completed (Netty's protocol handler is gone already): the handlers only the upgrade
     * needed leave the pipeline, and the session starts.
     */
    @Override
    protected void onOpen(final ChannelHandlerContext ctx)
    {
        final ChannelPipeline pipeline = ctx.pipeline();
        removeIfPresent(pipeline, HandshakeDeadline.NAME);
        removeIfPresent(pipeline, ServerChannelInitializer.IDLE);
        removeIfPresent(pipeline, PingGuard.NAME);
        // After the upgrade no HTTP request can come: the fallback's place in the pipeline goes.
        removeIfPresent(pipeline, HttpFallbackHandler.NAME);
        final SessionRegistry sessions = server.sessions();
        final OutboundWriter writer = server.outboundWriters().forLoop(ctx.channel().eventLoop());
        session = new Session(
            sessions.nextConnectionId(),
            RANDOM.nextLong(),
            new long[]{ RANDOM.nextLong(), RANDOM.nextLong(), RANDOM.nextLong() },
            ctx.channel(),
            server.counters(),
            writer,
            limits.maxPingsPerSecond(),
            limits.closeGraceMs());
        session.closeListener(this);
        writer.register(session, limits);
        sessions.add(session);
        server.counters().connectionsOpened.increment();
        if (mayLog())
        {
            LOG.info("connection opened: session={} remote={}", session.sessionId(), session.remoteAddress());
        }
    }

    /**
     * A connection that never joined is closed after the join timeout, however much else it sends
     * (pings keep the idle timer quiet, not this one). Told by its event loop's sweep ({@link OutboundWriter}).
     */
    private void expireUnjoined(final Session joining)
    {
        if (!joining.joinOffered() && !joining.isClosing() && joining.channel().isActive())
        {
            server.counters().joinTimeouts.increment();
            reject(CloseCodes.JOIN_TIMEOUT, "no join within the join timeout: joinTimeoutMs=" + limits.joinTimeoutMs());
        }
    }

    private static void removeIfPresent(final ChannelPipeline pipeline, final String name)
    {
        if (pipeline.get(name) != null)
        {
            pipeline.remove(name);
        }
    }

    @Override
    protected void onPing(final ChannelHandlerContext ctx, final PingWebSocketFrame ping)
    {
        PingGuard.answer(ctx, ping, session, server.counters());
    }

    /**
     * Only binary messages are aggregated: a text message is refused (1003) at its first fragment.
     */
    @Override
    protected boolean aggregates(final WebSocketFrame first)
    {
        return first instanceof BinaryWebSocketFrame;
    }

    @Override
    protected void onMessage(final ChannelHandlerContext ctx, final WebSocketFrame frame)
    {
        try
        {
            onFrame(frame);
        }
        finally
        {
            frame.release();
        }
    }

    private void onFrame(final WebSocketFrame frame)
    {
        if (session.isClosing())
        {
            return;
        }
        session.onFrameRead(System.nanoTime());
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
            // Parse from a reused heap copy: measured no slower than parsing the direct buffer in place
            // (SnapshotParseBenchmark) and it keeps protobuf off native memory (before 4.34 its
            // direct decoder could be driven past the buffer). The size is bounded by Netty's frame
            // limit before this point (setSizeLimit does not apply to array input).
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
            case MESSAGE:
                onMessage(message.getMessage());
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

    private void onJoin(final io.tickwire.protocol.v1.Join join)
    {
        final JoinAdmission.Outcome outcome = admission.admit(session, join);
        if (!outcome.admitted())
        {
            reject(outcome.code(), outcome.reason());
        }
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
        if (length > server.maxInputPayload())
        {
            reject(CloseCodes.POLICY_VIOLATION, "input payload too large: length=" + length + ", max=" +
                server.maxInputPayload());
            return;
        }
        if (inputLimiter == null)
        {
            inputLimiter = new RateLimiter(limits.maxInputsPerSecond(), System.nanoTime());
        }
        switch (inputLimiter.acquire(System.nanoTime()))
        {
            case RateLimiter.ALLOWED:
                break;
            case RateLimiter.ABUSIVE:
                reject(CloseCodes.POLICY_VIOLATION, "input rate exceeded for " + RateLimiter.ABUSE_WINDOWS +
                    " s: maxInputsPerSecond=" + inputLimiter.ratePerSecond());
                return;
            default:
                server.counters().inputsRateLimited.increment();
                return;
        }
        UnsafeBuffer payload = PAYLOAD_SCRATCH.get();
        if (payload.capacity() < length)
        {
            payload = new UnsafeBuffer(new byte[length]);
            PAYLOAD_SCRATCH.set(payload);
        }
        input.getPayload().copyTo(payload.byteArray(), 0);
        if (!InboundRecords.offerInput(server.loop(room.loopIndex()).inbound(), session.connectionId(),
            input.getSeq(), input.getAckTick(), input.getViewTick(), payload, length))
        {
            server.counters().inputsDropped.increment();
        }
    }

    /**
     * A game message: reliable, so never dropped; whatever would drop one closes the connection instead
     * (too large 1009, over the rate 1008, the room loop's ring full 4008).
     */
    private void onMessage(final GameMessage message)
    {
        final RoomHandle room = session.room();
        if (room == null)
        {
            reject(CloseCodes.NOT_JOINED, "message before join: type=" + message.getType());
            return;
        }
        if (message.getType() == 0)
        {
            reject(CloseCodes.INVALID_PAYLOAD, "message type 0 is reserved: types start at 1");
            return;
        }
        final int length = message.getPayload().size();
        if (length > limits.maxMessageBytes())
        {
            server.counters().messageCloses.increment();
            reject(CloseCodes.MESSAGE_TOO_BIG, "message too large: type=" + message.getType() + ", length=" + length +
                ", max=" + limits.maxMessageBytes());
            return;
        }
        if (messageLimiter == null)
        {
            messageLimiter = new RateLimiter(limits.maxMessagesPerSecond(), System.nanoTime());
        }
        if (messageLimiter.acquire(System.nanoTime()) != RateLimiter.ALLOWED)
        {
            server.counters().messageCloses.increment();
            reject(CloseCodes.POLICY_VIOLATION, "message rate exceeded: maxMessagesPerSecond=" +
                messageLimiter.ratePerSecond());
            return;
        }
        final byte[] bytes = scratch(length);
        message.getPayload().copyTo(bytes, 0);
        final UnsafeBuffer messageScratch = MESSAGE_SCRATCH.get();
        messageScratch.wrap(bytes, 0, Math.max(length, 0));
        if (!InboundRecords.offerMessage(server.loop(room.loopIndex()).inbound(), session.connectionId(),
            message.getType(), messageScratch, length))
        {
            server.counters().messageCloses.increment();
            reject(CloseCodes.SERVER_OVERLOADED, "server overloaded: room loop " + room.loopIndex() +
                " inbound ring full, message not delivered");
            return;
        }
        server.counters().messagesIn.increment();
        // Messages are handed to the game as they arrive, not at the next tick: wake a parked loop
        // (bounded by the message rate limit per connection).
        server.loop(room.loopIndex()).wake();
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
        if (!PingGuard.allow(session, server.counters()))
        {
            return;
        }
        final RoomHandle room = session.room();
        session.sendDroppable(ServerMessage.newBuilder().setPong(Pong.newBuilder()
            .setClientTime(clientTime)
            .setServerTimeNs(server.serverTimeNs())
            .setServerTick(room == null ? 0 : room.currentTick()))
            .build());
    }

    private void reject(final int code, final String reason)
    {
        server.counters().badFrames.increment();
        if (mayLog())
        {
            LOG.info("closing connection: session={} remote={} code={} reason=\"{}\"",
                session.sessionId(), session.remoteAddress(), code, LogSafe.escape(reason));
        }
        session.closeWith(code, reason);
    }

    /**
     * @return true when a connection line for this address may be logged now; says how many were
     * suppressed before it.
     */
    private boolean mayLog()
    {
        final String remoteHost = remoteHost();
        final int suppressed = CONNECTION_LOG.acquire(remoteHost, System.nanoTime());
        if (suppressed == LogThrottle.SUPPRESS)
        {
            return false;
        }
        if (suppressed > 0)
        {
            LOG.info("suppressed {} connection log lines from remote={} (more than 20 per 10 s)", suppressed, remoteHost);
        }
        return true;
    }

    private String remoteHost()
    {
        final Session s = session;
        final SocketAddress address = s == null ? null : s.channel().remoteAddress();
        return address instanceof InetSocketAddress ? ((InetSocketAddress)address).getAddress().getHostAddress() : "-";
    }

    /**
     * The server decided to close this session: release its seat now (a LEAVE record with the close
     * code), not when TCP finally closes, so a client that does not read cannot hold it.
     */
    @Override
    public void onCloseDecided(final Session closing)
    {
        offerLeaveOnce(closing);
    }

    private void offerLeaveOnce(final Session s)
    {
        if (s.joinOffered() && !s.leaveOffered())
        {
            s.leaveOffered(true);
            offerLeave(s.channel().eventLoop(), s.room(), s.connectionId(), s.closeCode());
        }
    }

    @Override
    public void channelInactive(final ChannelHandlerContext ctx) throws Exception
    {
        if (session != null)
        {
            server.sessions().remove(session);
            server.outboundWriters().forLoop(ctx.channel().eventLoop()).unregister(session);
            server.counters().connectionsClosed.increment();
            server.counters().onDisconnect(session.closeCode());
            offerLeaveOnce(session);
            final RoomHandle room = session.room();
            if (mayLog())
            {
                LOG.info("connection closed: session={} room=\"{}\" remote={} code={} reason=\"{}\"",
                    session.sessionId(), room == null ? "-" : LogSafe.escape(room.id()), session.remoteAddress(),
                    session.closeCode(), LogSafe.escape(session.closeReason()));
            }
        }
        super.channelInactive(ctx);
    }

    private void offerLeave(final io.netty.channel.EventLoop eventLoop, final RoomHandle room, final long connectionId,
        final int code)
    {
        final RingBuffer ring = server.loop(room.loopIndex()).inbound();
        if (!InboundRecords.offerLeave(ring, connectionId, code))
        {
            // A leave must not be lost (the player would stay in the room): retry until the loop drains.
            server.counters().leaveRetries.increment();
            eventLoop.schedule(() -> offerLeave(eventLoop, room, connectionId, code), 1, TimeUnit.MILLISECONDS);
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
            if (mayLog())
            {
                LOG.info("closing connection: session={} remote={} code={} reason=\"{}\"",
                    session.sessionId(), session.remoteAddress(), code, LogSafe.escape(cause.getMessage()));
            }
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
