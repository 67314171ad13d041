package io.tickwire.client;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.EventLoop;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CorruptedWebSocketFrameException;
import io.netty.util.concurrent.Future;
import io.tickwire.protocol.CloseCodes;
import io.tickwire.protocol.ProtocolVersion;
import io.tickwire.protocol.schema.EntityTypes;
import io.tickwire.protocol.v1.Error;
import io.tickwire.protocol.v1.Welcome;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.util.concurrent.RejectedExecutionException;

/**
 * One session's state machine: sends {@code Join} once the WebSocket handshake completes, accepts the
 * first {@code Welcome} (its {@link Joiner} turns it into the public session) or fails the join, notices a
 * lost connection, resumes the session on a new one or gives up, and closes it.
 * <p>
 * A session outlives its connections: each connection is a {@link Link}, which reports its events here;
 * events of a link that is no longer the current one are ignored. The parts, each with one role:
 * <ul>
 * <li>{@link Link}: the transport of one connection (channel, handshake, close frames, timeouts).</li>
 * <li>{@link Inbound} with {@link WireCodec}: what each server frame means, parsed under size and
 * recursion limits; {@link Outbound}: every message the client writes, on the current link.</li>
 * <li>{@link SnapshotReceiver}: applies snapshots to the mirror, acks, feeds interpolator and predictor.</li>
 * <li>{@link InputJournal}: input sequences, the unprocessed inputs, their resend after a resume.</li>
 * <li>{@link Reconnector}: attempts, backoff and giving up after a loss.</li>
 * <li>{@link PingKeeper}: automatic pings, round-trip times and the {@link ServerClock}.</li>
 * <li>{@link EventDispatcher}: where and when listener events run (poll queue, executor, event loop).</li>
 * </ul>
 * Layering: {@link TickwireClient} uses {@link RoomSession} (with {@link SessionJoin} and
 * {@link SessionListeners} beside it), which uses this class, which uses its parts. No class refers to one
 * above it: where a lower class must tell an upper one something it calls an interface the lower class
 * owns ({@link Link.Events}, {@link Inbound.Session}, {@link InputJournal.Output}, {@link PingKeeper.Output},
 * {@link Reconnector.Attempts}, {@link EventDispatcher.Target}, {@link Joiner}).
 * <p>
 * Size: about 700 lines, a third of them braces and Javadoc. It is the one state machine of the session:
 * every transition (join, {@code Welcome}, loss, resume attempt, close) reads and writes the same fields
 * (the current link, {@code joined}, {@code closing}, {@code joinSettled}, {@code closedFired}), so it stays
 * one class; everything that is not a transition lives in the parts.
 * <p>
 * Thread: everything named {@code onXxx}, the {@link Link.Events} and the parts' callbacks run on the
 * session's event loop (one for all its links) and own the mutable state below. The {@code send*} methods
 * may be called from any thread: they hand the write to the event loop, which writes in call order.
 */
final class ClientConnection implements Link.Events, Reconnector.Attempts, Inbound.Session
{
    private static final Logger LOG = LoggerFactory.getLogger(ClientConnection.class);

    private final ClientOptions options;
    private final EventLoop eventLoop;
    private final JoinRequest request;
    private final Joiner joiner;
    private final ClientStats stats;
    private final Connector connector;
    private final Inbound inbound;
    private final Outbound outbound;
    private final InputJournal inputs;
    private final Reconnector reconnector;
    private final PingKeeper pings;
    private final EventDispatcher events;

    private volatile Link current;
    private boolean joinSettled;
    private volatile boolean closing;
    private boolean closedFired;
    private Welcome joined;
    private volatile SnapshotReceiver receiver;
    private volatile String resumeToken = "";
    private volatile boolean readSuspended;

    /**
     * A connection without reconnection and automatic pings: connection unit tests drive a {@link Link}
     * on an embedded channel and read every outbound frame.
     */
    ClientConnection(
        final ClientOptions options,
        final EventLoop eventLoop,
        final JoinRequest request,
        final Joiner joiner,
        final ClientStats stats)
    {
        this(options, eventLoop, request, joiner, stats, false, null);
    }

