package io.tickwire.server.room;

import io.tickwire.protocol.CloseCodes;
import io.tickwire.protocol.delta.WorldState;
import io.tickwire.server.game.Player;
import io.tickwire.server.game.Rewind;
import io.tickwire.server.game.RoomContext;
import io.tickwire.server.game.World;
import io.tickwire.server.logging.LogSafe;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.AbstractList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The {@link RoomContext} of one room: what its game sees and does. Sends go through the loop's
 * {@link GameMessages}; a kick closes the connection (the leave follows as a later callback); lock and
 * metadata are published on the {@link RoomHandle}; a close is carried out at the end of the tick.
 * <p>
 * Thread: the owning room loop.
 */
final class RoomControl implements RoomContext
{
    private static final Logger LOG = LoggerFactory.getLogger(RoomControl.class);
    private static final int MAX_METADATA_KEY_CHARS = 64;
    private static final int MAX_METADATA_VALUE_CHARS = 256;
    private static final int MAX_METADATA_ENTRIES = 32;

    private final Room room;
    private final GameMessages messages;
    private final List<Player> players;
    private final Rewind rewind = new Rewind();
    private WorldState beforeFirstTick;

    RoomControl(final Room room, final GameMessages messages)
    {
        this.room = room;
        this.messages = messages;
        this.players = new AbstractList<>()
        {
            @Override
            public Player get(final int index)
            {
                Objects.checkIndex(index, room.connectionCount);
                return room.connections[index].player;
            }

            @Override
            public int size()
            {
                return room.connectionCount;
            }
        };
    }

    @Override
    public String roomId()
    {
        return room.handle.id();
    }

    @Override
    public String roomType()
    {
        return room.handle.type();
    }

    @Override
    public World world()
    {
        return room.world;
    }

    @Override
    public int tickRateHz()
    {
        return room.tickRateHz;
    }

    @Override
    public int tick()
    {
        return room.inTick ? room.tick + 1 : room.tick;
    }

    @Override
    public Rewind rewind(final Player player)
    {
        return rewindTo(player.viewTick());
    }

    @Override
    public Rewind rewindTo(final int tick)
    {
        final int newest = room.tick;
        if (newest == 0)
        {
            // Before the first capture no client has been shown anything: an empty room at tick 0.
            if (beforeFirstTick == null)
            {
                beforeFirstTick = new WorldState(room.types, 1);
            }
            return rewind.wrap(beforeFirstTick, tick);
        }
        final int maxBack = Math.min(room.history.capacity() - 1,
            (int)((long)room.handle.factory().maxRewindMs() * room.tickRateHz / 1000));
        int target = tick;
        if (target <= 0 || target > newest)
        {
            target = newest;
        }
        else if (newest - target > maxBack)
        {
            target = newest - maxBack;
        }
        WorldState state = room.history.get(target);
        while (state == null && target < newest)
        {
            state = room.history.get(++target);
        }
        return rewind.wrap(state == null ? room.history.get(newest) : state, tick);
    }

    @Override
    public long seed()
    {
        return room.seed;
    }

    @Override
    public Map<String, String> options()
    {
        return room.handle.options();
    }

    @Override
    public List<Player> players()
    {
        return players;
    }

    @Override
    public int maxPlayers()
    {
        return room.handle.maxPlayers();
    }

    private void encode(final int type, final byte[] payload)
    {
        if (type < 1)
        {
            throw new IllegalArgumentException("message type must be >= 1: type=" + type);
        }
        if (payload.length > MAX_MESSAGE_BYTES)
        {
            throw new IllegalArgumentException("message too large: length=" + payload.length + ", max=" +
                MAX_MESSAGE_BYTES);
        }
        messages.encode(type, payload, tick());
    }

    @Override
    public boolean send(final Player player, final int type, final byte[] payload)
    {
        if (room.closed)
        {
            return false;
        }
        final Connection c = room.connectionOf(player);
        if (c == null)
        {
            return false;
        }
        encode(type, payload);
        return messages.deliver(c);
    }

    @Override
    public int broadcast(final int type, final byte[] payload)
    {
        return broadcastExcept(null, type, payload);
    }

    @Override
    public int broadcastExcept(final Player except, final int type, final byte[] payload)
    {
        if (room.closed)
        {
            return 0;
        }
        encode(type, payload);
        int sent = 0;
        for (int i = 0; i < room.connectionCount; i++)
        {
            final Connection c = room.connections[i];
            if (c.player != except && messages.deliver(c))
            {
                sent++;
            }
        }
        return sent;
    }

    @Override
    public int sendTo(final Collection<Player> recipients, final int type, final byte[] payload)
    {
        if (room.closed)
        {
            return 0;
        }
        encode(type, payload);
        int sent = 0;
        for (final Player player : recipients)
        {
            final Connection c = room.connectionOf(player);
            if (c != null && messages.deliver(c))
            {
                sent++;
            }
        }
        return sent;
    }

    @Override
    public void kick(final Player player, final int code, final String reason)
    {
        if (!CloseCodes.isGameDefined(code))
        {
            throw new IllegalArgumentException("kick code outside the game range: code=" + code + ", range=" +
                CloseCodes.GAME_MIN + ".." + CloseCodes.GAME_MAX);
        }
        final Connection c = room.connectionOf(player);
        if (c == null || c.closing || c.kicked)
        {
            return;
        }
        messages.counters.kicks++;
        LOG.info("player kicked: session={} player=\"{}\" room=\"{}\" code={} reason=\"{}\"",
            player.sessionId(), LogSafe.escape(player.playerId()), LogSafe.escape(room.handle.id()), code,
            LogSafe.escape(reason));
        // Kicked whether attached or not: a resume racing the kicked connection's leave is refused.
        c.kicked = true;
        if (c.link == null)
        {
            return;
        }
        c.closing = true;
        c.link.close(code, reason);
    }

    @Override
    public void lock()
    {
        room.handle.locked(true);
    }

    @Override
    public void unlock()
    {
        room.handle.locked(false);
    }

    @Override
    public boolean isLocked()
    {
        return room.handle.isLocked();
    }

    @Override
    public void setMetadata(final String key, final String value)
    {
        if (key == null || key.isEmpty() || key.length() > MAX_METADATA_KEY_CHARS)
        {
            throw new IllegalArgumentException("metadata key must have 1.." + MAX_METADATA_KEY_CHARS +
                " characters: key=" + key);
        }
        if (value != null && value.length() > MAX_METADATA_VALUE_CHARS)
        {
            throw new IllegalArgumentException("metadata value too long: key=" + key + ", length=" + value.length() +
                ", max=" + MAX_METADATA_VALUE_CHARS);
        }
        final Map<String, String> next = new HashMap<>(room.handle.metadata());
        if (value == null)
        {
            next.remove(key);
        }
        else
        {
            next.put(key, value);
        }
        if (next.size() > MAX_METADATA_ENTRIES)
        {
            throw new IllegalArgumentException("too many metadata entries: entries=" + next.size() + ", max=" +
                MAX_METADATA_ENTRIES);
        }
        room.handle.metadata(Map.copyOf(next));
    }

    @Override
    public Map<String, String> metadata()
    {
        return room.handle.metadata();
    }

    @Override
    public void close(final String reason)
    {
        if (room.closeRequestCode == 0 && !room.closed)
        {
            room.closeRequestCode = CloseCodes.ROOM_CLOSED;
            room.closeRequestReason = reason == null ? "room closed by the game" : reason;
        }
    }

    @Override
    public String toString()
    {
        return "RoomContext{room=" + room.handle.id() + ", type=" + room.handle.type() + '}';
    }
}
