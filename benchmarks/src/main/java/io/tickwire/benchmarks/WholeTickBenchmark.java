package io.tickwire.benchmarks;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import io.netty.channel.ChannelPromise;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.util.ReferenceCountUtil;
import io.tickwire.server.game.GameLogicFactory;
import io.tickwire.server.game.arena.ArenaGame;
import io.tickwire.server.room.ClientLink;
import io.tickwire.server.room.DetachedSeats;
import io.tickwire.server.room.InboundRecords;
import io.tickwire.server.room.LoopCounters;
import io.tickwire.server.room.LoopObserver;
import io.tickwire.server.room.Outbox;
import io.tickwire.server.room.ResumeRegistry;
import io.tickwire.server.room.RoomDirectory;
import io.tickwire.server.room.RoomHandle;
import io.tickwire.server.room.RoomLoop;
import io.tickwire.server.room.RoomLoopSettings;
import org.agrona.DirectBuffer;
import org.agrona.collections.Long2ObjectHashMap;
import org.agrona.concurrent.CachedNanoClock;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import java.nio.ByteBuffer;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * One whole room tick as the server runs it, per connection: a real {@link RoomLoop} hosting one
 * arena room (90 NPCs + 10 players = 100 moving entities), 10 connections that each acked the
 * previous tick (so the room shares one encode per tick), the tick itself (game step, capture,
 * encode once per baseline, copy header and body into the event loop's {@link Outbox}), and the
 * outbox drain a transport does: copy each frame into a pooled {@code ByteBuf}, write it as a
 * {@code BinaryWebSocketFrame} to the connection's {@link EmbeddedChannel}, flush each channel once.
 * The channels release what reaches their head, so nothing piles up.
 * <p>
 * {@code drain=channels} is the whole path; {@code drain=none} only counts the drained bytes, which
 * isolates the room loop's side (the part that must allocate nothing). Scores are per connection
 * per tick ({@code @OperationsPerInvocation}); read {@code gc.alloc.rate.norm} with {@code -prof gc}.
 * <p>
 * Thread: the benchmark thread plays both the room loop and the event loop (the outbox drains on
 * the signalling thread).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-exports", "java.base/jdk.internal.misc=ALL-UNNAMED"})
public class WholeTickBenchmark
{
    static final int CONNECTIONS = 10;
    static final int NPCS = 90;
    private static final int TICK_RATE_HZ = 30;
    private static final long PERIOD_NS = 1_000_000_000L / TICK_RATE_HZ;

    @Param({"channels", "none"})
    String drain;

    private final CachedNanoClock clock = new CachedNanoClock();
    private final Long2ObjectHashMap<BenchLink> links = new Long2ObjectHashMap<>();
    private RoomLoop loop;
    private BenchLink[] connections;
    private long bytesDrained;
    private int tick;

    @Setup
    public void setUp()
    {
        clock.update(1_000_000_000L);
        final GameLogicFactory arena = ArenaGame.factory(NPCS);
        final RoomDirectory directory = new RoomDirectory(Map.of(ArenaGame.TYPE, arena), 1, 10, CONNECTIONS,
            TICK_RATE_HZ);
        final RoomLoopSettings settings = new RoomLoopSettings(
            TICK_RATE_HZ, 64, 5, 10_000, 5_000, 3_600_000, 1 << 20, 10_000, 16);
        loop = new RoomLoop(0, settings, directory, links::get, new ResumeRegistry(), new DetachedSeats(16), clock,
            new LoopCounters(), LoopObserver.NOOP);
        final RoomHandle handle = directory.create(ArenaGame.TYPE, "bench");
        InboundRecords.offerCreateRoom(loop.inbound(), handle.key());
        loop.doWork();
        final Outbox.Reader reader = "channels".equals(drain) ? new ChannelWriter(links) : new CountingReader();
        final Outbox outbox = new Outbox(1 << 20, Runnable::run, reader);
        connections = new BenchLink[CONNECTIONS];
        for (int i = 0; i < CONNECTIONS; i++)
        {
            connections[i] = new BenchLink(i + 1, outbox);
            links.put(i + 1, connections[i]);
            directory.joinById("bench");
            InboundRecords.offerJoin(loop.inbound(), i + 1, handle.key());
        }
        loop.doWork();
    }

    @TearDown
    public void tearDown()
    {
        for (final BenchLink link : connections)
        {
            link.channel.finishAndReleaseAll();
        }
    }

    @Benchmark
    @OperationsPerInvocation(CONNECTIONS)
    public int tick()
    {
        for (int i = 0; i < CONNECTIONS; i++)
        {
            InboundRecords.offerAck(loop.inbound(), i + 1, tick, 0);
        }
        clock.advance(PERIOD_NS);
        tick++;
        return loop.doWork();
    }

    /**
     * What {@code OutboundWriter} does on an event loop, minus the session lookup's bookkeeping.
     */
    private static final class ChannelWriter implements Outbox.Reader
    {
        private final Long2ObjectHashMap<BenchLink> links;
        private final BenchLink[] dirty = new BenchLink[CONNECTIONS * 2];
        private int dirtyCount;
        private ByteBuffer view;
        private ByteBuffer viewSource;

        ChannelWriter(final Long2ObjectHashMap<BenchLink> links)
        {
            this.links = links;
        }

        @Override
        public void onFrame(final long connectionId, final int kind, final DirectBuffer buffer, final int offset,
            final int length)
        {
            final BenchLink link = links.get(connectionId);
            final ByteBuf frame = link.channel.alloc().ioBuffer(length, length);
            final ByteBuffer source = buffer.byteBuffer();
            if (source != viewSource)
            {
                viewSource = source;
                view = source.duplicate();
            }
            final int start = buffer.wrapAdjustment() + offset;
            view.clear();
            view.position(start).limit(start + length);
            frame.writeBytes(view);
            link.channel.write(new BinaryWebSocketFrame(frame), link.channel.voidPromise());
            if (dirtyCount == 0 || dirty[dirtyCount - 1] != link)
            {
                dirty[dirtyCount++] = link;
            }
        }

        @Override
        public void onClose(final long connectionId, final int code, final String reason)
        {
        }

        @Override
        public void onDrainEnd()
        {
            for (int i = 0; i < dirtyCount; i++)
            {
                dirty[i].channel.flush();
                dirty[i] = null;
            }
            dirtyCount = 0;
        }
    }

    private final class CountingReader implements Outbox.Reader
    {
        @Override
        public void onFrame(final long connectionId, final int kind, final DirectBuffer buffer, final int offset,
            final int length)
        {
            bytesDrained += length;
        }

        @Override
        public void onClose(final long connectionId, final int code, final String reason)
        {
        }

        @Override
        public void onDrainEnd()
        {
        }
    }

    /**
     * Releases every message that reaches the head of the channel: the socket's place.
     */
    private static final class ReleasingHead extends ChannelOutboundHandlerAdapter
    {
        @Override
        public void write(final ChannelHandlerContext ctx, final Object msg, final ChannelPromise promise)
        {
            ReferenceCountUtil.release(msg);
            promise.trySuccess();
        }
    }

    private static final class BenchLink implements ClientLink
    {
        private final long connectionId;
        private final Outbox outbox;
        private final EmbeddedChannel channel = new EmbeddedChannel(new ReleasingHead());

        BenchLink(final long connectionId, final Outbox outbox)
        {
            this.connectionId = connectionId;
            this.outbox = outbox;
        }

        @Override
        public long connectionId()
        {
            return connectionId;
        }

        @Override
        public String sessionId()
        {
            return "session-" + connectionId;
        }

        @Override
        public String resumeToken()
        {
            return "token-" + connectionId;
        }

        @Override
        public String remoteAddress()
        {
            return "127.0.0.1";
        }

        @Override
        public String playerId()
        {
            return null;
        }

        @Override
        public boolean isOpen()
        {
            return true;
        }

        @Override
        public boolean isWritable()
        {
            return true;
        }

        @Override
        public Outbox outbox()
        {
            return outbox;
        }

        @Override
        public void close(final int code, final String reason)
        {
        }
    }
}
