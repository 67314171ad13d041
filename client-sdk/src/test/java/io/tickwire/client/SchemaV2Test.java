package io.tickwire.client;

import io.tickwire.protocol.delta.WorldState;
import io.tickwire.protocol.predict.EntityStep;
import io.tickwire.protocol.predict.EntityView;
import io.tickwire.protocol.schema.EntitySchema;
import io.tickwire.protocol.schema.SchemaField;
import io.tickwire.protocol.v1.ClientMessage;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Protocol version 2 through the real SDK path: a scripted server on the loopback interface sends a Welcome
 * with entity types and snapshots encoded by the real {@code DeltaEncoder(EntityTypes)} (created_types, string
 * columns, the owner section), and the test reads the session only through public API.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class SchemaV2Test
{
    private static final long WAIT_S = 5;

    private ScriptedServer server;
    private final List<TickwireClient> clients = new ArrayList<>();

    @BeforeEach
    void start() throws InterruptedException
    {
        server = new ScriptedServer();
    }

    @AfterAll
    static void noLeaks() throws InterruptedException
    {
        CountingLeakDetector.assertNoLeaks();
    }

    @AfterEach
    void stop()
    {
        for (final TickwireClient c : clients)
        {
            c.close();
        }
        server.close();
    }

    private TickwireClient client(final ClientOptions.Builder options)
    {
        final TickwireClient c = new TickwireClient(options.build());
        clients.add(c);
        return c;
    }

    private ClientOptions.Builder options()
    {
        // Each tick's Ack is the tests' barrier: ack every snapshot in a frame of its own.
        return ClientOptions.builder().uri(server.uri()).connectTimeoutMs(2000).ackIntervalMs(0);
    }

    private RoomSession joined(final TickwireClient client, final int playerEntityId) throws Exception
    {
        final CompletableFuture<RoomSession> join = client.joinByType("arena");
        server.awaitJoin();
        server.send(TypedWorlds.welcome(playerEntityId));
        return join.get(WAIT_S, TimeUnit.SECONDS);
    }

    /**
     * On the event loop, per snapshot: the mirror read back through its public getters, and the entity events
     * that came before onSnapshot, in order.
     */
    private static final class Recorder implements SessionListener
    {
        final BlockingQueue<WorldState> states = new LinkedBlockingQueue<>();
        final BlockingQueue<List<String>> events = new LinkedBlockingQueue<>();
        final BlockingQueue<String> errors = new LinkedBlockingQueue<>();
        private List<String> pending = new ArrayList<>();

        @Override
        public void onEntityAdded(final RoomSession session, final int entityId)
        {
            pending.add("added " + entityId);
        }

        @Override
        public void onEntityChanged(final RoomSession session, final int entityId)
        {
            pending.add("changed " + entityId);
        }

        @Override
        public void onEntityRemoved(final RoomSession session, final int entityId)
        {
            pending.add("removed " + entityId);
        }

        @Override
        public void onSnapshot(final RoomSession session, final SnapshotInfo info)
        {
            states.add(readThroughGetters(session.mirror(), info.tick()));
            events.add(pending);
            pending = new ArrayList<>();
        }

        @Override
        public void onError(final RoomSession session, final int code, final String message)
        {
            errors.add(code + " " + message);
        }
    }

    /**
     * Rebuild the mirror's state through its public getters, entity by entity with the fields of its own type
     * (numbers re-quantized, texts as read): equal to the expected state only if every getter is right.
     */
    static WorldState readThroughGetters(final EntityMirror mirror, final int tick)
    {
        final int stride = TypedWorlds.TYPES.maxSlotCount();
        final int count = mirror.count();
        final int[] ids = new int[count];
        final int[] types = new int[count];
        final int[] values = new int[Math.max(1, count * stride)];
        final String[] strings = new String[Math.max(1, count * stride)];
        final double[] xyzw = new double[4];
        for (int i = 0; i < count; i++)
        {
            final int id = mirror.entityIdAt(i);
            ids[i] = id;
            types[i] = mirror.typeAt(i);
            assertEquals(types[i], mirror.typeOf(id));
            final EntitySchema schema = mirror.schemaOf(id);
            assertEquals(TypedWorlds.TYPES.schema(types[i]), schema);
            for (final SchemaField f : schema.fields())
            {
                final int slot = i * stride + f.firstSlot();
                switch (f.kind())
                {
                    case STRING:
                        final String text = mirror.getString(id, f);
                        strings[slot] = text.isEmpty() ? null : text;
                        values[slot] = text.isEmpty() ? 0 : 1;
                        break;
                    case INT:
                        values[slot] = f.quantizeInt(mirror.getInt(id, f));
                        break;
                    case BOOL:
                        values[slot] = mirror.getBool(id, f) ? 1 : 0;
                        break;
                    case QUATERNION:
                        // Re-quantizing a rotation is ambiguous when two components tie for largest: compare
                        // the decoded rotation with the raw slots' instead, then take those slots.
                        mirror.getQuaternion(id, f, xyzw);
                        final WorldState raw = mirror.copyState();
                        final int rawIndex = raw.indexOf(id);
                        final double[] expected = new double[4];
                        f.dequantizeQuaternion(raw.valueArray(), rawIndex * raw.slotCount() + f.firstSlot(), expected);
                        assertEquals(java.util.Arrays.toString(expected), java.util.Arrays.toString(xyzw));
                        for (int q = 0; q < 4; q++)
                        {
                            values[slot + q] = raw.valueAt(rawIndex, f.firstSlot() + q);
                        }
                        break;
                    default:
                        values[slot] = f.quantize(mirror.getDouble(id, f));
                        break;
                }
            }
        }
        final WorldState s = new WorldState(TypedWorlds.TYPES, count);
        s.capture(tick, 0, count, ids, types, values, strings);
        return s;
    }

    /**
     * The entity events a client must see between two expected mirrors: ascending ids; changed when a number or
     * a text differs.
     */
    private static List<String> expectedEvents(final WorldState before, final WorldState after)
    {
        final List<String> out = new ArrayList<>();
        int i = 0;
        int j = 0;
        final int n = before == null ? 0 : before.count();
        while (i < n || j < after.count())
        {
            if (j == after.count() || (i < n && before.idAt(i) < after.idAt(j)))
            {
                out.add("removed " + before.idAt(i++));
            }
            else if (i == n || after.idAt(j) < before.idAt(i))
            {
                out.add("added " + after.idAt(j++));
            }
            else
            {
                final EntitySchema schema = TypedWorlds.TYPES.schema(after.typeAt(j));
                boolean changed = false;
                for (int s = 0; s < schema.slotCount() && !changed; s++)
                {
                    changed = (schema.stringSlotMask() & (1L << s)) != 0 ?
                        !before.stringAt(i, s).equals(after.stringAt(j, s)) : before.valueAt(i, s) != after.valueAt(j, s);
                }
                if (changed)
                {
                    out.add("changed " + after.idAt(j));
                }
                i++;
                j++;
            }
        }
        return out;
    }

    @Test
    void shouldMirrorTypesStringsAndOwnerFieldsThroughDropsLaggingAcksAndFullFallbacks() throws Exception
    {
        for (final long seed : new long[]{ 1, 2, 3 })
        {
            runRandomSession(seed);
        }
    }

    private void runRandomSession(final long seed) throws Exception
    {
        final Random random = new Random(seed * 7919);
        final TypedWorlds w = new TypedWorlds(seed);
        final int me = w.create(TypedWorlds.PLAYER);
        w.own(me);
        w.create(TypedWorlds.BULLET);
        w.create(TypedWorlds.PLAYER);
        w.create(TypedWorlds.PICKUP);
        w.create(TypedWorlds.BULLET);

        final Recorder recorder = new Recorder();
        final TickwireClient client = client(options());
        client.addListener(recorder);
        final RoomSession session = joined(client, me);
        assertEquals(TypedWorlds.TYPES, session.entityTypes());
        assertEquals(TypedWorlds.TYPES.schema(0), session.schema());

        final List<Integer> delivered = new ArrayList<>();
        int lastBaseline = 0;
        WorldState previous = null;
        int ownerValuesSeen = 0;
        int hiddenFromUs = 0;
        int fullFallbacks = 0;
        int dropped = 0;
        for (int step = 0; step < 60; step++)
        {
            w.step();
            final int tick = w.tick();
            int baseline = 0;
            if (!delivered.isEmpty() && random.nextInt(12) != 0)
            {
                // Acks lag: any of the last four delivered ticks, never older than a baseline already used.
                final int newest = delivered.size() - 1;
                int pick = newest - random.nextInt(Math.min(4, delivered.size()));
                while (delivered.get(pick) < lastBaseline)
                {
                    pick++;
                }
                baseline = delivered.get(pick);
            }
            final byte[] frame = w.frame(baseline, tick);
            if (step > 0 && random.nextInt(5) == 0)
            {
                dropped++;
                continue;
            }
            if (baseline == 0)
            {
                fullFallbacks++;
            }
            else
            {
                lastBaseline = baseline;
            }
            server.sendBytes(frame);
            server.awaitAck(tick);
            delivered.add(tick);

            final WorldState expected = w.expectedMirror(tick);
            final WorldState read = recorder.states.poll(WAIT_S, TimeUnit.SECONDS);
            assertNotNull(read, "onSnapshot of tick " + tick);
            assertNull(expected.firstDifference(read), "seed " + seed + ", tick " + tick + " through the getters");
            assertNull(expected.firstDifference(session.mirror().copyState()), "seed " + seed + ", tick " + tick);
            assertEquals(expectedEvents(previous, expected), recorder.events.poll(WAIT_S, TimeUnit.SECONDS),
                "seed " + seed + ", entity events of tick " + tick);
            previous = expected;

            for (int i = 0; i < expected.count(); i++)
            {
                if (expected.typeAt(i) == TypedWorlds.PLAYER && expected.valueAt(i, TypedWorlds.AMMO.firstSlot()) != 0)
                {
                    ownerValuesSeen++;
                }
            }
            hiddenFromUs += countHidden(w, tick, expected);
        }
        assertTrue(recorder.errors.isEmpty(), "errors: " + recorder.errors);
        assertTrue(ownerValuesSeen > 0, "no owner-only value ever reached the owner: the test proves nothing");
        assertTrue(hiddenFromUs > 0, "no owner-only value was ever hidden: the test proves nothing");
        assertTrue(dropped > 0 && fullFallbacks > 1, "dropped=" + dropped + ", full=" + fullFallbacks);
        assertEquals(0, client.stats().baselineMisses());
        assertEquals(0, client.stats().protocolErrors());
        client.close();
        clients.remove(client);
        server.close();
        server = new ScriptedServer();
    }

    /** Entities whose owner-only ammo is not 0 in the room but is 0 in what this connection must see. */
    private static int countHidden(final TypedWorlds w, final int tick, final WorldState expected)
    {
        final WorldState all = w.expectedMirrorAsOwner(tick);
        int hidden = 0;
        for (int i = 0; i < all.count(); i++)
        {
            final int slot = TypedWorlds.AMMO.firstSlot();
            if (all.typeAt(i) == TypedWorlds.PLAYER && all.valueAt(i, slot) != 0 && expected.valueAt(i, slot) == 0)
            {
                hidden++;
            }
        }
        return hidden;
    }

    @Test
    void shouldShowOwnerFieldsToTheOwnerOnlyAndReportTextChangesNotHandleChanges() throws Exception
    {
        final TypedWorlds w = new TypedWorlds(5);
        final int me = w.create(TypedWorlds.PLAYER);
        final int other = w.create(TypedWorlds.PLAYER);
        final int bullet = w.create(TypedWorlds.BULLET);
        w.own(me);
        w.setString(me, TypedWorlds.NAME, "ada");
        w.setString(other, TypedWorlds.NAME, "bob");
        w.set(me, TypedWorlds.AMMO, 37);
        w.set(other, TypedWorlds.AMMO, 50);
        w.setString(me, TypedWorlds.SECRET, "k3y");
        w.setString(other, TypedWorlds.SECRET, "zzz");

        final Recorder recorder = new Recorder();
        final TickwireClient client = client(options());
        client.addListener(recorder);
        final BlockingQueue<Object> reads = new LinkedBlockingQueue<>();
        client.addListener(new SessionListener()
        {
            @Override
            public void onSnapshot(final RoomSession session, final SnapshotInfo info)
            {
                if (info.tick() != 1)
                {
                    return;
                }
                final EntityMirror m = session.mirror();
                reads.add(m.getString(me, TypedWorlds.NAME));
                reads.add(m.getInt(me, TypedWorlds.AMMO));
                reads.add(m.getString(me, TypedWorlds.SECRET));
                reads.add(m.getString(other, TypedWorlds.NAME));
                reads.add(m.getInt(other, TypedWorlds.AMMO));
                reads.add(m.getString(other, TypedWorlds.SECRET));
                reads.add(m.typeOf(bullet));
                final EntityState copy = m.copyEntity(me);
                reads.add(copy.typeName() + " " + copy.type() + " " + copy.getString(copy.field("name")) + " " +
                    copy.getInt(copy.field("ammo")));
                reads.add(assertThrows(IllegalArgumentException.class, () -> m.getInt(bullet, TypedWorlds.AMMO))
                    .getMessage());
                reads.add(assertThrows(IllegalArgumentException.class, () -> m.getDouble(me, TypedWorlds.NAME))
                    .getMessage());
            }
        });
        final RoomSession session = joined(client, me);

        w.advance();
        server.sendBytes(w.frame(0, 0));
        server.awaitAck(1);
        assertEquals("ada", reads.poll(WAIT_S, TimeUnit.SECONDS));
        assertEquals(37, reads.poll(WAIT_S, TimeUnit.SECONDS));
        assertEquals("k3y", reads.poll(WAIT_S, TimeUnit.SECONDS));
        assertEquals("bob", reads.poll(WAIT_S, TimeUnit.SECONDS));
        assertEquals(0, reads.poll(WAIT_S, TimeUnit.SECONDS), "another player's owner-only int");
        assertEquals("", reads.poll(WAIT_S, TimeUnit.SECONDS), "another player's owner-only string");
        assertEquals(TypedWorlds.BULLET, reads.poll(WAIT_S, TimeUnit.SECONDS));
        assertEquals("player " + TypedWorlds.PLAYER + " ada 37", reads.poll(WAIT_S, TimeUnit.SECONDS));
        assertTrue(((String)reads.poll(WAIT_S, TimeUnit.SECONDS)).contains("field not of this entity's type"));
        assertTrue(((String)reads.poll(WAIT_S, TimeUnit.SECONDS)).contains("use getString"));
        assertEquals(List.of("added " + me, "added " + other, "added " + bullet), nextEvents(recorder));

        // Tick 2 renames the other player; tick 3 changes nothing but, against the lagging baseline 1, carries
        // the same new name again (under a new local handle): no change event.
        w.advance();
        w.setString(other, TypedWorlds.NAME, "carl");
        sendAndAwait(w, 1, 2);
        assertEquals(List.of("changed " + other), nextEvents(recorder));
        w.advance();
        sendAndAwait(w, 1, 3);
        assertEquals(List.of(), nextEvents(recorder), "the same text under a new handle is no change");
        // Tick 4: back to baseline 1's text, which differs from what the client shows.
        w.advance();
        w.setString(other, TypedWorlds.NAME, "bob");
        sendAndAwait(w, 1, 4);
        assertEquals(List.of("changed " + other), nextEvents(recorder));

        // Tick 5: ownership moves from me to the other player; owner-only fields follow it.
        w.advance();
        w.disown(me);
        w.own(other);
        sendAndAwait(w, 4, 5);
        assertEquals(List.of("changed " + me, "changed " + other), nextEvents(recorder));
        final WorldState now = session.mirror().copyState();
        assertEquals(0, now.valueAt(now.indexOf(me), TypedWorlds.AMMO.firstSlot()));
        assertEquals("", now.stringAt(now.indexOf(me), TypedWorlds.SECRET.firstSlot()));
        assertEquals(TypedWorlds.AMMO.quantizeInt(50), now.valueAt(now.indexOf(other), TypedWorlds.AMMO.firstSlot()));
        assertEquals("zzz", now.stringAt(now.indexOf(other), TypedWorlds.SECRET.firstSlot()));

        // Tick 6: the bullet leaves this client's view (or is destroyed: the client cannot tell).
        w.advance();
        w.destroy(bullet);
        sendAndAwait(w, 5, 6);
        assertEquals(List.of("removed " + bullet), nextEvents(recorder));
        assertTrue(recorder.errors.isEmpty(), "errors: " + recorder.errors);
    }

    private void sendAndAwait(final TypedWorlds w, final int baseline, final int tick) throws InterruptedException
    {
        assertEquals(tick, w.tick());
        server.sendBytes(w.frame(baseline, 0));
        server.awaitAck(tick);
    }

    private static List<String> nextEvents(final Recorder recorder) throws InterruptedException
    {
        final List<String> events = recorder.events.poll(WAIT_S, TimeUnit.SECONDS);
        assertNotNull(events, "no snapshot delivered");
        return events;
    }

    @Test
    void shouldReadTypedStatesInPollMode() throws Exception
    {
        final TypedWorlds w = new TypedWorlds(8);
        final int me = w.create(TypedWorlds.PLAYER);
        final int pickup = w.create(TypedWorlds.PICKUP);
        w.own(me);
        w.setString(pickup, TypedWorlds.LABEL, "medkit");
        w.set(me, TypedWorlds.AMMO, 12);
        final TickwireClient client = client(options().deliveryMode(DeliveryMode.POLL));
        final RoomSession session = joined(client, me);
        w.advance();
        server.sendBytes(w.frame(0, 0));
        server.awaitAck(1);
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(WAIT_S);
        do
        {
            session.poll();
            Thread.sleep(1);
        }
        while (session.mirror().tick() != 1 && System.nanoTime() < deadline);
        final EntityMirror m = session.mirror();
        assertEquals(1, m.tick());
        assertEquals(TypedWorlds.PICKUP, m.typeOf(pickup));
        assertEquals("medkit", m.getString(pickup, TypedWorlds.LABEL));
        assertEquals(12, m.getInt(me, TypedWorlds.AMMO));
        assertEquals("player", m.copyEntity(me).typeName());
        assertNull(w.expectedMirror(1).firstDifference(readThroughGetters(m, 1)));
    }

    @Test
    void shouldPredictThePlayersOwnTypeAndResolveItFromTheFirstSnapshot() throws Exception
    {
        final TypedWorlds w = new TypedWorlds(9);
        w.create(TypedWorlds.BULLET);
        final int me = w.create(TypedWorlds.PLAYER);
        w.create(TypedWorlds.PICKUP);
        w.own(me);
        w.set(me, TypedWorlds.PLAYER_X, 10);
        w.setString(me, TypedWorlds.NAME, "ada");
        w.set(me, TypedWorlds.AMMO, 7);
        final EntityStep step = new EntityStep()
        {
            @Override
            public void step(final EntityView entity, final byte[] input, final int offset, final int length)
            {
                entity.setDouble(TypedWorlds.PLAYER_X, entity.getDouble(TypedWorlds.PLAYER_X) + input[offset]);
            }

            @Override
            public SchemaField[] predictedFields()
            {
                return new SchemaField[]{ TypedWorlds.PLAYER_X };
            }
        };
        final TickwireClient client = client(options());
        final RoomSession session = joined(client, me);
        assertEquals(-1, session.playerEntityType());
        // Bullets and players both have this x (same field, same slot): which one is the player is unknown yet.
        assertTrue(assertThrows(IllegalStateException.class, () -> session.predictor(step)).getMessage()
            .contains("cannot tell the player's entity type"));

        w.advance();
        server.sendBytes(w.frame(0, 0));
        server.awaitAck(1);
        assertEquals(TypedWorlds.PLAYER, session.playerEntityType());
        final Predictor predictor = session.predictor(step);
        assertEquals(TypedWorlds.PLAYER, predictor.entityType());

        w.advance();
        w.set(me, TypedWorlds.PLAYER_X, 20);
        server.sendBytes(w.frame(1, 0));
        server.awaitAck(2);
        assertTrue(predictor.reconcile());
        final EntityState state = predictor.state();
        assertEquals("player", state.typeName());
        assertEquals(TypedWorlds.PLAYER_SCHEMA, state.schema());
        assertEquals(20.0, state.getDouble(TypedWorlds.PLAYER_X), 1e-9);
        assertEquals("ada", state.getString(TypedWorlds.NAME));
        assertEquals(7, state.getInt(TypedWorlds.AMMO));

        final int seq = predictor.sendInput(new byte[]{ 3 });
        assertEquals(1, seq);
        assertEquals(23.0, predictor.state().getDouble(TypedWorlds.PLAYER_X), 1e-9);
        final ClientMessage input = ScriptedServer.next(server.inputs);
        assertEquals(1, input.getInput().getSeq());
        assertEquals(0, input.getInput().getViewTick(), "no interpolator: view tick unknown");
        assertEquals(0, predictor.mispredictions());
    }

    @Test
    void shouldSendTheRenderedTickAsViewTickOnEveryInput() throws Exception
    {
        final TypedWorlds w = new TypedWorlds(10);
        final int me = w.create(TypedWorlds.PLAYER);
        w.own(me);
        final TickwireClient client = client(options());
        final RoomSession session = joined(client, me);

        assertEquals(1, session.sendInput(new byte[]{ 1 }));
        assertEquals(0, ScriptedServer.next(server.inputs).getInput().getViewTick(), "before any interpolator");

        final Interpolator interpolator = session.interpolator();
        final RenderState render = interpolator.newRenderState();
        assertFalse(interpolator.sample(System.nanoTime(), render));
        assertEquals(0, interpolator.viewTick());
        for (int tick = 1; tick <= 8; tick++)
        {
            w.step();
            server.sendBytes(w.frame(tick == 1 ? 0 : tick - 1, 1));
            server.awaitAck(tick);
        }
        assertTrue(interpolator.sample(System.nanoTime(), render));
        final int shown = render.viewTick();
        assertTrue(shown >= render.fromTick() && shown >= 1 && shown <= 8, "view tick " + shown + " of " + render);
        assertEquals(shown, interpolator.viewTick());

        assertEquals(2, session.sendInput(new byte[]{ 2 }));
        final ClientMessage input = ScriptedServer.next(server.inputs);
        assertEquals(2, input.getInput().getSeq());
        assertEquals(shown, input.getInput().getViewTick());
        assertEquals(8, input.getInput().getAckTick());
    }
}
