package com.nextleveltraders.embedded;

import java.time.Duration;

/**
 * A server process we started, pinned by pid and kernel start time so a later signal can never hit an unrelated
 * process that happened to get the same pid after ours exited.
 */
record ServerProcess(long pid, long startTicks) {

    static ServerProcess of(long pid) {
        return new ServerProcess(pid, Procs.stat(pid).map(Procs.Stat::startTicks).orElse(-1L));
    }

    boolean isRunning() {
        return Procs.stat(pid).map(s -> s.startTicks() == startTicks && s.state() != 'Z').orElse(false);
    }

    /** Signals the process if it is still ours and running; false otherwise. */
    boolean signal(String signal) {
        return isRunning() && Procs.kill(pid, signal);
    }

    /**
     * Polls until the process is gone. Deliberately not interruptible: it is how we clean up, including after an
     * interrupt aborted a start, and giving up early would leave a server running. The interrupt is kept for later.
     */
    boolean awaitExit(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        boolean interrupted = false;
        try {
            while (isRunning()) {
                if (System.nanoTime() - deadline > 0) {
                    return false;
                }
                try {
                    Thread.sleep(50);
                } catch (InterruptedException e) {
                    interrupted = true;
                }
            }
            return true;
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /**
     * Asks politely, then harder: {@code soft} and up to {@code grace}, then {@code hard} and 10 s, then SIGKILL.
     * Returns true when the process is gone.
     */
    boolean stop(String soft, Duration grace, String hard) {
        if (!isRunning()) {
            return true;
        }
        signal(soft);
        if (awaitExit(grace)) {
            return true;
        }
        signal(hard);
        if (awaitExit(Duration.ofSeconds(10))) {
            return true;
        }
        signal("KILL");
        return awaitExit(Duration.ofSeconds(10));
    }
}
