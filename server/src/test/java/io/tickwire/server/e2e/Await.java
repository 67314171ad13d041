package io.tickwire.server.e2e;

import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * Polling waits for end-to-end tests: a condition must become true within ten seconds.
 */
final class Await
{
    private Await()
    {
    }

    static void awaitTrue(final BooleanSupplier condition, final String what) throws InterruptedException
    {
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!condition.getAsBoolean())
        {
            if (System.nanoTime() > deadline)
            {
                throw new AssertionError("timed out waiting: " + what);
            }
            Thread.sleep(10);
        }
    }
}
