package io.tickwire.server.room;

import io.tickwire.server.game.ScriptedGame;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

/**
 * Joiners on several event loops at once, in two-seat rooms, so rooms are created all the time. A room becomes
 * joinable the moment other event loops can see it, which found two races:
 * <ul>
 *   <li>a join that took a seat in a room another event loop was still creating reaches the room loop at once,
 *   and the room loop finds the room by its key: a room visible by id but not yet by key was refused there with
 *   "room closed before the join completed" (seen in a load test smoke run on a loaded box) and its seat
 *   leaked;</li>
 *   <li>joiners outside the creation lock could fill a new room before its creator took its seat, and the
 *   creator was refused with "room filled up before the join" although another room could be opened.</li>
 * </ul>
 */
class RoomDirectoryRaceTest
{
    @Test
    @Timeout(60)
    void shouldMakeEveryJoinableRoomFindableByKey() throws Exception
    {
        final int joiners = 3;
        final int joinsEach = 4_000;
        final RoomDirectory directory = new RoomDirectory(Map.of(ScriptedGame.TYPE, ScriptedGame.factory(2, 20)), 2,
            joiners * joinsEach, 2, 20);
        final AtomicReference<String> failure = new AtomicReference<>();
        final AtomicInteger joined = new AtomicInteger();
        final CountDownLatch start = new CountDownLatch(1);
        final List<Thread> threads = new ArrayList<>();
        for (int t = 0; t < joiners; t++)
        {
            final Thread thread = new Thread(() ->
            {
                try
                {
                    start.await();
                }
                catch (final InterruptedException ex)
                {
                    return;
                }
                for (int i = 0; i < joinsEach && failure.get() == null; i++)
                {
                    final JoinResult result = directory.joinOrCreate(ScriptedGame.TYPE);
                    if (!result.isJoined())
                    {
                        failure.compareAndSet(null, "join refused: " + result.reason());
                        return;
                    }
                    // What the room loop does with the join record: look the room up by its key.
                    final RoomHandle handle = result.handle();
                    if (directory.byKey(handle.key()) != handle)
                    {
                        failure.compareAndSet(null, "seat taken in room " + handle.id() + " (key " + handle.key() +
                            ") that its room loop cannot find by key");
                        return;
                    }
                    joined.incrementAndGet();
                }
            }, "joiner-" + t);
            threads.add(thread);
            thread.start();
        }
        start.countDown();
        for (final Thread thread : threads)
        {
            thread.join();
        }
        assertNull(failure.get());
        assertEquals(joiners * joinsEach, joined.get());
    }
}
