package io.tickwire.protocol.arena;

import io.tickwire.protocol.predict.EntityStep;
import io.tickwire.protocol.predict.EntityView;
import io.tickwire.protocol.schema.EntitySchema;
import io.tickwire.protocol.schema.SchemaField;

/**
 * The arena's player movement, the one copy run by the server's {@code ArenaGame} for the input it applies
 * in a tick and by every client predicting it (the arena viewer, bots, tests). The input is read with
 * {@link ArenaInput} (two signed bytes scaled to [-1, 1], clamped to length 1); a non-zero axis moves the
 * player {@link #PLAYER_SPEED} units per second for one tick and turns the heading along the motion; a zero
 * axis, or a payload shorter than {@link ArenaInput#LENGTH}, leaves the player where it is. Positions are
 * quantized (and clamped to the arena) by the schema's own fields as the view writes them.
 * <p>
 * Predicted fields: {@code x}, {@code y}, {@code heading}; {@code kind} is the server's alone.
 * <p>
 * Thread: immutable, allocates nothing; shareable across threads.
 */
public final class ArenaStep implements EntityStep
{
    /** Player speed in units per second. */
    public static final double PLAYER_SPEED = 6.0;
    /** Half the side of the arena in units. */
    public static final double HALF_SIZE = 50.0;

    private final SchemaField x;
    private final SchemaField y;
    private final SchemaField heading;
    private final SchemaField[] predicted;
    private final double dtSeconds;

    /**
     * @param schema     the arena's schema (fields {@code x}, {@code y}, {@code heading}).
     * @param tickRateHz the room's tick rate; one step is {@code 1.0 / tickRateHz} seconds, as the server's
     *                   {@code RoomContext.tickSeconds()}.
     */
    public ArenaStep(final EntitySchema schema, final int tickRateHz)
    {
        if (tickRateHz <= 0)
        {
            throw new IllegalArgumentException("tick rate must be > 0: tickRateHz=" + tickRateHz);
        }
        this.x = schema.field("x");
        this.y = schema.field("y");
        this.heading = schema.field("heading");
        this.predicted = new SchemaField[]{ x, y, heading };
        this.dtSeconds = 1.0 / tickRateHz;
    }

    @Override
    public void step(final EntityView entity, final byte[] input, final int offset, final int length)
    {
        if (length < ArenaInput.LENGTH)
        {
            return;
        }
        final byte bx = input[offset];
        final byte by = input[offset + 1];
        final double ax = ArenaInput.axisX(bx, by);
        final double ay = ArenaInput.axisY(bx, by);
        if (ax == 0 && ay == 0)
        {
            return;
        }
        entity.setDouble(x, entity.getDouble(x) + ax * PLAYER_SPEED * dtSeconds);
        entity.setDouble(y, entity.getDouble(y) + ay * PLAYER_SPEED * dtSeconds);
        entity.setDouble(heading, Math.atan2(ay, ax));
    }

    @Override
    public SchemaField[] predictedFields()
    {
        return predicted;
    }
}
