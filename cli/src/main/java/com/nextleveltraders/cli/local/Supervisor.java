package com.nextleveltraders.cli.local;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The processes `nlt up` started: what stops each (closed in reverse order of starting) and, once
 * the platform is up, a watch on each child. A child that dies on its own is started again when it
 * can rejoin (Redis nodes and Sentinels, the gateway, a shard's PostgreSQL replica), at most five
 * times within ten minutes; losing any other, or one that keeps dying, is fatal.
 */
final class Supervisor implements AutoCloseable {

    // A child that keeps dying is not helped by starting it again: give up after this many restarts.
    private static final int MAX_RESTARTS = 5;
    private static final Duration RESTART_WINDOW = Duration.ofMinutes(10);

    /**
     * A started process and what it is, for the launcher to watch.
     *
     * @param restart starts it again and returns the new process, or {@code null} when losing it is fatal
     * @param ifLost  for a child whose loss is fatal: why, said after it died (empty for none)
     */
    record Child(String name, ProcessHandle handle, Path log, Restart restart, String ifLost) {

        Child(String name, ProcessHandle handle, Path log, Restart restart) {
            this(name, handle, log, restart, "");
        }

        Child withHandle(ProcessHandle next) {
            return new Child(name, next, log, restart, ifLost);
        }
    }

    /** Starts a child again after it died. */
    interface Restart {
        /**
         * Starts it again and returns the new process, or {@code null} when it is no longer this
         * child's to watch (a replica promoted to primary, watched as the primary now).
         */
        ProcessHandle run();

        /**
         * True when {@link #run} says itself what died and what came back (in its own words, e.g. how
         * a PostgreSQL replica came back): the supervisor then prints only when it gives up.
         */
        default boolean reportsItself() {
            return false;
        }
    }

    private final List<AutoCloseable> started = new ArrayList<>(); // guarded by this
    private final List<Child> children = new ArrayList<>();        // guarded by this
    private boolean closed; // guarded by this
    private final AtomicBoolean stopping = new AtomicBoolean();
    private volatile Runnable fatal = () -> { };

    /** Stops {@code child} with {@code stopper} at close, and watches it once {@link #superviseAll} runs. */
    synchronized void track(AutoCloseable stopper, Child child) {
        stopAtClose(stopper);
        children.add(child);
    }

    /**
     * Something that stops its own processes; closed with the rest, in reverse order of starting.
     *
     * @throws IllegalStateException after closing it, when the platform is stopping already (a shard
     *     added while the platform stops)
     */
    synchronized void stopAtClose(AutoCloseable stopper) {
        if (closed) {
            try {
                stopper.close();
            } catch (Exception e) {
                System.err.println("while stopping: " + e.getMessage());
            }
            throw new IllegalStateException("the platform is stopping");
        }
        started.add(stopper);
    }

    /** A child stopped by something already tracked (its group), watched on its own. */
    synchronized void watchAlso(Child child) {
        children.add(child);
    }

    /** Every process started so far. */
    synchronized List<Child> children() {
        return List.copyOf(children);
    }

    /** From now on a child that dies is started again or, when it cannot be, {@code onFatal} runs. */
    void superviseAll(Runnable onFatal) {
        fatal = onFatal;
        for (Child child : children()) {
            supervise(child);
        }
    }

    /** Watches one more child, such as a shard's server started while the platform runs. */
    void supervise(Child child) {
        watch(child, new ArrayDeque<>());
    }

    /** True once {@link #close} began: children that exit now were asked to. */
    boolean stopping() {
        return stopping.get();
    }

    private void watch(Child child, Deque<Long> restarts) {
        child.handle().onExit().thenRun(() -> Thread.ofVirtual().start(() -> {
            if (stopping.get()) {
                return;
            }
            long now = System.nanoTime();
            restarts.removeIf(at -> now - at > RESTART_WINDOW.toNanos());
            if (child.restart() == null || restarts.size() >= MAX_RESTARTS) {
                System.err.println(child.name() + " exited unexpectedly" + (child.restart() == null ? ""
                        : " " + MAX_RESTARTS + " times within " + RESTART_WINDOW.toMinutes() + " min")
                        + "; see " + child.log() + (child.ifLost().isEmpty() ? "" : ". " + child.ifLost()));
                fatal.run();
                return;
            }
            restarts.addLast(now);
            boolean quiet = child.restart().reportsItself();
            if (!quiet) {
                System.err.println(child.name() + " (pid " + child.handle().pid() + ") exited unexpectedly; starting"
                        + " it again (see " + child.log() + ")");
            }
            try {
                ProcessHandle next = child.restart().run();
                if (next == null) {
                    return;
                }
                if (!stopping.get() && !quiet) {
                    System.out.println(child.name() + " is back, pid " + next.pid());
                }
                watch(child.withHandle(next), restarts);
            } catch (RuntimeException e) {
                if (!stopping.get()) {
                    System.err.println(child.name() + " could not be started again: " + e.getMessage());
                    fatal.run();
                }
            }
        }));
    }

    static ProcessHandle handle(long pid) {
        return ProcessHandle.of(pid).orElseThrow(() -> new IllegalStateException("process " + pid + " is gone"));
    }

    /** Stops everything in reverse order of starting. */
    @Override
    public synchronized void close() {
        stopping.set(true);
        closed = true;
        for (int i = started.size() - 1; i >= 0; i--) {
            try {
                started.get(i).close();
            } catch (Exception e) {
                System.err.println("while stopping: " + e.getMessage());
            }
        }
        started.clear();
    }
}
