package io.tickwire.server.fleet.matchmaker;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.resource.ClientResources;
import io.lettuce.core.resource.DefaultClientResources;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.tickwire.protocol.ticket.JoinTickets;
import io.tickwire.server.fleet.redis.FleetDirectory;
import io.tickwire.server.fleet.redis.RedisConnector;
import io.tickwire.server.fleet.redis.RedisRoomRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * The matchmaker's HTTP API on Netty:
 * <ul>
 *     <li>{@code POST /v1/join-or-create} {@code {"roomType":"arena","playerId":"optional"}}</li>
 *     <li>{@code POST /v1/join-by-id} {@code {"roomId":"...","playerId":"optional"}}</li>
 *     <li>answer 200 {@code {"url","roomId","ticket","playerId","serverId","createdRoom","expiresAtEpochSeconds"}},
 *     or 400/401/404/409/503 {@code {"error": reason}}: 503 when Redis is down or no server can take the
 *     player, within about a second, never a hang;</li>
 *     <li>{@code GET /health} (process up), {@code GET /ready} (Redis answers), {@code GET /rooms}
 *     (the whole directory).</li>
 * </ul>
 * With an API token, the two POSTs need {@code Authorization: Bearer <token>}: the game backend,
 * which knows who the player is, asks on the player's behalf.
 * <p>
 * Threads: one accept thread, {@code tickwire-mm-io-*} event loops, one {@code tickwire-mm-admin}
 * thread for the blocking directory listing, Lettuce's I/O threads.
 */
public final class MatchmakerServer implements AutoCloseable
{
    private static final Logger LOG = LoggerFactory.getLogger(MatchmakerServer.class);
    private static final int MAX_REQUEST_BYTES = 16 * 1024;

    private final ClientResources resources;
    private final RedisClient redisClient;
    private final RedisConnector redis;
    private final Matchmaker matchmaker;
    private final EventLoopGroup bossGroup;
    private final EventLoopGroup workerGroup;
    private final ExecutorService adminExecutor;
    private final byte[] apiToken;
    private final Channel channel;

    private MatchmakerServer(final MatchmakerSettings settings)
    {
        final RedisURI uri = RedisURI.create(settings.redisUrl());
        uri.setTimeout(RedisRoomRegistry.COMMAND_TIMEOUT);
        this.resources = DefaultClientResources.builder().ioThreadPoolSize(2).computationThreadPoolSize(1).build();
        this.redisClient = RedisClient.create(resources, uri);
        redisClient.setOptions(RedisRoomRegistry.clientOptions());
        this.redis = new RedisConnector(redisClient, uri);
        redis.connection().whenComplete((c, ex) ->
        {
            if (ex == null)
            {
                io.tickwire.server.fleet.redis.FleetScripts.loadAll(c.async());
            }
            else
            {
                LOG.warn("redis unreachable at start: redis={}:{} error={}; answering 503 until it is up",
                    uri.getHost(), uri.getPort(), ex.getMessage());
            }
        });
        this.bossGroup = new MultiThreadIoEventLoopGroup(1, new DefaultThreadFactory("tickwire-mm-accept"),
            NioIoHandler.newFactory());
        this.workerGroup = new MultiThreadIoEventLoopGroup(0, new DefaultThreadFactory("tickwire-mm-io"),
            NioIoHandler.newFactory());
        this.adminExecutor = Executors.newSingleThreadExecutor(new DefaultThreadFactory("tickwire-mm-admin", true));
        this.apiToken = settings.apiToken() == null ? null : settings.apiToken().getBytes(StandardCharsets.UTF_8);
        this.matchmaker = new Matchmaker(redis, JoinTickets.ofSecret(settings.ticketSecret()), workerGroup,
            Clock.systemUTC(), settings.reservationTtlMs(), settings.ticketTtlSeconds());
        final Handler handler = new Handler();
        try
        {
            this.channel = new ServerBootstrap()
                .group(bossGroup, workerGroup)
                .channel(NioServerSocketChannel.class)
                .option(ChannelOption.SO_BACKLOG, 1024)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childHandler(new ChannelInitializer<SocketChannel>()
                {
                    @Override
                    protected void initChannel(final SocketChannel ch)
                    {
                        ch.pipeline().addLast(new HttpServerCodec(), new HttpObjectAggregator(MAX_REQUEST_BYTES), handler);
                    }
                })
                .bind(settings.host(), settings.port()).syncUninterruptibly().channel();
        }
        catch (final RuntimeException ex)
        {
            closeQuietly();
            throw new IllegalStateException("cannot bind matchmaker port: host=" + settings.host() + ", port=" +
                settings.port() + ": " + ex.getMessage(), ex);
        }
    }

