package io.tickwire.server.it;

import io.tickwire.client.ClientOptions;
import io.tickwire.client.RoomSession;
import io.tickwire.client.TickwireClient;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The shaded jar as a process, configured by options and environment variables; /metrics scraped
 * over HTTP before and after one client session, and the named metrics moved by the right amounts.
 */
class MetricsIT
{
    @Test
    @Timeout(60)
    void shouldCountOneSessionInTheMetrics() throws Exception
    {
        try (ServerProcess server = ServerProcess.start(
            Map.of("TICKWIRE_TICK_RATE", "20", "TICKWIRE_ROOM_LOOPS", "1"),
            "--host", "127.0.0.1", "--port", "0", "--admin-port", "0", "--arena-npcs", "4"))
        {
            assertEquals(200, server.get("/ready").statusCode());
            assertTrue(server.output().stream().anyMatch(l -> l.contains("tickRateHz=20")),
                "environment variable configured the tick rate: " + server.output());

            final double joins0 = server.metric("tickwire_joins_total");
            final double leaves0 = server.metric("tickwire_leaves_total");
            final double opened0 = server.metric("tickwire_connections_opened_total");
            final double inputs0 = server.metric("tickwire_inputs_applied_total");
            final double framesIn0 = server.metric("tickwire_frames_in_total");
            final double normal0 = server.metric("tickwire_disconnects_total", "code=\"1000\"");
            final double full0 = server.metric("tickwire_snapshots_sent_total", "kind=\"full\"");
            final double delta0 = server.metric("tickwire_snapshots_sent_total", "kind=\"delta\"");
            final double rooms0 = server.metric("tickwire_rooms_opened_total");

            final int inputs = 10;
            try (TickwireClient client = new TickwireClient(
                ClientOptions.builder().uri(server.webSocketUri()).build()))
            {
                final RoomSession session = client.joinByType("arena").get(5, TimeUnit.SECONDS);
                assertEquals(20, session.tickRateHz());
                for (int i = 0; i < inputs; i++)
                {
                    session.sendInput(new byte[]{ 127, 0 });
                }
                awaitTrue(() -> session.lastProcessedInputSeq() == inputs);
                awaitTrue(() -> session.stats().deltaSnapshots() >= 10);
                assertEquals(1.0, server.metric("tickwire_sessions"));
                assertEquals(1.0, server.metric("tickwire_players"));
                assertEquals(1.0, server.metric("tickwire_rooms"));
            }
            awaitTrue(() -> server.metric("tickwire_sessions") == 0 && server.metric("tickwire_players") == 0);

            assertEquals(1, server.metric("tickwire_joins_total") - joins0);
            assertEquals(1, server.metric("tickwire_leaves_total") - leaves0);
            assertEquals(1, server.metric("tickwire_connections_opened_total") - opened0);
            assertEquals(inputs, server.metric("tickwire_inputs_applied_total") - inputs0);
            assertEquals(1, server.metric("tickwire_disconnects_total", "code=\"1000\"") - normal0,
                "the SDK's leave closes with 1000");
            assertEquals(1, server.metric("tickwire_rooms_opened_total") - rooms0);
            assertTrue(server.metric("tickwire_snapshots_sent_total", "kind=\"full\"") - full0 >= 1);
            assertTrue(server.metric("tickwire_snapshots_sent_total", "kind=\"delta\"") - delta0 >= 10);
            // join + inputs + at least one ack per delta applied
            assertTrue(server.metric("tickwire_frames_in_total") - framesIn0 >= 1 + inputs + 10);
            assertTrue(server.metric("tickwire_tick_duration_seconds_count") > 0);
            assertTrue(server.metric("tickwire_snapshot_size_bytes_count") > 0);
            assertTrue(server.metric("jvm_memory_used_bytes") > 0, "JVM metrics are bound");
            assertEquals(0, server.metric("tickwire_ring_refusals_total"));
        }
    }

    static void awaitTrue(final ThrowingCondition condition) throws Exception
    {
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!condition.get())
        {
            if (System.nanoTime() > deadline)
            {
                throw new AssertionError("timed out waiting for condition");
            }
            Thread.sleep(20);
        }
    }

    @FunctionalInterface
    interface ThrowingCondition
    {
        boolean get() throws Exception;
    }
}
