package io.tickwire.loadtest;

import io.tickwire.client.ClientStats;

/**
 * Sums of the SDK counters over every bot at one moment. Mutable, reused by the control thread.
 */
final class TrafficTotals
{
    long snapshots;
    long full;
    long delta;
    long stale;
    long baselineMisses;
    long protocolErrors;
    long acks;
    long inputs;
    long bytesIn;
    long bytesOut;
    long framesIn;
    long framesOut;

    /**
     * Sum the counters of all started bots. Control thread.
     *
     * @param bots the swarm.
     * @return this.
     */
    TrafficTotals sum(final Bot[] bots)
    {
        snapshots = 0;
        full = 0;
        delta = 0;
        stale = 0;
        baselineMisses = 0;
        protocolErrors = 0;
        acks = 0;
        inputs = 0;
        bytesIn = 0;
        bytesOut = 0;
        framesIn = 0;
        framesOut = 0;
        for (final Bot bot : bots)
        {
            final ClientStats s = bot.stats();
            if (s != null)
            {
                snapshots += s.snapshotsReceived();
                full += s.fullSnapshots();
                delta += s.deltaSnapshots();
                stale += s.staleSnapshots();
                baselineMisses += s.baselineMisses();
                protocolErrors += s.protocolErrors();
                acks += s.acksSent();
                inputs += s.inputsSent();
                bytesIn += s.bytesIn();
                bytesOut += s.bytesOut();
                framesIn += s.framesIn();
                framesOut += s.framesOut();
            }
        }
        return this;
    }

    /**
     * @param other totals to copy.
     */
    void copyFrom(final TrafficTotals other)
    {
        snapshots = other.snapshots;
        full = other.full;
        delta = other.delta;
        stale = other.stale;
        baselineMisses = other.baselineMisses;
        protocolErrors = other.protocolErrors;
        acks = other.acks;
        inputs = other.inputs;
        bytesIn = other.bytesIn;
        bytesOut = other.bytesOut;
        framesIn = other.framesIn;
        framesOut = other.framesOut;
    }
}
