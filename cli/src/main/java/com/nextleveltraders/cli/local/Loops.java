package com.nextleveltraders.cli.local;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;

/** The launcher's periodic loops (monitor, autoscaler, fleet view) end the same way. */
final class Loops {

    // A round in progress may be waiting on a scrape or a query; it is interrupted, and this bounds the wait.
    private static final long STOP_WAIT_SECONDS = 5;

    private Loops() {
    }

    /** Interrupts the loop's thread and waits for it to end, keeping an interrupt of the caller's own. */
    static void stop(ExecutorService timer) {
        timer.shutdownNow();
        try {
            timer.awaitTermination(STOP_WAIT_SECONDS, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
