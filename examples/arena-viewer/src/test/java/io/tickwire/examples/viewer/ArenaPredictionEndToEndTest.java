package io.tickwire.examples.viewer;

import io.tickwire.client.ClientOptions;
import io.tickwire.client.DeliveryMode;
import io.tickwire.client.EntityState;
import io.tickwire.client.Interpolator;
import io.tickwire.client.Predictor;
import io.tickwire.client.RenderState;
import io.tickwire.client.RoomSession;
import io.tickwire.client.TickwireClient;
import io.tickwire.protocol.arena.ArenaInput;
import io.tickwire.protocol.arena.ArenaStep;
import io.tickwire.protocol.schema.SchemaField;
import io.tickwire.server.ServerOptions;
import io.tickwire.server.TickwireServer;
import io.tickwire.server.game.arena.ArenaGame;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The SDK's prediction with {@link ArenaStep} against the real server and its real arena game, on
 * loopback, driven by a 60 Hz game loop in poll mode: the predicted player is the server's player.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class ArenaPredictionEndToEndTest
{
    private TickwireServer server;
    private TickwireClient client;

    @BeforeEach
    void start()
    {
        server = TickwireServer.start(ServerOptions.builder().host("127.0.0.1").port(0).adminPort(-1)
            .roomType(ArenaGame.TYPE, ArenaGame.factory(ArenaGame.DEFAULT_NPC_COUNT)).build());
    }

    @AfterEach
    void stop()
    {
        if (client != null)
        {
            client.close();
        }
        server.close();
    }

    @Test
    void shouldPredictTheArenaPlayerExactlyOnLoopback() throws Exception
    {
        client = new TickwireClient(ClientOptions.builder()
            .uri(server.webSocketUri()).deliveryMode(DeliveryMode.POLL).build());
        final RoomSession session = client.joinByType("arena").get(10, TimeUnit.SECONDS);
        final Predictor predictor = session.predictor(new ArenaStep(session.schema(), session.tickRateHz()));
        final Interpolator interpolator = session.interpolator();
        final RenderState render = interpolator.newRenderState();
        final SchemaField x = session.schema().field("x");
        final SchemaField y = session.schema().field("y");

        final long startNs = System.nanoTime();
        long now = startNs;
        final long steerUntilNs = startNs + TimeUnit.MILLISECONDS.toNanos(3000);
        final long endNs = steerUntilNs + TimeUnit.MILLISECONDS.toNanos(600);
        double lastX = Double.NaN;
        while (now < endNs)
        {
            now = System.nanoTime();
            session.poll();
            final double t = (now - startNs) / 1e9;
            predictor.update(now, now < steerUntilNs ? ArenaInput.encode(Math.cos(t), Math.sin(t)) : ArenaInput.encode(0, 0));
            interpolator.sample(now, render);
            lastX = predictor.hasState() ? predictor.state().getDouble(x) : lastX;
            LockSupport.parkNanos(16_000_000L);
        }
        session.poll();
        predictor.reconcile();

        final int own = session.playerEntityId();
        assertTrue(predictor.hasState());
        final EntityState predicted = predictor.state();
        assertEquals(session.mirror().getDouble(own, x), predicted.getDouble(x), 0.0, "x: " + predictor);
        assertEquals(session.mirror().getDouble(own, y), predicted.getDouble(y), 0.0, "y: " + predictor);
        assertEquals(lastX, predicted.getDouble(x), 0.0);
        final long inputs = predictor.inputsSent();
        assertTrue(inputs > 80 && inputs < 130, "about 30 inputs a second for 3.6 s: " + inputs);
        assertTrue(predictor.reconciliations() > 50, predictor.toString());
        // The server applies one queued input per player per tick and the arena moves a player only
        // by an input, so prediction is exact by construction, whatever the scheduling jitter.
        assertEquals(0, predictor.mispredictions(), "mispredictions: " + predictor);
        assertTrue(render.count() >= 17, "16 NPCs and the player: " + render);
        assertTrue(session.clock().isSynchronized(), session.clock().toString());
    }
}