    /**
     * Connect to Redis and bind the HTTP port. Redis need not be up: the first connection attempt
     * failing is logged and the matchmaker answers 503 until it can connect (Lettuce reconnects).
     *
     * @param settings the matchmaker's settings.
     * @return the running matchmaker.
     * @throws IllegalStateException when the port cannot be bound.
     */
    public static MatchmakerServer start(final MatchmakerSettings settings)
    {
        final MatchmakerServer server = new MatchmakerServer(settings);
        LOG.info("tickwire matchmaker listening: port={} reservationTtlMs={} ticketTtlSeconds={} apiToken={}",
            server.port(), settings.reservationTtlMs(), settings.ticketTtlSeconds(),
            settings.apiToken() == null ? "none (open: anyone may ask for tickets)" : "required");
        return server;
    }

    /**
     * @return the bound HTTP port.
     */
    public int port()
    {
        return ((InetSocketAddress)channel.localAddress()).getPort();
    }

    /**
     * @return the placement logic (for in-process callers and tests).
     */
    public Matchmaker matchmaker()
    {
        return matchmaker;
    }

    @Override
    public void close()
    {
        if (channel != null)
        {
            channel.close().awaitUninterruptibly();
        }
        closeQuietly();
        LOG.info("tickwire matchmaker stopped");
    }

    private void closeQuietly()
    {
        workerGroup.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly();
        bossGroup.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly();
        adminExecutor.shutdownNow();
        redis.close();
        redisClient.shutdown(Duration.ZERO, Duration.ofSeconds(1));
        resources.shutdown(0, 1, TimeUnit.SECONDS);
    }

    @ChannelHandler.Sharable
    private final class Handler extends SimpleChannelInboundHandler<FullHttpRequest>
    {
        @Override
        protected void channelRead0(final ChannelHandlerContext ctx, final FullHttpRequest request)
        {
            final boolean keepAlive = HttpUtil.isKeepAlive(request);
            final String path = new QueryStringDecoder(request.uri()).path();
            final HttpMethod method = request.method();
            final CompletableFuture<FullHttpResponse> response;
            if ("/v1/join-or-create".equals(path) || "/v1/join-by-id".equals(path))
            {
                response = HttpMethod.POST.equals(method) ? place(path, request) :
                    CompletableFuture.completedFuture(error(HttpResponseStatus.METHOD_NOT_ALLOWED,
                        "method not allowed: " + method + " " + path));
            }
            else if ("/health".equals(path))
            {
                response = CompletableFuture.completedFuture(json(HttpResponseStatus.OK, "{\"status\":\"UP\"}"));
            }
            else if ("/ready".equals(path))
            {
                response = ready();
            }
            else if ("/rooms".equals(path))
            {
                response = CompletableFuture.supplyAsync(() ->
                {
                    try
                    {
                        return json(HttpResponseStatus.OK, FleetDirectory.roomsJson(
                            redis.connection().get(RedisRoomRegistry.COMMAND_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)));
                    }
                    catch (final java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException ex)
                    {
                        return error(HttpResponseStatus.SERVICE_UNAVAILABLE, "room directory unavailable (redis): " +
                            (ex.getCause() == null ? ex : ex.getCause()).getMessage());
                    }
                    catch (final InterruptedException ex)
                    {
                        Thread.currentThread().interrupt();
                        return error(HttpResponseStatus.SERVICE_UNAVAILABLE, "interrupted");
                    }
                    catch (final IllegalStateException ex)
                    {
                        return error(HttpResponseStatus.SERVICE_UNAVAILABLE, ex.getMessage());
                    }
                }, adminExecutor);
            }
            else
            {
                response = CompletableFuture.completedFuture(error(HttpResponseStatus.NOT_FOUND,
                    "no such endpoint: " + path));
            }
            response.whenComplete((r, ex) ->
            {
                final FullHttpResponse out = ex == null ? r : error(HttpResponseStatus.INTERNAL_SERVER_ERROR,
                    "matchmaker failed: " + ex);
                HttpUtil.setKeepAlive(out, keepAlive);
                if (keepAlive)
                {
                    ctx.writeAndFlush(out);
                }
                else
                {
                    ctx.writeAndFlush(out).addListener(ChannelFutureListener.CLOSE);
                }
            });
        }

