package io.tickwire.server.room;

import com.google.protobuf.CodedOutputStream;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.CompositeByteBuf;
import io.netty.channel.Channel;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.tickwire.protocol.CloseCodes;
import io.tickwire.protocol.delta.DeltaEncoder;
import io.tickwire.protocol.delta.WorldState;
import org.agrona.collections.Int2ObjectHashMap;

import java.io.IOException;
import java.io.OutputStream;

/**
 * Sends one tick's snapshot to every connection of a room: the delta from each connection's
 * acked baseline to the tick. Connections with the same baseline share one encoded body (encode
 * once per distinct baseline, not once per client); each gets a few bytes of its own in front
 * (envelope tag and length, {@code last_input_seq}) composed with a retained duplicate of the
 * body. Unwritable channels are skipped: the next delta against their ack is still correct.
 * <p>
 * Thread: the owning room loop. The encoder path (diff, size, write into a pooled buffer through a
 * reused {@link CodedOutputStream}) allocates nothing in steady state.
 */
final class SnapshotSender
{
    private static final int ENCODE_BUFFER_SIZE = 4096;

    private final ByteBufAllocator allocator;
    private final ByteBufSink sink = new ByteBufSink();
    private final CodedOutputStream out = CodedOutputStream.newInstance(sink, ENCODE_BUFFER_SIZE);
    private final Int2ObjectHashMap<ByteBuf> bodyByBaseline = new Int2ObjectHashMap<>();
    private final long slowClientTimeoutNs;
    private final long ackTimeoutNs;
    private final LoopCounters counters;
    private final LoopObserver observer;

    SnapshotSender(
        final ByteBufAllocator allocator,
        final long slowClientTimeoutNs,
        final long ackTimeoutNs,
        final LoopCounters counters,
        final LoopObserver observer)
    {
        this.observer = observer;
        this.allocator = allocator;
        this.slowClientTimeoutNs = slowClientTimeoutNs;
        this.ackTimeoutNs = ackTimeoutNs;
        this.counters = counters;
    }

    void send(final Room room, final WorldState current, final long nowNs)
    {
        final Connection[] connections = room.connections;
        final int count = room.connectionCount;
        try
        {
            for (int i = 0; i < count; i++)
            {
                final Connection c = connections[i];
                if (c.closing || c.session == null)
                {
                    continue;
                }
                final Channel channel = c.session.channel();
                if (!channel.isActive())
                {
                    continue;
                }
                if (nowNs - c.lastAckNs > ackTimeoutNs)
                {
                    close(c, CloseCodes.ACK_TIMEOUT, "no snapshot acknowledged for " +
                        (nowNs - c.lastAckNs) / 1_000_000 + " ms, ackTimeoutMs=" + ackTimeoutNs / 1_000_000);
                    continue;
                }
                if (!channel.isWritable())
                {
                    counters.snapshotsSkippedUnwritable++;
                    if (c.unwritableSinceNs == 0)
                    {
                        c.unwritableSinceNs = nowNs;
                    }
                    else if (nowNs - c.unwritableSinceNs > slowClientTimeoutNs)
                    {
                        close(c, CloseCodes.SLOW_CONSUMER, "not reading: unwritable for " +
                            (nowNs - c.unwritableSinceNs) / 1_000_000 + " ms, slowClientTimeoutMs=" +
                            slowClientTimeoutNs / 1_000_000);
                    }
                    continue;
                }
                c.unwritableSinceNs = 0;

                final WorldState baseline = room.history.get(c.ackedTick);
                final int baselineTick = baseline == null ? 0 : baseline.tick();
                ByteBuf body = bodyByBaseline.get(baselineTick);
                if (body == null)
                {
                    body = encodeBody(room.encoder, baseline, current);
                    bodyByBaseline.put(baselineTick, body);
                }
                final int bodySize = body.readableBytes();
                final int headerSize = DeltaEncoder.envelopeHeaderSize(c.lastInputSeq, bodySize);
                final ByteBuf header = allocator.buffer(headerSize, headerSize);
                boolean handedOver = false;
                try
                {
                    sink.target = header;
                    DeltaEncoder.writeEnvelopeHeader(out, c.lastInputSeq, bodySize);
                    out.flush();
                    sink.target = null;
                    final CompositeByteBuf frame = allocator.compositeBuffer(2);
                    frame.addComponents(true, header, body.retainedDuplicate());
                    handedOver = true;
                    channel.writeAndFlush(new BinaryWebSocketFrame(frame), channel.voidPromise());
                }
                finally
                {
                    if (!handedOver)
                    {
                        header.release();
                    }
                }
                counters.snapshotBytesOut += headerSize + bodySize;
                room.bytesOutTotal += headerSize + bodySize;
                counters.snapshotsSent++;
                if (baselineTick == 0)
                {
                    counters.snapshotsFull++;
                }
                else
                {
                    counters.snapshotsDelta++;
                }
            }
        }
        catch (final IOException ex)
        {
            throw new IllegalStateException("snapshot encode failed: room=" + room.handle.id(), ex);
        }
        finally
        {
            sink.target = null;
            releaseBodies();
        }
    }

    private ByteBuf encodeBody(final DeltaEncoder encoder, final WorldState baseline, final WorldState current)
        throws IOException
    {
        final int size = encoder.prepare(baseline, current);
        final ByteBuf body = allocator.directBuffer(size, size);
        boolean ok = false;
        try
        {
            sink.target = body;
            encoder.writeBody(out);
            out.flush();
            ok = true;
        }
        finally
        {
            sink.target = null;
            if (!ok)
            {
                body.release();
            }
        }
        counters.encodes++;
        observer.onEncode(size);
        return body;
    }

    private void releaseBodies()
    {
        if (bodyByBaseline.isEmpty())
        {
            return;
        }
        final Int2ObjectHashMap<ByteBuf>.ValueIterator it = bodyByBaseline.values().iterator();
        while (it.hasNext())
        {
            it.next().release();
        }
        bodyByBaseline.clear();
    }

    private void close(final Connection c, final int code, final String reason)
    {
        c.closing = true;
        if (code == CloseCodes.SLOW_CONSUMER)
        {
            counters.slowConsumerCloses++;
        }
        else
        {
            counters.ackTimeoutCloses++;
        }
        c.session.closeWith(code, reason);
    }

    /**
     * The OutputStream the reused {@link CodedOutputStream} flushes into: whichever pooled buffer is
     * being filled.
     */
    private static final class ByteBufSink extends OutputStream
    {
        ByteBuf target;

        @Override
        public void write(final int b)
        {
            target.writeByte(b);
        }

        @Override
        public void write(final byte[] bytes, final int offset, final int length)
        {
            target.writeBytes(bytes, offset, length);
        }
    }
}
