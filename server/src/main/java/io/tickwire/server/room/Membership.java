package io.tickwire.server.room;

import io.tickwire.protocol.CloseCodes;
import io.tickwire.protocol.ProtocolVersion;
import io.tickwire.protocol.v1.ServerMessage;
import io.tickwire.server.game.Admission;
import io.tickwire.server.game.JoinRequest;
import io.tickwire.server.game.Player;
import io.tickwire.server.logging.LogSafe;
import org.agrona.collections.Long2ObjectHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Who is in the rooms of one room loop: joins (with their {@code Welcome}), resumes on a new
 * connection, leaves, players kept detached for a resume and expired when their grace ends, and
 * the closing of a whole room (operator, shutdown, or a failing game). A lost connection keeps its
 * player only if the client ever acknowledged a snapshot and its address has a free place in
 * {@link DetachedSeats}: otherwise the seat is released at once, so dropped connections cannot
 * squat seats.
 * <p>
 * Thread: the owning room loop.
 */
final class Membership
{
    private static final Logger LOG = LoggerFactory.getLogger(Membership.class);

    private final ClientLinks links;
    private final LoopRooms rooms;
    private final ResumeRegistry resumes;
    private final DetachedSeats detachedSeats;
    private final LoopCounters counters;
    private final TouchedOutboxes touched;
    private final GameMessages messages;
    private final long resumeGraceNs;
    private final Long2ObjectHashMap<Connection> byConnectionId = new Long2ObjectHashMap<>();
    private final Long2ObjectHashMap<Connection> byPlayerKey = new Long2ObjectHashMap<>();

    Membership(
        final ClientLinks links,
        final LoopRooms rooms,
        final ResumeRegistry resumes,
        final DetachedSeats detachedSeats,
        final LoopCounters counters,
        final TouchedOutboxes touched,
        final GameMessages messages,
        final RoomLoopSettings settings)
    {
        this.messages = messages;
        this.links = links;
        this.rooms = rooms;
        this.resumes = resumes;
        this.detachedSeats = detachedSeats;
        this.counters = counters;
        this.touched = touched;
        this.resumeGraceNs = settings.resumeGraceMs() * 1_000_000L;
    }

    /**
     * @return the live connection with this id, or null.
     */
    Connection connection(final long connectionId)
    {
        return byConnectionId.get(connectionId);
    }

    /**
     * @return live connections on this loop.
     */
    int connectionCount()
    {
        return byConnectionId.size();
    }

    void onJoin(final long connectionId, final int roomKey, final long nowNs)
    {
        final ClientLink link = links.byConnectionId(connectionId);
        final Room room = rooms.ensure(roomKey, nowNs);
        if (room == null || room.closed)
        {
            // The handle was reserved by the event loop, so the room must exist unless it failed.
            releaseSeatOf(roomKey);
            if (link != null)
            {
                link.close(CloseCodes.ROOM_NOT_FOUND, "room closed before the join completed");
            }
            counters.recordsOrphaned++;
            return;
        }
        if (link == null || !link.isOpen())
        {
            // The connection closed before its join reached us; its leave record follows or came first.
            room.handle.releaseSeat();
            counters.recordsOrphaned++;
            return;
        }
        final Player player = new Player(link.sessionId(), link.remoteAddress(), link.playerId(), link.claims());
        if (room.closeRequestCode != 0)
        {
            room.handle.releaseSeat();
            link.close(CloseCodes.ROOM_CLOSED, "room closing: " + room.closeRequestReason);
            return;
        }
        final Admission admission;
        try
        {
            admission = room.logic.onJoinAttempt(room.control, new JoinRequest(player, link.joinOptions()));
            if (admission == null)
            {
                throw new IllegalStateException("onJoinAttempt returned null, not an Admission");
            }
        }
        catch (final RuntimeException ex)
        {
            refuseAfterGameError(room, link, player, "onJoinAttempt", ex);
            return;
        }
        if (!admission.accepted())
        {
            room.handle.releaseSeat();
            counters.joinsRefused++;
            link.close(admission.code(), admission.reason());
            LOG.info("join refused by the game: session={} player=\"{}\" room=\"{}\" code={} reason=\"{}\" remote={}",
                link.sessionId(), LogSafe.escape(player.playerId()), LogSafe.escape(room.handle.id()),
                admission.code(), LogSafe.escape(admission.reason()), link.remoteAddress());
            return;
        }
        final Connection c = new Connection(link, player, room, nowNs);
        c.welcomePending = true;
        room.add(c);
        try
        {
            room.logic.onJoin(room.control, player);
        }
        catch (final RuntimeException ex)
        {
            room.remove(c, nowNs);
            refuseAfterGameError(room, link, player, "onJoin", ex);
            return;
        }
        room.everJoined = true;
        byConnectionId.put(connectionId, c);
        byPlayerKey.put(c.playerKey, c);
        resumes.put(c.resumeToken, new ResumeRegistry.Target(room.handle, c.playerKey));
        counters.joins++;
        room.handle.publish(room.tick, room.connectionCount);
        sendWelcome(c, false);
        messages.flushAfterWelcome(c);
        LOG.info("player joined: session={} player=\"{}\" room=\"{}\" entity={} remote={}",
            link.sessionId(), LogSafe.escape(player.playerId()), LogSafe.escape(room.handle.id()), player.entityId(),
            link.remoteAddress());
    }

