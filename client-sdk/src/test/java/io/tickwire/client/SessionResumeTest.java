package io.tickwire.client;

import io.tickwire.protocol.CloseCodes;
import io.tickwire.protocol.ProtocolVersion;
import io.tickwire.protocol.delta.WorldState;
import io.tickwire.protocol.v1.ClientMessage;
import io.tickwire.protocol.v1.Join;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Reconnection against the scripted server on loopback: what the SDK sends when it resumes (the newest
 * token, only the inputs the server did not process, the inputs sent while it was down), the callbacks,
 * and when it gives up.
 */
@Timeout(value = 20, unit = TimeUnit.SECONDS)
class SessionResumeTest
{
    private static final long WAIT_S = 5;

    private ScriptedServer server;
    private final List<TickwireClient> clients = new ArrayList<>();
    private final TestWorlds worlds = new TestWorlds(5);

    @BeforeEach
    void start() throws InterruptedException
    {
        server = new ScriptedServer();
    }

    @AfterAll
    static void noLeaks() throws InterruptedException
    {
        CountingLeakDetector.assertNoLeaks();
    }

    @AfterEach
    void stop()
    {
        for (final TickwireClient c : clients)
        {
            c.close();
        }
        server.close();
    }

    /** Records connection events in order; sends inputs from inside onDisconnected when asked to. */
    private static final class Events implements SessionListener
    {
        final BlockingQueue<String> events = new LinkedBlockingQueue<>();
        final List<Integer> seqsSentWhileDown = new ArrayList<>();
        volatile int inputsToSendWhileDown;
        volatile RoomSession reconnectedSession;

        @Override
        public void onDisconnected(final RoomSession session, final int closeCode, final String reason,
            final boolean willReconnect)
        {
            assertEquals(willReconnect, session.isReconnecting());
            for (int i = 0; i < inputsToSendWhileDown; i++)
            {
                seqsSentWhileDown.add(session.sendInput(new byte[]{ 9, (byte)i }));
            }
            events.add("disconnected " + closeCode + " " + willReconnect);
        }

        @Override
        public void onReconnected(final RoomSession session)
        {
            reconnectedSession = session;
            events.add("reconnected");
        }

        @Override
        public void onClosed(final RoomSession session, final int closeCode, final String reason)
        {
            events.add("closed " + closeCode + " " + reason);
        }

        String next() throws InterruptedException
        {
            return events.poll(WAIT_S, TimeUnit.SECONDS);
        }
    }

    private TickwireClient client(final ReconnectPolicy policy, final Events events)
    {
        final TickwireClient c = new TickwireClient(ClientOptions.builder().uri(server.uri()).connectTimeoutMs(2000).ackIntervalMs(0)
            .pingIntervalMs(0).reconnect(policy).build());
        c.addListener(events);
        clients.add(c);
        return c;
    }

    private static ReconnectPolicy fast()
    {
        return ReconnectPolicy.builder().initialDelayMs(20).maxDelayMs(100).giveUpAfterMs(3000).build();
    }

    private RoomSession joined(final TickwireClient client) throws Exception
    {
        final CompletableFuture<RoomSession> join = client.joinByType("arena");
        server.awaitJoin();
        server.sendWelcome(9);
        return join.get(WAIT_S, TimeUnit.SECONDS);
    }

    private static List<Integer> inputSeqs(final BlockingQueue<ClientMessage> inputs, final int count)
        throws InterruptedException
    {
        final List<Integer> seqs = new ArrayList<>();
        for (int i = 0; i < count; i++)
        {
            seqs.add(ScriptedServer.next(inputs).getInput().getSeq());
        }
        return seqs;
    }

    @Test
    void shouldResumeSameSessionWithNewestTokenAndResendOnlyUnprocessedInputs() throws Exception
    {
        final Events events = new Events();
        final TickwireClient client = client(fast(), events);
        final RoomSession session = joined(client);
        final WorldState s1 = worlds.initial(1);
        server.sendSnapshot(null, s1, 0);
        server.awaitAck(1);
        for (int i = 1; i <= 5; i++)
        {
            assertEquals(i, session.sendInput(new byte[]{ (byte)i }));
        }
        assertEquals(List.of(1, 2, 3, 4, 5), inputSeqs(server.inputs, 5));
        final WorldState s2 = worlds.next(s1, 2);
        server.sendSnapshot(s1, s2, 2);
        server.awaitAck(2);
        events.inputsToSendWhileDown = 2;

        server.drop();

        assertEquals("disconnected 1006 true", events.next());
        assertEquals(List.of(6, 7), events.seqsSentWhileDown, "inputs sent while down get sequences");
        final Join resume = server.awaitJoin().getJoin();
        assertEquals("room-7", resume.getRoomId());
        assertEquals("resume-1", resume.getResumeToken());
        assertEquals("", resume.getRoomType());
        assertEquals(ProtocolVersion.CURRENT, resume.getProtocolVersion());
        server.sendWelcome(9, "resume-2", true, 3);

        assertEquals("reconnected", events.next());
        assertSame(session, events.reconnectedSession, "the same session object carries on");
        assertEquals(List.of(4, 5, 6, 7), inputSeqs(server.inputs, 4),
            "after Welcome.last_input_seq=3: the unprocessed 4 and 5, then those sent while down");
        assertEquals("resume-2", session.resumeToken());
        assertTrue(session.isOpen());
        assertFalse(session.isReconnecting());

        // The server deltas from the last acked tick: the retained state is still there.
        final WorldState s3 = worlds.next(s2, 3);
        server.sendSnapshot(s2, s3, 7);
        server.awaitAck(3);
        assertEquals(3, session.mirror().tick());
        assertEquals(8, session.sendInput(new byte[]{ 8 }));
        assertEquals(List.of(8), inputSeqs(server.inputs, 1));
        assertEquals(1, client.stats().disconnects());
        assertEquals(1, client.stats().reconnects());
        assertEquals(2, client.stats().inputsResent());
        assertEquals(0, client.stats().baselineMisses());

        // The next loss presents the newest token.
        server.drop();
        assertEquals("disconnected 1006 true", events.next());
        assertEquals("resume-2", server.awaitJoin().getJoin().getResumeToken());
    }

