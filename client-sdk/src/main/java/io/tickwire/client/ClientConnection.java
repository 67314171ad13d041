package io.tickwire.client;

import com.google.protobuf.ByteString;
import com.google.protobuf.CodedOutputStream;
import com.google.protobuf.InvalidProtocolBufferException;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.EventLoop;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CorruptedWebSocketFrameException;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketClientProtocolHandler.ClientHandshakeStateEvent;
import io.netty.handler.codec.http.websocketx.WebSocketCloseStatus;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import io.netty.util.concurrent.ScheduledFuture;
import io.tickwire.protocol.CloseCodes;
import io.tickwire.protocol.ProtocolVersion;
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
import io.tickwire.protocol.v1.Snapshot;
import io.tickwire.protocol.v1.Welcome;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;

/**
 * One connection's protocol state machine, the last handler of its pipeline: sends {@code Join}
 * once the WebSocket handshake completes, turns {@code Welcome} into a {@link RoomSession},
 * applies snapshots through a {@link SnapshotTracker}, acks, answers pongs, and reports errors and
 * the close to the listeners and the join future.
 * <p>
 * Thread: everything named {@code onXxx} and every handler method runs on the connection's event loop
 * and owns the mutable state below. The {@code send*} methods may be called from any thread: they hand
 * the write to the event loop as a task, so writes stay in call order. Frames are released by
 * {@link SimpleChannelInboundHandler}; outbound buffers are released by the pipeline.
 */
final class ClientConnection extends SimpleChannelInboundHandler<WebSocketFrame>
{
    private static final Logger LOG = LoggerFactory.getLogger(ClientConnection.class);
    private static final int NO_CLOSE_CODE = -1;

    private final TickwireClient client;
    private final ClientOptions options;
    private final EventLoop eventLoop;
    private final JoinRequest request;
    private final CompletableFuture<RoomSession> joinFuture;
    private final List<SessionListener> listeners;
    private final ClientStats stats;
    private final Executor callbackExecutor;
    private final Object inputLock = new Object();

    private Channel channel;
    private ChannelHandlerContext ctx;
    private ScheduledFuture<?> joinTimeout;
    private boolean handshakeComplete;
    private boolean joinSettled;
    private boolean closing;
    private boolean closeFrameSent;
    private boolean closedFired;
    private boolean flushPending;
    private boolean fullRequested;
    private int closeCode = NO_CLOSE_CODE;
    private String closeReason = "";
    private int lastAckedTick;
    private RoomSession session;
    private SnapshotTracker tracker;
    private EntityMirror mirror;

    private int inputSeq;  // guarded by inputLock
    private volatile int lastProcessedInputSeq;
    private volatile long lastRttNanos = -1;

    ClientConnection(
        final TickwireClient client,
        final ClientOptions options,
        final EventLoop eventLoop,
        final JoinRequest request,
        final CompletableFuture<RoomSession> joinFuture,
        final List<SessionListener> listeners,
        final ClientStats stats)
    {
        this.client = client;
        this.options = options;
        this.eventLoop = eventLoop;
        this.request = request;
        this.joinFuture = joinFuture;
        this.listeners = listeners;
        this.stats = stats;
        this.callbackExecutor = options.callbackExecutor();
    }

    EventLoop eventLoop()
    {
        return eventLoop;
    }

    Channel channel()
    {
        return channel;
    }

    int lastProcessedInputSeq()
    {
        return lastProcessedInputSeq;
    }

    long lastRttNanos()
    {
        return lastRttNanos;
    }

    // ------------------------------------------------------------------------------------------------
    // Netty callbacks (event loop)
    // ------------------------------------------------------------------------------------------------

    @Override
    public void handlerAdded(final ChannelHandlerContext ctx)
    {
        this.ctx = ctx;
        this.channel = ctx.channel();
    }

