package io.tickwire.server.e2e;

import io.tickwire.server.ServerOptions;
import io.tickwire.server.TickwireServer;
import io.tickwire.server.game.ScriptedGame;
import io.tickwire.server.room.InboundRecords;
import io.tickwire.server.room.JoinResult;
import io.tickwire.server.room.RoomHandle;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import static io.tickwire.server.support.Await.awaitTrue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * An operator closes rooms while joins create them. A room created for a join is in the directory (so in
 * {@code /rooms} and closable) before its creator's event loop has written the join record that starts it on its
 * room loop; a close record written in between reaches the loop first. The close was answered "closed", so the room
 * must not then start and live on.
 */
@Timeout(30)
class OperatorCloseRaceTest
{
    private TickwireServer server;

    @BeforeEach
    void start()
    {
        // Long linger: a room that escaped its close is still there when the test looks.
        server = TickwireServer.start(ServerOptions.builder().host("127.0.0.1").port(0).adminPort(-1).roomLoops(1)
            .ioThreads(1).maxRooms(100_000).roomLingerMs(60_000)
            .roomType(ScriptedGame.TYPE, ScriptedGame.factory(1, 20)).build());
    }

    @AfterEach
    void stop()
    {
        server.close();
    }

    @Test
    void shouldNotStartARoomTheOperatorClosedBeforeItsFirstJoinArrived() throws Exception
    {
        final Set<RoomHandle> closed = ConcurrentHashMap.newKeySet();
        final AtomicReference<String> failure = new AtomicReference<>();
        final long endNs = System.nanoTime() + TimeUnit.SECONDS.toNanos(2);
        final Thread operator = new Thread(() ->
        {
            while (System.nanoTime() - endNs < 0)
            {
                for (final RoomHandle room : server.rooms())
                {
                    if (!closed.contains(room) && server.closeRoom(room.id()))
                    {
                        closed.add(room);
                    }
                }
            }
        }, "operator");
        operator.start();
        // What JoinAdmission does on an event loop; no session has this connection id, so the room loop gives the
        // seat back at once, after starting the room.
        final Set<RoomHandle> created = new HashSet<>();
        long connectionId = 1L << 40;
        while (operator.isAlive())
        {
            final JoinResult result = server.directory().joinOrCreate(ScriptedGame.TYPE);
            if (!result.isJoined())
            {
                failure.compareAndSet(null, "join refused: " + result.reason());
                break;
            }
            final RoomHandle handle = result.handle();
            created.add(handle);
            while (!InboundRecords.offerJoin(server.loop(0).inbound(), connectionId, handle.key()))
            {
                Thread.onSpinWait();
            }
            connectionId++;
            server.loop(0).wake();
        }
        operator.join();
        assertNull(failure.get());

        // Everything written before this create record has been taken by the loop once the room is started.
        final RoomHandle marker = server.createRoom(ScriptedGame.TYPE, "marker").handle();
        awaitTrue(marker::isStarted, "room loop reached the marker");
        int escaped = 0;
        for (final RoomHandle room : closed)
        {
            if (!room.isRetired())
            {
                escaped++;
            }
        }
        assertTrue(closed.size() > 0, "the operator closed no room");
        assertEquals(0, escaped, "rooms closed by the operator and running anyway, of " + closed.size() +
            " closed, " + created.size() + " created");
    }
}
