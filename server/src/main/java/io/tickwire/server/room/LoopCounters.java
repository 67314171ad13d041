package io.tickwire.server.room;

/**
 * What one room loop counts, in plain fields written only by the loop thread. Readers on other
 * threads (metrics at scrape time, tests) see values that may lag by a duty cycle; every field is
 * a monotonic count or a gauge, so a stale read is harmless. {@code long} reads are atomic on the
 * 64-bit JVMs we support.
 */
public final class LoopCounters
{
    /** Ticks run. */
    public long ticks;
    /** Ticks that took longer than the tick period. */
    public long tickOverruns;
    /** Tick slots dropped because a room was more than maxCatchUpTicks behind. */
    public long ticksSkipped;
    /** Sum of tick durations (game logic, capture and send) in nanoseconds. */
    public long tickDurationTotalNs;
    /** Longest tick duration seen in nanoseconds. */
    public long tickDurationMaxNs;
    /** Snapshot bodies encoded (one per distinct baseline per room per tick). */
    public long encodes;
    /** Views built and shared by every connection with the same center cell and audience (rooms with views). */
    public long viewFramesShared;
    /** Views built for one connection only: an owned entity outside its cells, or a budget cut. */
    public long viewFramesPrivate;
    /** Entity changes a snapshot budget deferred to a later tick. */
    public long viewChangesDeferred;
    /** Snapshots written (one per connection per tick unless skipped). */
    public long snapshotsSent;
    /** Snapshots that were full (baseline 0). */
    public long snapshotsFull;
    /** Snapshots that were deltas. */
    public long snapshotsDelta;
    /** Snapshot bytes handed to channels, WebSocket framing excluded. */
    public long snapshotBytesOut;
    /** Snapshots skipped because the channel was not writable. */
    public long snapshotsSkippedUnwritable;
    /** Snapshots not sent to a client whose acks lag behind: it gets every 2nd or 4th tick, as deltas. */
    public long snapshotsThrottled;
    /** Connections closed as slow consumers. */
    public long slowConsumerCloses;
    /** Connections closed for not acking. */
    public long ackTimeoutCloses;
    /** Inputs applied. */
    public long inputsApplied;
    /** Inputs dropped as duplicates or out of order. */
    public long inputsStale;
    /** Inputs dropped because the player already had a full queue (more than 16 ticks ahead). */
    public long inputsQueueFull;
    /** Records for connections or rooms that were already gone. */
    public long recordsOrphaned;
    /** Players joined. */
    public long joins;
    /** Players left. */
    public long leaves;
    /** Players whose connection was lost and who were kept for a resume. */
    public long detaches;
    /** Players resumed on a new connection. */
    public long resumes;
    /** Rooms created. */
    public long roomsCreated;
    /** Rooms closed. */
    public long roomsClosed;
    /** Game logic failures (each closes its room). */
    public long gameErrors;
    /** Frames not sent because the event loop's outbox was full (snapshots are skipped, a Welcome closes its connection). */
    public long outboxFull;
    /** Lost connections whose player was removed at once instead of kept for a resume (never acked, or the address had too many players in grace). */
    public long detachesRefused;
    /** Game messages from clients handed to the game. */
    public long messagesIn;
    /** Game messages written into outboxes (one per recipient). */
    public long messagesOut;
    /** Bytes of those frames. */
    public long messageBytesOut;
    /** Joins the game refused in onJoinAttempt (or failed in onJoinAttempt/onJoin: 1011). */
    public long joinsRefused;
    /** Players the game kicked. */
    public long kicks;
}
