package com.nextleveltraders.embedded;

import java.io.IOException;
import java.time.Duration;

/** Bounded waits for a distributed state to settle, failing with what was still missing at the end. */
final class SettleWait {

    private static final long INTERVAL_MS = 100;

    /** One look at the state: null when it is as wanted, else what is still missing (for the error message). */
    @FunctionalInterface
    interface Check {
        String pending() throws IOException;
    }

    private SettleWait() {
    }

    /** Polls {@code check} until it passes; throws after {@code timeout}. A failed connection counts as pending. */
    static void until(Duration timeout, String goal, Check check) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            String pending;
            try {
                pending = check.pending();
            } catch (IOException e) {
                pending = e.toString();
            }
            if (pending == null) {
                return;
            }
            if (System.nanoTime() - deadline > 0) {
                throw new EmbeddedServerException("gave up waiting after " + timeout.toSeconds() + " s until " + goal
                        + "; last seen: " + pending);
            }
            Procs.pause(INTERVAL_MS);
        }
    }
}
