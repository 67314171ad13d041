package io.tickwire.server.faults;

import io.tickwire.client.EntityState;
import io.tickwire.client.StepFunction;
import io.tickwire.protocol.arena.ArenaInput;
import io.tickwire.protocol.schema.EntitySchema;
import io.tickwire.protocol.schema.SchemaField;
import io.tickwire.server.game.arena.ArenaGame;

/**
 * The arena's player movement for the SDK's predictor in the fault tests: a copy of
 * {@link ArenaGame}'s {@code stepPlayer} (as the arena viewer's {@code ArenaStep}, which this module
 * cannot depend on), reading the input with the game's own {@link ArenaInput}. Thread: stateless.
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
        state.setDouble(x, state.getDouble(x) + ax * ArenaGame.PLAYER_SPEED * dt);
        state.setDouble(y, state.getDouble(y) + ay * ArenaGame.PLAYER_SPEED * dt);
        state.setDouble(heading, Math.atan2(ay, ax));
    }
}
