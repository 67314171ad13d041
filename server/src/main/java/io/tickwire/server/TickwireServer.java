package io.tickwire.server;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.AdaptiveRecvByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.ServerSocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.tickwire.protocol.CloseCodes;
import io.tickwire.protocol.ticket.JoinTickets;
import io.tickwire.server.admin.AdminApi;
import io.tickwire.server.auth.TicketVerifier;
import io.tickwire.server.config.AdminSettings;
import io.tickwire.server.config.LifecycleSettings;
import io.tickwire.server.config.LimitSettings;
import io.tickwire.server.config.LoopSettings;
import io.tickwire.server.config.TransportSettings;
import io.tickwire.server.room.ResumeRegistry;
import io.tickwire.server.admin.AdminServer;
import io.tickwire.server.metrics.ServerMetrics;
import io.tickwire.server.room.InboundRecords;
import io.tickwire.server.room.LoopCounters;
import io.tickwire.server.room.LoopObserver;
import io.tickwire.server.room.RoomDirectory;
import io.tickwire.server.room.RoomHandle;
import io.tickwire.server.room.RoomLoop;
import io.tickwire.server.room.RoomLoopSettings;
import io.tickwire.server.room.DeadlineIdleStrategy;
import io.tickwire.server.room.DetachedSeats;
import io.tickwire.server.transport.ServerChannelInitializer;
import io.tickwire.server.transport.ServerContext;
import io.tickwire.server.transport.Session;
import io.tickwire.server.transport.SessionRegistry;
import io.tickwire.server.transport.OutboundWriters;
import io.tickwire.server.transport.SessionLimits;
import io.tickwire.server.transport.TransportCounters;
import org.agrona.CloseHelper;
import org.agrona.concurrent.AgentRunner;
import org.agrona.concurrent.SystemNanoClock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static io.tickwire.server.config.OptionChecks.require;

/**
 * A running room server: Netty event loops accept WebSocket connections and hand decoded client
 * messages to N room loops ({@link RoomLoop} agents on their own threads), which tick the rooms
 * and send snapshots. Start with {@link #start(ServerOptions)}, stop with {@link #close()}.
 * <p>
 * Thread-safe: the getters may be called from any thread while it runs.
 */
public final class TickwireServer implements ServerContext, AdminApi, AutoCloseable
{
    private static final Logger LOG = LoggerFactory.getLogger(TickwireServer.class);

    private final ServerOptions options;
    private final SessionRegistry sessions = new SessionRegistry();
    private final TransportCounters transportCounters = new TransportCounters();
    private final RoomDirectory directory;
    private final RoomLoop[] loops;
    private final AgentRunner[] runners;
    private final EventLoopGroup bossGroup;
    private final EventLoopGroup workerGroup;
    private final long startNs = System.nanoTime();
    private final String transportName;
    private final ServerMetrics metrics;
    private final ResumeRegistry resumes = new ResumeRegistry();
    private final TicketVerifier tickets;
    private final OutboundWriters outboundWriters;
    private Channel serverChannel;
    private AdminServer adminServer;
    private SslContext sslContext;
    private volatile boolean ready;
    private volatile boolean closed;
    private final java.util.concurrent.CountDownLatch stopped = new java.util.concurrent.CountDownLatch(1);
    private volatile ShutdownListener shutdownListener;
    private volatile int shutdownCloseCode = CloseCodes.GOING_AWAY;
    private volatile String shutdownReason = "server shutting down";
    private volatile java.util.function.Supplier<String> fleetRoomsJson;
    private volatile io.tickwire.server.room.SeatGate seatGate = io.tickwire.server.room.SeatGate.DIRECT;