    @Override
    public void channelActive(final ChannelHandlerContext ctx)
    {
        joinTimeout = ctx.executor().schedule(
            this::onJoinTimeout, options.connectTimeoutMs(), TimeUnit.MILLISECONDS);
        ctx.fireChannelActive();
    }

    @Override
    public void userEventTriggered(final ChannelHandlerContext ctx, final Object evt)
    {
        if (evt == ClientHandshakeStateEvent.HANDSHAKE_COMPLETE)
        {
            handshakeComplete = true;
            if (!closing)
            {
                final Join.Builder join = Join.newBuilder()
                    .setProtocolVersion(ProtocolVersion.CURRENT)
                    .setTicket(request.ticket())
                    .setResumeToken(request.resumeToken());
                if (request.roomType().isEmpty())
                {
                    join.setRoomId(request.roomId());
                }
                else
                {
                    join.setRoomType(request.roomType());
                }
                write(ClientMessage.newBuilder().setJoin(join).build());
                flush();
            }
        }
        else if (evt == ClientHandshakeStateEvent.HANDSHAKE_TIMEOUT)
        {
            failJoin(TickwireException.ABNORMAL_CLOSURE, "websocket handshake timed out: uri=" + options.uri() +
                ", timeoutMs=" + options.connectTimeoutMs(), null);
        }
        ctx.fireUserEventTriggered(evt);
    }

    @Override
    protected void channelRead0(final ChannelHandlerContext ctx, final WebSocketFrame frame)
    {
        if (frame instanceof BinaryWebSocketFrame)
        {
            stats.framesIn++;
            final long receiveTimeNanos = System.nanoTime();
            final ByteBuf content = frame.content();
            final int sizeBytes = content.readableBytes();
            final ServerMessage message;
            try
            {
                message = ServerMessage.parseFrom(content.nioBuffer());
            }
            catch (final InvalidProtocolBufferException ex)
            {
                onProtocolError("invalid ServerMessage: length=" + sizeBytes + ", reason=" + ex.getMessage());
                return;
            }
            onMessage(message, sizeBytes, receiveTimeNanos);
        }
        else if (frame instanceof TextWebSocketFrame)
        {
            stats.framesIn++;
            onProtocolError("text frame ignored: length=" + frame.content().readableBytes());
        }
        else if (frame instanceof CloseWebSocketFrame)
        {
            onCloseFrame((CloseWebSocketFrame)frame);
        }
    }

    @Override
    public void channelReadComplete(final ChannelHandlerContext ctx)
    {
        flushIfPending();
        ctx.fireChannelReadComplete();
    }

    @Override
    public void exceptionCaught(final ChannelHandlerContext ctx, final Throwable cause)
    {
        if (cause instanceof CorruptedWebSocketFrameException && closeCode == NO_CLOSE_CODE)
        {
            final WebSocketCloseStatus status = ((CorruptedWebSocketFrameException)cause).closeStatus();
            closeCode = status == null ? CloseCodes.PROTOCOL_ERROR : status.code();
            closeReason = String.valueOf(cause.getMessage());
        }
        if (!joinSettled)
        {
            failJoin(closeCode != NO_CLOSE_CODE ? closeCode : TickwireException.ABNORMAL_CLOSURE,
                "connection failed before Welcome: uri=" + options.uri() + ", cause=" + cause, cause);
        }
        else if (cause instanceof CorruptedWebSocketFrameException)
        {
            LOG.warn("server broke the WebSocket protocol, closing: uri={}, closeCode={}, reason={}",
                options.uri(), closeCode, cause.getMessage());
        }
        else if (cause instanceof IOException)
        {
            LOG.debug("connection error: uri={}", options.uri(), cause);
        }
        else
        {
            LOG.warn("unexpected failure, closing: uri={}", options.uri(), cause);
        }
        ctx.close();
    }