    /**
     * The game failed while admitting one player: that player is refused with 1011, the room plays on.
     */
    private void refuseAfterGameError(
        final Room room, final ClientLink link, final Player player, final String callback, final RuntimeException ex)
    {
        room.handle.releaseSeat();
        counters.gameErrors++;
        counters.joinsRefused++;
        LOG.error("game logic failed, player refused: room=\"{}\" type={} callback={} session={} player=\"{}\" " +
            "remote={}", LogSafe.escape(room.handle.id()), room.handle.type(), callback, player.sessionId(),
            LogSafe.escape(player.playerId()), player.remoteAddress(), ex);
        link.close(CloseCodes.INTERNAL_ERROR, "game failed to add the player in " + callback);
    }

    private void releaseSeatOf(final int roomKey)
    {
        final RoomHandle handle = rooms.directory().byKey(roomKey);
        if (handle != null)
        {
            handle.releaseSeat();
        }
    }

    private void sendWelcome(final Connection c, final boolean resumed)
    {
        final Room room = c.room;
        final byte[] welcome = ServerMessage.newBuilder().setWelcome(room.welcomeTemplate.toBuilder()
            .setSessionId(c.player.sessionId())
            .setResumeToken(c.resumeToken)
            .setRoomId(room.handle.id())
            .setRoomType(room.handle.type())
            .setEntityId(c.player.entityId())
            .setTickRateHz(room.tickRateHz)
            .setServerTick(room.tick)
            .setProtocolVersion(c.link.protocolVersion())
            .setLastInputSeq(c.lastInputSeq)
            .setResumed(resumed)
            .setPlayerId(c.player.playerId() == null ? "" : c.player.playerId()))
            .build().toByteArray();
        final Outbox outbox = c.link.outbox();
        if (!outbox.offer(c.link.connectionId(), Outbox.MESSAGE, welcome))
        {
            counters.outboxFull++;
            c.closing = true;
            c.link.close(CloseCodes.SERVER_OVERLOADED, "server overloaded: outbound queue full, welcome not sent");
            return;
        }
        touched.add(outbox);
    }

    void onResume(final long connectionId, final long playerKey, final long nowNs)
    {
        final ClientLink link = links.byConnectionId(connectionId);
        final Connection c = byPlayerKey.get(playerKey);
        if (link == null || !link.isOpen())
        {
            counters.recordsOrphaned++;
            return;
        }
        if (c == null || c.room.closed)
        {
            link.close(CloseCodes.RESUME_REJECTED, "resume failed: the player is gone (grace period over)");
            return;
        }
        if (c.kicked)
        {
            // The kicked connection's leave (or, detached, the next tick) has yet to remove it: a resume must not
            // take it back before that.
            link.close(CloseCodes.RESUME_REJECTED, "resume failed: the player was kicked");
            return;
        }
        if (c.link != null)
        {
            // The old connection is half-open or still alive: the resuming client wins.
            byConnectionId.remove(c.link.connectionId());
            c.link.close(CloseCodes.SESSION_REPLACED, "player resumed on another connection");
        }
        releaseDetachedSeat(c);
        resumes.remove(c.resumeToken);
        c.link = link;
        c.packedChanges = link.protocolVersion() >= ProtocolVersion.PACKED_CHANGES;
        c.resumeToken = link.resumeToken();
        c.detachedSinceNs = 0;
        c.closing = false;
        c.unwritableSinceNs = 0;
        c.lastAckNs = nowNs;
        byConnectionId.put(connectionId, c);
        resumes.put(c.resumeToken, new ResumeRegistry.Target(c.room.handle, c.playerKey));
        counters.resumes++;
        sendWelcome(c, true);
        try
        {
            c.room.logic.onResume(c.room.control, c.player);
        }
        catch (final RuntimeException ex)
        {
            failRoom(c.room, "onResume", ex, nowNs, c.player);
            return;
        }
        LOG.info("player resumed: session={} player=\"{}\" room=\"{}\" entity={} ackedTick={} lastInputSeq={} remote={}",
            c.player.sessionId(), LogSafe.escape(c.player.playerId()), LogSafe.escape(c.room.handle.id()),
            c.player.entityId(), c.ackedTick, c.lastInputSeq, link.remoteAddress());
    }

