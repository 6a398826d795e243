package com.nextleveltraders.testkit;

import java.time.Duration;
import java.util.function.Supplier;

/**
 * Bounded waits in tests: poll until a state is reached, or fail with what was last seen. The
 * deadline only bounds how long a broken build hangs; it is never what a test asserts.
 */
public final class Polling {

    private static final Duration INTERVAL = Duration.ofMillis(100);

    private Polling() {
    }

    /**
     * Returns once {@code pending} returns null; until then it returns what is still missing (a
     * runtime exception it throws counts as missing). Throws {@link AssertionError} after {@code timeout}.
     */
    public static void until(Duration timeout, String goal, Supplier<String> pending) throws InterruptedException {
        until(timeout, INTERVAL, goal, pending);
    }

    /** As {@link #until(Duration, String, Supplier)}, polling every {@code interval}. */
    public static void until(Duration timeout, Duration interval, String goal, Supplier<String> pending)
            throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            String missing;
            try {
                missing = pending.get();
            } catch (RuntimeException e) {
                missing = e.toString();
            }
            if (missing == null) {
                return;
            }
            if (System.nanoTime() - deadline > 0) {
                throw new AssertionError("gave up after " + timeout.toMillis() + " ms waiting until " + goal
                        + "; last seen: " + missing);
            }
            Thread.sleep(interval);
        }
    }
}
