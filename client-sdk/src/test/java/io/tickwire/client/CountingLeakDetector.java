package io.tickwire.client;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.buffer.UnpooledByteBufAllocator;
import io.netty.util.ResourceLeakDetector;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Netty leak detector that counts leaks so tests can fail on them; installed for this module's tests
 * with {@code -Dio.netty.customResourceLeakDetector} (see client-sdk/pom.xml).
 *
 * @param <T> tracked resource type.
 */
public final class CountingLeakDetector<T> extends ResourceLeakDetector<T>
{
    private static final AtomicInteger INSTANCES = new AtomicInteger();
    private static final List<String> LEAKS = new CopyOnWriteArrayList<>();

    /**
     * Constructor Netty's factory calls.
     *
     * @param resourceType     tracked type.
     * @param samplingInterval sampling interval.
     */
    public CountingLeakDetector(final Class<?> resourceType, final int samplingInterval)
    {
        super(resourceType, samplingInterval);
        INSTANCES.incrementAndGet();
    }

    /**
     * Obsolete constructor Netty's factory may call.
     *
     * @param resourceType     tracked type.
     * @param samplingInterval sampling interval.
     * @param maxActive        ignored.
     */
    public CountingLeakDetector(final Class<?> resourceType, final int samplingInterval, final long maxActive)
    {
        this(resourceType, samplingInterval);
    }

    @Override
    protected boolean needReport()
    {
        return true;
    }

    @Override
    protected void reportTracedLeak(final String resourceType, final String records)
    {
        LEAKS.add(resourceType + records);
        super.reportTracedLeak(resourceType, records);
    }

    @Override
    protected void reportUntracedLeak(final String resourceType)
    {
        LEAKS.add(resourceType + " (untraced)");
        super.reportUntracedLeak(resourceType);
    }

    /**
     * Collect garbage, make the detector look at what was collected, and fail on any leak so far.
     */
    static void assertNoLeaks() throws InterruptedException
    {
        assertTrue(INSTANCES.get() > 0, "CountingLeakDetector not installed: -Dio.netty.customResourceLeakDetector");
        for (int round = 0; round < 3; round++)
        {
            System.gc();
            Thread.sleep(20);
            // Leaks are reported when a later allocation is tracked (every one, at paranoid level).
            for (int i = 0; i < 16; i++)
            {
                final ByteBuf pooled = PooledByteBufAllocator.DEFAULT.buffer(8);
                pooled.release();
                final ByteBuf unpooled = UnpooledByteBufAllocator.DEFAULT.buffer(8);
                unpooled.release();
            }
        }
        assertEquals(List.of(), LEAKS, "ByteBuf leaks");
    }
}
