package io.tickwire.client;

/**
 * What one applied snapshot carried, passed to {@link SessionListener#onSnapshot}. The state itself
 * is in {@link RoomSession#mirror()}. Immutable.
 */
public final class SnapshotInfo
{
    private final int tick;
    private final int baselineTick;
    private final int sizeBytes;
    private final int lastInputSeq;
    private final int entityCount;
    private final int createdCount;
    private final int changedCount;
    private final int removedCount;
    private final long serverTimeMs;
    private final long receiveTimeNanos;

    SnapshotInfo(
        final int tick,
        final int baselineTick,
        final int sizeBytes,
        final int lastInputSeq,
        final int entityCount,
        final int createdCount,
        final int changedCount,
        final int removedCount,
        final long serverTimeMs,
        final long receiveTimeNanos)
    {
        this.tick = tick;
        this.baselineTick = baselineTick;
        this.sizeBytes = sizeBytes;
        this.lastInputSeq = lastInputSeq;
        this.entityCount = entityCount;
        this.createdCount = createdCount;
        this.changedCount = changedCount;
        this.removedCount = removedCount;
        this.serverTimeMs = serverTimeMs;
        this.receiveTimeNanos = receiveTimeNanos;
    }

    /**
     * @return the snapshot's tick.
     */
    public int tick()
    {
        return tick;
    }

    /**
     * @return the tick it was delta-coded against, 0 for a full snapshot.
     */
    public int baselineTick()
    {
        return baselineTick;
    }

    /**
     * @return true for a full snapshot (baseline 0: against the empty world).
     */
    public boolean isFull()
    {
        return baselineTick == 0;
    }

    /**
     * @return size of the {@code ServerMessage} frame payload in bytes.
     */
    public int sizeBytes()
    {
        return sizeBytes;
    }

    /**
     * @return the last input sequence the server applied before this tick (0 = none).
     */
    public int lastInputSeq()
    {
        return lastInputSeq;
    }

    /**
     * @return entities in the world at this tick.
     */
    public int entityCount()
    {
        return entityCount;
    }

    /**
     * @return entities new since the baseline.
     */
    public int createdCount()
    {
        return createdCount;
    }

    /**
     * @return entities with at least one changed field since the baseline.
     */
    public int changedCount()
    {
        return changedCount;
    }

    /**
     * @return entities removed since the baseline.
     */
    public int removedCount()
    {
        return removedCount;
    }

    /**
     * @return server clock at capture, milliseconds since the room started.
     */
    public long serverTimeMs()
    {
        return serverTimeMs;
    }

    /**
     * @return {@link System#nanoTime()} when the frame was read from the socket.
     */
    public long receiveTimeNanos()
    {
        return receiveTimeNanos;
    }

    @Override
    public String toString()
    {
        return "SnapshotInfo{tick=" + Integer.toUnsignedString(tick) + ", baselineTick=" +
            Integer.toUnsignedString(baselineTick) + ", sizeBytes=" + sizeBytes + ", lastInputSeq=" + lastInputSeq +
            ", entities=" + entityCount + ", created=" + createdCount + ", changed=" + changedCount + ", removed=" +
            removedCount + '}';
    }
}
