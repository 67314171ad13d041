package io.tickwire.server.admin;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.tickwire.server.room.RoomHandle;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Routes admin HTTP requests. Stateless and {@link Sharable}; runs on the admin event loop.
 * <p>
 * Reads are open; {@code POST /rooms} and {@code DELETE /rooms/{id}} need
 * {@code Authorization: Bearer <token>} and are disabled (403) when the server has no admin token.
 * <p>
 * Static pages: the monitor ({@code /}, {@code index.html}, {@code app.js}, {@code style.css}) and the
 * spectator ({@code spectate.html}, {@code spectate.js}), which runs the TypeScript SDK's browser
 * bundle {@code tickwire.js}. That bundle is built by {@code client-ts} ({@code npm run build} copies it
 * into this package's resources, untracked) and is optional: a jar built without it answers 404 for it,
 * and the spectator page says how to build it.
 */
@ChannelHandler.Sharable
final class AdminHandler extends SimpleChannelInboundHandler<FullHttpRequest>
{
    private static final Logger LOG = LoggerFactory.getLogger(AdminHandler.class);
    private static final String JSON = "application/json; charset=utf-8";
    private static final String PROMETHEUS_TEXT = "text/plain; version=0.0.4; charset=utf-8";
    private static final String SDK_BUNDLE = "/tickwire.js";
    private static final Map<String, String> STATIC_TYPES = Map.of(
        "/index.html", "text/html; charset=utf-8",
        "/app.js", "text/javascript; charset=utf-8",
        "/style.css", "text/css; charset=utf-8",
        "/spectate.html", "text/html; charset=utf-8",
        "/spectate.js", "text/javascript; charset=utf-8",
        SDK_BUNDLE, "text/javascript; charset=utf-8");

    private final AdminApi api;
    private final byte[] token;
    private final Map<String, byte[]> staticFiles;

    AdminHandler(final AdminApi api, final String token)
    {
        this.api = api;
        this.token = token == null || token.isEmpty() ? null : token.getBytes(StandardCharsets.UTF_8);
        final Map<String, byte[]> files = new HashMap<>();
        for (final String path : STATIC_TYPES.keySet())
        {
            final byte[] content = load(path.substring(1), !SDK_BUNDLE.equals(path));
            if (content != null)
            {
                files.put(path, content);
            }
        }
        this.staticFiles = Map.copyOf(files);
    }

    private static byte[] load(final String name, final boolean required)
    {
        try (InputStream in = AdminHandler.class.getResourceAsStream("/io/tickwire/server/admin/" + name))
        {
            if (in == null)
            {
                if (required)
                {
                    throw new IllegalStateException("monitor page resource missing from the jar: " + name);
                }
                return null;
            }
            return in.readAllBytes();
        }
        catch (final IOException ex)
        {
            throw new IllegalStateException("cannot read monitor page resource: " + name, ex);
        }
    }

    @Override
    protected void channelRead0(final ChannelHandlerContext ctx, final FullHttpRequest request)
    {
        final QueryStringDecoder query = new QueryStringDecoder(request.uri());
        final String path = query.path();
        final HttpMethod method = request.method();
        FullHttpResponse response;
        try
        {
            response = route(request, method, path, query.parameters());
        }
        catch (final RuntimeException ex)
        {
            LOG.error("admin request failed: method={} path={}", method, path, ex);
            response = json(HttpResponseStatus.INTERNAL_SERVER_ERROR, error("internal error: " + ex));
        }
        final boolean keepAlive = HttpUtil.isKeepAlive(request);
        HttpUtil.setKeepAlive(response, keepAlive);
        response.headers().set(HttpHeaderNames.CACHE_CONTROL, "no-store");
        if (keepAlive)
        {
            ctx.writeAndFlush(response);
        }
        else
        {
            ctx.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
        }
    }

    private FullHttpResponse route(final FullHttpRequest request, final HttpMethod method, final String path,
        final Map<String, List<String>> params)
    {
        if ("/".equals(path) || STATIC_TYPES.containsKey(path))
        {
            if (!HttpMethod.GET.equals(method))
            {
                return methodNotAllowed(method, path);
            }
            final String file = "/".equals(path) ? "/index.html" : path;
            if (!staticFiles.containsKey(file))
            {
                return response(HttpResponseStatus.NOT_FOUND, "text/plain; charset=utf-8", Unpooled.wrappedBuffer(
                    ("not built into this jar: " + file + " (run: cd client-ts && npm ci && npm run build, then package " +
                    "the server)").getBytes(StandardCharsets.UTF_8)));
            }
            return response(HttpResponseStatus.OK, STATIC_TYPES.get(file), Unpooled.wrappedBuffer(staticFiles.get(file)));
        }
        switch (path)
        {
            case "/health":
                return HttpMethod.GET.equals(method) ?
                    json(HttpResponseStatus.OK, new Json().beginObject().field("status", "UP").endObject().toString()) :
                    methodNotAllowed(method, path);
            case "/ready":
                if (!HttpMethod.GET.equals(method))
                {
                    return methodNotAllowed(method, path);
                }
                final boolean ready = api.isReady();
                return json(ready ? HttpResponseStatus.OK : HttpResponseStatus.SERVICE_UNAVAILABLE,
                    new Json().beginObject().field("ready", ready).endObject().toString());
            case "/metrics":
                return HttpMethod.GET.equals(method) ?
                    response(HttpResponseStatus.OK, PROMETHEUS_TEXT,
                        Unpooled.wrappedBuffer(api.scrapeMetrics().getBytes(StandardCharsets.UTF_8))) :
                    methodNotAllowed(method, path);
            case "/rooms":
                if (HttpMethod.GET.equals(method))
                {
                    final Json json = new Json().beginObject().beginArray("rooms");
                    for (final RoomHandle room : api.rooms())
                    {
                        writeRoom(json, room);
                    }
                    return json(HttpResponseStatus.OK, json.endArray().endObject().toString());
                }
                if (HttpMethod.POST.equals(method))
                {
                    final FullHttpResponse denied = authorize(request);
                    if (denied != null)
                    {
                        return denied;
                    }
                    return createRoom(first(params, "type"), first(params, "id"), request);
                }
                return methodNotAllowed(method, path);
            case "/fleet/rooms":
                return HttpMethod.GET.equals(method) ? fleetRooms() : methodNotAllowed(method, path);
            case "/drain":
                if (!HttpMethod.POST.equals(method))
                {
                    return methodNotAllowed(method, path);
                }
                final FullHttpResponse deniedDrain = authorize(request);
                if (deniedDrain != null)
                {
                    return deniedDrain;
                }
                return api.drain() ?
                    json(HttpResponseStatus.ACCEPTED, new Json().beginObject().field("draining", true).endObject().toString()) :
                    json(HttpResponseStatus.CONFLICT, error("already stopping"));
            default:
                break;
        }
        if (path.startsWith("/rooms/") && path.length() > "/rooms/".length())
        {
            final String roomId = QueryStringDecoder.decodeComponent(path.substring("/rooms/".length()));
            if (HttpMethod.GET.equals(method))
            {
                final RoomHandle room = api.room(roomId);
                return room == null ? json(HttpResponseStatus.NOT_FOUND, error("no such room: id=" + roomId)) :
                    json(HttpResponseStatus.OK, writeRoom(new Json(), room).toString());
            }
            if (HttpMethod.DELETE.equals(method))
            {
                final FullHttpResponse denied = authorize(request);
                if (denied != null)
                {
                    return denied;
                }
                if (!api.closeRoom(roomId))
                {
                    return json(HttpResponseStatus.NOT_FOUND, error("no such room: id=" + roomId));
                }
                LOG.info("room close requested by admin: room={}", roomId);
                return json(HttpResponseStatus.OK,
                    new Json().beginObject().field("closed", roomId).endObject().toString());
            }
            return methodNotAllowed(method, path);
        }
        return json(HttpResponseStatus.NOT_FOUND, error("no such endpoint: " + path));
    }

    private FullHttpResponse fleetRooms()
    {
        try
        {
            final String rooms = api.fleetRoomsJson();
            return rooms == null ?
                json(HttpResponseStatus.NOT_FOUND, error("no fleet directory: start the server with --redis-url")) :
                json(HttpResponseStatus.OK, rooms);
        }
        catch (final IllegalStateException ex)
        {
            return json(HttpResponseStatus.SERVICE_UNAVAILABLE, error(ex.getMessage()));
        }
    }

    private FullHttpResponse createRoom(final String type, final String roomId, final FullHttpRequest request)
    {
        if (type == null || type.isEmpty())
        {
            return json(HttpResponseStatus.BAD_REQUEST, error("query parameter 'type' is required, e.g. ?type=arena"));
        }
        final CreateRoomBody body;
        try
        {
            body = CreateRoomBody.parse(request.content().toString(StandardCharsets.UTF_8));
        }
        catch (final IllegalArgumentException ex)
        {
            return json(HttpResponseStatus.BAD_REQUEST, error(ex.getMessage()));
        }
        final AdminApi.CreateResult result = api.createRoom(type, roomId, body.options(), body.emptyTtlMs());
        if (result.handle() == null)
        {
            return json(HttpResponseStatus.valueOf(result.httpStatus()), error(result.error()));
        }
        LOG.info("room created by admin: room={} type={}", result.handle().id(), type);
        return json(HttpResponseStatus.CREATED, writeRoom(new Json(), result.handle()).toString());
    }

    private FullHttpResponse authorize(final FullHttpRequest request)
    {
        if (token == null)
        {
            return json(HttpResponseStatus.FORBIDDEN,
                error("admin mutations are disabled: start the server with --admin-token (or TICKWIRE_ADMIN_TOKEN)"));
        }
        final String header = request.headers().get(HttpHeaderNames.AUTHORIZATION);
        final String prefix = "Bearer ";
        if (header == null || !header.startsWith(prefix) ||
            !MessageDigest.isEqual(token, header.substring(prefix.length()).getBytes(StandardCharsets.UTF_8)))
        {
            final FullHttpResponse response = json(HttpResponseStatus.UNAUTHORIZED,
                error("missing or wrong admin token: send 'Authorization: Bearer <token>'"));
            response.headers().set(HttpHeaderNames.WWW_AUTHENTICATE, "Bearer");
            return response;
        }
        return null;
    }

    private Json writeRoom(final Json json, final RoomHandle room)
    {
        return json.beginObject()
            .field("id", room.id())
            .field("type", room.type())
            .field("players", room.players())
            .field("seatsTaken", room.seatsTaken())
            .field("maxPlayers", room.maxPlayers())
            .field("tick", room.currentTick())
            .field("tickP99Ms", room.tickP99Ns() / 1e6)
            .field("bytesOutPerSecond", room.bytesOutPerSecond())
            .field("bytesOutTotal", room.bytesOutTotal())
            .field("loop", room.loopIndex())
            .field("locked", room.isLocked())
            .object("options", room.options())
            .object("metadata", room.metadata())
            .endObject();
    }

    private static String first(final Map<String, List<String>> params, final String name)
    {
        final List<String> values = params.get(name);
        return values == null || values.isEmpty() ? null : values.get(0);
    }

    private static String error(final String message)
    {
        return new Json().beginObject().field("error", message).endObject().toString();
    }

    private static FullHttpResponse methodNotAllowed(final HttpMethod method, final String path)
    {
        return json(HttpResponseStatus.METHOD_NOT_ALLOWED, error("method not allowed: " + method + " " + path));
    }

    private static FullHttpResponse json(final HttpResponseStatus status, final String body)
    {
        return response(status, JSON, Unpooled.wrappedBuffer(body.getBytes(StandardCharsets.UTF_8)));
    }

    private static FullHttpResponse response(final HttpResponseStatus status, final String contentType,
        final ByteBuf body)
    {
        final FullHttpResponse response = new DefaultFullHttpResponse(
            io.netty.handler.codec.http.HttpVersion.HTTP_1_1, status, body);
        response.headers()
            .set(HttpHeaderNames.CONTENT_TYPE, contentType)
            .setInt(HttpHeaderNames.CONTENT_LENGTH, body.readableBytes())
            .set("X-Content-Type-Options", "nosniff");
        return response;
    }

    @Override
    public void exceptionCaught(final ChannelHandlerContext ctx, final Throwable cause)
    {
        LOG.debug("admin connection error: remote={} cause={}", ctx.channel().remoteAddress(), cause.toString());
        ctx.close();
    }
}
