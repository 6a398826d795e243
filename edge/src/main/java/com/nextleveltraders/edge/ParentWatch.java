package com.nextleveltraders.edge;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;

/**
 * Ends this process when the process that started it is gone, so that a launcher killed with
 * SIGKILL leaves no instance behind holding its port. Polls /proc once a second: a zombie (dead
 * but not yet reaped) counts as gone, which {@code ProcessHandle.isAlive} would not see.
 */
final class ParentWatch {

    private static final Duration PERIOD = Duration.ofSeconds(1);

    private ParentWatch() {
    }

    /** Watches {@code pid}; when it is gone, runs {@code onGone} once. Returns false if it is gone already. */
    static boolean start(long pid, Runnable onGone) {
        if (!alive(pid)) {
            return false;
        }
        Thread.ofPlatform().daemon().name("parent-watch").start(() -> {
            try {
                while (alive(pid)) {
                    Thread.sleep(PERIOD);
                }
                onGone.run();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        return true;
    }

    static boolean alive(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
            // "pid (comm) S ...": the state follows the last ')', since comm may contain spaces or ')'.
            int end = stat.lastIndexOf(')');
            return end > 0 && end + 2 < stat.length() && stat.charAt(end + 2) != 'Z' && stat.charAt(end + 2) != 'X';
        } catch (NoSuchFileException e) {
            return false;
        } catch (IOException e) {
            // No /proc (not Linux): fall back to what the JDK can tell.
            return ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
        }
    }
}