    @Override
    public void channelInactive(final ChannelHandlerContext ctx)
    {
        cancelJoinTimeout();
        final int code;
        final String reason;
        if (closeCode != NO_CLOSE_CODE)
        {
            code = closeCode;
            reason = closeReason;
        }
        else
        {
            code = TickwireException.ABNORMAL_CLOSURE;
            reason = "connection lost without a close frame";
        }
        failJoin(code, "connection closed before Welcome: uri=" + options.uri() + ", closeCode=" + code +
            ", reason=" + reason, null);
        if (session != null && !closedFired)
        {
            closedFired = true;
            fireClosed(code, reason);
        }
        ctx.fireChannelInactive();
    }

    /**
     * The TCP connect failed. Thread: the event loop.
     */
    void onConnectFailed(final Throwable cause)
    {
        if (closing)
        {
            failJoin(CloseCodes.NORMAL, "client closed before Welcome: uri=" + options.uri(), null);
        }
        else
        {
            failJoin(TickwireException.ABNORMAL_CLOSURE, "connect failed: uri=" + options.uri() + ", cause=" + cause,
                cause);
        }
    }

    // ------------------------------------------------------------------------------------------------
    // Inbound messages (event loop)
    // ------------------------------------------------------------------------------------------------

    private void onMessage(final ServerMessage message, final int sizeBytes, final long receiveTimeNanos)
    {
        switch (message.getBodyCase())
        {
            case WELCOME:
                onWelcome(message.getWelcome());
                break;
            case SNAPSHOT:
                if (session == null)
                {
                    onProtocolError("snapshot before Welcome: tick=" + message.getSnapshot().getTick());
                }
                else
                {
                    onSnapshot(message.getSnapshot(), sizeBytes, receiveTimeNanos);
                }
                break;
            case PONG:
                onPong(message.getPong());
                break;
            case ERROR:
                onServerError(message.getError());
                break;
            default:
                onProtocolError("ServerMessage without a known body: length=" + sizeBytes);
                break;
        }
    }

    private void onWelcome(final Welcome welcome)
    {
        if (session != null)
        {
            onProtocolError("duplicate Welcome: sessionId=" + welcome.getSessionId());
            return;
        }
        if (joinSettled || closing)
        {
            return;
        }
        if (welcome.getProtocolVersion() != 0 && welcome.getProtocolVersion() != ProtocolVersion.CURRENT)
        {
            failJoin(CloseCodes.UNSUPPORTED_PROTOCOL_VERSION, "server speaks another protocol version: server=" +
                welcome.getProtocolVersion() + ", client=" + ProtocolVersion.CURRENT, null);
            closeWith(CloseCodes.PROTOCOL_ERROR, "unsupported protocol version");
            return;
        }
        final EntitySchema schema;
        try
        {
            schema = EntitySchema.fromProto(welcome.getSchema());
        }
        catch (final IllegalArgumentException ex)
        {
            failJoin(CloseCodes.INVALID_PAYLOAD, "invalid schema in Welcome: " + ex.getMessage(), ex);
            closeWith(CloseCodes.INVALID_PAYLOAD, "invalid schema");
            return;
        }
        cancelJoinTimeout();
        tracker = new SnapshotTracker(schema, options.retainedStates());
        mirror = new EntityMirror(eventLoop, tracker);
        session = new RoomSession(this, client, welcome, schema, mirror, listeners, stats);
        joinSettled = true;
        final RoomSession joined = session;
        if (callbackExecutor == null)
        {
            joinFuture.complete(joined);
        }
        else
        {
            runCallback(() -> joinFuture.complete(joined));
        }
    }

