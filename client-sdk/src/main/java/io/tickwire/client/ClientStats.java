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
    volatile long acksCoalesced;
    volatile long inputsSent;
    volatile long bytesIn;
    volatile long bytesOut;
    volatile long framesIn;
    volatile long framesOut;
    volatile long pingsSent;
    volatile long messagesSent;
    volatile long messagesReceived;
    volatile long pongsReceived;
    volatile long pollCoalesced;
    volatile long pollDropped;
    volatile long disconnects;
    volatile long reconnectAttempts;
    volatile long reconnects;
    volatile long inputsResent;
    volatile long inputsRefused;
    volatile long silenceTimeouts;
    // Written by the thread driving the Predictor (single writer too).
    volatile long mispredictions;
    volatile long inputsSkipped;

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
     * @return applied snapshots whose auto-ack was not written as an {@code Ack} frame of its own: an input
     * carried it, or a later snapshot's ack superseded it ({@link ClientOptions#ackIntervalMs()}).
     */
    public long acksCoalesced()
    {
        return acksCoalesced;
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

    /**
     * @return {@code Ping} messages sent, automatic and explicit.
     */
    public long pingsSent()
    {
        return pingsSent;
    }

    /**
     * @return game messages written ({@link RoomSession#send}).
     */
    public long messagesSent()
    {
        return messagesSent;
    }

    /**
     * @return game messages received from the room.
     */
    public long messagesReceived()
    {
        return messagesReceived;
    }

    /**
     * @return {@code Pong} messages received.
     */
    public long pongsReceived()
    {
        return pongsReceived;
    }

    /**
     * @return snapshots that overwrote a queued one because {@link ClientOptions#pollQueueSnapshots()}
     * were waiting for {@code poll()}.
     */
    public long pollCoalesced()
    {
        return pollCoalesced;
    }

    /**
     * @return pongs and errors dropped because {@link PollQueue#MAX_OTHER_EVENTS} were waiting for {@code poll()}.
     */
    public long pollDropped()
    {
        return pollDropped;
    }

    /**
     * @return mispredictions counted by the session's {@link Predictor} (written by the thread driving it).
     */
    public long mispredictions()
    {
        return mispredictions;
    }

    /**
     * @return times the connection of the joined session ended without the client closing it.
     */
    public long disconnects()
    {
        return disconnects;
    }

    /**
     * @return resume attempts started (new connections after a loss).
     */
    public long reconnectAttempts()
    {
        return reconnectAttempts;
    }

    /**
     * @return successful resumes ({@code Welcome{resumed=true}} after a loss).
     */
    public long reconnects()
    {
        return reconnects;
    }

    /**
     * @return inputs written again on a resumed connection because the server had not processed them.
     */
    public long inputsResent()
    {
        return inputsResent;
    }

    /**
     * @return inputs refused (sequence 0 returned) because the buffer of unprocessed inputs
     * ({@link ClientOptions#maxPendingInputs()}) was full of inputs not yet written (reconnecting, or
     * resending after a resume).
     */
    public long inputsRefused()
    {
        return inputsRefused;
    }

    /**
     * @return connections taken as lost after {@link ClientOptions#silenceTimeoutMs()} without a frame.
     */
    public long silenceTimeouts()
    {
        return silenceTimeouts;
    }

    /**
     * @return input ticks the {@link Predictor} skipped because the server had too many of its inputs
     * pending (the input lead bound; written by the thread driving it).
     */
    public long inputsSkipped()
    {
        return inputsSkipped;
    }

    @Override
    public String toString()
    {
        return "ClientStats{snapshots=" + snapshotsReceived + ", full=" + fullSnapshots + ", delta=" + deltaSnapshots +
            ", stale=" + staleSnapshots + ", baselineMisses=" + baselineMisses + ", protocolErrors=" + protocolErrors +
            ", fullRequests=" + fullRequests + ", acks=" + acksSent + ", acksCoalesced=" + acksCoalesced + ", inputs=" + inputsSent + ", bytesIn=" +
            bytesIn + ", bytesOut=" + bytesOut + ", framesIn=" + framesIn + ", framesOut=" + framesOut + ", pings=" + pingsSent + ", pongs=" + pongsReceived +
            ", pollCoalesced=" + pollCoalesced + ", pollDropped=" + pollDropped + ", mispredictions=" + mispredictions +
            ", disconnects=" + disconnects + ", reconnectAttempts=" + reconnectAttempts + ", reconnects=" +
            reconnects + ", inputsResent=" + inputsResent + ", inputsRefused=" + inputsRefused +
            ", silenceTimeouts=" + silenceTimeouts + ", inputsSkipped=" + inputsSkipped + '}';
    }
}
