package io.tickwire.server.transport;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelOutboundBuffer;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.tickwire.protocol.CloseCodes;
import io.tickwire.protocol.v1.Error;
import io.tickwire.protocol.v1.ServerMessage;
import io.tickwire.server.room.ClientLink;
import io.tickwire.server.room.Outbox;
import io.tickwire.server.room.RoomHandle;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.HexFormat;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicIntegerFieldUpdater;

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
    private static final AtomicIntegerFieldUpdater<Session> CLOSING =
        AtomicIntegerFieldUpdater.newUpdater(Session.class, "closing");
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
    // Ids as random bits, their texts made on first use (at the join, or in a log line): an idle connection
    // that never joins keeps no strings (issue #12, heap per idle connection). A text made twice by racing
    // threads is the same text.
    private final long sessionIdBits;
    private final long token0;
    private final long token1;
    private final long token2;
    private String sessionId;
    private String resumeToken;
    private final Channel channel;
    private final TransportCounters counters;
    private final OutboundWriter outbound;
    private final int maxPingsPerSecond;
    private RateLimiter pingLimiter;
    private final long closeGraceMs;
    // 0 or 1, through CLOSING: a field instead of an AtomicBoolean object per connection.
    private volatile int closing;
    private CloseListener closeListener;
    private volatile RoomHandle room;
    private volatile String playerId;
    private volatile java.util.Map<String, String> joinOptions = java.util.Map.of();
    private volatile int protocolVersion = io.tickwire.protocol.ProtocolVersion.CURRENT;
    private volatile java.util.Map<String, String> claims = java.util.Map.of();
    private volatile int closeCode;
    private volatile String closeReason = "client closed";
    private boolean joinOffered;
    // Event loop: when the handshake completed and when the last frame was read, for the idle sweep.
    private final long openedNanos;
    private long lastReadNanos;
    private boolean leaveOffered;

    /**
     * @param sessionIdBits random bits of the session id (16 hex digits).
     * @param resumeToken   24 random bytes of the resume token (32 base64url characters), as three longs.
     */
    Session(
        final long connectionId,
        final long sessionIdBits,
        final long[] resumeToken,
        final Channel channel,
        final TransportCounters counters,
        final OutboundWriter outbound,
        final int maxPingsPerSecond,
        final long closeGraceMs)
    {
        this.counters = counters;
        this.connectionId = connectionId;
        this.sessionIdBits = sessionIdBits;
        this.token0 = resumeToken[0];
        this.token1 = resumeToken[1];
        this.token2 = resumeToken[2];
        this.channel = channel;
        this.outbound = outbound;
        this.maxPingsPerSecond = maxPingsPerSecond;
        this.closeGraceMs = closeGraceMs;
        this.openedNanos = System.nanoTime();
        this.lastReadNanos = openedNanos;
    }

    /**
     * A frame was read (data, control). Event loop.
     */
    void onFrameRead(final long nowNanos)
    {
        lastReadNanos = nowNanos;
    }

    /**
     * @return {@link System#nanoTime()} of the last frame read, or of the handshake. Event loop.
     */
    long lastReadNanos()
    {
        return lastReadNanos;
    }

    /**
     * @return {@link System#nanoTime()} when the handshake completed.
     */
    long openedNanos()
    {
        return openedNanos;
    }

    @Override
    public long connectionId()
    {
        return connectionId;
    }

    @Override
    public String sessionId()
    {
        String id = sessionId;
        if (id == null)
        {
            id = HexFormat.of().toHexDigits(sessionIdBits);
            sessionId = id;
        }
        return id;
    }

    @Override
    public String resumeToken()
    {
        String token = resumeToken;
        if (token == null)
        {
            final byte[] bytes = new byte[3 * Long.BYTES];
            final ByteBuffer buffer = ByteBuffer.wrap(bytes);
            buffer.putLong(token0).putLong(token1).putLong(token2);
            token = Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
            resumeToken = token;
        }
        return token;
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
        // Netty caches the channel's address; the text is made for the few callers (join, logs).
        return String.valueOf(channel.remoteAddress());
    }

    @Override
    public boolean isOpen()
    {
        return closing == 0 && channel.isActive();
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
     * @return the ping budget shared by WebSocket pings and protobuf {@code Ping} messages, made at the first
     * ping (a connection that never pings needs none). Event loop.
     */
    RateLimiter pingLimiter()
    {
        RateLimiter limiter = pingLimiter;
        if (limiter == null)
        {
            limiter = new RateLimiter(maxPingsPerSecond, System.nanoTime());
            pingLimiter = limiter;
        }
        return limiter;
    }

    /**
     * @return true once a close was decided.
     */
    public boolean isClosing()
    {
        return closing != 0;
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
        if (!CLOSING.compareAndSet(this, 0, 1))
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
        if (CLOSING.compareAndSet(this, 0, 1))
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
        if (CLOSING.compareAndSet(this, 0, 1))
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
        return "Session{id=" + sessionId() + ", remote=" + channel.remoteAddress() + '}';
    }
}
