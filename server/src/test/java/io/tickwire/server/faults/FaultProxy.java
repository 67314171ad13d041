package io.tickwire.server.faults;

import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.util.concurrent.DefaultThreadFactory;

import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayDeque;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * A TCP proxy in the test's JVM that makes a network misbehave on purpose: it listens on
 * {@code 127.0.0.1:0}, opens a connection to the target for each accepted one (a {@link Pipe}) and
 * forwards bytes both ways, with faults that tests switch on per connection:
 * <ul>
 * <li><b>latency and jitter</b> per direction: each chunk is delivered {@code latency &plusmn; jitter} after
 * it was read, never before an earlier chunk (TCP does not reorder); {@link #latency} sets the default
 * for connections accepted later, e.g. a client's reconnections;</li>
 * <li><b>freeze</b> for N ms: nothing is delivered either way meanwhile, then everything held arrives in
 * order (a stalled path);</li>
 * <li><b>black hole</b>: every byte and every close is swallowed while both sockets stay open, so each end
 * keeps a half-open connection (a path that died without a reset);</li>
 * <li><b>cut</b>: both sockets are closed with a TCP reset ({@code SO_LINGER 0}), dropping what was held;</li>
 * <li><b>byte budget</b>: {@link Pipe#cutAfter} forwards that many more bytes in one direction, then cuts,
 * which ends a connection in the middle of a WebSocket frame.</li>
 * </ul>
 * A close from one end is passed on to the other once the bytes before it were delivered (unless black
 * holed). Chunks are queued per direction and drained by one timer, so order always holds; the buffers
 * are released when delivered, dropped, or at the cut.
 * <p>
 * Threads: one proxy event loop runs every pipe (both of its channels share it). The control methods may
 * be called from any other thread; they run on that loop and return once applied.
 */
final class FaultProxy implements AutoCloseable
{
    /** Which way bytes flow. */
    enum Direction
    {
        /** From the client to the server. */
        UPSTREAM,
        /** From the server to the client. */
        DOWNSTREAM
    }

    private final EventLoopGroup group = new MultiThreadIoEventLoopGroup(
        1, new DefaultThreadFactory("fault-proxy", true), NioIoHandler.newFactory());
    private final InetSocketAddress target;
    private final Channel serverChannel;
    private final List<Pipe> pipes = new CopyOnWriteArrayList<>();
    private volatile long defaultLatencyNs;
    private volatile long defaultJitterNs;

    private FaultProxy(final InetSocketAddress target)
    {
        this.target = target;
        this.serverChannel = new ServerBootstrap()
            .group(group)
            .channel(NioServerSocketChannel.class)
            .childOption(ChannelOption.AUTO_READ, false)
            .childOption(ChannelOption.TCP_NODELAY, true)
            .childHandler(new ChannelInitializer<SocketChannel>()
            {
                @Override
                protected void initChannel(final SocketChannel ch)
                {
                    final Pipe pipe = new Pipe(ch);
                    pipes.add(pipe);
                    ch.pipeline().addLast(pipe.new Relay(Direction.UPSTREAM));
                }
            })
            .bind("127.0.0.1", 0)
            .syncUninterruptibly()
            .channel();
    }

    /**
     * @param targetPort port of the server on 127.0.0.1.
     * @return a listening proxy.
     */
    static FaultProxy start(final int targetPort)
    {
        return new FaultProxy(new InetSocketAddress("127.0.0.1", targetPort));
    }

    /**
     * @return the port the proxy listens on.
     */
    int port()
    {
        return ((InetSocketAddress)serverChannel.localAddress()).getPort();
    }

    /**
     * @param serverUri the server's WebSocket URI.
     * @return the same URI (scheme, host, path) with the proxy's port.
     */
    URI uri(final URI serverUri)
    {
        try
        {
            return new URI(serverUri.getScheme(), null, serverUri.getHost(), port(), serverUri.getPath(), null, null);
        }
        catch (final URISyntaxException ex)
        {
            throw new IllegalArgumentException("bad uri: " + serverUri, ex);
        }
    }

    /**
     * Latency and jitter both ways for connections accepted from now on.
     */
    void latency(final long latencyMs, final long jitterMs)
    {
        defaultLatencyNs = TimeUnit.MILLISECONDS.toNanos(latencyMs);
        defaultJitterNs = TimeUnit.MILLISECONDS.toNanos(jitterMs);
    }

    /**
     * @return every connection accepted so far, oldest first.
     */
    List<Pipe> pipes()
    {
        return pipes;
    }

    /**
     * @param index 0 for the first connection accepted.
     * @return that connection, once accepted (waits up to 10 s).
     */
    Pipe awaitPipe(final int index) throws InterruptedException
    {
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (pipes.size() <= index)
        {
            if (System.nanoTime() > deadline)
            {
                throw new AssertionError("no connection " + index + " through the proxy: accepted=" + pipes.size());
            }
            Thread.sleep(5);
        }
        return pipes.get(index);
    }

    /**
     * @return the newest connection, which must exist.
     */
    Pipe latest()
    {
        return pipes.get(pipes.size() - 1);
    }

    @Override
    public void close()
    {
        serverChannel.close().syncUninterruptibly();
        for (final Pipe pipe : pipes)
        {
            pipe.cut();
        }
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }

    /** One queued chunk. */
    private static final class Chunk
    {
        final ByteBuf bytes;
        final long dueNs;
        final boolean cutAfter;

        Chunk(final ByteBuf bytes, final long dueNs, final boolean cutAfter)
        {
            this.bytes = bytes;
            this.dueNs = dueNs;
            this.cutAfter = cutAfter;
        }
    }

    /**
     * One proxied connection: the accepted client channel, the channel to the server, and their faults.
     * Thread: the proxy's event loop, except the control methods.
     */
    final class Pipe
    {
        private final Channel client;
        private final EventLoop loop;
        private Channel server;
        private final ArrayDeque<Chunk>[] queues;
        private final long[] latencyNs = new long[2];
        private final long[] jitterNs = new long[2];
        private final long[] lastDueNs = new long[2];
        private final long[] budget = { -1, -1 };
        private final boolean[] drainScheduled = new boolean[2];
        private final boolean[] closeAfterDrain = new boolean[2];
        private final long[] forwarded = new long[2];
        private long frozenUntilNs;
        private boolean blackholed;
        private volatile boolean cut;

        @SuppressWarnings("unchecked")
        Pipe(final Channel client)
        {
            this.client = client;
            this.loop = client.eventLoop();
            this.queues = new ArrayDeque[]{ new ArrayDeque<Chunk>(), new ArrayDeque<Chunk>() };
            for (int d = 0; d < 2; d++)
            {
                latencyNs[d] = defaultLatencyNs;
                jitterNs[d] = defaultJitterNs;
            }
        }

        /**
         * Set latency and jitter of one direction. Any thread.
         */
        void latency(final Direction direction, final long latencyMs, final long jitterMs)
        {
            run(() ->
            {
                latencyNs[direction.ordinal()] = TimeUnit.MILLISECONDS.toNanos(latencyMs);
                jitterNs[direction.ordinal()] = TimeUnit.MILLISECONDS.toNanos(jitterMs);
            });
        }

        /**
         * Deliver nothing either way for {@code ms}, then everything held, in order. Any thread.
         */
        void freeze(final long ms)
        {
            run(() ->
            {
                frozenUntilNs = Math.max(frozenUntilNs, System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(ms));
                for (int d = 0; d < 2; d++)
                {
                    lastDueNs[d] = Math.max(lastDueNs[d], frozenUntilNs);
                }
            });
        }

        /**
         * Swallow every byte and every close from now on, both ways, keeping both sockets open. Any thread.
         */
        void blackhole()
        {
            run(() ->
            {
                blackholed = true;
                releaseQueues();
            });
        }

        /**
         * Reset both connections now. Any thread.
         */
        void cut()
        {
            run(this::reset);
        }

        /**
         * Forward {@code bytes} more bytes in {@code direction} (after the ones already queued), then reset
         * both connections. Any thread.
         */
        void cutAfter(final Direction direction, final long bytes)
        {
            run(() -> budget[direction.ordinal()] = bytes);
        }

        /**
         * @return bytes delivered in that direction so far.
         */
        long forwarded(final Direction direction)
        {
            return forwarded[direction.ordinal()];
        }

        /**
         * @return true once both sockets are closed.
         */
        boolean isClosed()
        {
            final Channel s = server;
            return !client.isActive() && (s == null || !s.isActive());
        }

        /**
         * @return true after a cut.
         */
        boolean isCut()
        {
            return cut;
        }

        private void run(final Runnable task)
        {
            if (loop.inEventLoop())
            {
                task.run();
            }
            else
            {
                loop.submit(task).syncUninterruptibly();
            }
        }

        private void onClientActive()
        {
            final ChannelFuture connect = new Bootstrap()
                .group(loop)
                .channel(NioSocketChannel.class)
                .option(ChannelOption.AUTO_READ, false)
                .option(ChannelOption.TCP_NODELAY, true)
                .handler(new Relay(Direction.DOWNSTREAM))
                .connect(target);
            server = connect.channel();
            connect.addListener(f ->
            {
                if (f.isSuccess() && !cut)
                {
                    client.config().setAutoRead(true);
                    server.config().setAutoRead(true);
                }
                else
                {
                    client.close();
                }
            });
        }

        private void onRead(final Direction from, final ByteBuf bytes)
        {
            final int d = from.ordinal();
            if (cut || blackholed)
            {
                bytes.release();
                return;
            }
            ByteBuf out = bytes;
            boolean cutAfter = false;
            if (budget[d] >= 0)
            {
                if (bytes.readableBytes() >= budget[d])
                {
                    out = bytes.readRetainedSlice((int)budget[d]);
                    bytes.release();
                    cutAfter = true;
                    budget[d] = 0;
                }
                else
                {
                    budget[d] -= bytes.readableBytes();
                }
            }
            final long nowNs = System.nanoTime();
            final long jitter = jitterNs[d] > 0 ? ThreadLocalRandom.current().nextLong(-jitterNs[d], jitterNs[d] + 1) : 0;
            final long dueNs = Math.max(Math.max(nowNs + Math.max(0, latencyNs[d] + jitter), lastDueNs[d]), frozenUntilNs);
            lastDueNs[d] = dueNs;
            queues[d].add(new Chunk(out, dueNs, cutAfter));
            drain(d);
        }

        private void onInactive(final Direction side)
        {
            if (cut || blackholed)
            {
                return;
            }
            // The client closed: pass it on upstream once what it sent before was delivered; and vice versa.
            final int d = side.ordinal();
            closeAfterDrain[d] = true;
            drain(d);
        }

        private void drain(final int d)
        {
            final Channel to = d == Direction.UPSTREAM.ordinal() ? server : client;
            final ArrayDeque<Chunk> queue = queues[d];
            final long nowNs = System.nanoTime();
            boolean wrote = false;
            while (!queue.isEmpty())
            {
                final Chunk head = queue.peek();
                final long dueNs = Math.max(head.dueNs, frozenUntilNs);
                if (dueNs - nowNs > 0)
                {
                    if (!drainScheduled[d])
                    {
                        drainScheduled[d] = true;
                        loop.schedule(() ->
                        {
                            drainScheduled[d] = false;
                            drain(d);
                        }, dueNs - nowNs, TimeUnit.NANOSECONDS);
                    }
                    break;
                }
                queue.poll();
                forwarded[d] += head.bytes.readableBytes();
                if (to == null || cut || blackholed)
                {
                    head.bytes.release();
                    continue;
                }
                to.write(head.bytes, to.voidPromise());
                wrote = true;
                if (head.cutAfter)
                {
                    to.flush();
                    reset();
                    return;
                }
            }
            if (wrote)
            {
                to.flush();
            }
            if (queue.isEmpty() && closeAfterDrain[d] && to != null && !cut && !blackholed)
            {
                to.close();
            }
        }

        private void reset()
        {
            if (cut)
            {
                return;
            }
            cut = true;
            releaseQueues();
            for (final Channel ch : new Channel[]{ client, server })
            {
                if (ch != null && ch.isOpen())
                {
                    if (ch.isActive())
                    {
                        ch.config().setOption(ChannelOption.SO_LINGER, 0);
                    }
                    ch.close();
                }
            }
        }

        private void releaseQueues()
        {
            for (final ArrayDeque<Chunk> queue : queues)
            {
                Chunk c;
                while ((c = queue.poll()) != null)
                {
                    c.bytes.release();
                }
            }
        }

        @Override
        public String toString()
        {
            return "Pipe{client=" + client.remoteAddress() + ", up=" + forwarded[0] + ", down=" + forwarded[1] +
                ", cut=" + cut + ", blackholed=" + blackholed + '}';
        }

        /** Reads one side and queues what it read for the other. */
        final class Relay extends ChannelInboundHandlerAdapter
        {
            private final Direction direction;

            Relay(final Direction direction)
            {
                this.direction = direction;
            }

            @Override
            public void channelActive(final ChannelHandlerContext ctx) throws Exception
            {
                if (direction == Direction.UPSTREAM)
                {
                    onClientActive();
                }
                super.channelActive(ctx);
            }

            @Override
            public void channelRead(final ChannelHandlerContext ctx, final Object msg)
            {
                onRead(direction, (ByteBuf)msg);
            }

            @Override
            public void channelInactive(final ChannelHandlerContext ctx) throws Exception
            {
                onInactive(direction);
                super.channelInactive(ctx);
            }

            @Override
            public void exceptionCaught(final ChannelHandlerContext ctx, final Throwable cause)
            {
                ctx.close();
            }
        }
    }
}
