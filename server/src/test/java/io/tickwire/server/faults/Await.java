package io.tickwire.server.faults;

import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * Polling waits for the fault tests.
 */
final class Await
{
    private Await()
    {
    }

    /**
     * Wait until the condition holds.
     *
     * @param condition polled every 5 ms.
     * @param timeoutMs how long to wait.
     * @param what      the condition, for the failure message.
     */
    static void awaitTrue(final BooleanSupplier condition, final long timeoutMs, final String what)
        throws InterruptedException
    {
        awaitTrue(condition, timeoutMs, () -> what);
    }

    /**
     * Wait until the condition holds.
     *
     * @param condition polled every 5 ms.
     * @param timeoutMs how long to wait.
     * @param what      describes the condition (and the state) for the failure message; called on failure.
     */
    static void awaitTrue(final BooleanSupplier condition, final long timeoutMs,
        final Supplier<String> what) throws InterruptedException
    {
        final long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMs);
        while (!condition.getAsBoolean())
        {
            if (System.nanoTime() - deadline > 0)
            {
                throw new AssertionError("timed out after " + timeoutMs + " ms waiting: " + what.get());
            }
            Thread.sleep(5);
        }
    }
}
