package io.tickwire.client;

/**
 * Counters of one client connection. Written only by the connection's event loop, readable from any
 * thread (each value is current on its own; values read together may be from slightly different
 * moments).
 */
public final class ClientStats
{
    // Single writer (the event loop): a volatile increment is safe and readers see recent values.
    volatile long snapshotsReceived;
    volatile long fullSnapshots;
    volatile long deltaSnapshots;
    volatile long staleSnapshots;
    volatile long baselineMisses;
    volatile long protocolErrors;
    volatile long fullRequests;
    volatile long acksSent;
    volatile long inputsSent;
    volatile long bytesIn;
    volatile long bytesOut;
    volatile long framesIn;
    volatile long framesOut;

    ClientStats()
    {
    }

    /**
     * @return snapshots received, applied or not.
     */
    public long snapshotsReceived()
    {
        return snapshotsReceived;
    }

    /**
     * @return full snapshots applied.
     */
    public long fullSnapshots()
    {
        return fullSnapshots;
    }

    /**
     * @return delta snapshots applied.
     */
    public long deltaSnapshots()
    {
        return deltaSnapshots;
    }

    /**
     * @return snapshots ignored because their tick was not after the newest applied tick.
     */
    public long staleSnapshots()
    {
        return staleSnapshots;
    }

    /**
     * @return snapshots refused because their baseline was not retained.
     */
    public long baselineMisses()
    {
        return baselineMisses;
    }

    /**
     * @return other protocol errors: snapshots that did not fit their baseline, text frames,
     * unparseable or unexpected messages.
     */
    public long protocolErrors()
    {
        return protocolErrors;
    }

    /**
     * @return {@code Ack{request_full}} messages sent after a refused snapshot.
     */
    public long fullRequests()
    {
        return fullRequests;
    }

    /**
     * @return {@code Ack} messages sent (auto or explicit, not counting full requests).
     */
    public long acksSent()
    {
        return acksSent;
    }

    /**
     * @return {@code Input} messages sent.
     */
    public long inputsSent()
    {
        return inputsSent;
    }

    /**
     * @return bytes read from the socket, WebSocket framing and handshake included.
     */
    public long bytesIn()
    {
        return bytesIn;
    }

    /**
     * @return bytes written to the socket, WebSocket framing and handshake included.
     */
    public long bytesOut()
    {
        return bytesOut;
    }

    /**
     * @return WebSocket data frames received (binary and text).
     */
    public long framesIn()
    {
        return framesIn;
    }

    /**
     * @return {@code ClientMessage} frames written.
     */
    public long framesOut()
    {
        return framesOut;
    }

    @Override
    public String toString()
    {
        return "ClientStats{snapshots=" + snapshotsReceived + ", full=" + fullSnapshots + ", delta=" + deltaSnapshots +
            ", stale=" + staleSnapshots + ", baselineMisses=" + baselineMisses + ", protocolErrors=" + protocolErrors +
            ", fullRequests=" + fullRequests + ", acks=" + acksSent + ", inputs=" + inputsSent + ", bytesIn=" +
            bytesIn + ", bytesOut=" + bytesOut + ", framesIn=" + framesIn + ", framesOut=" + framesOut + '}';
    }
}