    /**
     * @param autoPing  true to ping every {@link ClientOptions#pingIntervalMs()} once the first snapshot is
     *                  applied (the client does; connection unit tests read every outbound frame and do not).
     * @param connector opens connections for resume attempts; null disables reconnection.
     */
    ClientConnection(
        final ClientOptions options,
        final EventLoop eventLoop,
        final JoinRequest request,
        final Joiner joiner,
        final ClientStats stats,
        final boolean autoPing,
        final Connector connector)
    {
        this.options = options;
        this.eventLoop = eventLoop;
        this.request = request;
        this.joiner = joiner;
        this.stats = stats;
        this.connector = connector;
        this.outbound = new Outbound(options, stats);
        this.reconnector = new Reconnector(options.reconnectPolicy(), connector != null, eventLoop,
            options.connectTimeoutMs(), this, options.uri().toString());
        this.inputs = new InputJournal(eventLoop, outbound, reconnector::isReconnecting, options.reconnectPolicy(),
            options.maxPendingInputs(), stats, this::viewTick);
        this.pings = new PingKeeper(eventLoop, outbound, autoPing, options, stats);
        this.events = new EventDispatcher(options);
        this.inbound = new Inbound(new WireCodec(options.maxFramePayloadLength()), this, pings, events, stats,
            options.uri().toString());
    }

    /**
     * Create the link of the first connection and make it current. Any thread, before connecting.
     *
     * @return the handler to put last in the first connection's pipeline.
     */
    Link newLink()
    {
        final Link link = new Link(this, false, options.connectTimeoutMs(), options.silenceTimeoutMs());
        current = link;
        outbound.use(link);
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
        return inputs.lastProcessedInputSeq();
    }

    long lastRttNanos()
    {
        return pings.lastRttNanos();
    }

    ServerClock clock()
    {
        return pings.clock();
    }

    String resumeToken()
    {
        return resumeToken;
    }