    @Test
    void shouldPaceResentBacklogByWindowBeyondLastProcessedInput() throws Exception
    {
        final Events events = new Events();
        final TickwireClient client = client(ReconnectPolicy.builder().initialDelayMs(20).maxDelayMs(100)
            .resendWindowInputs(3).build(), events);
        final RoomSession session = joined(client);
        final WorldState s1 = worlds.initial(1);
        server.sendSnapshot(null, s1, 0);
        server.awaitAck(1);
        events.inputsToSendWhileDown = 8;

        server.drop();
        assertEquals("disconnected 1006 true", events.next());
        server.awaitJoin();
        server.sendWelcome(9, "resume-2", true, 0);
        assertEquals("reconnected", events.next());

        assertEquals(List.of(1, 2, 3), inputSeqs(server.inputs, 3), "at most 3 beyond last_input_seq=0");
        assertNull(server.inputs.poll(200, TimeUnit.MILLISECONDS), "held back until the server processes some");
        final WorldState s2 = worlds.next(s1, 2);
        server.sendSnapshot(s1, s2, 2);
        assertEquals(List.of(4, 5), inputSeqs(server.inputs, 2));
        final WorldState s3 = worlds.next(s2, 3);
        server.sendSnapshot(s2, s3, 5);
        assertEquals(List.of(6, 7, 8), inputSeqs(server.inputs, 3));
        assertEquals(9, session.sendInput(new byte[]{ 9 }), "caught up: sent at once again");
        assertEquals(List.of(9), inputSeqs(server.inputs, 1));
    }

    @Test
    void shouldCloseWithResumeRejectedWhenServerForgotThePlayer() throws Exception
    {
        final Events events = new Events();
        final TickwireClient client = client(fast(), events);
        final RoomSession session = joined(client);

        server.drop();
        assertEquals("disconnected 1006 true", events.next());
        server.awaitJoin();
        server.sendError(CloseCodes.RESUME_REJECTED, "resume token unknown or expired");
        server.sendClose(CloseCodes.RESUME_REJECTED, "resume token unknown or expired");

        assertEquals("closed 4012 resume token unknown or expired", events.next());
        assertFalse(session.isReconnecting());
        assertFalse(session.isOpen());
        assertNull(events.events.poll(300, TimeUnit.MILLISECONDS), "no further events, no further attempts");
        assertEquals(1, client.stats().reconnectAttempts());
    }

    @Test
    void shouldNotReconnectWhenServerClosesWithCode() throws Exception
    {
        final Events events = new Events();
        final TickwireClient client = client(fast(), events);
        joined(client);

        server.sendClose(CloseCodes.SESSION_REPLACED, "player resumed on another connection");

        assertEquals("disconnected 4013 false", events.next());
        assertEquals("closed 4013 player resumed on another connection", events.next());
        assertEquals(0, client.stats().reconnectAttempts());
    }

    @Test
    void shouldGiveUpWhenNoAttemptSucceedsWithinGiveUpTime() throws Exception
    {
        final Events events = new Events();
        final TickwireClient client = client(ReconnectPolicy.builder().initialDelayMs(20).maxDelayMs(50)
            .jitter(ReconnectPolicy.Jitter.NONE).giveUpAfterMs(600).build(), events);
        joined(client);

        server.stopAccepting();   // the port refuses every attempt
        server.drop();
        final long lostNs = System.nanoTime();

        assertEquals("disconnected 1006 true", events.next());
        final String closed = events.next();
        assertNotNull(closed);
        assertTrue(closed.startsWith("closed 1006 connection lost without a close frame; no resume within " +
            "giveUpAfterMs=600"), closed);
        final long tookMs = (System.nanoTime() - lostNs) / 1_000_000;
        assertTrue(tookMs >= 500 && tookMs < 3000, "gave up after " + tookMs + " ms");
        assertTrue(client.stats().reconnectAttempts() >= 8, client.stats().toString());
    }

    @Test
    void shouldTakeSilentConnectionAsLostAndResume() throws Exception
    {
        final Events events = new Events();
        final TickwireClient c = new TickwireClient(ClientOptions.builder().uri(server.uri()).connectTimeoutMs(2000).ackIntervalMs(0)
            .pingIntervalMs(0).silenceTimeoutMs(300).reconnect(fast()).build());
        c.addListener(events);
        clients.add(c);
        joined(c);

        // The server sends nothing more: a half-open connection as far as the client can tell.
        assertEquals("disconnected 1006 true", events.next());
        assertEquals(1, c.stats().silenceTimeouts());
        assertEquals("resume-1", server.awaitJoin().getJoin().getResumeToken());
    }

    @Test
    void shouldStopReconnectingWhenClosed() throws Exception
    {
        final Events events = new Events();
        final TickwireClient client = client(ReconnectPolicy.builder().initialDelayMs(1000).maxDelayMs(1000)
            .jitter(ReconnectPolicy.Jitter.NONE).build(), events);
        final RoomSession session = joined(client);

        server.drop();
        assertEquals("disconnected 1006 true", events.next());
        client.close();

        assertEquals("closed 1000 client closed", events.next());
        assertFalse(session.isReconnecting());
        assertNull(events.events.poll(1200, TimeUnit.MILLISECONDS));
        assertEquals(0, client.stats().reconnectAttempts());
    }
}
