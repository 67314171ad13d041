package io.tickwire.server.faults;

import io.tickwire.client.EntityState;
import io.tickwire.client.StepFunction;
import io.tickwire.protocol.schema.EntitySchema;
import io.tickwire.protocol.schema.SchemaField;
import io.tickwire.server.game.arena.ArenaGame;

/**
 * The arena's player movement for the SDK's predictor in the fault tests: a copy of
 * {@link ArenaGame}'s {@code onInput} and {@code stepPlayer} (as the arena viewer's {@code ArenaStep},
 * which this module cannot depend on). Thread: stateless.
 */
final class ArenaStepFunction implements StepFunction
{
    private final SchemaField x;
    private final SchemaField y;
    private final SchemaField heading;
    private final double dt;

    ArenaStepFunction(final EntitySchema schema, final int tickRateHz)
    {
        this.x = schema.field("x");
        this.y = schema.field("y");
        this.heading = schema.field("heading");
        this.dt = 1.0 / tickRateHz;
    }

    @Override
    public void step(final EntityState state, final byte[] input)
    {
        if (input.length < ArenaGame.INPUT_LENGTH)
        {
            return;
        }
        double ax = input[0] / 127.0;
        double ay = input[1] / 127.0;
        final double len = Math.sqrt(ax * ax + ay * ay);
        if (len > 1.0)
        {
            ax /= len;
            ay /= len;
        }
        if (ax == 0 && ay == 0)
        {
            return;
        }
        state.setDouble(x, state.getDouble(x) + ax * ArenaGame.PLAYER_SPEED * dt);
        state.setDouble(y, state.getDouble(y) + ay * ArenaGame.PLAYER_SPEED * dt);
        state.setDouble(heading, Math.atan2(ay, ax));
    }
}
