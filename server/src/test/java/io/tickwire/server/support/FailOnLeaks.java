package io.tickwire.server.support;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.buffer.UnpooledByteBufAllocator;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Registered for every server test class (JUnit extension autodetection): after the class, collect
 * garbage and allocate tracked buffers so that Netty's paranoid leak detector reports any
 * {@code ByteBuf} released by nobody, then fail if it reported one.
 */
public final class FailOnLeaks implements AfterAllCallback
{
    @Override
    public void afterAll(final ExtensionContext context) throws Exception
    {
        for (int round = 0; round < 3; round++)
        {
            System.gc();
            Thread.sleep(20);
            // Leak reports are emitted when a later allocation is tracked.
            for (int i = 0; i < 8; i++)
            {
                final ByteBuf pooled = PooledByteBufAllocator.DEFAULT.directBuffer(16);
                pooled.release();
                final ByteBuf unpooled = UnpooledByteBufAllocator.DEFAULT.heapBuffer(16);
                unpooled.release();
            }
        }
        final String reports = String.join("\n", LeakReports.REPORTS);
        LeakReports.REPORTS.clear();
        assertTrue(reports.isEmpty(), "ByteBuf leaks reported by Netty's leak detector during " +
            context.getDisplayName() + ":\n" + reports);
    }
}