    private TickwireServer(final ServerOptions options)
    {
        this.options = options;
        final LoopSettings loop = options.loop();
        final LifecycleSettings lifecycle = options.lifecycle();
        final LimitSettings limits = options.limits();
        this.directory = new RoomDirectory(
            options.roomTypes(), loop.roomLoops(), lifecycle.maxRooms(), lifecycle.maxPlayersPerRoom(), loop.tickRateHz());
        this.loops = new RoomLoop[loop.roomLoops()];
        this.runners = new AgentRunner[loop.roomLoops()];
        this.metrics = new ServerMetrics(directory, sessions, transportCounters);
        this.tickets = options.auth().ticketSecret() == null ? null :
            new TicketVerifier(JoinTickets.ofSecret(options.auth().ticketSecret()), java.time.Clock.systemUTC());
        final boolean epoll = options.transport().preferEpoll() && Epoll.isAvailable();
        final IoHandlerFactory ioFactory = epoll ? EpollIoHandler.newFactory() : NioIoHandler.newFactory();
        this.transportName = epoll ? "epoll" : "nio";
        this.bossGroup = new MultiThreadIoEventLoopGroup(1, new DefaultThreadFactory("tickwire-accept"), ioFactory);
        this.workerGroup = new MultiThreadIoEventLoopGroup(
            options.transport().ioThreads(), new DefaultThreadFactory("tickwire-io"), ioFactory);
        this.outboundWriters = new OutboundWriters(
            workerGroup, SessionLimits.DEFAULT_OUTBOX_CAPACITY_BYTES, transportCounters);
        final RoomLoopSettings loopSettings = new RoomLoopSettings(loop.tickRateHz(), loop.snapshotHistory(),
            loop.maxCatchUpTicks(), lifecycle.roomLingerMs(), limits.slowClientTimeoutMs(), limits.ackTimeoutMs(),
            loop.ringCapacityBytes(), options.auth().resumeGraceMs(), limits.maxDetachedPerAddress(),
            loop.snapshotBudgetBytes());
        final DetachedSeats detachedSeats = new DetachedSeats(loopSettings.maxDetachedPerAddress());
        for (int i = 0; i < loops.length; i++)
        {
            final LoopCounters counters = new LoopCounters();
            final LoopObserver observer = metrics.bindLoop(i, counters, index -> loops[index].connectionCount());
            loops[i] = new RoomLoop(i, loopSettings, directory, sessions, resumes, detachedSeats,
                SystemNanoClock.INSTANCE, counters, observer);
        }
    }

    /**
     * Start room loops and bind the WebSocket port.
     *
     * @param options configuration.
     * @return the running server.
     * @throws IllegalArgumentException naming the option and value when a TLS file is not readable;
     *                                  nothing has started then.
     * @throws IllegalStateException    when the port cannot be bound or the TLS files do not load.
     */
    public static TickwireServer start(final ServerOptions options)
    {
        final Path certificate = options.transport().tlsCertificate();
        final Path privateKey = options.transport().tlsPrivateKey();
        require(certificate == null || Files.isReadable(certificate), "tlsCertificate",
            certificate + " (not a readable file)");
        require(privateKey == null || Files.isReadable(privateKey), "tlsPrivateKey",
            privateKey + " (not a readable file)");
        final TickwireServer server = new TickwireServer(options);
        try
        {
            server.doStart();
        }
        catch (final RuntimeException ex)
        {
            server.close();
            throw ex;
        }
        return server;
    }

