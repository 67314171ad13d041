package io.tickwire.examples.shooter.server;

import io.tickwire.examples.shooter.Shooter;
import io.tickwire.protocol.schema.EntityTypes;
import io.tickwire.server.game.GameLogic;
import io.tickwire.server.game.GameLogicFactory;
import io.tickwire.server.game.InterestPolicy;
import io.tickwire.server.game.RoomContext;

import java.util.HashMap;
import java.util.Map;

/**
 * The shooter room type, as the stock server finds it in the game jar
 * ({@code META-INF/services/io.tickwire.server.game.GameLogicFactory}): 8 seats, 20 Hz, four entity types
 * ({@link Shooter#ENTITY_TYPES}), an interest grid, a snapshot budget and a lag-compensation clamp; room options
 * {@code mode}, {@code map} and {@code kills}; the other join options ({@code name}, {@code team}) are the
 * player's. Stateless; any thread.
 */
public final class ShooterFactory implements GameLogicFactory
{
    /** Edge of an interest cell, in map units. */
    static final double CELL_SIZE = 20.0;
    /** Snapshot bytes per connection per tick. */
    static final int SNAPSHOT_BUDGET_BYTES = 512;
    /** Furthest back a shot is tested, in milliseconds. */
    static final int MAX_REWIND_MS = 250;
    private static final InterestPolicy INTEREST = InterestPolicy.grid(CELL_SIZE, 1)
        .typeWeight(Shooter.TYPE_PROJECTILE, 4f)
        .typeWeight(Shooter.TYPE_PICKUP, 0.5f);

    @Override
    public String type()
    {
        return Shooter.TYPE;
    }

    @Override
    public EntityTypes entityTypes()
    {
        return Shooter.ENTITY_TYPES;
    }

    /**
     * A grid of 20-unit cells, each player seeing the 3x3 cells around it: on the default 40-unit map (and
     * anything up to 40) that is the whole map, on a 100-unit map a 60-unit window around the player (fog of
     * war, and a third of the bytes). The scoreboard has no position, so it is global. When a connection's
     * budget is short, projectiles near it go first and pickups (which never move) last.
     */
    @Override
    public InterestPolicy interest()
    {
        return INTEREST;
    }

    /**
     * 512 bytes per connection per tick, 80 kbit/s at 20 Hz. Measured with 8 bots in a 4v4 match to 10 kills
     * on the 40-unit map (the bots' snapshot sizes): 95 to 108 bytes per snapshot on average, 286 at most, so
     * play never waits; what the budget spreads over a few ticks is a burst, such as a join's first
     * snapshot into a room with dozens of tracers in flight (each a creation: id, type and four fields).
     */
    @Override
    public int snapshotBudgetBytes()
    {
        return SNAPSHOT_BUDGET_BYTES;
    }

    /**
     * 250 ms: five ticks at 20 Hz. A shot is tested against what its shooter saw at most this long ago;
     * further back (a laggard, or a forged view tick) it is tested 250 ms back.
     */
    @Override
    public int maxRewindMs()
    {
        return MAX_REWIND_MS;
    }

    @Override
    public int maxPlayers()
    {
        return Shooter.MAX_PLAYERS;
    }

    @Override
    public int tickRateHz()
    {
        return Shooter.TICK_RATE_HZ;
    }

    @Override
    public Map<String, String> roomOptions(final Map<String, String> joinOptions)
    {
        final Map<String, String> room = new HashMap<>(joinOptions);
        room.remove(Shooter.PLAYER_NAME);
        room.remove(Shooter.PLAYER_TEAM);
        return room;
    }

    @Override
    public String validateOptions(final Map<String, String> options)
    {
        return ShooterRules.check(options);
    }

    @Override
    public GameLogic create(final RoomContext room)
    {
        return new ShooterGame(ShooterRules.of(room.options()), room.seed());
    }
}
