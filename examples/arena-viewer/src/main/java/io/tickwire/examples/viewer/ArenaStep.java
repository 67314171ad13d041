package io.tickwire.examples.viewer;

import io.tickwire.client.EntityState;
import io.tickwire.client.StepFunction;
import io.tickwire.protocol.arena.ArenaInput;
import io.tickwire.protocol.schema.EntitySchema;
import io.tickwire.protocol.schema.SchemaField;

/**
 * The arena's player movement for client-side prediction: a line-for-line mirror of
 * {@code io.tickwire.server.game.arena.ArenaGame}'s {@code stepPlayer}. The input is read with the
 * game's own {@link ArenaInput} (two signed bytes scaled to [-1, 1], clamped to length 1); a non-zero
 * axis moves the player {@link #PLAYER_SPEED} units per second for one tick and turns the heading along
 * the motion; a zero axis leaves the player where it is. Positions are quantized through the
 * schema's own fields ({@link EntityState#setDouble}), exactly as the server's world quantizes them, so a
 * prediction is bit-exact when the server processes one input per tick.
 * <p>
 * Thread: stateless; runs on the thread driving the {@link io.tickwire.client.Predictor}.
 */
public final class ArenaStep implements StepFunction
{
    /** Player speed in units per second (the server's {@code ArenaGame.PLAYER_SPEED}). */
    public static final double PLAYER_SPEED = 6.0;
    /** Half the arena's side in units (the server's {@code ArenaGame.HALF_SIZE}). */
    public static final double HALF_SIZE = 50.0;
    /** Entity kind of a player. */
    public static final int KIND_PLAYER = 0;
    /** Entity kind of an NPC. */
    public static final int KIND_NPC = 1;

    private final SchemaField x;
    private final SchemaField y;
    private final SchemaField heading;
    private final double dt;

    /**
     * @param schema     the session's schema (fields {@code x}, {@code y}, {@code heading}).
     * @param tickRateHz the room's tick rate.
     */
    public ArenaStep(final EntitySchema schema, final int tickRateHz)
    {
        this.x = schema.field("x");
        this.y = schema.field("y");
        this.heading = schema.field("heading");
        this.dt = 1.0 / tickRateHz;
    }

    @Override
    public void step(final EntityState state, final byte[] input)
    {
        if (input.length < ArenaInput.LENGTH)
        {
            return;
        }
        final double ax = ArenaInput.axisX(input[0], input[1]);
        final double ay = ArenaInput.axisY(input[0], input[1]);
        if (ax == 0 && ay == 0)
        {
            return;
        }
        final double nx = state.getDouble(x) + ax * PLAYER_SPEED * dt;
        final double ny = state.getDouble(y) + ay * PLAYER_SPEED * dt;
        state.setDouble(x, nx);
        state.setDouble(y, ny);
        state.setDouble(heading, Math.atan2(ay, ax));
    }
}
