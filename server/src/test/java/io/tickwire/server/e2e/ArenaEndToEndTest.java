package io.tickwire.server.e2e;

import io.tickwire.client.ClientOptions;
import io.tickwire.client.RoomSession;
import io.tickwire.client.TickwireClient;
import io.tickwire.protocol.delta.WorldState;
import io.tickwire.protocol.schema.SchemaField;
import io.tickwire.server.ServerOptions;
import io.tickwire.server.TickwireServer;
import io.tickwire.server.game.arena.ArenaGame;
import io.tickwire.server.room.LoopCounters;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import static io.tickwire.server.support.Await.awaitTrue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The real server on an ephemeral loopback port, driven by the real SDK: two players join the
 * same arena, steer, see each other move, and their mirrors equal the server's state at the same
 * tick, field for field.
 */
class ArenaEndToEndTest
{
    private final ConcurrentMap<String, ConcurrentMap<Integer, WorldState>> recorded = new ConcurrentHashMap<>();
    private final EncodeLedger ledger = new EncodeLedger();
    private TickwireServer server;
    private final CopyOnWriteArrayList<TickwireClient> clients = new CopyOnWriteArrayList<>();

    @AfterEach
    void tearDown()
    {
        clients.forEach(TickwireClient::close);
        if (server != null)
        {
            server.close();
        }
    }

    private TickwireServer startServer(final int npcs)
    {
        server = TickwireServer.start(ServerOptions.builder()
            .host("127.0.0.1")
            .port(0)
            .adminPort(-1)
            .roomLoops(2)
            .roomType(ArenaGame.TYPE, ledger.counting(RecordingGame.recording(ArenaGame.factory(npcs), recorded, 600)))
            .build());
        ledger.serverStarted(server);
        return server;
    }

    private RoomSession join(final String roomType) throws Exception
    {
        final TickwireClient client = new TickwireClient(ClientOptions.builder().uri(server.webSocketUri()).build());
        clients.add(client);
        ledger.watch(client);
        final RoomSession session = client.joinByType(roomType).get(5, TimeUnit.SECONDS);
        ledger.joined(session);
        return session;
    }

    @Test
    @Timeout(30)
    void shouldLetTwoPlayersSeeEachOtherMoveWithMirrorsEqualToServerState() throws Exception
    {
        startServer(8);
        final RoomSession a = join(ArenaGame.TYPE);
        final RoomSession b = join(ArenaGame.TYPE);
        assertEquals(a.roomId(), b.roomId(), "join-or-create puts both players in the one arena");
        assertNotEquals(0, a.playerEntityId());
        assertNotEquals(a.playerEntityId(), b.playerEntityId());
        assertEquals(30, a.tickRateHz());

        final SchemaField x = a.schema().field("x");
        final SchemaField y = a.schema().field("y");
        awaitTrue(() -> value(a, b.playerEntityId(), x) != null && value(b, a.playerEntityId(), x) != null,
            "each sees the other's entity");
        final double ax0 = value(a, a.playerEntityId(), x);
        final double by0 = value(b, b.playerEntityId(), y);

        int seqA = 0;
        int seqB = 0;
        for (int i = 0; i < 30; i++)
        {
            seqA = a.sendInput(ArenaGame.input(1, 0));
            seqB = b.sendInput(ArenaGame.input(0, 1));
            Thread.sleep(20);
        }
        final int lastA = seqA;
        final int lastB = seqB;
        awaitTrue(() -> a.lastProcessedInputSeq() == lastA && b.lastProcessedInputSeq() == lastB,
            "every input is reported processed");

        // A moved right, B moved up; each sees both movements in its own mirror.
        awaitTrue(() -> value(b, a.playerEntityId(), x) > ax0 + 1.0, "B sees A move right");
        awaitTrue(() -> value(a, b.playerEntityId(), y) > by0 + 1.0, "A sees B move up");

        RecordingGame.assertMirrorEqualsServer(a, recorded);
        RecordingGame.assertMirrorEqualsServer(b, recorded);
        assertTrue(a.stats().deltaSnapshots() > 0, "deltas flow once the client acks");
        assertTrue(a.stats().fullSnapshots() >= 1);
        assertEquals(0, a.stats().baselineMisses());

        // From the room's first tick on, both players seen from their first snapshot.
        assertEquals(1, server.rooms().size(), "the encode counter is per loop: one room only");
        ledger.assertOneEncodePerDistinctBaseline(1, ledger.startedTick() + 1);
    }

    @Test
    @Timeout(30)
    void shouldShareOneEncodePerBaselineWhenClientsAckTheSameTick() throws Exception
    {
        startServer(4);
        for (int i = 0; i < 6; i++)
        {
            join(ArenaGame.TYPE);
        }
        Thread.sleep(1_000);
        final int fromTick = ledger.startedTick();
        long encodes0 = 0;
        long sent0 = 0;
        long ticks0 = 0;
        for (final LoopCounters c : server.loopCounters())
        {
            encodes0 += c.encodes;
            sent0 += c.snapshotsSent;
            ticks0 += c.ticks;
        }
        Thread.sleep(1_000);
        // Two players join mid-window: each first gets a full snapshot (baseline 0), possibly shared.
        join(ArenaGame.TYPE);
        join(ArenaGame.TYPE);
        Thread.sleep(1_000);
        long encodes = -encodes0;
        long sent = -sent0;
        long ticks = -ticks0;
        for (final LoopCounters c : server.loopCounters())
        {
            encodes += c.encodes;
            sent += c.snapshotsSent;
            ticks += c.ticks;
        }
        // Six to eight clients on loopback ack the same tick most of the time: far fewer encodes than sends.
        assertTrue(sent >= 5 * ticks, "six clients get a snapshot each tick: sent=" + sent + ", ticks=" + ticks);
        assertTrue(encodes * 2 < sent, "encodes are shared between clients: encodes=" + encodes + ", sent=" + sent +
            ", ticks=" + ticks);
        assertEquals(1, server.rooms().size(), "the encode counter is per loop: one room only");
        ledger.assertOneEncodePerDistinctBaseline(fromTick, ledger.startedTick() + 1);
    }

    /**
     * Read one field of one entity from a copy of the session's mirror (safe off the I/O thread).
     *
     * @return the value, or null when the entity is not in the mirror.
     */
    static Double value(final RoomSession session, final int entityId, final SchemaField field)
    {
        final WorldState state = session.mirror().copyState();
        final int index = state.indexOf(entityId);
        return index < 0 ? null : field.dequantize(state.valueAt(index, field.firstSlot()));
    }
}
