package io.tickwire.client;

import com.google.protobuf.ByteString;
import com.google.protobuf.CodedOutputStream;
import com.google.protobuf.InvalidProtocolBufferException;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.Channel;
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
import io.netty.util.concurrent.Future;
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
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * One session's protocol state machine: sends {@code Join} once the WebSocket handshake completes,
 * turns {@code Welcome} into a {@link RoomSession}, applies snapshots through a {@link SnapshotTracker},
 * acks, answers pongs, reports errors and the close to the listeners and the join future, and resumes
 * the session on a new connection when the {@link ReconnectPolicy} says so.
 * <p>
 * A session outlives its connections: each connection is a {@link Link}, the last handler of that
 * connection's pipeline, which forwards its events here. Events of a link that is no longer the
 * current one are ignored. The session keeps what a resume needs: the newest resume token, the retained
 * states (the server deltas from the tick acknowledged last), and a bounded buffer of the inputs the
 * server has not processed, keyed by sequence, resent after {@code Welcome.last_input_seq} on a resumed
 * link and paced by {@link ReconnectPolicy#resendWindowInputs()}.
 * <p>
 * Thread: everything named {@code onXxx}, the link's handler methods and the reconnect timer run on the
 * session's event loop (one for all its links) and own the mutable state below. The {@code send*}
 * methods may be called from any thread: they assign sequences under a lock and hand the write to the
 * event loop, so writes stay in sequence order. Frames are released by {@link SimpleChannelInboundHandler};
 * outbound buffers are released by the pipeline.
 * <p>
 * Besides the listeners, each applied snapshot feeds the session's {@link Interpolator} and
 * {@link Predictor} when they exist (both take their own copy under their own lock), and each pong
 * feeds the {@link ServerClock}. In {@link DeliveryMode#POLL} events go to a {@link PollQueue} instead
 * of the listeners; {@link #deliverPolledSnapshot} and {@link #deliverPolledEvent} run them on the
 * polling thread.
 */
final class ClientConnection implements PollQueue.Dispatcher
{
    private static final Logger LOG = LoggerFactory.getLogger(ClientConnection.class);
    private static final int NO_CLOSE_CODE = -1;

    /**
     * Opens a new connection whose pipeline ends in the given link. Runs on the session's event loop for
     * reconnects; {@link TickwireClient} implements it with its bootstrap.
     */
    @FunctionalInterface
    interface Connector
    {
        /**
         * @param link             the link to put last in the new pipeline; attach the new channel to it.
         * @param connectTimeoutMs bound on the TCP connect.
         */
        void connect(Link link, int connectTimeoutMs);
    }

    private final TickwireClient client;
    private final ClientOptions options;
    private final ReconnectPolicy policy;
    private final EventLoop eventLoop;
    private final JoinRequest request;
    private final CompletableFuture<RoomSession> joinFuture;
    private final List<SessionListener> listeners;
    private final ClientStats stats;
    private final Executor callbackExecutor;
    private final Connector connector;
    private final Object inputLock = new Object();
    private final Object attachLock = new Object();
    private final boolean autoPing;
    private final EntityDiff.Sink entitySink = this::deliverEntityEvent;

    private volatile Link current;
    private boolean joinSettled;
    private volatile boolean closing;
    private boolean closedFired;
    private boolean fullRequested;
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
    private volatile String resumeToken = "";
    private volatile boolean readSuspended;

    // Reconnection (event loop).
    private volatile boolean reconnecting;
    private ScheduledFuture<?> reconnectTimer;
    private int attempt;
    private long lostAtNs;
    private int lossCode;
    private String lossReason = "";

    // Inputs. Sequences [oldestSeq, inputSeq] not known processed are kept in unprocessed[seq % capacity].
    private final ByteString[] unprocessed;  // guarded by inputLock
    private int inputSeq;                    // guarded by inputLock
    private int oldestSeq = 1;               // guarded by inputLock
    private int sentSeq;                     // guarded by inputLock: written on the current link (or processed)
    private int dueSeq;                      // event loop: newest input whose send time has come
    private int highestWrittenSeq;           // event loop: newest input ever written, to count resends
    private boolean catchingUp;              // event loop: resending after a resume, paced by the window
    private volatile int lastProcessedInputSeq;
    private volatile long lastRttNanos = -1;

    /**
     * A connection without reconnection and automatic pings: connection unit tests drive a {@link Link}
     * on an embedded channel and read every outbound frame.
     */
    ClientConnection(
        final TickwireClient client,
        final ClientOptions options,
        final EventLoop eventLoop,
        final JoinRequest request,
        final CompletableFuture<RoomSession> joinFuture,
        final List<SessionListener> listeners,
        final ClientStats stats)
    {
        this(client, options, eventLoop, request, joinFuture, listeners, stats, false, null);
    }

    /**
     * @param autoPing  true to ping every {@link ClientOptions#pingIntervalMs()} once the first snapshot is
     *                  applied (the client does; connection unit tests read every outbound frame and do not).
     * @param connector opens connections for resume attempts; null disables reconnection.
     */
    ClientConnection(
        final TickwireClient client,
        final ClientOptions options,
        final EventLoop eventLoop,
        final JoinRequest request,
        final CompletableFuture<RoomSession> joinFuture,
        final List<SessionListener> listeners,
        final ClientStats stats,
        final boolean autoPing,
        final Connector connector)
    {
        this.autoPing = autoPing && options.pingIntervalMs() > 0;
        this.client = client;
        this.options = options;
        this.policy = options.reconnectPolicy();
        this.eventLoop = eventLoop;
        this.request = request;
        this.joinFuture = joinFuture;
        this.listeners = listeners;
        this.stats = stats;
        this.callbackExecutor = options.callbackExecutor();
        this.connector = connector;
        this.unprocessed = new ByteString[options.maxPendingInputs()];
    }

    /**
     * Create the link of the first connection and make it current. Any thread, before connecting.
     *
     * @return the handler to put last in the first connection's pipeline.
     */
    Link newLink()
    {
        final Link link = new Link(false, options.connectTimeoutMs());
        current = link;
        return link;
    }

    EventLoop eventLoop()
    {
        return eventLoop;
    }

    /**
     * @return the current connection's channel (a resume attempt's while reconnecting), null before connecting.
     */
    Channel channel()
    {
        final Link link = current;
        return link == null ? null : link.channel;
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

    String resumeToken()
    {
        return resumeToken;
    }

    boolean isReconnecting()
    {
        return reconnecting;
    }

    /**
     * @return true while the session has a joined, active connection. Any thread.
     */
    boolean isOpen()
    {
        final Link link = current;
        final Channel ch = link == null ? null : link.channel;
        return ch != null && link.welcomed && ch.isActive();
    }

    void suspendReading()
    {
        readSuspended = true;
        final Channel ch = channel();
        if (ch != null)
        {
            ch.config().setAutoRead(false);
        }
    }

    void resumeReading()
    {
        readSuspended = false;
        final Channel ch = channel();
        if (ch != null)
        {
            ch.config().setAutoRead(true);
        }
    }

    boolean isReadingSuspended()
    {
        return readSuspended;
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
                tickRateHz, options.mispredictionToleranceSlots(), options.maxPendingInputs(),
                options.inputLeadMarginTicks(), stats);
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
    // Link events (event loop)
    // ------------------------------------------------------------------------------------------------

    private void onHandshakeComplete(final Link link)
    {
        if (closing || link != current)
        {
            return;
        }
        final Join.Builder join = Join.newBuilder().setProtocolVersion(ProtocolVersion.CURRENT);
        if (link.resume)
        {
            join.setRoomId(session.roomId()).setResumeToken(resumeToken);
        }
        else
        {
            join.setTicket(request.ticket()).setResumeToken(request.resumeToken());
            if (request.roomType().isEmpty())
            {
                join.setRoomId(request.roomId());
            }
            else
            {
                join.setRoomType(request.roomType());
            }
        }
        write(link, ClientMessage.newBuilder().setJoin(join).build());
        flush(link);
    }

    private void onHandshakeTimeout(final Link link)
    {
        if (link == current && !joinSettled)
        {
            failJoin(TickwireException.ABNORMAL_CLOSURE, "websocket handshake timed out: uri=" + options.uri() +
                ", timeoutMs=" + options.connectTimeoutMs(), null);
        }
    }

    private void onFrame(final Link link, final WebSocketFrame frame)
    {
        if (link != current)
        {
            return;
        }
        if (frame instanceof BinaryWebSocketFrame)
        {
            stats.framesIn++;
            final long receiveTimeNanos = System.nanoTime();
            final ByteBuf content = frame.content();
            final int sizeBytes = content.readableBytes();
            final ServerMessage message;
            try
            {
                // Heap bytes only: protobuf-java's direct-buffer decoder (before 4.34) could be driven
                // past the buffer by a crafted length, and a client must survive a hostile server.
                message = content.hasArray() ?
                    ServerMessage.parser().parseFrom(
                        content.array(), content.arrayOffset() + content.readerIndex(), sizeBytes) :
                    ServerMessage.parseFrom(io.netty.buffer.ByteBufUtil.getBytes(content));
            }
            catch (final InvalidProtocolBufferException ex)
            {
                onProtocolError("invalid ServerMessage: length=" + sizeBytes + ", reason=" + ex.getMessage());
                return;
            }
            onMessage(link, message, sizeBytes, receiveTimeNanos);
        }
        else if (frame instanceof TextWebSocketFrame)
        {
            stats.framesIn++;
            onProtocolError("text frame ignored: length=" + frame.content().readableBytes());
        }
        else if (frame instanceof CloseWebSocketFrame)
        {
            onCloseFrame(link, (CloseWebSocketFrame)frame);
        }
    }

    private void onLinkException(final Link link, final Throwable cause)
    {
        if (cause instanceof CorruptedWebSocketFrameException && link.closeCode == NO_CLOSE_CODE)
        {
            final WebSocketCloseStatus status = ((CorruptedWebSocketFrameException)cause).closeStatus();
            link.closeCode = status == null ? CloseCodes.PROTOCOL_ERROR : status.code();
            link.closeReason = String.valueOf(cause.getMessage());
        }
        if (link != current)
        {
            LOG.debug("failure on a replaced connection: uri={}", options.uri(), cause);
        }
        else if (!joinSettled)
        {
            failJoin(link.closeCode != NO_CLOSE_CODE ? link.closeCode : TickwireException.ABNORMAL_CLOSURE,
                "connection failed before Welcome: uri=" + options.uri() + ", cause=" + cause, cause);
        }
        else if (!link.welcomed)
        {
            LOG.debug("resume attempt failed: uri={}, attempt={}, cause={}", options.uri(), attempt, cause.toString());
        }
        else if (cause instanceof CorruptedWebSocketFrameException)
        {
            LOG.warn("server broke the WebSocket protocol, closing: uri={}, closeCode={}, reason={}",
                options.uri(), link.closeCode, cause.getMessage());
        }
        else if (cause instanceof IOException)
        {
            LOG.debug("connection error: uri={}", options.uri(), cause);
        }
        else
        {
            LOG.warn("unexpected failure, closing: uri={}", options.uri(), cause);
        }
        if (link.ctx != null)
        {
            link.ctx.close();
        }
    }

    private void onLinkInactive(final Link link)
    {
        if (link != current)
        {
            return;
        }
        cancelPingTimer();
        final int code;
        final String reason;
        if (link.closeCode != NO_CLOSE_CODE)
        {
            code = link.closeCode;
            reason = link.closeReason;
        }
        else
        {
            code = TickwireException.ABNORMAL_CLOSURE;
            reason = "connection lost without a close frame";
        }
        if (session == null)
        {
            failJoin(code, "connection closed before Welcome: uri=" + options.uri() + ", closeCode=" + code +
                ", reason=" + reason, null);
            return;
        }
        if (closing)
        {
            stopReconnecting();
            fireClosedOnce(code, reason);
            return;
        }
        if (!link.welcomed)
        {
            onAttemptFailed(code, reason);
            return;
        }
        stats.disconnects++;
        final boolean willReconnect = connector != null && policy.enabled() && ReconnectPolicy.reconnectsOn(code);
        LOG.debug("connection lost: uri={}, code={}, reason={}, willReconnect={}", options.uri(), code, reason,
            willReconnect);
        if (willReconnect)
        {
            reconnecting = true;
            attempt = 0;
            lostAtNs = System.nanoTime();
            lossCode = code;
            lossReason = reason;
            fireDisconnected(code, reason, true);
            scheduleAttempt();
        }
        else
        {
            fireDisconnected(code, reason, false);
            fireClosedOnce(code, reason);
        }
    }

    /**
     * The TCP connect of a link failed (its channel never became active). Thread: the event loop.
     */
    void onConnectFailed(final Link link, final Throwable cause)
    {
        if (link != current)
        {
            return;
        }
        if (session == null)
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
        else if (closing)
        {
            fireClosedOnce(CloseCodes.NORMAL, "client closed");
        }
        else
        {
            onAttemptFailed(TickwireException.ABNORMAL_CLOSURE, "connect failed: uri=" + options.uri() + ", cause=" +
                cause);
        }
    }

    private void onJoinTimeout(final Link link)
    {
        if (link != current)
        {
            return;
        }
        if (!joinSettled)
        {
            failJoin(TickwireException.ABNORMAL_CLOSURE, "no Welcome in time: uri=" + options.uri() +
                ", connectTimeoutMs=" + options.connectTimeoutMs() + ", handshakeComplete=" + link.handshakeComplete,
                null);
            closeWith(CloseCodes.GOING_AWAY, "join timed out");
        }
        else if (!link.welcomed && link.channel != null)
        {
            // Closed without a close frame: should the resume have reached the server, it detaches the player again.
            link.closeCode = TickwireException.ABNORMAL_CLOSURE;
            link.closeReason = "no Welcome in time for the resume: timeoutMs=" + link.joinTimeoutMs;
            link.channel.close();
        }
    }

    private void onSilence(final Link link, final long silentNs)
    {
        if (link != current || !link.welcomed || closing)
        {
            return;
        }
        stats.silenceTimeouts++;
        if (link.closeCode == NO_CLOSE_CODE)
        {
            link.closeCode = TickwireException.ABNORMAL_CLOSURE;
            link.closeReason = "no data from the server for " + silentNs / 1_000_000 + " ms: silenceTimeoutMs=" +
                options.silenceTimeoutMs();
        }
        // No close frame: the server, should it hear of this at all, keeps the player for a resume.
        link.channel.close();
    }

    // ------------------------------------------------------------------------------------------------
    // Reconnection (event loop)
    // ------------------------------------------------------------------------------------------------

    private void scheduleAttempt()
    {
        attempt++;
        if (policy.maxAttempts() > 0 && attempt > policy.maxAttempts())
        {
            giveUp(lossCode, lossReason + "; no resume after " + policy.maxAttempts() + " attempts");
            return;
        }
        final long delayMs = policy.delayMs(attempt, ThreadLocalRandom.current().nextDouble());
        final long elapsedMs = (System.nanoTime() - lostAtNs) / 1_000_000;
        if (elapsedMs + delayMs >= policy.giveUpAfterMs())
        {
            giveUp(lossCode, lossReason + "; no resume within giveUpAfterMs=" + policy.giveUpAfterMs() + " (" +
                (attempt - 1) + " attempts)");
            return;
        }
        try
        {
            reconnectTimer = eventLoop.schedule(this::onReconnectTimer, delayMs, TimeUnit.MILLISECONDS);
        }
        catch (final RejectedExecutionException ex)
        {
            giveUp(lossCode, lossReason + "; event loop shut down");
        }
    }

    private void onReconnectTimer()
    {
        reconnectTimer = null;
        if (closing || !reconnecting)
        {
            return;
        }
        final long remainingMs = policy.giveUpAfterMs() - (System.nanoTime() - lostAtNs) / 1_000_000;
        final int timeoutMs = (int)Math.max(1, Math.min(options.connectTimeoutMs(), remainingMs));
        final Link link = new Link(true, timeoutMs);
        current = link;
        stats.reconnectAttempts++;
        LOG.debug("resume attempt: uri={}, attempt={}, timeoutMs={}", options.uri(), attempt, timeoutMs);
        try
        {
            connector.connect(link, timeoutMs);
        }
        catch (final RuntimeException ex)
        {
            giveUp(lossCode, lossReason + "; cannot connect: " + ex);
        }
    }

    private void onAttemptFailed(final int code, final String reason)
    {
        if (!reconnecting)
        {
            return;
        }
        if (!ReconnectPolicy.retriesAttemptOn(code))
        {
            giveUp(code, reason);
            return;
        }
        LOG.debug("resume attempt failed: uri={}, attempt={}, code={}, reason={}", options.uri(), attempt, code, reason);
        scheduleAttempt();
    }

    private void onResumed(final Link link, final Welcome welcome)
    {
        if (!welcome.getResumed() || welcome.getEntityId() != session.playerEntityId() ||
            !welcome.getSessionId().equals(session.sessionId()) || !welcome.getRoomId().equals(session.roomId()))
        {
            stats.protocolErrors++;
            link.closeCode = CloseCodes.PROTOCOL_ERROR;
            link.closeReason = "resume answered with another player: resumed=" + welcome.getResumed() +
                ", sessionId=" + welcome.getSessionId() + ", entityId=" + welcome.getEntityId() + ", roomId=" +
                welcome.getRoomId();
            link.channel.close();
            return;
        }
        link.cancelJoinTimeout();
        link.welcomed = true;
        reconnecting = false;
        attempt = 0;
        resumeToken = welcome.getResumeToken();
        fullRequested = false;
        pingStarted = false;
        autoPingsSent = 0;
        final int processed = welcome.getLastInputSeq();
        lastProcessedInputSeq = processed;
        synchronized (inputLock)
        {
            trimProcessed(processed);
            sentSeq = processed;
        }
        catchingUp = true;
        stats.reconnects++;
        if (readSuspended)
        {
            link.channel.config().setAutoRead(false);
        }
        link.startSilenceTimer();
        LOG.debug("session resumed: uri={}, sessionId={}, lastInputSeq={}, newestInput={}", options.uri(),
            session.sessionId(), processed, dueSeq);
        flushInputs();
        fireReconnected();
    }

    private void giveUp(final int code, final String reason)
    {
        LOG.debug("giving up the session: uri={}, code={}, reason={}", options.uri(), code, reason);
        stopReconnecting();
        fireClosedOnce(code, reason);
    }

    private void stopReconnecting()
    {
        reconnecting = false;
        if (reconnectTimer != null)
        {
            reconnectTimer.cancel(false);
            reconnectTimer = null;
        }
    }

    // ------------------------------------------------------------------------------------------------
    // Inbound messages (event loop)
    // ------------------------------------------------------------------------------------------------

    private void onMessage(final Link link, final ServerMessage message, final int sizeBytes,
        final long receiveTimeNanos)
    {
        switch (message.getBodyCase())
        {
            case WELCOME:
                onWelcome(link, message.getWelcome());
                break;
            case SNAPSHOT:
                if (!link.welcomed)
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
                onServerError(link, message.getError());
                break;
            default:
                onProtocolError("ServerMessage without a known body: length=" + sizeBytes);
                break;
        }
    }

    private void onWelcome(final Link link, final Welcome welcome)
    {
        if (link.welcomed || (session != null && !link.resume))
        {
            onProtocolError("duplicate Welcome: sessionId=" + welcome.getSessionId());
            return;
        }
        if (link.resume)
        {
            if (!closing)
            {
                onResumed(link, welcome);
            }
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
        link.cancelJoinTimeout();
        link.welcomed = true;
        tickRateHz = welcome.getTickRateHz() > 0 ? welcome.getTickRateHz() : 1;
        clock = new ServerClock(tickRateHz);
        tracker = new SnapshotTracker(schema, options.retainedStates());
        if (options.deliveryMode() == DeliveryMode.POLL)
        {
            pollQueue = new PollQueue(schema, options.pollQueueSnapshots(), stats);
        }
        mirror = new EntityMirror(eventLoop, tracker, pollQueue);
        resumeToken = welcome.getResumeToken();
        final int processed = welcome.getLastInputSeq();
        if (processed != 0)
        {
            // Joined with the resume token of an earlier client: continue its input sequence.
            lastProcessedInputSeq = processed;
            synchronized (inputLock)
            {
                inputSeq = processed;
                oldestSeq = processed + 1;
                sentSeq = processed;
            }
            dueSeq = processed;
            highestWrittenSeq = processed;
        }
        session = new RoomSession(this, client, welcome, schema, mirror, listeners, stats);
        joinSettled = true;
        link.startSilenceTimer();
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
                final int processed = snapshot.getLastInputSeq();
                lastProcessedInputSeq = processed;
                synchronized (inputLock)
                {
                    trimProcessed(processed);
                    if (Integer.compareUnsigned(sentSeq, processed) < 0)
                    {
                        sentSeq = processed;
                    }
                }
                mirror.onApplied(tick);
                if (options.autoAck() && isWritable())
                {
                    writeAck(tick);
                }
                if (catchingUp)
                {
                    flushInputs();
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
                    pred.onServerState(newest, processed);
                }
                startAutoPing();
                if (pollQueue != null || !listeners.isEmpty())
                {
                    fireSnapshot(previous, newest, new SnapshotInfo(
                        tick,
                        snapshot.getBaselineTick(),
                        sizeBytes,
                        processed,
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

    private void onServerError(final Link link, final Error error)
    {
        if (session == null || !link.welcomed)
        {
            if (link.closeCode == NO_CLOSE_CODE)
            {
                // A close frame with the same code should follow; remember it in case the connection drops first.
                link.closeCode = error.getCode();
                link.closeReason = error.getMessage();
            }
            if (session == null)
            {
                failJoin(error.getCode(), "join refused: uri=" + options.uri() + ", request=" + request + ", code=" +
                    error.getCode() + ", message=" + error.getMessage(), null);
            }
        }
        else
        {
            fireError(error.getCode(), error.getMessage());
        }
    }

    private void onCloseFrame(final Link link, final CloseWebSocketFrame frame)
    {
        final int code = frame.statusCode();
        final String reason = frame.reasonText();
        if (link.closeCode == NO_CLOSE_CODE)
        {
            link.closeCode = code == -1 ? WebSocketCloseStatus.EMPTY.code() : code;
            link.closeReason = reason == null ? "" : reason;
        }
        link.closing = true;
        if (!link.closeFrameSent && link.channel.isActive())
        {
            link.closeFrameSent = true;
            final int echo = WebSocketCloseStatus.isValidStatusCode(code) ? code : CloseCodes.NORMAL;
            link.ctx.writeAndFlush(new CloseWebSocketFrame(echo, null)).addListener(ChannelFutureListener.CLOSE);
        }
        else
        {
            link.channel.close();
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

    // ------------------------------------------------------------------------------------------------
    // Outbound (any thread, handed to the event loop)
    // ------------------------------------------------------------------------------------------------

    /**
     * Assign the next input sequence, keep the input until the server reports it processed, and have the
     * event loop write it now (after the ones before it). Any thread.
     *
     * @return the sequence, or 0 when refused: the connection is down and
     * {@link ClientOptions#maxPendingInputs()} unprocessed inputs wait already.
     */
    int sendInput(final byte[] payload)
    {
        final ByteString bytes = ByteString.copyFrom(payload);
        synchronized (inputLock)
        {
            final int seq = reserveInput(bytes);
            if (seq != 0)
            {
                // Queued even on the event loop, so that wire order is sequence order whichever thread calls.
                execute(() -> onInputDue(seq));
            }
            return seq;
        }
    }

    /**
     * Assign the next input sequence, keep the input, and have it written at a given local time (at once
     * when it is past) by a scheduled task of the event loop, after every input before it. Any thread;
     * used by the {@link Predictor}, which sends every input this way.
     *
     * @return the sequence, or 0 when refused (see {@link #sendInput(byte[])}).
     */
    int sendInputAt(final byte[] payload, final long sendAtNanos)
    {
        final ByteString bytes = ByteString.copyFrom(payload);
        synchronized (inputLock)
        {
            final int seq = reserveInput(bytes);
            if (seq == 0)
            {
                return 0;
            }
            final long delayNs = sendAtNanos == Long.MIN_VALUE ? 0 : Math.max(0, sendAtNanos - System.nanoTime());
            try
            {
                eventLoop.schedule(() -> onInputDue(seq), delayNs, TimeUnit.NANOSECONDS);
            }
            catch (final RejectedExecutionException ex)
            {
                LOG.debug("event loop shut down, dropped an input: uri={}", options.uri());
            }
            return seq;
        }
    }

    /**
     * Keep one input. When the buffer is full the oldest input goes if it has been written on the current
     * connection (it can no longer be resent); otherwise (down, or still waiting to be resent) the new
     * input is refused so that no sequence is ever skipped. Caller holds {@code inputLock}.
     */
    private int reserveInput(final ByteString bytes)
    {
        final int capacity = unprocessed.length;
        if (inputSeq - oldestSeq + 1 >= capacity)
        {
            if (reconnecting || Integer.compareUnsigned(oldestSeq, sentSeq) > 0)
            {
                stats.inputsRefused++;
                return 0;
            }
            unprocessed[Integer.remainderUnsigned(oldestSeq, capacity)] = null;
            oldestSeq++;
        }
        final int seq = ++inputSeq;
        unprocessed[Integer.remainderUnsigned(seq, capacity)] = bytes;
        return seq;
    }

    /**
     * Forget inputs up to {@code processed}. Caller holds {@code inputLock}.
     */
    private void trimProcessed(final int processed)
    {
        final int capacity = unprocessed.length;
        while (Integer.compareUnsigned(oldestSeq, inputSeq) <= 0 && Integer.compareUnsigned(oldestSeq, processed) <= 0)
        {
            unprocessed[Integer.remainderUnsigned(oldestSeq, capacity)] = null;
            oldestSeq++;
        }
    }

    private void onInputDue(final int seq)
    {
        if (Integer.compareUnsigned(seq, dueSeq) > 0)
        {
            dueSeq = seq;
        }
        flushInputs();
    }

    /**
     * Write, in sequence order, every due input not yet written on this connection; while catching up
     * after a resume, only up to {@link ReconnectPolicy#resendWindowInputs()} beyond the last processed one.
     */
    private void flushInputs()
    {
        if (!isWritable())
        {
            return;
        }
        final int window = policy.resendWindowInputs();
        final int capacity = unprocessed.length;
        boolean wrote = false;
        while (true)
        {
            final int seq;
            final ByteString payload;
            synchronized (inputLock)
            {
                if (Integer.compareUnsigned(sentSeq, dueSeq) >= 0)
                {
                    catchingUp = false;
                    break;
                }
                seq = sentSeq + 1;
                if (catchingUp && seq - lastProcessedInputSeq > window)
                {
                    break;
                }
                sentSeq = seq;
                payload = Integer.compareUnsigned(seq, oldestSeq) >= 0 && Integer.compareUnsigned(seq, inputSeq) <= 0 ?
                    unprocessed[Integer.remainderUnsigned(seq, capacity)] : null;
            }
            if (payload != null)
            {
                writeInput(seq, payload);
                wrote = true;
            }
        }
        if (wrote)
        {
            flush();
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
     * channel; while reconnecting, stop and report the close. Any thread; idempotent.
     *
     * @return completes when the current connection is closed.
     */
    Future<?> closeAsync(final int code, final String reason)
    {
        if (eventLoop.inEventLoop())
        {
            onLocalClose(code, reason);
        }
        else
        {
            execute(() -> onLocalClose(code, reason));
        }
        final Channel ch = channel();
        return ch == null ? eventLoop.newSucceededFuture(null) : ch.closeFuture();
    }

    private void onLocalClose(final int code, final String reason)
    {
        final Link link = current;
        if (closing)
        {
            if (link.channel != null)
            {
                link.channel.close();
            }
            return;
        }
        closing = true;
        if (link.closeCode == NO_CLOSE_CODE)
        {
            link.closeCode = code;
            link.closeReason = reason;
        }
        if (reconnecting)
        {
            // The server keeps the detached player until its grace period ends.
            stopReconnecting();
            fireClosedOnce(code, reason);
        }
        if (link.channel == null)
        {
            return;
        }
        if (link.channel.isActive() && link.handshakeComplete && !link.closeFrameSent)
        {
            if (session != null)
            {
                write(link, ClientMessage.newBuilder().setLeave(Leave.newBuilder().setReason(reason)).build());
            }
            link.closeFrameSent = true;
            link.ctx.writeAndFlush(new CloseWebSocketFrame(code, reason)).addListener(ChannelFutureListener.CLOSE);
        }
        else
        {
            link.channel.close();
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
        final int ackTick = options.autoAck() ? tracker.newestTick() : lastAckedTick;
        write(ClientMessage.newBuilder()
            .setInput(Input.newBuilder().setSeq(seq).setPayload(payload).setAckTick(ackTick))
            .build());
        stats.inputsSent++;
        if (Integer.compareUnsigned(seq, highestWrittenSeq) <= 0)
        {
            stats.inputsResent++;
        }
        else
        {
            highestWrittenSeq = seq;
        }
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
            cancelPingTimer();
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

    private void cancelPingTimer()
    {
        if (pingTimer != null)
        {
            pingTimer.cancel(false);
            pingTimer = null;
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
        final Link link = current;
        return session != null && !closing && link.welcomed && !link.closing && link.channel.isActive();
    }

    private void write(final ClientMessage message)
    {
        write(current, message);
    }

    private void write(final Link link, final ClientMessage message)
    {
        final ByteBuf buf = encode(link.ctx.alloc(), message);
        link.ctx.write(new BinaryWebSocketFrame(buf), link.ctx.voidPromise());
        stats.framesOut++;
        link.flushPending = true;
    }

    private void flush()
    {
        flush(current);
    }

    private static void flush(final Link link)
    {
        link.flushPending = false;
        link.ctx.flush();
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
        final Link link = current;
        if (link != null)
        {
            link.cancelJoinTimeout();
        }
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
            case PollQueue.DISCONNECTED:
                deliverDisconnected(event.code, event.text, event.flag);
                break;
            case PollQueue.RECONNECTED:
                deliverReconnected();
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

    private void fireDisconnected(final int code, final String reason, final boolean willReconnect)
    {
        if (pollQueue != null)
        {
            final PollQueue.Event e = new PollQueue.Event(PollQueue.DISCONNECTED);
            e.code = code;
            e.text = reason;
            e.flag = willReconnect;
            pollQueue.offer(e);
        }
        else if (callbackExecutor == null)
        {
            deliverDisconnected(code, reason, willReconnect);
        }
        else
        {
            runCallback(() -> deliverDisconnected(code, reason, willReconnect));
        }
    }

    private void fireReconnected()
    {
        if (pollQueue != null)
        {
            pollQueue.offer(new PollQueue.Event(PollQueue.RECONNECTED));
        }
        else if (callbackExecutor == null)
        {
            deliverReconnected();
        }
        else
        {
            runCallback(this::deliverReconnected);
        }
    }

    private void fireClosedOnce(final int code, final String reason)
    {
        if (session == null || closedFired)
        {
            return;
        }
        closedFired = true;
        cancelPingTimer();
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

    /**
     * Call every listener for a rare event (pong, error, disconnect, reconnect, close); one that
     * throws is logged and does not stop the others. Per-snapshot events have their own loops that
     * allocate nothing.
     */
    private void forEachListener(final String callback, final java.util.function.Consumer<SessionListener> call)
    {
        for (final SessionListener l : listeners)
        {
            try
            {
                call.accept(l);
            }
            catch (final Throwable t)
            {
                LOG.warn("listener failed in {}: listener={}", callback, l, t);
            }
        }
    }

    private void deliverPong(final long rttNanos, final int serverTick)
    {
        forEachListener("onPong", l -> l.onPong(session, rttNanos, serverTick));
    }

    private void deliverError(final int code, final String message)
    {
        forEachListener("onError", l -> l.onError(session, code, message));
    }

    private void deliverDisconnected(final int code, final String reason, final boolean willReconnect)
    {
        forEachListener("onDisconnected", l -> l.onDisconnected(session, code, reason, willReconnect));
    }

    private void deliverReconnected()
    {
        forEachListener("onReconnected", l -> l.onReconnected(session));
    }

    private void deliverClosed(final int code, final String reason)
    {
        forEachListener("onClosed", l -> l.onClosed(session, code, reason));
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

    /**
     * One connection of the session: the last handler of its pipeline. Holds what belongs to that
     * connection only (its channel, handshake and close state, join timeout, silence timer) and forwards
     * every event to the session, which ignores the events of links that are no longer current.
     * <p>
     * Thread: the session's event loop; {@link #attach(Channel)} before the connect completes.
     */
    final class Link extends SimpleChannelInboundHandler<WebSocketFrame>
    {
        final boolean resume;
        final int joinTimeoutMs;
        volatile Channel channel;
        ChannelHandlerContext ctx;
        ScheduledFuture<?> joinTimeout;
        ScheduledFuture<?> silenceTimer;
        boolean handshakeComplete;
        boolean welcomed;
        boolean closing;
        boolean closeFrameSent;
        boolean flushPending;
        int closeCode = NO_CLOSE_CODE;
        String closeReason = "";
        long lastReadNs;

        Link(final boolean resume, final int joinTimeoutMs)
        {
            this.resume = resume;
            this.joinTimeoutMs = joinTimeoutMs;
        }

        /**
         * Bind the channel being connected (so that a close can reach it before the pipeline exists). Any thread.
         */
        void attach(final Channel channel)
        {
            this.channel = channel;
        }

        /**
         * The TCP connect failed. Thread: the event loop.
         */
        void onConnectFailed(final Throwable cause)
        {
            ClientConnection.this.onConnectFailed(this, cause);
        }

        @Override
        public void handlerAdded(final ChannelHandlerContext ctx)
        {
            this.ctx = ctx;
            this.channel = ctx.channel();
        }

        @Override
        public void channelActive(final ChannelHandlerContext ctx)
        {
            lastReadNs = System.nanoTime();
            joinTimeout = ctx.executor().schedule(() -> onJoinTimeout(this), joinTimeoutMs, TimeUnit.MILLISECONDS);
            ctx.fireChannelActive();
        }

        @Override
        public void userEventTriggered(final ChannelHandlerContext ctx, final Object evt)
        {
            if (evt == ClientHandshakeStateEvent.HANDSHAKE_COMPLETE)
            {
                handshakeComplete = true;
                onHandshakeComplete(this);
            }
            else if (evt == ClientHandshakeStateEvent.HANDSHAKE_TIMEOUT)
            {
                onHandshakeTimeout(this);
            }
            ctx.fireUserEventTriggered(evt);
        }

        @Override
        protected void channelRead0(final ChannelHandlerContext ctx, final WebSocketFrame frame)
        {
            lastReadNs = System.nanoTime();
            onFrame(this, frame);
        }

        @Override
        public void channelReadComplete(final ChannelHandlerContext ctx)
        {
            if (flushPending)
            {
                flush(this);
            }
            ctx.fireChannelReadComplete();
        }

        @Override
        public void exceptionCaught(final ChannelHandlerContext ctx, final Throwable cause)
        {
            onLinkException(this, cause);
        }

        @Override
        public void channelInactive(final ChannelHandlerContext ctx)
        {
            cancelJoinTimeout();
            if (silenceTimer != null)
            {
                silenceTimer.cancel(false);
                silenceTimer = null;
            }
            onLinkInactive(this);
            ctx.fireChannelInactive();
        }

        void cancelJoinTimeout()
        {
            if (joinTimeout != null)
            {
                joinTimeout.cancel(false);
                joinTimeout = null;
            }
        }

        void startSilenceTimer()
        {
            final int timeoutMs = options.silenceTimeoutMs();
            if (timeoutMs > 0 && ctx != null)
            {
                lastReadNs = System.nanoTime();
                silenceTimer = ctx.executor().schedule(this::onSilenceTimer, timeoutMs, TimeUnit.MILLISECONDS);
            }
        }

        private void onSilenceTimer()
        {
            silenceTimer = null;
            if (!channel.isActive())
            {
                return;
            }
            final long timeoutNs = TimeUnit.MILLISECONDS.toNanos(options.silenceTimeoutMs());
            final long nowNs = System.nanoTime();
            if (!channel.config().isAutoRead())
            {
                // Not reading on purpose: silence is expected; start counting again once reading resumes.
                lastReadNs = nowNs;
            }
            final long silentNs = nowNs - lastReadNs;
            if (silentNs >= timeoutNs)
            {
                onSilence(this, silentNs);
                return;
            }
            silenceTimer = ctx.executor().schedule(this::onSilenceTimer, timeoutNs - silentNs, TimeUnit.NANOSECONDS);
        }

        @Override
        public String toString()
        {
            return "Link{resume=" + resume + ", welcomed=" + welcomed + ", channel=" + channel + '}';
        }
    }
}
