package io.tickwire.server.room;

/**
 * Receives a room loop's per-tick measurements, on the loop thread, once per tick or encode. The
 * server wires it to a Micrometer {@code Timer} and {@code DistributionSummary} created at start-up,
 * so the tick path never looks anything up in a registry. Implementations must not block or
 * allocate.
 */
public interface LoopObserver
{
    /** Observes nothing. */
    LoopObserver NOOP = new LoopObserver()
    {
        @Override
        public void onTick(final long durationNs)
        {
        }

        @Override
        public void onEncode(final int bodyBytes)
        {
        }
    };

    /**
     * @param durationNs how long one room's tick took: game logic, capture and send.
     */
    void onTick(long durationNs);

    /**
     * @param bodyBytes size of one encoded snapshot body (one per distinct baseline per room tick).
     */
    void onEncode(int bodyBytes);
}
