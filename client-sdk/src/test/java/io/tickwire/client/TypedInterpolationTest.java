package io.tickwire.client;

import io.tickwire.protocol.delta.DeltaDecoder;
import io.tickwire.protocol.delta.DeltaEncoder;
import io.tickwire.protocol.delta.WorldState;
import io.tickwire.protocol.schema.EntitySchema;
import io.tickwire.protocol.schema.EntityTypes;
import io.tickwire.protocol.schema.SchemaField;
import io.tickwire.protocol.v1.ServerMessage;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The interpolator over several entity types: each entity is blended with its own type's fields, texts are the
 * newer snapshot's, and the rendered tick (the input's view tick) counts the tick of a dropped snapshot.
 * States come from the real decoder, so STRING slots carry a decoder's local handles.
 */
class TypedInterpolationTest
{
    private static final long MS = 1_000_000L;

    private static final EntityTypes TYPES = EntityTypes.builder()
        .type("bullet", EntitySchema.builder()
            .fixed("x", -100, 100, 0.01)
            .build())
        .type("player", EntitySchema.builder()
            .intField("hp", 0, 100)
            .string("name", 16)
            .fixed("x", -100, 100, 0.01)
            .build())
        .build();
    private static final SchemaField BULLET_X = TYPES.schema(0).field("x");
    private static final SchemaField HP = TYPES.schema(1).field("hp");
    private static final SchemaField NAME = TYPES.schema(1).field("name");
    private static final SchemaField PLAYER_X = TYPES.schema(1).field("x");

    private final DeltaEncoder encoder = new DeltaEncoder(TYPES);
    private final DeltaDecoder decoder = new DeltaDecoder(TYPES);

    /** Bullet 1 and player 2 at a tick, as the client decodes them (full snapshot, so handles are the tick). */
    private WorldState decoded(final int tick, final double bulletX, final int hp, final String name,
        final double playerX) throws Exception
    {
        final int stride = TYPES.maxSlotCount();
        final int[] values = new int[2 * stride];
        final String[] strings = new String[2 * stride];
        values[BULLET_X.firstSlot()] = BULLET_X.quantize(bulletX);
        values[stride + HP.firstSlot()] = HP.quantizeInt(hp);
        values[stride + NAME.firstSlot()] = 1;
        strings[stride + NAME.firstSlot()] = name;
        values[stride + PLAYER_X.firstSlot()] = PLAYER_X.quantize(playerX);
        final WorldState server = new WorldState(TYPES, 2);
        server.capture(tick, tick * 50L, 2, new int[]{ 1, 2 }, new int[]{ 0, 1 }, values, strings);
        final WorldState client = new WorldState(TYPES, 2);
        decoder.apply(null, ServerMessage.parseFrom(encoder.encodeServerMessage(null, server, 0)).getSnapshot(),
            client);
        return client;
    }

    @Test
    void shouldBlendEachEntityWithItsOwnTypeAndShowTheNewerText() throws Exception
    {
        final Interpolator interp = new Interpolator(TYPES, 20, 2.0, 500, 250);
        final RenderState out = interp.newRenderState();
        interp.onState(decoded(10, 0, 80, "ada", -10), 0);
        // Tick 11 was dropped.
        interp.onState(decoded(12, 10, 60, "bob", -20), 100 * MS);

        interp.sampleAt(550 * MS, out);
        assertEquals(2, out.count());
        assertEquals(0, out.typeAt(0));
        assertEquals(1, out.typeAt(1));
        assertEquals(TYPES.schema(1), out.schemaAt(1));
        assertEquals(5.0, out.getDouble(0, BULLET_X), 1e-9);
        assertEquals(-15.0, out.getDouble(1, PLAYER_X), 1e-9);
        assertEquals(80, out.getInt(1, HP), "ints step: the older snapshot's");
        assertEquals("bob", out.getString(1, NAME), "texts are the newer snapshot's, never blended");
        assertEquals(11, out.viewTick(), "halfway from 10 to 12: the dropped tick 11");
        assertEquals(11, interp.viewTick());

        interp.sampleAt(520 * MS, out);
        assertEquals(10, out.viewTick());
        assertEquals("bob", out.getString(1, NAME));
        interp.sampleAt(599 * MS, out);
        assertEquals(11, out.viewTick(), "rounded down, never the next snapshot's tick before it is reached");
        interp.sampleAt(600 * MS, out);
        assertEquals(12, out.viewTick());

        // Extrapolating 60 ms past tick 12 at 50 ms per tick shows tick 13.
        interp.sampleAt(660 * MS, out);
        assertEquals(13, out.viewTick());
        assertTrue(out.extrapolationMs() > 0);
        assertEquals(16.0, out.getDouble(0, BULLET_X), 1e-9);
        assertEquals("bob", out.getString(1, NAME));

        assertTrue(assertThrows(IllegalArgumentException.class, () -> out.getInt(0, HP)).getMessage()
            .contains("field not of this entity's type"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> out.getString(1, HP)).getMessage()
            .contains("not a string field"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> out.getDouble(1, NAME)).getMessage()
            .contains("use getString"));
    }
}
