package io.tickwire.server.transport;

import java.util.concurrent.atomic.LongAdder;

/**
 * What the event loops count: frames and bytes in, refusals, closes. Incremented on event loops,
 * read by metrics at scrape time. Thread-safe.
 */
public final class TransportCounters
{
    /** WebSocket handshakes completed. */
    public final LongAdder connectionsOpened = new LongAdder();
    /** Connections closed, any reason. */
    public final LongAdder connectionsClosed = new LongAdder();
    /** Binary frames received. */
    public final LongAdder framesIn = new LongAdder();
    /** Payload bytes of frames received. */
    public final LongAdder bytesIn = new LongAdder();
    /** Inputs dropped because the room loop's ring was full. */
    public final LongAdder inputsDropped = new LongAdder();
    /** Acks dropped because the room loop's ring was full (the next ack supersedes them). */
    public final LongAdder acksDropped = new LongAdder();
    /** Joins refused because the room loop's ring was full. */
    public final LongAdder joinsRefusedOverload = new LongAdder();
    /** Leave records that found the ring full and were retried. */
    public final LongAdder leaveRetries = new LongAdder();
    /** Frames rejected as text, unparseable or out of order. */
    public final LongAdder badFrames = new LongAdder();
}