    void expireDetached(final Room room, final long nowNs)
    {
        for (int i = room.connectionCount - 1; i >= 0; i--)
        {
            final Connection c = room.connections[i];
            if (c.link == null && (c.kicked || nowNs - c.detachedSinceNs > resumeGraceNs))
            {
                LOG.info("resume grace over: session={} room=\"{}\" kicked={}", c.player.sessionId(),
                    LogSafe.escape(room.handle.id()), c.kicked);
                removeConnection(c, 0, nowNs);
            }
        }
    }

    void onLeave(final long connectionId, final int closeCode, final long nowNs)
    {
        final Connection c = byConnectionId.remove(connectionId);
        if (c == null)
        {
            counters.recordsOrphaned++;
            return;
        }
        if (isLostConnection(closeCode) && resumeGraceNs > 0 && !c.room.closed)
        {
            if (c.everAcked && detachedSeats.tryAcquire(c.player.remoteAddress()))
            {
                // Lost, or timed out (what a dead path looks like): keep the player for a resume.
                LOG.info("player detached: session={} room=\"{}\" graceMs={}",
                    c.player.sessionId(), LogSafe.escape(c.room.handle.id()), resumeGraceNs / 1_000_000);
                c.link = null;
                c.holdsDetachedSeat = true;
                c.detachedSinceNs = nowNs;
                counters.detaches++;
                try
                {
                    c.room.logic.onDetach(c.room.control, c.player);
                }
                catch (final RuntimeException ex)
                {
                    failRoom(c.room, "onDetach", ex, nowNs, c.player);
                }
                return;
            }
            counters.detachesRefused++;
        }
        removeConnection(c, closeCode, nowNs);
    }

    /**
     * @return true for a connection that ended without a close from either side (code 0) or was
     * closed by the ack or idle timeout: the client may never have seen the close frame (dead
     * path, suspended app), so it may come back with its resume token.
     */
    static boolean isLostConnection(final int closeCode)
    {
        return closeCode == 0 || closeCode == CloseCodes.ACK_TIMEOUT || closeCode == CloseCodes.IDLE_TIMEOUT;
    }

    private void releaseDetachedSeat(final Connection c)
    {
        if (c.holdsDetachedSeat)
        {
            c.holdsDetachedSeat = false;
            detachedSeats.release(c.player.remoteAddress());
        }
    }

    private void removeConnection(final Connection c, final int closeCode, final long nowNs)
    {
        final Room room = c.room;
        byPlayerKey.remove(c.playerKey);
        resumes.remove(c.resumeToken);
        releaseDetachedSeat(c);
        if (c.link != null)
        {
            byConnectionId.remove(c.link.connectionId());
        }
        room.remove(c, nowNs);
        room.handle.releaseSeat();
        counters.leaves++;
        if (!room.closed)
        {
            try
            {
                room.logic.onLeave(room.control, c.player, closeCode == CloseCodes.NORMAL);
            }
            catch (final RuntimeException ex)
            {
                failRoom(room, "onLeave", ex, nowNs, c.player);
            }
        }
        room.handle.publish(room.tick, room.connectionCount);
        LOG.info("player left: session={} room=\"{}\" code={} remote={}",
            c.player.sessionId(), LogSafe.escape(room.handle.id()), closeCode, c.player.remoteAddress());
    }

    void failRoom(final Room room, final String callback, final RuntimeException ex, final long nowNs,
        final Player player)
    {
        counters.gameErrors++;
        LOG.error("game logic failed, closing room: room=\"{}\" type={} callback={} tick={} session={} player=\"{}\"",
            LogSafe.escape(room.handle.id()), room.handle.type(), callback, room.tick,
            player == null ? "-" : player.sessionId(), player == null ? "-" : LogSafe.escape(player.playerId()), ex);
        closeRoom(room, CloseCodes.INTERNAL_ERROR, "game logic failed in " + callback, nowNs);
    }

    void closeRoom(final Room room, final int closeCode, final String reason, final long nowNs)
    {
        if (room.closed)
        {
            return;
        }
        room.closed = true;
        room.handle.retire();
        for (int i = room.connectionCount - 1; i >= 0; i--)
        {
            final Connection c = room.connections[i];
            c.closing = true;
            if (c.link != null)
            {
                c.link.close(closeCode, reason);
            }
            else
            {
                removeConnection(c, closeCode, nowNs);
            }
        }
        // Attached connections stay mapped until their leave records arrive; LoopRooms drops the room.
    }
}
