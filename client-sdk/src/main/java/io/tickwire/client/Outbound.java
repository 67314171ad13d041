package io.tickwire.client;

import com.google.protobuf.ByteString;
import io.tickwire.protocol.v1.Ack;
import io.tickwire.protocol.v1.ClientMessage;
import io.tickwire.protocol.v1.GameMessage;
import io.tickwire.protocol.v1.Input;
import io.tickwire.protocol.v1.Join;
import io.tickwire.protocol.v1.Leave;
import io.tickwire.protocol.v1.Ping;

import java.util.concurrent.TimeUnit;

/**
 * The session's outbound side: the link written to (the current one), whether it may be written, and
 * every {@code ClientMessage} the client sends ({@code Join}, {@code Input}, {@code Ack}, {@code Ping},
 * {@code Leave}), encoded by {@link WireCodec} and counted in {@link ClientStats}.
 * <p>
 * Auto-acks ride on inputs: every {@code Input} carries the newest applied tick ({@code Input.ack_tick}, which
 * the server applies like an {@code Ack}), and an applied snapshot gets an {@code Ack} frame of its own only
 * when no ack went out on this link for {@link ClientOptions#ackIntervalMs()} (and at once for the first
 * snapshot on a link and the answer to a full-snapshot request). A client that sends an input per tick
 * writes one frame per tick instead of two; an idle one acks every few ticks.
 * <p>
 * Thread: the session's event loop ({@link #use} also before the first connect).
 */
final class Outbound implements InputJournal.Output, PingKeeper.Output
{
    private final ClientStats stats;
    private final boolean autoAck;
    private final long ackIntervalNanos;
    private volatile Link link;
    private SnapshotTracker tracker;
    private boolean stopped;
    private boolean fullRequested;
    private int lastAckedTick;
    private boolean ackedOnLink;
    private boolean ackAtOnce;
    private long lastAckNanos;
    private boolean sendViewTick;
    private final int protocolVersion;

    Outbound(final ClientOptions options, final ClientStats stats)
    {
        this.protocolVersion = options.protocolVersion();
        this.autoAck = options.autoAck();
        this.ackIntervalNanos = TimeUnit.MILLISECONDS.toNanos(options.ackIntervalMs());
        this.stats = stats;
    }

    /**
     * Write to this link from now on: the session's current one.
     */
    void use(final Link link)
    {
        this.link = link;
        ackedOnLink = false;
    }

    /**
     * The session joined: inputs carry the ack of the tracker's newest tick (with auto-ack), and writes may start.
     *
     * @param protocolVersion the version the server said the connection speaks ({@code Welcome}); from 2 on,
     *                        inputs carry {@code view_tick} (a version 1 server would only skip the field).
     */
    void onJoined(final SnapshotTracker tracker, final int protocolVersion)
    {
        this.tracker = tracker;
        this.sendViewTick = protocolVersion >= 2;
    }

    /**
     * The session is closing: nothing is written from now on but what the close writes itself.
     */
    void stop()
    {
        stopped = true;
    }

    /**
     * @return true while the session is joined, not closing, and its current link is welcomed and open.
     */
    @Override
    public boolean isWritable()
    {
        return tracker != null && !stopped && link.isWritable();
    }

    /**
     * Write and flush the {@code Join} of a first connection.
     */
    void join(final JoinRequest request)
    {
        final Join.Builder join = Join.newBuilder().setProtocolVersion(protocolVersion)
            .setTicket(request.ticket()).setResumeToken(request.resumeToken()).putAllOptions(request.options());
        if (request.roomType().isEmpty())
        {
            join.setRoomId(request.roomId());
        }
        else
        {
            join.setRoomType(request.roomType());
        }
        write(ClientMessage.newBuilder().setJoin(join).build());
        link.flush();
    }

