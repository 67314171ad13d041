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
 * <p>
 * Besides the listeners, each applied snapshot feeds the session's {@link Interpolator} and
 * {@link Predictor} when they exist (both take their own copy under their own lock), and each pong
 * feeds the {@link ServerClock}. In {@link DeliveryMode#POLL} events go to a {@link PollQueue} instead
 * of the listeners; {@link #deliverPolledSnapshot} and {@link #deliverPolledEvent} run them on the
 * polling thread.
 */
final class ClientConnection extends SimpleChannelInboundHandler<WebSocketFrame> implements PollQueue.Dispatcher
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
    private final Object attachLock = new Object();
    private final boolean autoPing;
    private final EntityDiff.Sink entitySink = this::deliverEntityEvent;

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
    private ServerClock clock;
    private PollQueue pollQueue;
    private int tickRateHz;
    private ScheduledFuture<?> pingTimer;
    private boolean pingStarted;
    private int autoPingsSent;
    private volatile Interpolator interpolator;
    private volatile Predictor predictor;

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
        this(client, options, eventLoop, request, joinFuture, listeners, stats, false);
    }

    /**
     * @param autoPing true to ping every {@link ClientOptions#pingIntervalMs()} once the first snapshot is
     *                 applied (the client does; connection unit tests read every outbound frame and do not).
     */
    ClientConnection(
        final TickwireClient client,
        final ClientOptions options,
        final EventLoop eventLoop,
        final JoinRequest request,
        final CompletableFuture<RoomSession> joinFuture,
        final List<SessionListener> listeners,
        final ClientStats stats,
        final boolean autoPing)
    {
        this.autoPing = autoPing && options.pingIntervalMs() > 0;
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

    ServerClock clock()
    {
        return clock;
    }

    int tickRateHz()
    {
        return tickRateHz;
    }

    /**
     * The session's interpolator, created on first use; from then on every applied snapshot feeds it.
     * Any thread.
     */
    Interpolator interpolator()
    {
        synchronized (attachLock)
        {
            Interpolator i = interpolator;
            if (i == null)
            {
                i = Interpolator.create(tracker.schema(), tickRateHz, options);
                interpolator = i;
            }
            return i;
        }
    }

    /**
     * Create the session's predictor; from then on every applied snapshot feeds its mailbox. Any thread.
     */
    Predictor createPredictor(final StepFunction step, final RoomSession s)
    {
        synchronized (attachLock)
        {
            if (predictor != null)
            {
                throw new IllegalStateException("session already has a predictor: " + predictor);
            }
            final Predictor p = new Predictor(tracker.schema(), s.playerEntityId(), step, this::sendInputAt, clock,
                tickRateHz, options.mispredictionToleranceSlots(), options.maxPendingInputs(), stats);
            predictor = p;
            return p;
        }
    }

    Predictor predictor()
    {
        return predictor;
    }

    /**
     * Run queued events on the calling thread ({@link DeliveryMode#POLL}). Any one thread at a time.
     */
    int poll()
    {
        final PollQueue q = pollQueue;
        if (q == null)
        {
            throw new IllegalStateException("poll() needs ClientOptions.deliveryMode(POLL): deliveryMode=" +
                options.deliveryMode());
        }
        return q.poll(this);
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
        if (pingTimer != null)
        {
            pingTimer.cancel(false);
            pingTimer = null;
        }
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
        tickRateHz = welcome.getTickRateHz() > 0 ? welcome.getTickRateHz() : 1;
        clock = new ServerClock(tickRateHz);
        tracker = new SnapshotTracker(schema, options.retainedStates());
        if (options.deliveryMode() == DeliveryMode.POLL)
        {
            pollQueue = new PollQueue(schema, options.pollQueueSnapshots(), stats);
        }
        mirror = new EntityMirror(eventLoop, tracker, pollQueue);
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
        final WorldState previous = tracker.newest();
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
                final WorldState newest = tracker.newest();
                final Interpolator interp = interpolator;
                if (interp != null)
                {
                    interp.onState(newest, receiveTimeNanos);
                }
                final Predictor pred = predictor;
                if (pred != null)
                {
                    pred.onServerState(newest, snapshot.getLastInputSeq());
                }
                startAutoPing();
                if (pollQueue != null || !listeners.isEmpty())
                {
                    fireSnapshot(previous, newest, new SnapshotInfo(
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
        final long receiveNanos = System.nanoTime();
        final long rttNanos = receiveNanos - pong.getClientTime();
        stats.pongsReceived++;
        lastRttNanos = rttNanos;
        clock.onPong(pong.getClientTime(), receiveNanos, pong.getServerTimeNs(), pong.getServerTick());
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
     * Assign the next input sequence and write the {@code Input} at a given local time (at once when it is
     * past) from a scheduled task of the event loop. Netty runs scheduled tasks in deadline order, ties in
     * submission order, so calls with non-decreasing times keep sequence order on the wire. Any thread;
     * used by the {@link Predictor}, which sends every input this way.
     */
    int sendInputAt(final byte[] payload, final long sendAtNanos)
    {
        final ByteString bytes = ByteString.copyFrom(payload);
        synchronized (inputLock)
        {
            final int seq = ++inputSeq;
            final long delayNs = sendAtNanos == Long.MIN_VALUE ? 0 : Math.max(0, sendAtNanos - System.nanoTime());
            try
            {
                eventLoop.schedule(() -> writeInput(seq, bytes), delayNs, TimeUnit.NANOSECONDS);
            }
            catch (final RejectedExecutionException ex)
            {
                LOG.debug("event loop shut down, dropped an input: uri={}", options.uri());
            }
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
            stats.pingsSent++;
            flush();
        }
    }

    private void startAutoPing()
    {
        if (autoPing && !pingStarted)
        {
            pingStarted = true;
            onPingTimer();
        }
    }

    private void onPingTimer()
    {
        pingTimer = null;
        if (!isWritable())
        {
            return;
        }
        writePing();
        autoPingsSent++;
        final int delayMs = autoPingsSent < ClientOptions.INITIAL_PING_COUNT ?
            options.initialPingIntervalMs() : options.pingIntervalMs();
        pingTimer = eventLoop.schedule(this::onPingTimer, delayMs, TimeUnit.MILLISECONDS);
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

    private void fireSnapshot(final WorldState previous, final WorldState newest, final SnapshotInfo info)
    {
        if (pollQueue != null)
        {
            pollQueue.offerSnapshot(newest, info);
        }
        else if (callbackExecutor == null)
        {
            if (EntityDiff.wantsEntityEvents(listeners))
            {
                EntityDiff.diff(previous, newest, entitySink);
            }
            deliverSnapshot(info);
        }
        else if (EntityDiff.wantsEntityEvents(listeners))
        {
            final EntityDiff.Collector events = new EntityDiff.Collector();
            EntityDiff.diff(previous, newest, events);
            runCallback(() ->
            {
                for (int i = 0; i < events.size; i += 2)
                {
                    deliverEntityEvent(events.events[i], events.events[i + 1]);
                }
                deliverSnapshot(info);
            });
        }
        else
        {
            runCallback(() -> deliverSnapshot(info));
        }
    }

    @Override
    public void deliverPolledSnapshot(final WorldState previous, final WorldState next, final SnapshotInfo info)
    {
        if (EntityDiff.wantsEntityEvents(listeners))
        {
            EntityDiff.diff(previous, next, entitySink);
        }
        deliverSnapshot(info);
    }

    @Override
    public void deliverPolledEvent(final PollQueue.Event event)
    {
        switch (event.type)
        {
            case PollQueue.PONG:
                deliverPong(event.rttNanos, event.serverTick);
                break;
            case PollQueue.ERROR:
                deliverError(event.code, event.text);
                break;
            default:
                deliverClosed(event.code, event.text);
                break;
        }
    }

    private void fireOnPong(final long rttNanos, final int serverTick)
    {
        if (pollQueue != null)
        {
            final PollQueue.Event e = new PollQueue.Event(PollQueue.PONG);
            e.rttNanos = rttNanos;
            e.serverTick = serverTick;
            pollQueue.offer(e);
        }
        else if (callbackExecutor == null)
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
        if (pollQueue != null)
        {
            final PollQueue.Event e = new PollQueue.Event(PollQueue.ERROR);
            e.code = code;
            e.text = message;
            pollQueue.offer(e);
        }
        else if (callbackExecutor == null)
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
        if (pollQueue != null)
        {
            final PollQueue.Event e = new PollQueue.Event(PollQueue.CLOSED);
            e.code = code;
            e.text = reason;
            pollQueue.offer(e);
        }
        else if (callbackExecutor == null)
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

    private void deliverEntityEvent(final int event, final int entityId)
    {
        for (final SessionListener l : listeners)
        {
            try
            {
                switch (event)
                {
                    case EntityDiff.ADDED:
                        l.onEntityAdded(session, entityId);
                        break;
                    case EntityDiff.CHANGED:
                        l.onEntityChanged(session, entityId);
                        break;
                    default:
                        l.onEntityRemoved(session, entityId);
                        break;
                }
            }
            catch (final Throwable t)
            {
                LOG.warn("listener failed in entity callback: listener={}, entityId={}", l, entityId, t);
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
