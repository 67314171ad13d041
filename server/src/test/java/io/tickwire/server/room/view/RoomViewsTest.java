package io.tickwire.server.room.view;

import io.tickwire.protocol.delta.WorldState;
import io.tickwire.protocol.schema.EntitySchema;
import io.tickwire.protocol.schema.EntityTypes;
import io.tickwire.protocol.schema.SchemaField;
import io.tickwire.server.game.InterestPolicy;
import io.tickwire.server.game.Player;
import io.tickwire.server.game.World;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@link RoomViews} on a small world: who shares a frame, what audiences and owners see, the relevance hook,
 * owned entities outside the cells, and frames going back to the pool.
 */
class RoomViewsTest
{
    private static final EntityTypes TYPES = EntityTypes.builder()
        .type("unit", EntitySchema.builder()
            .fixed("x", -1000, 1000, 0.5)
            .fixed("y", -1000, 1000, 0.5)
            .bool("stealth")
            .intField("ammo", 0, 99).ownerOnly()
            .intField("plan", 0, 99).audienceOnly()
            .build())
        .type("score", EntitySchema.builder().intField("red", 0, 99).build())
        .build();
    private static final EntitySchema UNIT = TYPES.schema(0);
    private static final SchemaField X = UNIT.field("x");
    private static final SchemaField Y = UNIT.field("y");
    private static final SchemaField STEALTH = UNIT.field("stealth");
    private static final SchemaField AMMO = UNIT.field("ammo");
    private static final SchemaField PLAN = UNIT.field("plan");

    private final World world = new World(TYPES, 16);
    private final WorldState state = new WorldState(TYPES, 16);

    private int unit(final double x, final double y, final int audience)
    {
        final int id = world.createEntity("unit");
        world.setDouble(id, X, x);
        world.setDouble(id, Y, y);
        world.setInt(id, AMMO, 7);
        world.setInt(id, PLAN, 3);
        world.setAudience(id, audience);
        return id;
    }

    private static Player player(final String name, final int entity, final int audience)
    {
        final Player p = new Player(name, "127.0.0.1", null);
        p.entityId(entity);
        p.audience(audience);
        return p;
    }

    @Test
    void shouldShareFramesPerCellAndAudienceAndHideWhatOthersMayNotSee()
    {
        final RoomViews views = new RoomViews(TYPES, InterestPolicy.grid(10, 1), 8);
        final int a = unit(1, 1, 0);
        final int b = unit(2, 2, 0);
        final int c = unit(3, 3, 1);
        final int far = unit(500, 500, 0);
        final int score = world.createEntity("score");
        final Player pa = player("a", a, 0);
        final Player pb = player("b", b, 0);
        final Player pc = player("c", c, 1);
        final ConnectionView va = views.register(pa);
        final ConnectionView vb = views.register(pb);
        final ConnectionView vc = views.register(pc);
        world.captureInto(state, 1, 0);
        views.beginTick(state, world);
        final ViewFrame fa = views.target(va, pa);
        final ViewFrame fb = views.target(vb, pb);
        final ViewFrame fc = views.target(vc, pc);
        assertSame(fa, fb, "same cell, same audience: one frame, so one encoded body");
        assertNotSame(fa, fc, "another audience sees other fields: another frame");
        final WorldState seen = fa.state();
        assertEquals(4, seen.count(), "three near units and the position-less score, not the far unit");
        assertTrue(seen.indexOf(far) < 0 && seen.indexOf(score) >= 0);
        assertEquals(0, seen.valueAt(seen.indexOf(a), AMMO.firstSlot()), "owner fields never in shared frames");
        assertEquals(PLAN.quantizeInt(3), seen.valueAt(seen.indexOf(b), PLAN.firstSlot()), "own audience's plan");
        assertEquals(0, seen.valueAt(seen.indexOf(c), PLAN.firstSlot()), "the other audience's plan is hidden");
        final WorldState owned = views.ownedRows(va, fa);
        assertEquals(1, owned.count());
        assertEquals(AMMO.quantizeInt(7), owned.valueAt(0, AMMO.firstSlot()), "the owner section's source");
        views.commit(va, fa);
        views.commit(vb, fb);
        views.commit(vc, fc);
        views.discard(fa);
        views.discard(fc);
        views.endTick();
        assertEquals(2, views.liveFrames(), "two frames held by three connection rings");
        views.unregister(va);
        views.unregister(vb);
        views.unregister(vc);
        assertEquals(0, views.liveFrames(), "frames go back to the pool when nobody holds them");
    }

    @Test
    void shouldAlwaysShowAnOwnedEntityAndApplyTheRelevanceHook()
    {
        final RoomViews views = new RoomViews(TYPES, InterestPolicy.grid(10, 1).relevance(
            (w, index, audience, cellX, cellY) -> w.entityTypeAt(index) != 0 ||
                !w.getBool(w.entityIdAt(index), STEALTH) || w.audienceAt(index) == audience), 8);
        final int me = unit(0, 0, 0);
        final int drone = unit(800, 800, 0);
        final int sneaky = unit(1, 1, 1);
        world.setBool(sneaky, STEALTH, true);
        final int friend = unit(2, 1, 0);
        world.setBool(friend, STEALTH, true);
        final Player p = player("p", me, 0);
        world.setOwner(drone, p);
        final ConnectionView v = views.register(p);
        world.captureInto(state, 1, 0);
        views.beginTick(state, world);
        final ViewFrame frame = views.target(v, p);
        final WorldState seen = frame.state();
        assertTrue(seen.indexOf(drone) >= 0, "an owned entity far outside the cells is in its owner's view");
        assertTrue(seen.indexOf(sneaky) < 0, "the hook hides another team's stealthed unit");
        assertTrue(seen.indexOf(friend) >= 0, "and keeps the own team's");
        assertEquals(AMMO.quantizeInt(7), views.ownedRows(v, frame).valueAt(1, AMMO.firstSlot()),
            "the drone's owner fields reach its owner");
        views.discard(frame);
        views.endTick();
    }
}