    /**
     * Write and flush the {@code Join} that resumes a session on a new connection.
     */
    void resume(final String roomId, final String resumeToken)
    {
        write(ClientMessage.newBuilder().setJoin(Join.newBuilder().setProtocolVersion(protocolVersion)
            .setRoomId(roomId).setResumeToken(resumeToken)).build());
        link.flush();
    }

    @Override
    public void writeInput(final int seq, final ByteString payload, final int viewTick)
    {
        final int ackTick;
        if (autoAck)
        {
            ackTick = tracker.newestTick();
            if (ackTick != 0)
            {
                ackedOnLink = true;
                lastAckNanos = System.nanoTime();
            }
        }
        else
        {
            ackTick = lastAckedTick;
        }
        final Input.Builder input = Input.newBuilder().setSeq(seq).setPayload(payload).setAckTick(ackTick);
        if (sendViewTick)
        {
            input.setViewTick(viewTick);
        }
        write(ClientMessage.newBuilder().setInput(input).build());
    }

    @Override
    public void flushInputs()
    {
        link.flush();
    }

    @Override
    public void writePing()
    {
        write(ClientMessage.newBuilder().setPing(Ping.newBuilder().setClientTime(System.nanoTime())).build());
        stats.pingsSent++;
        link.flush();
    }

    /**
     * Auto-ack an applied snapshot: write an {@code Ack} (flushed at the end of the read) when it is the first
     * ack on this link, answers a full-snapshot request, or no ack went out for the ack interval; otherwise
     * leave it to the next input (or the next snapshot's ack) and count it as coalesced.
     */
    void ack(final int tick)
    {
        final long nowNanos = System.nanoTime();
        if (ackIntervalNanos == 0 || !ackedOnLink || ackAtOnce || nowNanos - lastAckNanos >= ackIntervalNanos)
        {
            writeAck(tick, nowNanos);
        }
        else
        {
            stats.acksCoalesced++;
        }
    }

    private void writeAck(final int tick, final long nowNanos)
    {
        write(ClientMessage.newBuilder().setAck(Ack.newBuilder().setTick(tick)).build());
        stats.acksSent++;
        ackedOnLink = true;
        ackAtOnce = false;
        lastAckNanos = nowNanos;
        if (Integer.compareUnsigned(tick, lastAckedTick) > 0)
        {
            lastAckedTick = tick;
        }
    }

    /**
     * Write and flush an {@code Ack} when writable (an explicit {@code ack(tick)}).
     */
    void ackNow(final int tick)
    {
        if (isWritable())
        {
            writeAck(tick, System.nanoTime());
            link.flush();
        }
    }

    /**
     * Ask for a full snapshot, once until {@link #onFullRequestAnswered()}.
     */
    void requestFull()
    {
        if (!fullRequested && isWritable())
        {
            fullRequested = true;
            ackAtOnce = true;
            write(ClientMessage.newBuilder().setAck(Ack.newBuilder().setRequestFull(true)).build());
            stats.fullRequests++;
        }
    }

    /**
     * A snapshot was applied (or a new connection started): a later miss may ask again.
     */
    void onFullRequestAnswered()
    {
        fullRequested = false;
    }

    /**
     * Write and flush a game message when writable.
     *
     * @return false when the session is not joined, closing, or its link is not open.
     */
    boolean message(final int type, final ByteString payload)
    {
        if (!isWritable())
        {
            return false;
        }
        write(ClientMessage.newBuilder().setMessage(GameMessage.newBuilder().setType(type).setPayload(payload)).build());
        stats.messagesSent++;
        link.flush();
        return true;
    }

    /**
     * Write a {@code Leave}; the close frame that follows flushes it.
     */
    void leave(final String reason)
    {
        write(ClientMessage.newBuilder().setLeave(Leave.newBuilder().setReason(reason)).build());
    }

    private void write(final ClientMessage message)
    {
        link.write(WireCodec.encode(link.ctx.alloc(), message));
        stats.framesOut++;
    }
}
