package io.tickwire.server.e2e;

import io.tickwire.protocol.ProtocolVersion;
import io.tickwire.protocol.v1.ClientMessage;
import io.tickwire.protocol.v1.Join;
import io.tickwire.protocol.v1.ServerMessage;
import io.tickwire.server.ServerOptions;
import io.tickwire.server.TickwireServer;
import io.tickwire.server.game.ScriptedGame;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CountDownLatch;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Players who join by type at the same instant, from several client threads onto several server event
 * loops, fill one room before another opens: 16 into 8-seat rooms make exactly two full rooms, 20 rounds
 * in a row, each round on a fresh server.
 */
@Timeout(120)
class MatchmakingRaceTest
{
    private static final int PLAYERS = 16;
    private static final int SEATS = 8;
    private static final int ROUNDS = 20;

    @Test
    void shouldFillRoomsFullestFirstWhenEveryoneJoinsAtOnce() throws Exception
    {
        final List<String> shapes = new ArrayList<>();
        for (int round = 0; round < ROUNDS; round++)
        {
            shapes.add(oneRound());
        }
        System.out.println("MatchmakingRaceTest room sizes per round: " + shapes);
        for (final String shape : shapes)
        {
            assertEquals("[8, 8]", shape, "room sizes per round: " + shapes);
        }
    }

    private static String oneRound() throws Exception
    {
        try (TickwireServer server = TickwireServer.start(ServerOptions.builder().host("127.0.0.1").port(0)
            .adminPort(-1).roomLoops(2).roomType(ScriptedGame.TYPE, ScriptedGame.factory(SEATS, 20)).build()))
        {
            final List<RawWebSocketClient> clients = new ArrayList<>();
            final List<Thread> threads = new ArrayList<>();
            final CountDownLatch go = new CountDownLatch(1);
            final byte[] join = ClientMessage.newBuilder().setJoin(Join.newBuilder().setRoomType(ScriptedGame.TYPE)
                .setProtocolVersion(ProtocolVersion.CURRENT)).build().toByteArray();
            try
            {
                // Handshakes first, so the joins themselves leave at the same instant on 16 client threads
                // (the server spreads the connections over its event loops).
                for (int i = 0; i < PLAYERS; i++)
                {
                    clients.add(RawWebSocketClient.connect(server.webSocketUri()));
                }
                for (final RawWebSocketClient client : clients)
                {
                    final Thread t = new Thread(() ->
                    {
                        try
                        {
                            go.await();
                            client.sendBinary(join);
                        }
                        catch (final Exception ex)
                        {
                            throw new IllegalStateException(ex);
                        }
                    });
                    t.start();
                    threads.add(t);
                }
                go.countDown();
                final Map<String, Integer> perRoom = new TreeMap<>();
                for (final RawWebSocketClient client : clients)
                {
                    io.tickwire.server.support.Await.awaitTrue(
                        () -> client.messages().stream().anyMatch(ServerMessage::hasWelcome), "welcome");
                    final String roomId = client.messages().stream().filter(ServerMessage::hasWelcome).findFirst()
                        .orElseThrow().getWelcome().getRoomId();
                    perRoom.merge(roomId, 1, Integer::sum);
                }
                return perRoom.values().toString();
            }
            finally
            {
                for (final Thread t : threads)
                {
                    t.join(5_000);
                }
                for (final RawWebSocketClient client : clients)
                {
                    client.close();
                }
            }
        }
    }
}
