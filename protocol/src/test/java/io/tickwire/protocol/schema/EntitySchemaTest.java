package io.tickwire.protocol.schema;

import com.google.protobuf.InvalidProtocolBufferException;
import io.tickwire.protocol.v1.FieldSpec;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class EntitySchemaTest
{
    private static EntitySchema mover()
    {
        return EntitySchema.builder()
            .fixed("x", -512, 512, 0.01)
            .fixed("y", -512, 512, 0.01)
            .angle("heading", 10)
            .intField("kind", 0, 7)
            .intField("hp", 0, 100)
            .quaternion("rot", 9)
            .bool("alive")
            .build();
    }

    @Test
    void shouldLayFieldsOutInSlotOrder()
    {
        final EntitySchema schema = mover();

        assertEquals(10, schema.slotCount());
        assertEquals(7, schema.fields().size());
        final int[] firstSlots = {0, 1, 2, 3, 4, 5, 9};
        for (int i = 0; i < firstSlots.length; i++)
        {
            assertEquals(i, schema.fields().get(i).index());
            assertEquals(firstSlots[i], schema.fields().get(i).firstSlot());
        }
        assertEquals(102_400, schema.slotMax(0));
        assertEquals(1023, schema.slotMax(2));
        assertEquals(7, schema.slotMax(3));
        assertEquals(100, schema.slotMax(4));
        assertEquals(3, schema.slotMax(5));
        assertEquals(511, schema.slotMax(6));
        assertEquals(511, schema.slotMax(8));
        assertEquals(1, schema.slotMax(9));
        for (int s = 0; s < schema.slotCount(); s++)
        {
            assertEquals(s == 2 ? 1023 : 0, schema.slotWrapMask(s), "slot " + s);
        }
        assertEquals(5, schema.field("rot").firstSlot());
        assertTrue(schema.hasField("hp"));
        assertFalse(schema.hasField("mana"));
    }

    @Test
    void shouldRoundTripThroughProto() throws InvalidProtocolBufferException
    {
        final EntitySchema schema = mover();
        final byte[] wire = schema.toProto().toByteArray();
        final EntitySchema back = EntitySchema.fromProto(io.tickwire.protocol.v1.EntitySchema.parseFrom(wire));

        assertEquals(schema, back);
        assertEquals(schema.hashCode(), back.hashCode());
        assertEquals(schema.toString(), back.toString());
    }

    @Test
    void shouldRoundTripRandomSchemasThroughProto() throws InvalidProtocolBufferException
    {
        final Random random = new Random(42);
        for (int i = 0; i < 2_000; i++)
        {
            final EntitySchema schema = RandomSchemas.randomSchema(random, EntitySchema.MAX_SLOTS);
            final byte[] wire = schema.toProto().toByteArray();
            final EntitySchema back = EntitySchema.fromProto(io.tickwire.protocol.v1.EntitySchema.parseFrom(wire));
            assertEquals(schema, back);
            assertEquals(schema.slotCount(), back.slotCount());
            for (int s = 0; s < schema.slotCount(); s++)
            {
                assertEquals(schema.slotMax(s), back.slotMax(s));
                assertEquals(schema.slotWrapMask(s), back.slotWrapMask(s));
            }
        }
    }

    @Test
    void shouldDistinguishSchemasThatDifferInOneParameter()
    {
        assertNotEquals(mover(), EntitySchema.builder().fixed("x", -512, 512, 0.02).build());
        assertNotEquals(
            EntitySchema.builder().angle("a", 10).build(), EntitySchema.builder().angle("a", 11).build());
        assertNotEquals(
            EntitySchema.builder().intField("a", 0, 7).build(), EntitySchema.builder().intField("a", 0, 8).build());
        assertNotEquals(
            EntitySchema.builder().bool("a").build(), EntitySchema.builder().bool("b").build());
    }

    @Test
    void shouldNameTheValuesInValidationErrors()
    {
        assertMessage(() -> EntitySchema.builder().intField("hp", 5, 3), "field=hp", "min=5", "max=3");
        assertMessage(() -> EntitySchema.builder().intField("all", Integer.MIN_VALUE, Integer.MAX_VALUE),
            "field=all", "min=-2147483648", "max=2147483647");
        assertMessage(() -> EntitySchema.builder().fixed("x", 0, 10, 0), "field=x", "precision=0.0");
        assertMessage(() -> EntitySchema.builder().fixed("x", 0, 10, -1), "field=x", "precision=-1.0");
        assertMessage(() -> EntitySchema.builder().fixed("x", 10, 0, 1), "field=x", "min=10.0", "max=0.0");
        assertMessage(() -> EntitySchema.builder().fixed("x", 0, Double.POSITIVE_INFINITY, 1), "field=x", "max=Infinity");
        assertMessage(() -> EntitySchema.builder().fixed("x", Double.NaN, 1, 1), "field=x", "min=NaN");
        assertMessage(() -> EntitySchema.builder().fixed("x", 0, 1e6, 1e-6), "field=x", "steps=", "max=2147483646");
        assertMessage(() -> EntitySchema.builder().angle("yaw", 1), "field=yaw", "bits=1", "allowed=2..30");
        assertMessage(() -> EntitySchema.builder().angle("yaw", 31), "field=yaw", "bits=31");
        assertMessage(() -> EntitySchema.builder().quaternion("rot", 0), "field=rot", "bits=0");
        assertMessage(() -> EntitySchema.builder().quaternion("rot", 31), "field=rot", "bits=31");
        assertMessage(() -> EntitySchema.builder().bool(""), "index=0");
        assertMessage(() -> EntitySchema.builder().bool("a").bool(null), "index=1");
        assertMessage(() -> EntitySchema.builder().bool("a").intField("a", 0, 1), "duplicate", "name=a");
        assertMessage(() -> EntitySchema.builder().build(), "at least one field");
        assertMessage(() -> mover().field("mana"), "name=mana", "hp");

        final EntitySchema.Builder full = EntitySchema.builder();
        for (int i = 0; i < 60; i++)
        {
            full.bool("b" + i);
        }
        assertMessage(() -> full.quaternion("rot", 9).quaternion("rot2", 9), "field=rot2", "slots=68", "max=64");
        assertMessage(() -> full.bool("b64"), "field=b64", "slots=65", "max=64");
        assertEquals(64, full.build().slotCount());
    }

    @Test
    void shouldRejectUnknownFieldKindFromProto()
    {
        final io.tickwire.protocol.v1.EntitySchema unspecified = io.tickwire.protocol.v1.EntitySchema.newBuilder()
            .addFields(FieldSpec.newBuilder().setName("mystery"))
            .build();
        assertMessage(() -> EntitySchema.fromProto(unspecified), "field=mystery", "kind=0");

        final io.tickwire.protocol.v1.EntitySchema future = io.tickwire.protocol.v1.EntitySchema.newBuilder()
            .addFields(FieldSpec.newBuilder().setName("later").setKindValue(42))
            .build();
        assertMessage(() -> EntitySchema.fromProto(future), "field=later", "kind=42");

        final io.tickwire.protocol.v1.EntitySchema badBits = io.tickwire.protocol.v1.EntitySchema.newBuilder()
            .addFields(FieldSpec.newBuilder().setName("yaw").setKind(io.tickwire.protocol.v1.FieldKind.FIELD_KIND_ANGLE))
            .build();
        assertMessage(() -> EntitySchema.fromProto(badBits), "field=yaw", "bits=0");

        assertMessage(() -> EntitySchema.fromProto(io.tickwire.protocol.v1.EntitySchema.getDefaultInstance()),
            "at least one field");
    }

    private static void assertMessage(final Executable executable, final String... fragments)
    {
        final IllegalArgumentException ex = assertThrows(IllegalArgumentException.class, executable);
        for (final String fragment : fragments)
        {
            assertTrue(ex.getMessage().contains(fragment), () -> "'" + ex.getMessage() + "' lacks '" + fragment + "'");
        }
    }
}