    private void doStart()
    {
        final TransportSettings transport = options.transport();
        if (transport.tlsEnabled())
        {
            try
            {
                sslContext = SslContextBuilder.forServer(
                    transport.tlsCertificate().toFile(), transport.tlsPrivateKey().toFile()).build();
            }
            catch (final Exception ex)
            {
                throw new IllegalStateException("cannot load TLS certificate or key: certificate=" +
                    transport.tlsCertificate() + ", key=" + transport.tlsPrivateKey() + ": " + ex.getMessage(), ex);
            }
        }
        for (int i = 0; i < loops.length; i++)
        {
            runners[i] = new AgentRunner(
                new DeadlineIdleStrategy(loops[i], SystemNanoClock.INSTANCE, options.loop().idleMaxParkNs()),
                ex -> LOG.error("room loop error", ex),
                null,
                loops[i]);
            AgentRunner.startOnThread(runners[i]);
        }
        final Class<? extends ServerSocketChannel> channelClass =
            "epoll".equals(transportName) ? EpollServerSocketChannel.class : NioServerSocketChannel.class;
        final ServerBootstrap bootstrap = new ServerBootstrap();
        if (transport.socketSendBufferBytes() > 0)
        {
            bootstrap.childOption(ChannelOption.SO_SNDBUF, transport.socketSendBufferBytes());
        }
        bootstrap
            .group(bossGroup, workerGroup)
            .channel(channelClass)
            .option(ChannelOption.SO_BACKLOG, 1024)
            .childOption(ChannelOption.TCP_NODELAY, true)
            // One allocator (its settings) for every connection instead of one each; the per-read state
            // stays in each channel's handle.
            .childOption(ChannelOption.RCVBUF_ALLOCATOR, new AdaptiveRecvByteBufAllocator())
            .childHandler(new ServerChannelInitializer(this, options, sslContext));
        try
        {
            serverChannel = bootstrap.bind(transport.host(), transport.port()).sync().channel();
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while binding " + transport.host() + ":" + transport.port(), ex);
        }
        catch (final Exception ex)
        {
            throw new IllegalStateException("cannot bind WebSocket port: host=" + transport.host() + ", port=" +
                transport.port() + ": " + ex.getMessage(), ex);
        }
        final AdminSettings admin = options.admin();
        if (admin.enabled())
        {
            adminServer = AdminServer.start(this, admin.host(), admin.port(), admin.token());
        }
        ready = true;
        LOG.info("tickwire listening: url={} admin={} transport={} roomLoops={} tickRateHz={}",
            webSocketUri(), adminUri() == null ? "disabled" : adminUri(), transportName, loops.length,
            options.loop().tickRateHz());
        LOG.info("effective configuration: {}", options);
        if (tickets == null)
        {
            LOG.warn("OPEN MODE: no join-ticket secret configured (--ticket-secret / TICKWIRE_TICKET_SECRET): " +
                "ANY client can join ANY room. Configure a secret before exposing this server.");
        }
        if (options.admin().token() == null)
        {
            LOG.info("admin mutations (POST /rooms, DELETE /rooms/{id}) are disabled: no admin token configured");
        }
    }

    /**
     * @return the admin HTTP base URI, or null when the admin server is disabled.
     */
    public URI adminUri()
    {
        if (adminServer == null)
        {
            return null;
        }
        final String host = "0.0.0.0".equals(options.admin().host()) || "::".equals(options.admin().host()) ?
            "127.0.0.1" : options.admin().host();
        return URI.create("http://" + host + ":" + adminServer.port() + "/");
    }

    /**
     * @return the metrics registry and scrape.
     */
    public ServerMetrics metrics()
    {
        return metrics;
    }

    @Override
    public boolean isReady()
    {
        return ready && !closed;
    }

    @Override
    public List<RoomHandle> rooms()
    {
        return directory.rooms();
    }

    @Override
    public RoomHandle room(final String roomId)
    {
        return directory.byId(roomId);
    }

    @Override
    public CreateResult createRoom(final String type, final String roomId, final java.util.Map<String, String> roomOptions,
        final long emptyTtlMs)
    {
        final io.tickwire.server.room.JoinResult created = directory.create(type, roomId, roomOptions, emptyTtlMs);
        if (!created.isJoined())
        {
            final int status = switch (created.closeCode())
            {
                case CloseCodes.ALREADY_JOINED -> 409;
                case CloseCodes.ROOM_FULL -> 503;
                default -> 400;
            };
            return new CreateResult(null, status, created.reason());
        }
        final RoomHandle handle = created.handle();
        if (!InboundRecords.offerCreateRoom(loops[handle.loopIndex()].inbound(), handle.key()))
        {
            // Not abandonSeat: this create took no seat, and a joiner may already hold one in the room.
            directory.abandonCreate(handle);
            return new CreateResult(null, 503, "server overloaded: room loop inbound ring full");
        }
        loops[handle.loopIndex()].wake();
        return new CreateResult(handle, 201, null);
    }

    /**
     * Create a room with no options that waits for its first player, then lingers as usual.
     *
     * @param type   room type.
     * @param roomId wanted id, or null.
     * @return the outcome.
     */
    public CreateResult createRoom(final String type, final String roomId)
    {
        return createRoom(type, roomId, java.util.Map.of(), RoomHandle.UNTIL_FIRST_JOIN);
    }

    @Override
    public boolean closeRoom(final String roomId)
    {
        return closeRoom(roomId, CloseCodes.ROOM_CLOSED);
    }

