package io.tickwire.server.e2e;

import io.tickwire.protocol.ProtocolVersion;
import io.tickwire.protocol.schema.EntitySchema;
import io.tickwire.protocol.schema.SchemaField;
import io.tickwire.protocol.v1.Ack;
import io.tickwire.protocol.v1.ClientMessage;
import io.tickwire.protocol.v1.Input;
import io.tickwire.protocol.v1.Join;
import io.tickwire.server.ServerOptions;
import io.tickwire.server.TickwireServer;
import io.tickwire.server.game.GameLogic;
import io.tickwire.server.game.GameLogicFactory;
import io.tickwire.server.game.Player;
import io.tickwire.server.game.Rewind;
import io.tickwire.server.game.RoomContext;
import org.agrona.DirectBuffer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

import static io.tickwire.server.support.Await.awaitTrue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Lag compensation: an input carries the tick its client was showing ({@code Input.view_tick}); in
 * {@code onInput} the game's {@code rewind(player)} must show exactly the positions the room captured at that
 * tick, clamped to {@code maxRewindMs} behind the newest tick and never ahead of it.
 */
@Timeout(30)
class LagCompensationTest
{
    private static final EntitySchema SCHEMA = EntitySchema.builder().fixed("x", 0, 100_000, 0.5).build();
    private static final SchemaField X = SCHEMA.field("x");
    /** Position of the target at each tick, as the game set it. */
    private static final Map<Integer, Double> TRUTH = new ConcurrentHashMap<>();
    /** Per handled input: view tick asked, tick shown, x shown, newest tick then. */
    private static final List<double[]> SEEN = new CopyOnWriteArrayList<>();
    /** What a rewind shows before the room's first capture: tick and entity count. */
    private static final int[] BEFORE_FIRST_TICK = {-1, -1};

    private TickwireServer server;
    private RawWebSocketClient socket;

    @AfterEach
    void stop()
    {
        if (socket != null)
        {
            socket.close();
        }
        if (server != null)
        {
            server.close();
        }
    }

    @Test
    void shouldRewindToTheClientsViewTickClampedToTheMaximum() throws Exception
    {
        server = TickwireServer.start(ServerOptions.builder().host("127.0.0.1").port(0).adminPort(-1).roomLoops(1)
            .roomType("lag", factory()).build());
        socket = RawWebSocketClient.connect(server.webSocketUri());
        socket.sendBinary(ClientMessage.newBuilder().setJoin(Join.newBuilder().setRoomType("lag")
            .setProtocolVersion(ProtocolVersion.CURRENT)).build().toByteArray());
        awaitTrue(() -> TRUTH.size() > 20, "room ticked");
        int seq = 0;
        for (int round = 0; round < 24; round++)
        {
            final int newest = TRUTH.keySet().stream().mapToInt(Integer::intValue).max().orElseThrow();
            // Behind by 3 (inside the 200 ms = 6 tick clamp), by 20 (clamped), unknown (0), and ahead.
            final int[] asks = {newest - 3, newest - 20, 0, newest + 50};
            final int viewTick = asks[round % asks.length];
            socket.sendBinary(ClientMessage.newBuilder().setInput(Input.newBuilder().setSeq(++seq)
                .setViewTick(Math.max(0, viewTick)).setPayload(com.google.protobuf.ByteString.copyFrom(new byte[1])))
                .build().toByteArray());
            socket.sendBinary(ClientMessage.newBuilder().setAck(Ack.newBuilder().setTick(newest)).build()
                .toByteArray());
            Thread.sleep(40);
        }
        awaitTrue(() -> SEEN.size() >= 20, "inputs handled");
        int exact = 0;
        int clamped = 0;
        for (final double[] seen : SEEN)
        {
            final int asked = (int)seen[0];
            final int shown = (int)seen[1];
            final int newestThen = (int)seen[3];
            assertEquals(TRUTH.get(shown), seen[2], 0.0, "rewind shows exactly the captured position of tick " + shown);
            if (asked == 0 || asked > newestThen)
            {
                assertEquals(newestThen, shown, "unknown or future view ticks show the newest tick");
            }
            else if (newestThen - asked > 6)
            {
                assertEquals(newestThen - 6, shown, "200 ms at 30 Hz: at most 6 ticks back");
                clamped++;
            }
            else
            {
                assertEquals(asked, shown, "inside the clamp: exactly the tick asked");
                exact++;
            }
        }
        assertTrue(exact > 0 && clamped > 0, "exact=" + exact + ", clamped=" + clamped);
        assertEquals(0, BEFORE_FIRST_TICK[0], "before the first capture a rewind is tick 0");
        assertEquals(0, BEFORE_FIRST_TICK[1], "and shows nothing: no client has been shown anything yet");
    }

    private static GameLogicFactory factory()
    {
        return new GameLogicFactory()
        {
            @Override
            public EntitySchema schema()
            {
                return SCHEMA;
            }

            @Override
            public int tickRateHz()
            {
                return 30;
            }

            @Override
            public GameLogic create(final RoomContext room)
            {
                return new GameLogic()
                {
                    private int target;

                    @Override
                    public void onCreate(final RoomContext room, final Map<String, String> options)
                    {
                        target = room.world().createEntity();
                        final Rewind before = room.rewindTo(3);
                        BEFORE_FIRST_TICK[0] = before.tick();
                        BEFORE_FIRST_TICK[1] = before.entityCount();
                    }

                    @Override
                    public void onJoin(final RoomContext room, final Player player)
                    {
                    }

                    @Override
                    public void onInput(final RoomContext room, final Player player, final int seq,
                        final DirectBuffer payload, final int offset, final int length)
                    {
                        final Rewind rewind = room.rewind(player);
                        SEEN.add(new double[]{player.viewTick(), rewind.tick(), rewind.getDouble(target, X),
                            room.tick() - 1});
                    }

                    @Override
                    public void onTick(final RoomContext room, final int tick)
                    {
                        // A new position every tick, so every tick's capture is distinguishable.
                        room.world().setDouble(target, X, tick * 7.5);
                        TRUTH.put(tick, room.world().getDouble(target, X));
                    }

                    @Override
                    public void onLeave(final RoomContext room, final Player player, final boolean consented)
                    {
                    }
                };
            }
        };
    }
}