    private void onSnapshot(final Snapshot snapshot, final int sizeBytes, final long receiveTimeNanos)
    {
        stats.snapshotsReceived++;
        final int result = tracker.apply(snapshot);
        switch (result)
        {
            case SnapshotTracker.APPLIED:
            {
                fullRequested = false;
                final int tick = snapshot.getTick();
                if (snapshot.getBaselineTick() == 0)
                {
                    stats.fullSnapshots++;
                }
                else
                {
                    stats.deltaSnapshots++;
                }
                lastProcessedInputSeq = snapshot.getLastInputSeq();
                mirror.onApplied(tick);
                if (options.autoAck() && isWritable())
                {
                    writeAck(tick);
                }
                if (!listeners.isEmpty())
                {
                    fireSnapshot(new SnapshotInfo(
                        tick,
                        snapshot.getBaselineTick(),
                        sizeBytes,
                        snapshot.getLastInputSeq(),
                        snapshot.getEntityCount(),
                        snapshot.getCreatedIdsCount(),
                        snapshot.getChangedIdsCount(),
                        snapshot.getRemovedIdsCount(),
                        snapshot.getServerTimeMs(),
                        receiveTimeNanos));
                }
                break;
            }
            case SnapshotTracker.STALE:
                stats.staleSnapshots++;
                break;
            case SnapshotTracker.BASELINE_MISSING:
                stats.baselineMisses++;
                requestFull();
                fireError(0, tracker.lastError());
                break;
            default:
                stats.protocolErrors++;
                requestFull();
                fireError(0, tracker.lastError());
                break;
        }
    }

    private void onPong(final Pong pong)
    {
        if (session == null)
        {
            onProtocolError("Pong before Welcome");
            return;
        }
        final long rttNanos = System.nanoTime() - pong.getClientTime();
        lastRttNanos = rttNanos;
        fireOnPong(rttNanos, pong.getServerTick());
    }

    private void onServerError(final Error error)
    {
        if (session == null)
        {
            if (closeCode == NO_CLOSE_CODE)
            {
                // A close frame with the same code should follow; remember it in case the connection drops first.
                closeCode = error.getCode();
                closeReason = error.getMessage();
            }
            failJoin(error.getCode(), "join refused: uri=" + options.uri() + ", request=" + request + ", code=" +
                error.getCode() + ", message=" + error.getMessage(), null);
        }
        else
        {
            fireError(error.getCode(), error.getMessage());
        }
    }

    private void onCloseFrame(final CloseWebSocketFrame frame)
    {
        final int code = frame.statusCode();
        final String reason = frame.reasonText();
        if (closeCode == NO_CLOSE_CODE)
        {
            closeCode = code == -1 ? WebSocketCloseStatus.EMPTY.code() : code;
            closeReason = reason == null ? "" : reason;
        }
        closing = true;
        if (!closeFrameSent && channel.isActive())
        {
            closeFrameSent = true;
            final int echo = WebSocketCloseStatus.isValidStatusCode(code) ? code : CloseCodes.NORMAL;
            ctx.writeAndFlush(new CloseWebSocketFrame(echo, null)).addListener(ChannelFutureListener.CLOSE);
        }
        else
        {
            channel.close();
        }
    }

    private void onProtocolError(final String message)
    {
        stats.protocolErrors++;
        if (session != null)
        {
            fireError(0, message);
        }
        else
        {
            LOG.debug("protocol error before Welcome: uri={}, {}", options.uri(), message);
        }
    }

    private void onJoinTimeout()
    {
        if (!joinSettled)
        {
            failJoin(TickwireException.ABNORMAL_CLOSURE, "no Welcome in time: uri=" + options.uri() +
                ", connectTimeoutMs=" + options.connectTimeoutMs() + ", handshakeComplete=" + handshakeComplete,
                null);
            closeWith(CloseCodes.GOING_AWAY, "join timed out");
        }
    }

    // ------------------------------------------------------------------------------------------------
    // Outbound (any thread, handed to the event loop)
    // ------------------------------------------------------------------------------------------------

    /**
     * Assign the next input sequence and queue the {@code Input}. Any thread.
     */
    int sendInput(final byte[] payload)
    {
        final ByteString bytes = ByteString.copyFrom(payload);
        synchronized (inputLock)
        {
            final int seq = ++inputSeq;
            // Queued even on the event loop, so that wire order is sequence order whichever thread calls.
            execute(() -> writeInput(seq, bytes));
            return seq;
        }
    }

