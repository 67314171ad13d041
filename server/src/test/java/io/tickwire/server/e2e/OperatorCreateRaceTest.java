package io.tickwire.server.e2e;

import io.tickwire.protocol.CloseCodes;
import io.tickwire.protocol.ProtocolVersion;
import io.tickwire.protocol.schema.EntitySchema;
import io.tickwire.protocol.v1.ClientMessage;
import io.tickwire.protocol.v1.Join;
import io.tickwire.server.ServerOptions;
import io.tickwire.server.TickwireServer;
import io.tickwire.server.admin.AdminApi;
import io.tickwire.server.game.GameLogic;
import io.tickwire.server.game.GameLogicFactory;
import io.tickwire.server.game.Player;
import io.tickwire.server.game.RoomContext;
import io.tickwire.server.game.ScriptedGame;
import io.tickwire.server.room.JoinResult;
import io.tickwire.server.room.RoomHandle;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;
import org.agrona.concurrent.ringbuffer.RingBuffer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A room an operator (admin or fleet) creates is joinable by id the moment it is in the directory, before its
 * room loop has taken the create record. Its room loop is held inside a game callback here so that its inbound
 * ring stays full, which makes the create and join records fail or wait exactly as on an overloaded server:
 * <ul>
 *   <li>a joiner whose join record does not fit gives its seat back, and that must not retire a room whose
 *   create record is already on its way (the operator was told 201);</li>
 *   <li>an operator create whose record does not fit takes the room back, and that must not give back the seat
 *   of a joiner who got in first (it never took one itself).</li>
 * </ul>
 */
@Timeout(30)
class OperatorCreateRaceTest
{
    private static final String BLOCKER = "blocker";
    /** Not a record type the room loop knows: counted as orphaned and dropped once the loop runs again. */
    private static final int FILLER = 99;

    private final CountDownLatch loopHeld = new CountDownLatch(1);
    private final CountDownLatch releaseLoop = new CountDownLatch(1);
    private TickwireServer server;

    /** Holds its room loop in onCreate until the test lets it go. */
    private final GameLogicFactory blocker = new GameLogicFactory()
    {
        @Override
        public EntitySchema schema()
        {
            return ScriptedGame.SCHEMA;
        }

        @Override
        public GameLogic create(final RoomContext room)
        {
            return new GameLogic()
            {
                @Override
                public void onCreate(final RoomContext room, final Map<String, String> options)
                {
                    loopHeld.countDown();
                    try
                    {
                        releaseLoop.await(20, TimeUnit.SECONDS);
                    }
                    catch (final InterruptedException ex)
                    {
                        Thread.currentThread().interrupt();
                    }
                }

                @Override
                public void onJoin(final RoomContext room, final Player player)
                {
                }

                @Override
                public void onInput(final RoomContext room, final Player player, final int seq,
                    final DirectBuffer payload, final int offset, final int length)
                {
                }

                @Override
                public void onTick(final RoomContext room, final int tick)
                {
                }

                @Override
                public void onLeave(final RoomContext room, final Player player, final boolean consented)
                {
                }
            };
        }
    };

    @BeforeEach
    void start()
    {
        server = TickwireServer.start(ServerOptions.builder().host("127.0.0.1").port(0).adminPort(-1).roomLoops(1)
            .ioThreads(1).ringCapacityBytes(4096)
            .roomType(ScriptedGame.TYPE, ScriptedGame.factory(4, 20)).roomType(BLOCKER, blocker).build());
    }

    @AfterEach
    void stop()
    {
        releaseLoop.countDown();
        server.close();
    }

    private void holdTheRoomLoop() throws InterruptedException
    {
        assertEquals(201, server.createRoom(BLOCKER, "blocker").httpStatus());
        assertTrue(loopHeld.await(5, TimeUnit.SECONDS), "room loop entered onCreate");
    }

