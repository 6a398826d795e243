package com.nextleveltraders.embedded;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * Linux process facts read from /proc, and signals by pid. ProcessHandle cannot send SIGINT/SIGQUIT and treats
 * zombies as alive, and both matter here: PostgreSQL's fast shutdown is SIGINT, and a server that exited but is not yet
 * reaped by its watchdog must count as gone.
 */
final class Procs {

    /** The fields of /proc/PID/stat we use. */
    record Stat(char state, long parentPid, long startTicks) {
    }

    private Procs() {
    }

    static Optional<Stat> stat(long pid) {
        String text;
        try {
            text = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
        } catch (IOException e) {
            return Optional.empty();
        }
        int endOfName = text.lastIndexOf(')');
        if (endOfName < 0) {
            return Optional.empty(); // read while the process vanished
        }
        // The command name in parentheses may itself contain spaces or ')': the fixed fields start after the last ')'.
        String[] fields = text.substring(endOfName + 1).trim().split(" ");
        if (fields.length < 20) {
            return Optional.empty();
        }
        // fields[0] is field 3 of proc(5) (state), fields[1] field 4 (ppid), fields[19] field 22 (starttime).
        return Optional.of(new Stat(fields[0].charAt(0), Long.parseLong(fields[1]), Long.parseLong(fields[19])));
    }

    /** Exists and is not a zombie. */
    static boolean isRunning(long pid) {
        return pid > 0 && stat(pid).map(s -> s.state() != 'Z').orElse(false);
    }

    /** Exists at all, zombie or not (what kill(pid, 0) reports). */
    static boolean exists(long pid) {
        return pid > 0 && Files.exists(Path.of("/proc", Long.toString(pid)));
    }

    static Optional<Path> cwd(long pid) {
        try {
            return Optional.of(Files.readSymbolicLink(Path.of("/proc", Long.toString(pid), "cwd")));
        } catch (IOException | UnsupportedOperationException e) {
            return Optional.empty();
        }
    }

    static long parentPid(long pid) {
        return stat(pid).map(Stat::parentPid).orElse(-1L);
    }

    /** The command line with NULs as spaces; empty if unknown. */
    static String commandLine(long pid) {
        try {
            return Files.readString(Path.of("/proc", Long.toString(pid), "cmdline")).replace('\0', ' ');
        } catch (IOException e) {
            return "";
        }
    }

    static String comm(long pid) {
        try {
            return Files.readString(Path.of("/proc", Long.toString(pid), "comm")).strip();
        } catch (IOException e) {
            return "";
        }
    }

    /**
     * Pids whose working directory is {@code dir}. PostgreSQL's postmaster and every backend chdir into the data
     * directory, so this finds the whole server, including children that outlived a killed postmaster.
     */
    static List<Long> withWorkingDirectory(Path dir) {
        Path real = realPath(dir);
        return ProcessHandle.allProcesses()
                .map(ProcessHandle::pid)
                .filter(pid -> cwd(pid).map(real::equals).orElse(false))
                .toList();
    }

    static Path realPath(Path path) {
        try {
            return path.toRealPath();
        } catch (IOException e) {
            return path.toAbsolutePath().normalize();
        }
    }

    /** Sends a named signal ("INT", "TERM", ...) through the shell's kill builtin; true if it was delivered. */
    static boolean kill(long pid, String signal) {
        ProcessBuilder builder = new ProcessBuilder("/bin/sh", "-c", "kill -s \"$1\" \"$2\"", "nlt-kill", signal,
                Long.toString(pid))
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD);
        try {
            return builder.start().waitFor() == 0;
        } catch (IOException e) {
            throw new EmbeddedServerException("cannot run /bin/sh to signal pid " + pid, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    static void pause(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new EmbeddedServerException("interrupted while waiting for a server process", e);
        }
    }
}
