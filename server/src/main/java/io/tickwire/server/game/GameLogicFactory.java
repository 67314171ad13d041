package io.tickwire.server.game;

import io.tickwire.protocol.schema.EntitySchema;
import io.tickwire.protocol.schema.EntityTypes;

import java.util.Map;

/**
 * A room type: its name, its entity schema, its seats and tick rate, which room options it takes, and how
 * to create a {@link GameLogic} for a new room of it. Registered with the server by name
 * ({@code ServerOptions.Builder.roomType}) or found in a game jar by {@link java.util.ServiceLoader}
 * (list the class in {@code META-INF/services/io.tickwire.server.game.GameLogicFactory}; it needs a public
 * no-argument constructor and a {@link #type()}).
 * <p>
 * Thread: {@link #create(RoomContext)} runs on the room loop thread that will own the room; the other
 * methods may be called from any thread and must be side-effect free.
 */
public interface GameLogicFactory
{
    /**
     * @return the room type name clients join by; required for factories loaded from a game jar, null
     * when the name is given at registration.
     */
    default String type()
    {
        return null;
    }

    /**
     * The fields of every entity of a room type with one kind of entity. Implement this or {@link #entityTypes()}.
     *
     * @return schema of every entity of rooms of this type; the same instance each call.
     */
    default EntitySchema schema()
    {
        throw new UnsupportedOperationException(
            "a room type declares schema() (one kind of entity) or entityTypes() (several): " + getClass().getName());
    }

    /**
     * The kinds of entity rooms of this type hold (player, projectile, pickup...), each with its own fields.
     * Declaring several types, a STRING field, or an owner-only or audience field needs protocol version 2 from
     * clients (both SDKs speak it; a version 1 client is refused with 4003).
     *
     * @return the entity types; by default one type with {@link #schema()}.
     */
    default EntityTypes entityTypes()
    {
        return EntityTypes.single(schema());
    }

    /**
     * Which entities each connection receives. The default sends every entity to everyone; a grid sends each
     * connection the cells around its viewpoint (big worlds).
     *
     * @return the interest policy; the same instance each call.
     */
    default InterestPolicy interest()
    {
        return InterestPolicy.everything();
    }

    /**
     * Most snapshot bytes per connection per tick, or 0 for the server's {@code --snapshot-budget-bytes}
     * (itself 0, unlimited, by default). Over it, changes wait by priority: nearest and longest-waiting first.
     *
     * @return bytes per tick, or 0.
     */
    default int snapshotBudgetBytes()
    {
        return 0;
    }

    /**
     * How far back {@link RoomContext#rewind(Player)} may go for lag compensation.
     *
     * @return milliseconds, default 200.
     */
    default int maxRewindMs()
    {
        return 200;
    }

    /**
     * @return seats per room of this type, or 0 for the server's {@code --max-players-per-room}.
     */
    default int maxPlayers()
    {
        return 0;
    }

    /**
     * @return ticks per second of rooms of this type, or 0 for the server's {@code --tick-rate}.
     */
    default int tickRateHz()
    {
        return 0;
    }

    /**
     * Check the options a room would be created with (from a join by type, or the operator's
     * {@code POST /rooms}). A refusal closes the join with 4015, or answers the operator 400.
     *
     * @param options the requested options; never null.
     * @return null when they are acceptable, else why not, naming the option and the value.
     */
    default String validateOptions(final Map<String, String> options)
    {
        return null;
    }

    /**
     * The part of a join's options that defines a room: what a room created by the join gets as its options
     * (and {@link #validateOptions} checks), and the key join-or-create matches rooms by. The rest are the
     * player's own (a team, a name, a skin): {@link GameLogic#onJoinAttempt} still sees every option of the
     * join in {@link JoinRequest#options()}, but they neither open a room of their own nor keep a player
     * out of one. By default every option is a room option.
     *
     * @param joinOptions the options of a join by type; never null.
     * @return the room options among them, never null (e.g. {@code joinOptions} filtered by key).
     */
    default Map<String, String> roomOptions(final Map<String, String> joinOptions)
    {
        return joinOptions;
    }

    /**
     * @param room the new room: its id, type, tick rate, seed, options; its actions work once
     *             {@link GameLogic#onCreate} runs.
     * @return the room's game.
     */
    GameLogic create(RoomContext room);
}
