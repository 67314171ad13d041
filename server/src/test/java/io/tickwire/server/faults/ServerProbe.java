package io.tickwire.server.faults;

import io.tickwire.server.TickwireServer;
import io.tickwire.server.room.LoopCounters;
import io.tickwire.server.transport.TransportCounters;

import java.util.function.ToLongFunction;

/**
 * Reads a running server's counters for the fault tests. Any thread (the counters are published for
 * readers on other threads).
 */
final class ServerProbe
{
    private ServerProbe()
    {
    }

    /**
     * @param server  the server.
     * @param counter one room-loop counter.
     * @return its sum over the server's room loops.
     */
    static long loops(final TickwireServer server, final ToLongFunction<LoopCounters> counter)
    {
        long sum = 0;
        for (final LoopCounters c : server.loopCounters())
        {
            sum += counter.applyAsLong(c);
        }
        return sum;
    }

    /**
     * @param server    the server.
     * @param closeCode a close code of {@link TransportCounters#DISCONNECT_CODES} (0: the client closed or vanished).
     * @return connections the server saw end with that code.
     */
    static long disconnects(final TickwireServer server, final int closeCode)
    {
        final int[] codes = TransportCounters.DISCONNECT_CODES;
        for (int i = 0; i < codes.length; i++)
        {
            if (codes[i] == closeCode)
            {
                return server.counters().disconnects[i].sum();
            }
        }
        throw new IllegalArgumentException("close code not counted separately: closeCode=" + closeCode);
    }

    /**
     * @param server the server.
     * @param roomId a room id.
     * @return players seated in the room (detached ones included), 0 when the room is gone.
     */
    static int players(final TickwireServer server, final String roomId)
    {
        final io.tickwire.server.room.RoomHandle room = server.directory().byId(roomId);
        return room == null ? 0 : room.players();
    }
}