        @Override
        public void exceptionCaught(final ChannelHandlerContext ctx, final Throwable cause)
        {
            LOG.debug("matchmaker connection error: {}", cause.toString());
            ctx.close();
        }
    }

    private CompletableFuture<FullHttpResponse> place(final String path, final FullHttpRequest request)
    {
        if (apiToken != null)
        {
            final String header = request.headers().get(HttpHeaderNames.AUTHORIZATION);
            if (header == null || !header.startsWith("Bearer ") ||
                !MessageDigest.isEqual(apiToken, header.substring(7).getBytes(StandardCharsets.UTF_8)))
            {
                return CompletableFuture.completedFuture(error(HttpResponseStatus.UNAUTHORIZED,
                    "missing or wrong API token: send 'Authorization: Bearer <token>'"));
            }
        }
        final JsonObject body;
        try
        {
            final JsonElement parsed = JsonParser.parseString(request.content().toString(StandardCharsets.UTF_8));
            if (!parsed.isJsonObject())
            {
                throw new JsonParseException("not an object");
            }
            body = parsed.getAsJsonObject();
        }
        catch (final JsonParseException | IllegalStateException ex)
        {
            return CompletableFuture.completedFuture(error(HttpResponseStatus.BAD_REQUEST,
                "body must be a JSON object: " + ex.getMessage()));
        }
        final String playerId = text(body, "playerId");
        final CompletableFuture<Placement> placement = "/v1/join-or-create".equals(path) ?
            matchmaker.joinOrCreate(text(body, "roomType"), playerId) :
            matchmaker.joinById(text(body, "roomId"), playerId);
        return placement.handle((p, ex) ->
        {
            if (ex == null)
            {
                final JsonObject out = new JsonObject();
                out.addProperty("url", p.url());
                out.addProperty("roomId", p.roomId());
                out.addProperty("ticket", p.ticket());
                out.addProperty("playerId", p.playerId());
                out.addProperty("serverId", p.serverId());
                out.addProperty("createdRoom", p.createdRoom());
                out.addProperty("expiresAtEpochSeconds", p.expiresAtEpochSeconds());
                return json(HttpResponseStatus.OK, out.toString());
            }
            final Throwable cause = ex instanceof CompletionException && ex.getCause() != null ? ex.getCause() : ex;
            if (cause instanceof MatchmakingException)
            {
                return error(HttpResponseStatus.valueOf(((MatchmakingException)cause).httpStatus()), cause.getMessage());
            }
            LOG.warn("matchmaking failed: {}", cause.toString());
            return error(HttpResponseStatus.SERVICE_UNAVAILABLE, "matchmaking failed: " + cause.getMessage());
        });
    }

    private CompletableFuture<FullHttpResponse> ready()
    {
        return redis.connection().thenCompose(c -> c.async().ping().toCompletableFuture()).handle((pong, ex) -> ex == null ?
            json(HttpResponseStatus.OK, "{\"ready\":true}") :
            error(HttpResponseStatus.SERVICE_UNAVAILABLE, "room directory unavailable (redis): " + ex.getMessage()));
    }

    private static String text(final JsonObject body, final String name)
    {
        final JsonElement value = body.get(name);
        return value == null || !value.isJsonPrimitive() ? null : value.getAsString();
    }

    private static FullHttpResponse error(final HttpResponseStatus status, final String message)
    {
        final JsonObject out = new JsonObject();
        out.addProperty("error", message);
        return json(status, out.toString());
    }

    private static FullHttpResponse json(final HttpResponseStatus status, final String body)
    {
        final FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status,
            Unpooled.copiedBuffer(body, StandardCharsets.UTF_8));
        response.headers().set(HttpHeaderNames.CONTENT_TYPE, HttpHeaderValues.APPLICATION_JSON);
        response.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, response.content().readableBytes());
        response.headers().set(HttpHeaderNames.CACHE_CONTROL, "no-store");
        return response;
    }
}
