package io.tickwire.examples.shooter.server;

import io.tickwire.examples.shooter.Shooter;
import io.tickwire.protocol.schema.EntitySchema;
import io.tickwire.server.game.GameLogic;
import io.tickwire.server.game.GameLogicFactory;
import io.tickwire.server.game.RoomContext;

import java.util.HashMap;
import java.util.Map;

/**
 * The shooter room type, as the stock server finds it in the game jar
 * ({@code META-INF/services/io.tickwire.server.game.GameLogicFactory}): 8 seats, 20 Hz, room options
 * {@code mode}, {@code map} and {@code kills}; the other join options ({@code name}, {@code team}) are the
 * player's. Stateless; any thread.
 */
public final class ShooterFactory implements GameLogicFactory
{
    @Override
    public String type()
    {
        return Shooter.TYPE;
    }

    @Override
    public EntitySchema schema()
    {
        return Shooter.SCHEMA;
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