    @Override
    public boolean drain()
    {
        if (closed)
        {
            return false;
        }
        LOG.info("drain requested by admin");
        final Thread drain = new Thread(this::close, "tickwire-drain");
        drain.setDaemon(false);
        drain.start();
        return true;
    }

    @Override
    public String fleetRoomsJson()
    {
        final java.util.function.Supplier<String> supplier = fleetRoomsJson;
        return supplier == null ? null : supplier.get();
    }

    /**
     * Told about a shutdown: {@link #onDraining()} runs before any client is told, so that the fleet
     * stops sending players here first; {@link #onStopped()} runs once everything has stopped.
     * Called on the thread that runs {@link #close()}.
     */
    public interface ShutdownListener
    {
        /** The server stops accepting players; clients are told next. May block briefly. */
        void onDraining();

        /** The server has stopped. */
        void onStopped();
    }

    /**
     * How a shutdown tells clients to go (a fleet tells them to rejoin through the matchmaker) and
     * who hears about it. Call before {@link #close()}; any thread.
     *
     * @param listener  told about draining and stopping, or null.
     * @param closeCode the {@link CloseCodes} value every client gets on shutdown.
     * @param reason    the reason they get with it.
     */
    public void shutdownBehaviour(final ShutdownListener listener, final int closeCode, final String reason)
    {
        this.shutdownListener = listener;
        this.shutdownCloseCode = closeCode;
        this.shutdownReason = reason;
    }

    /**
     * Serve {@code GET /fleet/rooms} on the admin port from this supplier (the fleet's room listing
     * as JSON, or null when it cannot be read). Any thread.
     *
     * @param supplier the listing, called on the admin thread.
     */
    public void fleetRoomsJson(final java.util.function.Supplier<String> supplier)
    {
        this.fleetRoomsJson = supplier;
    }

    /**
     * Make every join take its seat through this gate (the fleet's directory, so that it sees each
     * seat with the player who took it). Any thread; joins admitted afterwards use it.
     *
     * @param gate the gate, or null for {@link io.tickwire.server.room.SeatGate#DIRECT}.
     */
    public void seatGate(final io.tickwire.server.room.SeatGate gate)
    {
        this.seatGate = gate == null ? io.tickwire.server.room.SeatGate.DIRECT : gate;
    }

    @Override
    public io.tickwire.server.room.SeatGate seatGate()
    {
        return seatGate;
    }

    /**
     * Wait until {@link #close()} has finished, whoever called it (a signal, an admin drain).
     *
     * @throws InterruptedException when interrupted while waiting.
     */
    public void awaitClosed() throws InterruptedException
    {
        stopped.await();
    }

    @Override
    public String scrapeMetrics()
    {
        return metrics.scrape();
    }

    @Override
    public int maxPlayersPerRoom()
    {
        return options.lifecycle().maxPlayersPerRoom();
    }

    /**
     * @return the options the server runs with.
     */
    public ServerOptions options()
    {
        return options;
    }

    /**
     * @return the bound WebSocket port (the real one when 0 was asked for).
     */
    public int port()
    {
        return ((InetSocketAddress)serverChannel.localAddress()).getPort();
    }

    /**
     * @return the URI clients connect to (loopback when bound to the wildcard address).
     */
    public URI webSocketUri()
    {
        final TransportSettings transport = options.transport();
        final String host = "0.0.0.0".equals(transport.host()) || "::".equals(transport.host()) ?
            "127.0.0.1" : transport.host();
        return URI.create((transport.tlsEnabled() ? "wss://" : "ws://") + host + ":" + port() + transport.webSocketPath());
    }

    /**
     * @return "epoll" or "nio".
     */
    public String transportName()
    {
        return transportName;
    }

    @Override
    public RoomDirectory directory()
    {
        return directory;
    }

    @Override
    public SessionRegistry sessions()
    {
        return sessions;
    }

    @Override
    public RoomLoop loop(final int index)
    {
        return loops[index];
    }

    /**
     * @return number of room loops.
     */
    public int loopCount()
    {
        return loops.length;
    }

    /**
     * @return the counters of every room loop.
     */
    public List<LoopCounters> loopCounters()
    {
        final List<LoopCounters> list = new ArrayList<>(loops.length);
        for (final RoomLoop loop : loops)
        {
            list.add(loop.counters());
        }
        return list;
    }

