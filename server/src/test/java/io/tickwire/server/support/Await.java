package io.tickwire.server.support;

import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * Polling waits for the server's end-to-end and fault tests: a condition must become true within a
 * deadline (ten seconds unless given), polled every 5 ms on the calling test thread.
 */
public final class Await
{
    /** Default wait for {@link #awaitTrue(BooleanSupplier, String)}. */
    public static final long DEFAULT_TIMEOUT_MS = 10_000;

    private static final long POLL_MS = 5;

    private Await()
    {
    }

    /**
     * Wait up to {@link #DEFAULT_TIMEOUT_MS} until the condition holds.
     *
     * @param condition polled every 5 ms.
     * @param what      the condition, for the failure message.
     * @throws InterruptedException when the test thread is interrupted.
     */
    public static void awaitTrue(final BooleanSupplier condition, final String what) throws InterruptedException
    {
        awaitTrue(condition, DEFAULT_TIMEOUT_MS, () -> what);
    }

    /**
     * Wait until the condition holds.
     *
     * @param condition polled every 5 ms.
     * @param timeoutMs how long to wait.
     * @param what      the condition, for the failure message.
     * @throws InterruptedException when the test thread is interrupted.
     */
    public static void awaitTrue(final BooleanSupplier condition, final long timeoutMs, final String what)
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
     * @throws InterruptedException when the test thread is interrupted.
     */
    public static void awaitTrue(final BooleanSupplier condition, final long timeoutMs, final Supplier<String> what)
        throws InterruptedException
    {
        final long deadlineNs = System.nanoTime() + timeoutMs * 1_000_000L;
        while (!condition.getAsBoolean())
        {
            if (System.nanoTime() - deadlineNs > 0)
            {
                throw new AssertionError("timed out after " + timeoutMs + " ms waiting: " + what.get());
            }
            Thread.sleep(POLL_MS);
        }
    }
}
