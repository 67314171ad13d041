package io.tickwire.loadtest;

import io.tickwire.server.ServerOptions;
import io.tickwire.server.TickwireServer;
import io.tickwire.server.game.arena.ArenaGame;

/**
 * The real server in-process for tests: loopback, an ephemeral WebSocket port, no admin HTTP port (a
 * fixed admin port would collide with anything else on the machine).
 */
final class TestServers
{
    private TestServers()
    {
    }

    /**
     * @return a server with the defaults (30 Hz, 16 seats per room).
     */
    static TickwireServer start()
    {
        return TickwireServer.start(loopback().build());
    }

    /**
     * @param seats seats per room.
     * @return a server whose rooms seat that many players.
     */
    static TickwireServer start(final int seats)
    {
        return TickwireServer.start(loopback().maxPlayersPerRoom(seats).build());
    }

    private static ServerOptions.Builder loopback()
    {
        return ServerOptions.builder().host("127.0.0.1").port(0).adminPort(-1)
            .roomType(ArenaGame.TYPE, ArenaGame.factory(ArenaGame.DEFAULT_NPC_COUNT));
    }
}