    @Override
    public ResumeRegistry resumes()
    {
        return resumes;
    }

    @Override
    public TicketVerifier tickets()
    {
        return tickets;
    }

    @Override
    public TransportCounters counters()
    {
        return transportCounters;
    }

    @Override
    public int maxFrameLength()
    {
        return options.limits().maxFrameLength();
    }

    @Override
    public int maxInputPayload()
    {
        return options.limits().maxInputPayload();
    }

    @Override
    public OutboundWriters outboundWriters()
    {
        return outboundWriters;
    }

    @Override
    public long serverTimeNs()
    {
        return System.nanoTime() - startNs;
    }

    /**
     * Bytes queued on the server for one session and not yet written to its socket.
     *
     * @param sessionId the session id from {@code Welcome}.
     * @return pending bytes, or -1 when there is no such session.
     */
    public long pendingOutboundBytes(final String sessionId)
    {
        final Session session = sessions.bySessionId(sessionId);
        return session == null ? -1 : session.pendingOutboundBytes();
    }

    /**
     * Close a room: its players get {@code closeCode} and a reason.
     *
     * @param roomId    the room.
     * @param closeCode a {@link CloseCodes} value.
     * @return true when the room existed and the close was handed to its loop.
     */
    public boolean closeRoom(final String roomId, final int closeCode)
    {
        final RoomHandle handle = directory.byId(roomId);
        if (handle == null ||
            !InboundRecords.offerCloseRoom(loops[handle.loopIndex()].inbound(), handle.key(), closeCode))
        {
            return false;
        }
        loops[handle.loopIndex()].wake();
        return true;
    }

    /**
     * Drain and stop, within {@link LifecycleSettings#shutdownTimeoutMs()}: mark not ready, stop
     * accepting, tell every client 1001 with a reason (their close frames are flushed before their
     * channels close), wait for the connections to go, stop the room loops (each finishes the
     * tick it is in), release the event loops and the admin server. Idempotent; safe from any
     * thread except a room loop or event loop.
     */
    @Override
    public synchronized void close()
    {
        if (closed)
        {
            return;
        }
        closed = true;
        ready = false;
        final long shutdownTimeoutMs = options.lifecycle().shutdownTimeoutMs();
        final long deadlineNs = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(shutdownTimeoutMs);
        LOG.info("shutting down: sessions={} rooms={} timeoutMs={}",
            sessions.size(), directory.roomCount(), shutdownTimeoutMs);
        final ShutdownListener listener = shutdownListener;
        if (listener != null)
        {
            try
            {
                listener.onDraining();
            }
            catch (final RuntimeException ex)
            {
                LOG.warn("shutdown listener failed while draining", ex);
            }
        }
        if (serverChannel != null)
        {
            serverChannel.close().awaitUninterruptibly();
        }
        final int closeCode = shutdownCloseCode;
        final String reason = shutdownReason;
        for (final Session session : sessions.sessions())
        {
            session.closeWith(closeCode, reason);
        }
        while (sessions.size() > 0 && System.nanoTime() - deadlineNs < 0)
        {
            try
            {
                Thread.sleep(5);
            }
            catch (final InterruptedException ex)
            {
                Thread.currentThread().interrupt();
                break;
            }
        }
        if (sessions.size() > 0)
        {
            LOG.warn("shutdown timeout: {} connections still open are dropped", sessions.size());
        }
        for (final RoomLoop loop : loops)
        {
            loop.stopParking();
        }
        CloseHelper.closeAll(runners);
        final long remainingMs = Math.max(0, TimeUnit.NANOSECONDS.toMillis(deadlineNs - System.nanoTime()));
        workerGroup.shutdownGracefully(0, Math.max(100, remainingMs), TimeUnit.MILLISECONDS).awaitUninterruptibly();
        bossGroup.shutdownGracefully(0, 100, TimeUnit.MILLISECONDS).awaitUninterruptibly();
        CloseHelper.closeAll(adminServer, metrics);
        if (listener != null)
        {
            try
            {
                listener.onStopped();
            }
            catch (final RuntimeException ex)
            {
                LOG.warn("shutdown listener failed after stopping", ex);
            }
        }
        LOG.info("tickwire stopped");
        stopped.countDown();
    }
}
