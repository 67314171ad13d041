package io.tickwire.client;

import io.tickwire.protocol.CloseCodes;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The reconnect policy's delays and close-code rules, and the options that go with reconnection and wss.
 */
class ReconnectPolicyTest
{
    @Test
    void shouldGrowDelayExponentiallyUpToCapWithJitter()
    {
        final ReconnectPolicy none = ReconnectPolicy.builder().jitter(ReconnectPolicy.Jitter.NONE).build();
        assertEquals(100, none.delayMs(1, 0.7));
        assertEquals(200, none.delayMs(2, 0.7));
        assertEquals(1600, none.delayMs(5, 0.7));
        assertEquals(5000, none.delayMs(7, 0.7));
        assertEquals(5000, none.delayMs(1000, 0.7));

        final ReconnectPolicy full = ReconnectPolicy.defaults();
        assertEquals(ReconnectPolicy.Jitter.FULL, full.jitter());
        assertEquals(0, full.delayMs(3, 0.0));
        assertEquals(200, full.delayMs(3, 0.5));
        assertEquals(400, full.delayMs(3, 0.999999), 1);

        final ReconnectPolicy half = ReconnectPolicy.builder().jitter(ReconnectPolicy.Jitter.HALF).build();
        assertEquals(200, half.delayMs(3, 0.0));
        assertEquals(400, half.delayMs(3, 0.5));
        assertEquals(600, half.delayMs(3, 0.999999), 1);
    }

    @Test
    void shouldReconnectOnlyWhenLostOrTimedOut()
    {
        assertTrue(ReconnectPolicy.reconnectsOn(TickwireException.ABNORMAL_CLOSURE));
        assertTrue(ReconnectPolicy.reconnectsOn(CloseCodes.ACK_TIMEOUT));
        assertTrue(ReconnectPolicy.reconnectsOn(CloseCodes.IDLE_TIMEOUT));
        for (final int code : new int[]{ CloseCodes.NORMAL, CloseCodes.GOING_AWAY, CloseCodes.PROTOCOL_ERROR,
            CloseCodes.POLICY_VIOLATION, CloseCodes.MESSAGE_TOO_BIG, CloseCodes.INTERNAL_ERROR, CloseCodes.SLOW_CONSUMER,
            CloseCodes.ROOM_CLOSED, CloseCodes.TICKET_REJECTED,
            CloseCodes.RESUME_REJECTED, CloseCodes.SESSION_REPLACED })
        {
            assertFalse(ReconnectPolicy.reconnectsOn(code), "code " + code);
        }
        assertTrue(ReconnectPolicy.retriesAttemptOn(TickwireException.ABNORMAL_CLOSURE));
        assertTrue(ReconnectPolicy.retriesAttemptOn(CloseCodes.SERVER_OVERLOADED));
        assertFalse(ReconnectPolicy.retriesAttemptOn(CloseCodes.RESUME_REJECTED));
        assertFalse(ReconnectPolicy.retriesAttemptOn(CloseCodes.GOING_AWAY));
    }

    @Test
    void shouldRejectInvalidPolicyNamingTheValue()
    {
        final IllegalArgumentException ex = assertThrows(IllegalArgumentException.class,
            () -> ReconnectPolicy.builder().multiplier(0.5).build());
        assertEquals("multiplier must be a finite value >= 1: multiplier=0.5", ex.getMessage());
        assertThrows(IllegalArgumentException.class, () -> ReconnectPolicy.builder().maxDelayMs(10).build());
        assertThrows(IllegalArgumentException.class, () -> ReconnectPolicy.builder().giveUpAfterMs(0).build());
        assertThrows(IllegalArgumentException.class, () -> ReconnectPolicy.builder().resendWindowInputs(0).build());
        assertFalse(ReconnectPolicy.disabled().enabled());
        assertTrue(ReconnectPolicy.defaults().enabled());
        assertEquals(10_000, ReconnectPolicy.defaults().giveUpAfterMs());
    }

    @Test
    void shouldAcceptWssWithDefaultPortAndTrustStore()
    {
        final ClientOptions wss = ClientOptions.builder().uri("wss://game.example.com/ws").build();
        assertTrue(wss.isSecure());
        assertEquals(443, wss.port());
        assertNull(wss.trustCertificate());
        final ClientOptions ws = ClientOptions.builder().uri("ws://game.example.com/ws").build();
        assertFalse(ws.isSecure());
        assertEquals(80, ws.port());
        assertEquals(ReconnectPolicy.defaults(), ws.reconnectPolicy());
        assertEquals(ClientOptions.DEFAULT_SILENCE_TIMEOUT_MS, ws.silenceTimeoutMs());
        assertEquals(ClientOptions.DEFAULT_INPUT_LEAD_MARGIN_TICKS, ws.inputLeadMarginTicks());
    }

    @Test
    void shouldRejectTrustCertificateThatCannotBeUsed()
    {
        final IllegalArgumentException notWss = assertThrows(IllegalArgumentException.class, () -> ClientOptions
            .builder().uri("ws://127.0.0.1:1/ws").trustCertificate(Path.of("cert.pem")).build());
        assertTrue(notWss.getMessage().startsWith("trustCertificate needs a wss uri"), notWss.getMessage());
        final IllegalArgumentException missing = assertThrows(IllegalArgumentException.class, () -> ClientOptions
            .builder().uri("wss://127.0.0.1:1/ws").trustCertificate(Path.of("/no/such/cert.pem")).build());
        assertTrue(missing.getMessage().startsWith("trustCertificate is not a readable file"), missing.getMessage());
        assertThrows(IllegalArgumentException.class,
            () -> ClientOptions.builder().uri("http://127.0.0.1:1/ws").build());
        assertThrows(IllegalArgumentException.class,
            () -> ClientOptions.builder().uri("ws://127.0.0.1:1/ws").inputLeadMarginTicks(-2).build());
    }
}