    /**
     * Queue a {@code Ping} carrying {@link System#nanoTime()} at the moment it is written. Any thread.
     */
    void sendPing()
    {
        execute(this::writePing);
    }

    /**
     * Queue an {@code Ack}. Any thread.
     */
    void sendAck(final int tick)
    {
        execute(() ->
        {
            if (isWritable())
            {
                writeAck(tick);
                flush();
            }
        });
    }

    /**
     * Leave the room: {@code Leave} (when joined), a close frame with {@code code}, then close the
     * channel. Any thread; idempotent.
     *
     * @return the channel's close future.
     */
    ChannelFuture closeAsync(final int code, final String reason)
    {
        if (eventLoop.inEventLoop())
        {
            onLocalClose(code, reason);
        }
        else
        {
            execute(() -> onLocalClose(code, reason));
        }
        return channel.closeFuture();
    }

    void attach(final Channel channel)
    {
        this.channel = channel;
    }

    private void onLocalClose(final int code, final String reason)
    {
        if (closing)
        {
            channel.close();
            return;
        }
        closing = true;
        if (closeCode == NO_CLOSE_CODE)
        {
            closeCode = code;
            closeReason = reason;
        }
        if (channel.isActive() && handshakeComplete && !closeFrameSent)
        {
            if (session != null)
            {
                write(ClientMessage.newBuilder().setLeave(Leave.newBuilder().setReason(reason)).build());
            }
            closeFrameSent = true;
            ctx.writeAndFlush(new CloseWebSocketFrame(code, reason)).addListener(ChannelFutureListener.CLOSE);
        }
        else
        {
            channel.close();
        }
    }

    private void closeWith(final int code, final String reason)
    {
        if (!closing)
        {
            onLocalClose(code, reason);
        }
    }

    private void writeInput(final int seq, final ByteString payload)
    {
        if (!isWritable())
        {
            return;
        }
        final int ackTick = options.autoAck() ? tracker.newestTick() : lastAckedTick;
        write(ClientMessage.newBuilder()
            .setInput(Input.newBuilder().setSeq(seq).setPayload(payload).setAckTick(ackTick))
            .build());
        stats.inputsSent++;
        flush();
    }

    private void writePing()
    {
        if (isWritable())
        {
            write(ClientMessage.newBuilder().setPing(Ping.newBuilder().setClientTime(System.nanoTime())).build());
            flush();
        }
    }

    private void writeAck(final int tick)
    {
        write(ClientMessage.newBuilder().setAck(Ack.newBuilder().setTick(tick)).build());
        stats.acksSent++;
        if (Integer.compareUnsigned(tick, lastAckedTick) > 0)
        {
            lastAckedTick = tick;
        }
    }

    private void requestFull()
    {
        if (!fullRequested && isWritable())
        {
            fullRequested = true;
            write(ClientMessage.newBuilder().setAck(Ack.newBuilder().setRequestFull(true)).build());
            stats.fullRequests++;
        }
    }

    private boolean isWritable()
    {
        return session != null && !closing && channel.isActive();
    }

    private void write(final ClientMessage message)
    {
        final ByteBuf buf = encode(ctx.alloc(), message);
        ctx.write(new BinaryWebSocketFrame(buf), ctx.voidPromise());
        stats.framesOut++;
        flushPending = true;
    }

    private void flush()
    {
        flushPending = false;
        ctx.flush();
    }

    private void flushIfPending()
    {
        if (flushPending)
        {
            flush();
        }
    }

    private void execute(final Runnable task)
    {
        try
        {
            eventLoop.execute(task);
        }
        catch (final RejectedExecutionException ex)
        {
            LOG.debug("event loop shut down, dropped a write: uri={}", options.uri());
        }
    }

