package io.tickwire.server.faults;

import io.tickwire.client.RoomSession;
import io.tickwire.client.SessionListener;
import io.tickwire.client.SnapshotInfo;

import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * Records a session's connection events ({@code "disconnected <code> <willReconnect> <reason>"},
 * {@code "reconnected"}, {@code "closed <code> <reason>"}) and the local arrival time of every snapshot.
 * Thread: written by the SDK's callback thread, read by the test thread.
 */
final class SessionEvents implements SessionListener
{
    final BlockingQueue<String> events = new LinkedBlockingQueue<>();
    private final long[] arrivalsNs = new long[1 << 14];
    private volatile int snapshots;

    @Override
    public void onSnapshot(final RoomSession session, final SnapshotInfo info)
    {
        final int n = snapshots;
        arrivalsNs[n & (arrivalsNs.length - 1)] = info.receiveTimeNanos();
        snapshots = n + 1;
    }

    @Override
    public void onDisconnected(final RoomSession session, final int closeCode, final String reason,
        final boolean willReconnect)
    {
        events.add("disconnected " + closeCode + " " + willReconnect + " " + reason);
    }

    @Override
    public void onReconnected(final RoomSession session)
    {
        events.add("reconnected");
    }

    @Override
    public void onClosed(final RoomSession session, final int closeCode, final String reason)
    {
        events.add("closed " + closeCode + " " + reason);
    }

    /**
     * @return the next event, waiting up to {@code timeoutMs}; null when none came.
     */
    String next(final long timeoutMs) throws InterruptedException
    {
        return events.poll(timeoutMs, TimeUnit.MILLISECONDS);
    }

    /**
     * @return snapshots applied so far.
     */
    int snapshots()
    {
        return snapshots;
    }

    /**
     * @param from a {@link #snapshots()} value.
     * @return the longest interval between consecutive snapshot arrivals since then, in milliseconds.
     */
    long maxGapMsSince(final int from)
    {
        final int to = snapshots;
        long max = 0;
        for (int i = from + 1; i < to; i++)
        {
            final long gap = arrivalsNs[i & (arrivalsNs.length - 1)] - arrivalsNs[(i - 1) & (arrivalsNs.length - 1)];
            max = Math.max(max, gap);
        }
        return max / 1_000_000;
    }
}