    /**
     * Fill the held loop's ring to the last byte: the smallest record is 16 bytes aligned, so nothing fits after.
     */
    private void fillTheRing()
    {
        final RingBuffer ring = server.loop(0).inbound();
        final UnsafeBuffer filler = new UnsafeBuffer(new byte[256]);
        for (final int length : new int[]{ 248, 8 })
        {
            while (ring.write(FILLER, filler, 0, length))
            {
                // Filling.
            }
        }
    }

    private static byte[] joinById(final String roomId)
    {
        return ClientMessage.newBuilder().setJoin(Join.newBuilder().setRoomId(roomId)
            .setProtocolVersion(ProtocolVersion.CURRENT)).build().toByteArray();
    }

    @Test
    void shouldKeepAnOperatorRoomWhoseCreateIsOnItsWayWhenAJoinerGivesUp() throws Exception
    {
        holdTheRoomLoop();
        final AdminApi.CreateResult created = server.createRoom(ScriptedGame.TYPE, "r");
        assertEquals(201, created.httpStatus());
        fillTheRing();

        try (RawWebSocketClient client = RawWebSocketClient.connect(server.webSocketUri()))
        {
            client.sendBinary(joinById("r"));
            assertEquals(CloseCodes.SERVER_OVERLOADED, client.awaitCloseCode());
        }

        assertSame(created.handle(), server.directory().byId("r"),
            "the joiner's overload retired and forgot the room the operator was told exists");
        releaseLoop.countDown();
        final long deadlineNs = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (!created.handle().isStarted() && System.nanoTime() - deadlineNs < 0)
        {
            Thread.onSpinWait();
        }
        assertTrue(created.handle().isStarted(), "the room loop started the room from the operator's create record");
        assertSame(created.handle(), server.directory().byId("r"));
    }

    @Test
    void shouldNotGiveBackAJoinersSeatWhenAnOperatorCreateIsRefused() throws Exception
    {
        holdTheRoomLoop();
        fillTheRing();
        final AtomicLong createsDone = new AtomicLong();
        final AtomicReference<String> failure = new AtomicReference<>();
        final AtomicBoolean enough = new AtomicBoolean();
        final long endNs = System.nanoTime() + TimeUnit.SECONDS.toNanos(3);
        final Thread operator = new Thread(() ->
        {
            while (System.nanoTime() - endNs < 0 && failure.get() == null && !enough.get())
            {
                final int status = server.createRoom(ScriptedGame.TYPE, "r").httpStatus();
                if (status != 503 && status != 409)
                {
                    failure.compareAndSet(null, "create with a full ring answered " + status);
                }
                createsDone.incrementAndGet();
            }
        }, "operator");
        operator.start();
        int seatsTaken = 0;
        while (operator.isAlive() && failure.get() == null)
        {
            // What JoinAdmission does for a join by id on an event loop.
            final long before = createsDone.get();
            final JoinResult result = server.directory().joinById("r");
            if (!result.isJoined())
            {
                continue;
            }
            if (++seatsTaken == 1_000)
            {
                enough.set(true);
            }
            final RoomHandle handle = result.handle();
            while (createsDone.get() == before && operator.isAlive())
            {
                Thread.onSpinWait();
            }
            if (handle.isRetired() || handle.seatsTaken() != 1 || server.directory().byId("r") != handle)
            {
                failure.compareAndSet(null, "the refused operator create took back the seat a joiner holds: " +
                    "retired=" + handle.isRetired() + ", seatsTaken=" + handle.seatsTaken() + " after " +
                    seatsTaken + " seats taken");
            }
            // Its join record does not fit in the full ring either.
            server.directory().abandonSeat(handle);
        }
        operator.join();
        assertNull(failure.get());
        assertTrue(seatsTaken > 0, "the joiner never got a seat in the operator's room");
        assertNull(server.directory().byId("r"), "refused creates and abandoned seats leave no room behind");
        assertNotNull(server.directory().byId("blocker"));
    }
}