    static ByteBuf encode(final ByteBufAllocator alloc, final ClientMessage message)
    {
        final int size = message.getSerializedSize();
        final ByteBuf buf = alloc.buffer(size);
        try
        {
            final int writerIndex = buf.writerIndex();
            final ByteBuffer target = buf.nioBuffer(writerIndex, size);
            final CodedOutputStream out = CodedOutputStream.newInstance(target);
            message.writeTo(out);
            out.checkNoSpaceLeft();
            buf.writerIndex(writerIndex + size);
            return buf;
        }
        catch (final IOException | RuntimeException ex)
        {
            buf.release();
            throw new IllegalStateException("encoding ClientMessage failed: size=" + size, ex);
        }
    }

    // ------------------------------------------------------------------------------------------------
    // Join future and listeners
    // ------------------------------------------------------------------------------------------------

    private void failJoin(final int code, final String message, final Throwable cause)
    {
        if (joinSettled)
        {
            return;
        }
        joinSettled = true;
        cancelJoinTimeout();
        final TickwireException ex = cause == null ?
            new TickwireException(code, message) : new TickwireException(code, message, cause);
        if (callbackExecutor == null)
        {
            joinFuture.completeExceptionally(ex);
        }
        else
        {
            runCallback(() -> joinFuture.completeExceptionally(ex));
        }
    }

    private void cancelJoinTimeout()
    {
        if (joinTimeout != null)
        {
            joinTimeout.cancel(false);
            joinTimeout = null;
        }
    }

    private void fireSnapshot(final SnapshotInfo info)
    {
        if (callbackExecutor == null)
        {
            deliverSnapshot(info);
        }
        else
        {
            runCallback(() -> deliverSnapshot(info));
        }
    }

    private void fireOnPong(final long rttNanos, final int serverTick)
    {
        if (callbackExecutor == null)
        {
            deliverPong(rttNanos, serverTick);
        }
        else
        {
            runCallback(() -> deliverPong(rttNanos, serverTick));
        }
    }

    private void fireError(final int code, final String message)
    {
        if (callbackExecutor == null)
        {
            deliverError(code, message);
        }
        else
        {
            runCallback(() -> deliverError(code, message));
        }
    }

    private void fireClosed(final int code, final String reason)
    {
        if (callbackExecutor == null)
        {
            deliverClosed(code, reason);
        }
        else
        {
            runCallback(() -> deliverClosed(code, reason));
        }
    }

    private void deliverSnapshot(final SnapshotInfo info)
    {
        for (final SessionListener l : listeners)
        {
            try
            {
                l.onSnapshot(session, info);
            }
            catch (final Throwable t)
            {
                LOG.warn("listener failed in onSnapshot: listener={}", l, t);
            }
        }
    }

    private void deliverPong(final long rttNanos, final int serverTick)
    {
        for (final SessionListener l : listeners)
        {
            try
            {
                l.onPong(session, rttNanos, serverTick);
            }
            catch (final Throwable t)
            {
                LOG.warn("listener failed in onPong: listener={}", l, t);
            }
        }
    }

    private void deliverError(final int code, final String message)
    {
        for (final SessionListener l : listeners)
        {
            try
            {
                l.onError(session, code, message);
            }
            catch (final Throwable t)
            {
                LOG.warn("listener failed in onError: listener={}", l, t);
            }
        }
    }

    private void deliverClosed(final int code, final String reason)
    {
        for (final SessionListener l : listeners)
        {
            try
            {
                l.onClosed(session, code, reason);
            }
            catch (final Throwable t)
            {
                LOG.warn("listener failed in onClosed: listener={}", l, t);
            }
        }
    }

    private void runCallback(final Runnable callback)
    {
        try
        {
            callbackExecutor.execute(callback);
        }
        catch (final RejectedExecutionException ex)
        {
            LOG.warn("callback executor rejected a callback, running it on the event loop: uri={}", options.uri());
            callback.run();
        }
    }
}
