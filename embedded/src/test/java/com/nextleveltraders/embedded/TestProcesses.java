package com.nextleveltraders.embedded;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;

/** Process and directory helpers for tests that run real servers. */
final class TestProcesses {

    private TestProcesses() {
    }

    /** Alive and not a zombie, per /proc (ProcessHandle counts unreaped zombies as alive). */
    static boolean running(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
            return stat.charAt(stat.lastIndexOf(')') + 2) != 'Z';
        } catch (IOException e) {
            return false;
        }
    }

    /** Polls until none of the pids runs; fails after {@code timeout}. */
    static void awaitGone(Duration timeout, long... pids) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (anyRunning(pids)) {
            assertThat(System.nanoTime() - deadline)
                    .as("processes %s still running after %s", Arrays.toString(pids), timeout)
                    .isNegative();
            Thread.sleep(50);
        }
    }

    private static boolean anyRunning(long... pids) {
        for (long pid : pids) {
            if (running(pid)) {
                return true;
            }
        }
        return false;
    }

    /** What this JVM started and is still running (nothing, once every server is closed). */
    static List<ProcessHandle> liveDescendants() {
        return ProcessHandle.current().descendants().filter(p -> running(p.pid())).toList();
    }

    /**
     * JUnit creates temp directories as 0700; when PostgreSQL runs as another user (the JVM is root) it must be able
     * to pass through them to the base directory below.
     */
    static Path traversable(Path tempDir) throws IOException {
        Files.setPosixFilePermissions(tempDir, PosixFilePermissions.fromString("rwx--x--x"));
        return tempDir;
    }

    static String password(Path passwordFile) throws IOException {
        return Files.readString(passwordFile).strip();
    }

    static String commandLine(long pid) throws IOException {
        return Files.readString(Path.of("/proc", Long.toString(pid), "cmdline")).replace('\0', ' ');
    }
}
