package io.tickwire.loadtest;

import io.tickwire.protocol.schema.EntitySchema;
import io.tickwire.server.game.GameLogic;
import io.tickwire.server.game.GameLogicFactory;
import io.tickwire.server.game.Player;
import io.tickwire.server.game.RoomContext;
import org.agrona.DirectBuffer;

import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A test game that counts what bots send it: on join it sends the player {@link #HELLO}, every game message
 * is counted and answered with {@link #ECHO} carrying the same bytes. It remembers the player ids and claims
 * it admitted. Room loop thread; the counters are read by the test thread.
 */
final class CountingGame implements GameLogic
{
    static final String TYPE = "counting";
    static final int HELLO = 1;
    static final int ECHO = 2;
    private static final EntitySchema SCHEMA = EntitySchema.builder().intField("kind", 0, 3).build();

    final AtomicLong messages = new AtomicLong();
    final Set<String> playerIds = ConcurrentHashMap.newKeySet();
    final Set<String> teams = ConcurrentHashMap.newKeySet();

    GameLogicFactory factory()
    {
        return new GameLogicFactory()
        {
            @Override
            public String type()
            {
                return TYPE;
            }

            @Override
            public EntitySchema schema()
            {
                return SCHEMA;
            }

            @Override
            public GameLogic create(final RoomContext room)
            {
                return CountingGame.this;
            }
        };
    }

    @Override
    public void onJoin(final RoomContext room, final Player player)
    {
        playerIds.add(String.valueOf(player.playerId()));
        final Map<String, String> claims = player.claims();
        teams.add(claims.getOrDefault("team", ""));
        room.send(player, HELLO, new byte[0]);
    }

    @Override
    public void onInput(
        final RoomContext room, final Player player, final int seq, final DirectBuffer payload, final int offset,
        final int length)
    {
    }

    @Override
    public void onMessage(
        final RoomContext room, final Player player, final int type, final DirectBuffer payload, final int offset,
        final int length)
    {
        messages.incrementAndGet();
        final byte[] copy = new byte[length];
        payload.getBytes(offset, copy);
        room.send(player, ECHO, copy);
    }

    @Override
    public void onTick(final RoomContext room, final int tick)
    {
    }

    @Override
    public void onLeave(final RoomContext room, final Player player, final boolean consented)
    {
    }
}
