package io.tickwire.server.it;

import io.tickwire.client.ClientOptions;
import io.tickwire.client.RoomSession;
import io.tickwire.client.SessionListener;
import io.tickwire.client.TickwireClient;
import io.tickwire.protocol.CloseCodes;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * SIGTERM with players connected: each is told 1001 with a reason, and the process exits 0
 * within its shutdown timeout.
 */
class ShutdownIT
{
    @Test
    @Timeout(60)
    void shouldDrainOnSigtermAndExitZero() throws Exception
    {
        final List<TickwireClient> clients = new ArrayList<>();
        final List<CompletableFuture<String>> closes = new ArrayList<>();
        try (ServerProcess server = ServerProcess.start(Map.of("TICKWIRE_SHUTDOWN_TIMEOUT_MS", "5000"),
            "--host", "127.0.0.1", "--port", "0", "--admin-port", "0"))
        {
            for (int i = 0; i < 3; i++)
            {
                final TickwireClient client = new TickwireClient(
                    ClientOptions.builder().uri(server.webSocketUri()).build());
                clients.add(client);
                final RoomSession session = client.joinByType("arena").get(5, TimeUnit.SECONDS);
                final CompletableFuture<String> closed = new CompletableFuture<>();
                session.addListener(new SessionListener()
                {
                    @Override
                    public void onClosed(final RoomSession s, final int code, final String reason)
                    {
                        closed.complete(code + " " + reason);
                    }
                });
                closes.add(closed);
            }
            final long startNs = System.nanoTime();
            final int exit = server.terminate(10_000);
            final long tookMs = (System.nanoTime() - startNs) / 1_000_000;
            assertEquals(0, exit, "exit code after SIGTERM; output: " + server.output());
            assertTrue(tookMs < 5_000, "exits within the shutdown timeout: tookMs=" + tookMs);
            for (final CompletableFuture<String> closed : closes)
            {
                final String close = closed.get(5, TimeUnit.SECONDS);
                assertTrue(close.startsWith(CloseCodes.GOING_AWAY + " "), "client told 1001: " + close);
                assertTrue(close.contains("shutting down"), "with a reason: " + close);
            }
            MetricsIT.awaitTrue(() -> server.output().stream().anyMatch(l -> l.contains("tickwire stopped")));
            assertTrue(server.output().stream().anyMatch(l -> l.contains("shutting down: sessions=3")),
                server.output().toString());
        }
        finally
        {
            clients.forEach(TickwireClient::close);
        }
    }
}
