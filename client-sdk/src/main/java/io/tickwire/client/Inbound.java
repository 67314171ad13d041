package io.tickwire.client;

import com.google.protobuf.InvalidProtocolBufferException;
import io.netty.buffer.ByteBuf;
import io.tickwire.protocol.v1.Error;
import io.tickwire.protocol.v1.ServerMessage;
import io.tickwire.protocol.v1.Welcome;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The session's inbound side: what each frame from the server means. Parses it with the {@link WireCodec},
 * hands {@code Welcome} to the session's state machine, snapshots to the {@link SnapshotReceiver}, pongs to
 * the {@link PingKeeper}, and turns the server's errors and every malformed or unexpected message into an
 * error event (counted in {@link ClientStats#protocolErrors()}), or, before the join, into a failed join.
 * <p>
 * Thread: the session's event loop; only frames of the current link reach it.
 */
final class Inbound
{
    private static final Logger LOG = LoggerFactory.getLogger(Inbound.class);

    /**
     * What only the session's state machine can decide. Thread: the event loop.
     */
    interface Session
    {
        /** A {@code Welcome} on a link not yet welcomed: a first join's, or a resume's. */
        void onWelcome(Link link, Welcome welcome);

        /** An {@code Error} before the first {@code Welcome}: the server refused the join. */
        void onJoinRefused(Error error);
    }

    private final WireCodec codec;
    private final Session session;
    private final PingKeeper pings;
    private final EventDispatcher events;
    private final ClientStats stats;
    private final String uri;
    private SnapshotReceiver receiver;

    Inbound(final WireCodec codec, final Session session, final PingKeeper pings, final EventDispatcher events,
        final ClientStats stats, final String uri)
    {
        this.codec = codec;
        this.session = session;
        this.pings = pings;
        this.events = events;
        this.stats = stats;
        this.uri = uri;
    }

    /**
     * The first {@code Welcome} was accepted: snapshots go to this receiver, errors to the listeners.
     */
    void onJoined(final SnapshotReceiver receiver)
    {
        this.receiver = receiver;
    }

    /**
     * One binary frame of the current link; the caller releases it.
     */
    void onBinaryFrame(final Link link, final ByteBuf content)
    {
        stats.framesIn++;
        final long receiveTimeNanos = System.nanoTime();
        final int sizeBytes = content.readableBytes();
        final ServerMessage message;
        try
        {
            message = codec.parse(content);
        }
        catch (final InvalidProtocolBufferException ex)
        {
            onProtocolError("invalid ServerMessage: length=" + sizeBytes + ", reason=" + ex.getMessage());
            return;
        }
        switch (message.getBodyCase())
        {
            case WELCOME:
                if (link.welcomed || (receiver != null && !link.resume))
                {
                    onProtocolError("duplicate Welcome: sessionId=" + message.getWelcome().getSessionId());
                }
                else
                {
                    session.onWelcome(link, message.getWelcome());
                }
                break;
            case SNAPSHOT:
                if (!link.welcomed)
                {
                    onProtocolError("snapshot before Welcome: tick=" + message.getSnapshot().getTick());
                }
                else
                {
                    receiver.onSnapshot(message.getSnapshot(), sizeBytes, receiveTimeNanos);
                }
                break;
            case PONG:
                if (receiver == null)
                {
                    onProtocolError("Pong before Welcome");
                }
                else
                {
                    events.firePong(pings.onPong(message.getPong()), message.getPong().getServerTick());
                }
                break;
            case ERROR:
                onServerError(link, message.getError());
                break;
            case MESSAGE:
                if (!link.welcomed)
                {
                    onProtocolError("message before Welcome: type=" + message.getMessage().getType());
                }
                else
                {
                    stats.messagesReceived++;
                    events.fireMessage(message.getMessage().getType(), message.getMessage().getPayload().toByteArray(),
                        message.getMessage().getTick());
                }
                break;
            default:
                onProtocolError("ServerMessage without a known body: length=" + sizeBytes);
                break;
        }
    }

    /**
     * A text frame of the current link: not part of the protocol.
     */
    void onTextFrame(final int lengthBytes)
    {
        stats.framesIn++;
        onProtocolError("text frame ignored: length=" + lengthBytes);
    }

    private void onServerError(final Link link, final Error error)
    {
        if (receiver == null || !link.welcomed)
        {
            // A close frame with the same code should follow; remember it in case the connection drops first.
            link.closeCause(error.getCode(), error.getMessage());
            if (receiver == null)
            {
                session.onJoinRefused(error);
            }
        }
        else
        {
            events.fireError(error.getCode(), error.getMessage());
        }
    }

    private void onProtocolError(final String message)
    {
        stats.protocolErrors++;
        if (receiver != null)
        {
            events.fireError(0, message);
        }
        else
        {
            LOG.debug("protocol error before Welcome: uri={}, {}", uri, message);
        }
    }
}
