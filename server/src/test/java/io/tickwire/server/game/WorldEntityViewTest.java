package io.tickwire.server.game;

import io.tickwire.client.EntityState;
import io.tickwire.protocol.arena.ArenaInput;
import io.tickwire.protocol.arena.ArenaStep;
import io.tickwire.protocol.predict.EntityView;
import io.tickwire.protocol.schema.SchemaField;
import io.tickwire.server.game.arena.ArenaGame;
import org.junit.jupiter.api.Test;

import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The server's view of one entity runs a shared step bit for bit as the client SDK's predicted state does.
 */
class WorldEntityViewTest
{
    private static final int TICK_RATE_HZ = 30;

    @Test
    void shouldRunSharedStepOverWorldEntityExactlyAsOverClientState()
    {
        final World world = new World(ArenaGame.SCHEMA, 4);
        world.createEntity();
        final int id = world.createEntity();
        final SchemaField kind = ArenaGame.SCHEMA.field("kind");
        world.setInt(id, kind, ArenaGame.KIND_NPC);
        final EntityState client = new EntityState(ArenaGame.SCHEMA, id);
        client.setInt(kind, ArenaGame.KIND_NPC);
        final ArenaStep step = new ArenaStep(ArenaGame.SCHEMA, TICK_RATE_HZ);
        final SplittableRandom random = new SplittableRandom(42);
        final byte[] input = new byte[ArenaInput.LENGTH + 2];

        for (int i = 0; i < 20_000; i++)
        {
            // Steer mostly into the walls too, so clamping is compared as well; now and then stand still.
            final byte[] axes = i % 50 < 5 ? ArenaInput.encode(0, 0) :
                ArenaInput.encode(random.nextDouble() * 2.4 - 1.2, random.nextDouble() * 2.4 - 1.2);
            input[1] = axes[0];
            input[2] = axes[1];
            final EntityView view = world.entity(id);
            assertEquals(id, view.entityId());
            step.step(view, input, 1, ArenaInput.LENGTH);
            step.step(client, input, 1, ArenaInput.LENGTH);
            for (int s = 0; s < ArenaGame.SCHEMA.slotCount(); s++)
            {
                assertEquals(client.slot(s), world.slot(id, s), "slot " + s + " after input " + i + ": " + client);
            }
        }
        assertEquals(ArenaGame.KIND_NPC, world.getInt(id, kind), "the step does not write kind");
        assertTrue(Math.abs(world.getDouble(id, ArenaGame.SCHEMA.field("x"))) <= ArenaGame.HALF_SIZE);
    }

    @Test
    void shouldHandOutOneReusedViewAndRejectUnknownEntities()
    {
        final World world = new World(ArenaGame.SCHEMA, 4);
        final int a = world.createEntity();
        final int b = world.createEntity();
        final SchemaField x = ArenaGame.SCHEMA.field("x");

        final EntityView viewA = world.entity(a);
        viewA.setDouble(x, 1.234);
        final EntityView viewB = world.entity(b);
        viewB.setDouble(x, -2.0);

        assertSame(viewA, viewB);
        assertEquals(1.23, world.getDouble(a, x), 1e-9, "quantized to the field's centimetres");
        assertEquals(-2.0, world.getDouble(b, x), 1e-9);
        final IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> world.entity(99));
        assertTrue(e.getMessage().contains("id=99"), e.getMessage());
    }
}
