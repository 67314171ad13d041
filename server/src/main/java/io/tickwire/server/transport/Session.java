package io.tickwire.server.transport;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.tickwire.protocol.CloseCodes;
import io.tickwire.protocol.v1.Error;
import io.tickwire.protocol.v1.ServerMessage;
import io.tickwire.server.room.RoomHandle;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One client connection: ids, its channel, the room it joined. Created by the event loop when
 * the WebSocket handshake completes; found by the room loop through the {@link SessionRegistry}
 * when the join record arrives.
 * <p>
 * Threads: {@link #send(ServerMessage)}, {@link #closeWith(int, String)} and the getters are safe
 * from any thread; {@code room}/{@code joinOffered} are written only on the channel's event loop.
 */
public final class Session
{
    /** RFC 6455: a close frame's reason is at most 123 bytes of UTF-8. */
    private static final int MAX_CLOSE_REASON_BYTES = 123;

    private final long connectionId;
    private final String sessionId;
    private final String resumeToken;
    private final Channel channel;
    private final String remoteAddress;
    private final TransportCounters counters;
    private final AtomicBoolean closing = new AtomicBoolean();
    private volatile RoomHandle room;
    private volatile String playerId;
    private volatile int closeCode;
    private volatile String closeReason = "client closed";
    private boolean joinOffered;

    Session(
        final long connectionId,
        final String sessionId,
        final String resumeToken,
        final Channel channel,
        final String remoteAddress,
        final TransportCounters counters)
    {
        this.counters = counters;
        this.connectionId = connectionId;
        this.sessionId = sessionId;
        this.resumeToken = resumeToken;
        this.channel = channel;
        this.remoteAddress = remoteAddress;
    }

    /**
     * @return the numeric id used in ring records.
     */
    public long connectionId()
    {
        return connectionId;
    }

    /**
     * @return the session id sent in {@code Welcome}.
     */
    public String sessionId()
    {
        return sessionId;
    }

    /**
     * @return the secret resume token sent in {@code Welcome}.
     */
    public String resumeToken()
    {
        return resumeToken;
    }

    /**
     * @return the Netty channel; write to it from any thread, read its state from any thread.
     */
    public Channel channel()
    {
        return channel;
    }

    /**
     * @return the client's address.
     */
    public String remoteAddress()
    {
        return remoteAddress;
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

    /**
     * @return the player id from the verified join ticket, or null in open mode.
     */
    public String playerId()
    {
        return playerId;
    }

    void playerId(final String playerId)
    {
        this.playerId = playerId;
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
     * @return true once a close was requested.
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
        final io.netty.channel.ChannelOutboundBuffer buffer = channel.unsafe().outboundBuffer();
        return buffer == null ? 0 : buffer.totalPendingWriteBytes();
    }

    /**
     * Send one message. Any thread.
     *
     * @param message the message.
     */
    public void send(final ServerMessage message)
    {
        channel.writeAndFlush(frame(message), channel.voidPromise());
    }

    private BinaryWebSocketFrame frame(final ServerMessage message)
    {
        final byte[] bytes = message.toByteArray();
        counters.controlFramesOut.increment();
        counters.controlBytesOut.add(bytes.length);
        final ByteBuf buf = io.netty.buffer.Unpooled.wrappedBuffer(bytes);
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
        }
    }

    private void doClose(final int code, final String reason)
    {
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
        channel.writeAndFlush(new CloseWebSocketFrame(code, truncateReason(reason)))
            .addListener(ChannelFutureListener.CLOSE);
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