    boolean isReconnecting()
    {
        return reconnector.isReconnecting();
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
     * @return the server tick the game shows (the interpolator's last sample), 0 = unknown. Any thread.
     */
    private int viewTick()
    {
        final SnapshotReceiver r = receiver;
        return r == null ? 0 : r.viewTick();
    }

    /**
     * @return the receiver of the joined session's snapshots, null before {@code Welcome}. Any thread.
     */
    SnapshotReceiver receiver()
    {
        return receiver;
    }

    /**
     * Run queued events on the calling thread ({@link DeliveryMode#POLL}). Any one thread at a time.
     */
    int poll()
    {
        return events.poll();
    }

    // ------------------------------------------------------------------------------------------------
    // Link events (event loop)
    // ------------------------------------------------------------------------------------------------

    @Override
    public void onHandshakeComplete(final Link link)
    {
        if (closing || link != current)
        {
            return;
        }
        if (link.resume)
        {
            outbound.resume(joined.getRoomId(), resumeToken);
        }
        else
        {
            outbound.join(request);
        }
    }

    @Override
    public void onHandshakeTimeout(final Link link)
    {
        if (link == current && !joinSettled)
        {
            failJoin(TickwireException.ABNORMAL_CLOSURE, "websocket handshake timed out: uri=" + options.uri() +
                ", timeoutMs=" + options.connectTimeoutMs(), null);
        }
    }

    @Override
    public void onBinaryFrame(final Link link, final ByteBuf content)
    {
        if (link == current)
        {
            inbound.onBinaryFrame(link, content);
        }
    }

    @Override
    public void onTextFrame(final Link link, final int lengthBytes)
    {
        if (link == current)
        {
            inbound.onTextFrame(lengthBytes);
        }
    }

    @Override
    public void onCloseFrame(final Link link, final CloseWebSocketFrame frame)
    {
        if (link == current)
        {
            link.answerClose(frame);
        }
    }

    @Override
    public void onException(final Link link, final Throwable cause)
    {
        if (link != current)
        {
            LOG.debug("failure on a replaced connection: uri={}", options.uri(), cause);
        }
        else if (!joinSettled)
        {
            failJoin(link.closeCode != Link.NO_CLOSE_CODE ? link.closeCode : TickwireException.ABNORMAL_CLOSURE,
                "connection failed before Welcome: uri=" + options.uri() + ", cause=" + cause, cause);
        }
        else if (!link.welcomed)
        {
            LOG.debug("resume attempt failed: uri={}, attempt={}, cause={}", options.uri(), reconnector.attempt(),
                cause.toString());
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
    }

    @Override
    public void onInactive(final Link link)
    {
        if (link != current)
        {
            return;
        }
        pings.cancel();
        final int code;
        final String reason;
        if (link.closeCode != Link.NO_CLOSE_CODE)
        {
            code = link.closeCode;
            reason = link.closeReason;
        }
        else
        {
            code = TickwireException.ABNORMAL_CLOSURE;
            reason = "connection lost without a close frame";
        }
        if (joined == null)
        {
            failJoin(code, "connection closed before Welcome: uri=" + options.uri() + ", closeCode=" + code +
                ", reason=" + reason, null);
            return;
        }
        if (closing)
        {
            reconnector.stop();
            fireClosedOnce(code, reason);
            return;
        }
        if (!link.welcomed)
        {
            reconnector.onAttemptFailed(code, reason);
            return;
        }
        stats.disconnects++;
        final boolean willReconnect = reconnector.resumesAfter(code);
        LOG.debug("connection lost: uri={}, code={}, reason={}, willReconnect={}", options.uri(), code, reason,
            willReconnect);
        if (willReconnect)
        {
            reconnector.onLost(code, reason);
            events.fireDisconnected(code, reason, true);
            reconnector.scheduleAttempt();
        }
        else
        {
            events.fireDisconnected(code, reason, false);
            fireClosedOnce(code, reason);
        }
    }

    @Override
    public void onConnectFailed(final Link link, final Throwable cause)
    {
        if (link != current)
        {
            return;
        }
        if (joined == null)
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
            reconnector.onAttemptFailed(TickwireException.ABNORMAL_CLOSURE, "connect failed: uri=" + options.uri() +
                ", cause=" + cause);
        }
    }

    @Override
    public void onJoinTimeout(final Link link)
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

    @Override
    public void onSilence(final Link link, final long silentNs)
    {
        if (link != current || !link.welcomed || closing)
        {
            return;
        }
        stats.silenceTimeouts++;
        link.closeCause(TickwireException.ABNORMAL_CLOSURE, "no data from the server for " + silentNs / 1_000_000 +
            " ms: silenceTimeoutMs=" + options.silenceTimeoutMs());
        // No close frame: the server, should it hear of this at all, keeps the player for a resume.
        link.channel.close();
    }

    // ------------------------------------------------------------------------------------------------
    // Reconnection (event loop)
    // ------------------------------------------------------------------------------------------------

    @Override
    public void connect(final int attempt, final int timeoutMs)
    {
        if (closing)
        {
            return;
        }
        final Link link = new Link(this, true, timeoutMs, options.silenceTimeoutMs());
        current = link;
        outbound.use(link);
        stats.reconnectAttempts++;
        LOG.debug("resume attempt: uri={}, attempt={}, timeoutMs={}", options.uri(), attempt, timeoutMs);
        connector.connect(link, timeoutMs);
    }

    @Override
    public void giveUp(final int code, final String reason)
    {
        fireClosedOnce(code, reason);
    }

    private void onResumed(final Link link, final Welcome welcome)
    {
        if (!welcome.getResumed() || welcome.getEntityId() != joined.getEntityId() ||
            !welcome.getSessionId().equals(joined.getSessionId()) || !welcome.getRoomId().equals(joined.getRoomId()))
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
        reconnector.onResumed();
        resumeToken = welcome.getResumeToken();
        outbound.onFullRequestAnswered();
        pings.onResumed();
        final int processed = welcome.getLastInputSeq();
        inputs.onResumed(processed);
        stats.reconnects++;
        if (readSuspended)
        {
            link.channel.config().setAutoRead(false);
        }
        link.startSilenceTimer();
        LOG.debug("session resumed: uri={}, sessionId={}, lastInputSeq={}, newestInput={}", options.uri(),
            joined.getSessionId(), processed, inputs.dueSeq());
        inputs.flush();
        events.fireReconnected();
    }

    // ------------------------------------------------------------------------------------------------
    // Join (event loop)
    // ------------------------------------------------------------------------------------------------

    @Override
    public void onWelcome(final Link link, final Welcome welcome)
    {
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
        if (welcome.getProtocolVersion() != 0 && (welcome.getProtocolVersion() < ProtocolVersion.MIN_SUPPORTED ||
            welcome.getProtocolVersion() > ProtocolVersion.CURRENT))
        {
            failJoin(CloseCodes.UNSUPPORTED_PROTOCOL_VERSION, "server speaks another protocol version: server=" +
                welcome.getProtocolVersion() + ", client=" + ProtocolVersion.CURRENT, null);
            closeWith(CloseCodes.PROTOCOL_ERROR, "unsupported protocol version");
            return;
        }
        final EntityTypes types;
        try
        {
            types = EntityTypes.fromWelcome(welcome);
        }
        catch (final IllegalArgumentException ex)
        {
            failJoin(CloseCodes.INVALID_PAYLOAD, "invalid schema in Welcome: " + ex.getMessage(), ex);
            closeWith(CloseCodes.INVALID_PAYLOAD, "invalid schema");
            return;
        }
        link.cancelJoinTimeout();
        link.welcomed = true;
        final int tickRateHz = welcome.getTickRateHz() > 0 ? welcome.getTickRateHz() : 1;
        pings.onJoined(tickRateHz);
        final SnapshotTracker tracker = new SnapshotTracker(types, options.retainedStates());
        final PollQueue pollQueue = options.deliveryMode() == DeliveryMode.POLL ?
            new PollQueue(types, options.pollQueueSnapshots(), stats) : null;
        final EntityMirror mirror = new EntityMirror(eventLoop, tracker, pollQueue);
        receiver = new SnapshotReceiver(tracker, mirror, tickRateHz, options, stats, outbound, inputs, pings, events,
            welcome.getEntityId());
        resumeToken = welcome.getResumeToken();
        // Joined with the resume token of an earlier client: continue its input sequence.
        inputs.onJoined(welcome.getLastInputSeq());
        events.bind(joiner.onWelcome(this, welcome, types, mirror), pollQueue);
        joined = welcome;
        outbound.onJoined(tracker, welcome.getProtocolVersion());
        inbound.onJoined(receiver);
        joinSettled = true;
        link.startSilenceTimer();
        events.runOnCallbackThread(joiner::onJoined);
    }

    @Override
    public void onJoinRefused(final Error error)
    {
        failJoin(error.getCode(), "join refused: uri=" + options.uri() + ", request=" + request + ", code=" +
            error.getCode() + ", message=" + error.getMessage(), null);
    }

    // ------------------------------------------------------------------------------------------------
    // Outbound (any thread, handed to the event loop)
    // ------------------------------------------------------------------------------------------------

    /**
     * Send one input through the {@link InputJournal}. Any thread.
     *
     * @return the sequence, or 0 when refused: the connection is down and
     * {@link ClientOptions#maxPendingInputs()} unprocessed inputs wait already.
     */
    int sendInput(final byte[] payload)
    {
        return inputs.send(payload);
    }

    /**
     * Queue a game message for the event loop, behind every input and message sent before it. Any thread.
     *
     * @return false when the session is not open (reconnecting or closed): the message is not sent.
     */
    boolean sendMessage(final int type, final byte[] payload)
    {
        if (!isOpen())
        {
            return false;
        }
        final com.google.protobuf.ByteString bytes = com.google.protobuf.ByteString.copyFrom(payload);
        execute(() ->
        {
            if (!outbound.message(type, bytes))
            {
                LOG.debug("game message not sent, the session closed or lost its connection: type={}, uri={}", type,
                    options.uri());
            }
        });
        return true;
    }

    /**
     * Queue a {@code Ping} carrying {@link System#nanoTime()} at the moment it is written. Any thread.
     */
    void sendPing()
    {
        execute(pings::pingNow);
    }

    /**
     * Queue an {@code Ack}. Any thread.
     */
    void sendAck(final int tick)
    {
        execute(() -> outbound.ackNow(tick));
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
        outbound.stop();
        link.closeCause(code, reason);
        if (reconnector.isReconnecting())
        {
            // The server keeps the detached player until its grace period ends.
            reconnector.stop();
            fireClosedOnce(code, reason);
        }
        if (link.channel == null)
        {
            return;
        }
        if (link.channel.isActive() && link.handshakeComplete && !link.closeFrameSent)
        {
            if (joined != null)
            {
                outbound.leave(reason);
            }
            link.sendCloseFrame(code, reason);
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

    // ------------------------------------------------------------------------------------------------
    // Join and close outcomes
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
        events.runOnCallbackThread(() -> joiner.onJoinFailed(ex));
    }

    private void fireClosedOnce(final int code, final String reason)
    {
        if (joined == null || closedFired)
        {
            return;
        }
        closedFired = true;
        pings.cancel();
        events.fireClosed(code, reason);
    }
}
