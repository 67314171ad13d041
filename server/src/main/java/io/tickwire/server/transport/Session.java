package io.tickwire.server.transport;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelOutboundBuffer;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.util.AttributeKey;
import io.tickwire.protocol.CloseCodes;
import io.tickwire.protocol.v1.Error;
import io.tickwire.protocol.v1.ServerMessage;
import io.tickwire.server.room.ClientLink;
import io.tickwire.server.room.Outbox;
import io.tickwire.server.room.RoomHandle;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One client connection: ids, its channel, the room it joined, its ping budget. Created by the
 * event loop when the WebSocket handshake completes; the room side sees it as a {@link ClientLink}.
 * <p>
 * Closing is bounded: when the server decides to close, the room loop is told at once (the seat is
 * released without waiting for TCP), the {@code Error} and close frame are tried, and TCP is closed
 * when the client answers or after {@link #closeGraceMs}, whatever is still queued.
 * <p>
 * Threads: {@link #closeWith(int, String)}, {@link #close(int, String)} and the getters are safe
 * from any thread; everything else runs on the channel's event loop.
 */
public final class Session implements ClientLink
{
    /** The session of a channel, once its handshake completed. */
    static final AttributeKey<Session> KEY = AttributeKey.valueOf("tickwire.session");
    /** RFC 6455: a close frame's reason is at most 123 bytes of UTF-8. */
    private static final int MAX_CLOSE_REASON_BYTES = 123;

    /**
     * Told on the event loop when the server decides to close a session, before any byte of the
     * close is written.
     */
    interface CloseListener
    {
        void onCloseDecided(Session session);
    }

    private final long connectionId;
    private final String sessionId;
    private final String resumeToken;
    private final Channel channel;
    private final String remoteAddress;
    private final TransportCounters counters;
    private final OutboundWriter outbound;
    private final RateLimiter pingLimiter;
    private final long closeGraceMs;
    private final AtomicBoolean closing = new AtomicBoolean();
    private CloseListener closeListener;
    private volatile RoomHandle room;
    private volatile String playerId;
    private volatile java.util.Map<String, String> joinOptions = java.util.Map.of();
    private volatile int protocolVersion = io.tickwire.protocol.ProtocolVersion.CURRENT;
    private volatile java.util.Map<String, String> claims = java.util.Map.of();
    private volatile int closeCode;
    private volatile String closeReason = "client closed";
    private boolean joinOffered;
    private boolean leaveOffered;

    Session(
        final long connectionId,
        final String sessionId,
        final String resumeToken,
        final Channel channel,
        final String remoteAddress,
        final TransportCounters counters,
        final OutboundWriter outbound,
        final RateLimiter pingLimiter,
        final long closeGraceMs)
    {
        this.counters = counters;
        this.connectionId = connectionId;
        this.sessionId = sessionId;
        this.resumeToken = resumeToken;
        this.channel = channel;
        this.remoteAddress = remoteAddress;
        this.outbound = outbound;
        this.pingLimiter = pingLimiter;
        this.closeGraceMs = closeGraceMs;
    }

    @Override
    public long connectionId()
    {
        return connectionId;
    }

    @Override
    public String sessionId()
    {
        return sessionId;
    }

    @Override
    public String resumeToken()
    {
        return resumeToken;
    }

    /**
     * @return the Netty channel.
     */
    public Channel channel()
    {
        return channel;
    }

    @Override
    public String remoteAddress()
    {
        return remoteAddress;
    }

    @Override
    public boolean isOpen()
    {
        return !closing.get() && channel.isActive();
    }

    @Override
    public boolean isWritable()
    {
        return channel.isWritable();
    }

    @Override
    public Outbox outbox()
    {
        return outbound.outbox();
    }

    @Override
    public void close(final int code, final String reason)
    {
        closeWith(code, reason);
    }

    /**
     * @return the room this session joined, or null.
     */
    public RoomHandle room()
    {
        return room;
    }

    void room(final RoomHandle room)
    {
        this.room = room;
    }

    @Override
    public String playerId()
    {
        return playerId;
    }

    void playerId(final String playerId)
    {
        this.playerId = playerId;
    }

    @Override
    public int protocolVersion()
    {
        return protocolVersion;
    }

    void protocolVersion(final int version)
    {
        this.protocolVersion = version;
    }

    @Override
    public java.util.Map<String, String> joinOptions()
    {
        return joinOptions;
    }

    void joinOptions(final java.util.Map<String, String> options)
    {
        this.joinOptions = java.util.Map.copyOf(options);
    }

    @Override
    public java.util.Map<String, String> claims()
    {
        return claims;
    }

    void claims(final java.util.Map<String, String> claims)
    {
        this.claims = claims;
    }

    boolean joinOffered()
    {
        return joinOffered;
    }

    void joinOffered(final boolean joinOffered)
    {
        this.joinOffered = joinOffered;
    }

    /**
     * @return true once the room loop was (or is being) told this connection left; set on the event loop.
     */
    boolean leaveOffered()
    {
        return leaveOffered;
    }

    void leaveOffered(final boolean leaveOffered)
    {
        this.leaveOffered = leaveOffered;
    }

    void closeListener(final CloseListener listener)
    {
        this.closeListener = listener;
    }

    /**
     * @return the ping budget shared by WebSocket pings and protobuf {@code Ping} messages.
     */
    RateLimiter pingLimiter()
    {
        return pingLimiter;
    }

    /**
     * @return true once a close was decided.
     */
    public boolean isClosing()
    {
        return closing.get();
    }

    /**
     * @return the close code this server chose, or 0 when the client closed first.
     */
    public int closeCode()
    {
        return closeCode;
    }

    /**
     * @return the reason this server gave when it closed, or "client closed".
     */
    public String closeReason()
    {
        return closeReason;
    }

    /**
     * @return bytes queued for this connection and not yet written to the socket, including
     * writes still on their way to the event loop.
     */
    public long pendingOutboundBytes()
    {
        final ChannelOutboundBuffer buffer = channel.unsafe().outboundBuffer();
        return buffer == null ? 0 : buffer.totalPendingWriteBytes();
    }

    /**
     * Send one message that must arrive (an {@code Error}, a reply the client waits for). Event
     * loop only; the outbound budget still applies.
     *
     * @param message the message.
     */
    void send(final ServerMessage message)
    {
        channel.writeAndFlush(frame(message), channel.voidPromise());
    }

    /**
     * Send one message that may be dropped (a {@code Pong}): dropped and counted when the
     * connection is not writable. Event loop only.
     *
     * @param message the message.
     * @return true when it was written.
     */
    boolean sendDroppable(final ServerMessage message)
    {
        if (!channel.isWritable())
        {
            counters.outboundDropped.increment();
            return false;
        }
        send(message);
        return true;
    }

    private BinaryWebSocketFrame frame(final ServerMessage message)
    {
        final byte[] bytes = message.toByteArray();
        counters.controlFramesOut.increment();
        counters.controlBytesOut.add(bytes.length);
        final ByteBuf buf = Unpooled.wrappedBuffer(bytes);
        return new BinaryWebSocketFrame(buf);
    }

    /**
     * Close the connection with a WebSocket close code and reason; for error codes an
     * {@code Error} message with the same code goes first. Only the first call has an effect.
     * Any thread.
     *
     * @param code   a {@link CloseCodes} value.
     * @param reason human-readable reason, naming the values.
     */
    public void closeWith(final int code, final String reason)
    {
        if (!closing.compareAndSet(false, true))
        {
            return;
        }
        closeCode = code;
        closeReason = reason;
        if (channel.eventLoop().inEventLoop())
        {
            doClose(code, reason);
        }
        else
        {
            channel.eventLoop().execute(() -> doClose(code, reason));
        }
    }

    /**
     * Close TCP now, without a close frame: the outbound budget is exhausted, so nothing more can
     * be queued. The room loop is told at once. Event loop only.
     *
     * @param code   the code logs and metrics name (the client sees only TCP close).
     * @param reason why.
     */
    void abort(final int code, final String reason)
    {
        if (closing.compareAndSet(false, true))
        {
            closeCode = code;
            closeReason = reason;
            notifyCloseDecided();
        }
        channel.close();
    }

    /**
     * Record that the connection is being closed with {@code code} by someone else (Netty's frame
     * decoder has already sent the close frame for a protocol violation), so that logs and metrics
     * name the code the client actually got. Writes nothing.
     *
     * @param code   the close code that was sent.
     * @param reason why.
     */
    void closedByCodec(final int code, final String reason)
    {
        if (closing.compareAndSet(false, true))
        {
            closeCode = code;
            closeReason = reason;
            notifyCloseDecided();
        }
    }

    private void notifyCloseDecided()
    {
        if (closeListener != null)
        {
            closeListener.onCloseDecided(this);
        }
    }

    private void doClose(final int code, final String reason)
    {
        notifyCloseDecided();
        if (!channel.isActive())
        {
            channel.close();
            return;
        }
        if (code != CloseCodes.NORMAL && code != CloseCodes.GOING_AWAY)
        {
            channel.write(frame(ServerMessage.newBuilder()
                .setError(Error.newBuilder().setCode(code).setMessage(reason))
                .build()), channel.voidPromise());
        }
        // TCP closes when the client answers the close frame (Netty's protocol handler) or after
        // the grace, whatever is still queued: a client that does not read cannot hold the socket.
        channel.writeAndFlush(new CloseWebSocketFrame(code, truncateReason(reason)), channel.voidPromise());
        final io.netty.util.concurrent.Future<?> forced =
            channel.eventLoop().schedule(() -> channel.close(), closeGraceMs, TimeUnit.MILLISECONDS);
        channel.closeFuture().addListener(f -> forced.cancel(false));
    }

    static String truncateReason(final String reason)
    {
        if (reason == null)
        {
            return "";
        }
        final byte[] utf8 = reason.getBytes(StandardCharsets.UTF_8);
        if (utf8.length <= MAX_CLOSE_REASON_BYTES)
        {
            return reason;
        }
        int end = MAX_CLOSE_REASON_BYTES;
        while (end > 0 && (utf8[end] & 0xC0) == 0x80)
        {
            end--;
        }
        return new String(utf8, 0, end, StandardCharsets.UTF_8);
    }

    @Override
    public String toString()
    {
        return "Session{id=" + sessionId + ", remote=" + remoteAddress + '}';
    }
}
