package com.nextleveltraders.embedded;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Starts a server under a small POSIX shell wrapper. The wrapper is the JVM's child and the server is the wrapper's:
 * if the watched process (normally the launcher JVM) dies, even by SIGKILL, the wrapper notices within a second and
 * stops the server, so no database outlives the launcher. The JVM stops the server by its own pid; the wrapper then
 * reaps it and exits.
 */
final class Watchdog {

    /** The wrapper's $0, visible in its command line: how we recognise a server that still has its watchdog. */
    static final String NAME = "nlt-watchdog";

    /** How long the wrapper lets a server shut down after the watched process died before escalating. */
    static final Duration GRACE = Duration.ofSeconds(60);

    /*
     * Arguments: watched pid (0 = none), stop signal, escalation signal, grace seconds, server log, server command...
     * The first line on stdout is the server pid; stdout is then detached so a vanished reader can never SIGPIPE us.
     * "running" treats zombies as dead: a launcher killed but not yet reaped by its parent is gone for our purposes,
     * and our own exited-but-unreaped server must end the loop so that "wait" can reap it.
     * Naps are a background sleep we wait for, because a trapped signal interrupts "wait" at once (but not a
     * foreground command): TERM/INT/HUP are passed on to the server immediately, and USR1 just ends the nap so the
     * wrapper sees its server gone and exits without the JVM waiting up to a second for it.
     */
    private static final String SCRIPT = """
            watch=$1 stop=$2 hard=$3 grace=$4 log=$5
            shift 5
            "$@" >>"$log" 2>&1 </dev/null &
            server=$!
            echo "$server"
            exec >/dev/null
            napper=
            wake() { [ -z "$napper" ] || kill "$napper" 2>/dev/null; }
            trap 'kill -s "$stop" "$server" 2>/dev/null; wake' TERM INT HUP
            trap wake USR1
            nap() { sleep 1 & napper=$!; wait "$napper"; napper=; }
            running() {
              kill -0 "$1" 2>/dev/null || return 1
              [ -r "/proc/$1/status" ] || return 0
              while read -r key value rest; do
                if [ "$key" = State: ]; then [ "$value" != Z ]; return; fi
              done <"/proc/$1/status"
              return 0
            }
            while running "$server"; do
              if [ "$watch" != 0 ] && ! running "$watch"; then
                echo "nlt-watchdog: process $watch is gone, stopping server $server with SIG$stop" >&2
                kill -s "$stop" "$server" 2>/dev/null
                waited=0
                while running "$server"; do
                  if [ "$waited" -eq "$grace" ]; then kill -s "$hard" "$server" 2>/dev/null; fi
                  waited=$((waited + 1))
                  nap
                done
                break
              fi
              nap
            done
            wait "$server"
            """;

    /** The wrapper process and the server it runs. */
    record Launched(Process wrapper, ServerProcess server) {

        /** Wakes the wrapper so it notices its server is gone and exits; kills it if it lingers anyway. */
        void awaitWrapperExit() {
            if (wrapper.isAlive()) {
                Procs.kill(wrapper.pid(), "USR1");
            }
            try {
                if (!wrapper.waitFor(5, TimeUnit.SECONDS)) {
                    wrapper.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private Watchdog() {
    }

    /** A server told to watch a process that is already gone would stop again right after starting. */
    static void requireWatchable(long watchPid) {
        if (watchPid != 0 && !Procs.isRunning(watchPid)) {
            throw new EmbeddedServerException("the process to watch (pid " + watchPid + ") is not running");
        }
    }

    static Launched launch(List<String> serverCommand, long watchPid, String stopSignal, String hardSignal,
                           Path logFile, Path workDir, Consumer<Map<String, String>> environment) {
        List<String> command = new ArrayList<>(SetsidPrefix.detached());
        command.addAll(List.of("/bin/sh", "-c", SCRIPT, NAME,
                Long.toString(watchPid), stopSignal, hardSignal, Long.toString(GRACE.toSeconds()), logFile.toString()));
        command.addAll(serverCommand);
        ProcessBuilder builder = new ProcessBuilder(command)
                .directory(workDir.toFile())
                .redirectInput(new File("/dev/null"))
                .redirectError(ProcessBuilder.Redirect.appendTo(logFile.toFile()));
        environment.accept(builder.environment());
        Process wrapper;
        try {
            wrapper = builder.start();
        } catch (IOException e) {
            throw new EmbeddedServerException("cannot start /bin/sh for " + serverCommand.getFirst(), e);
        }
        String pidLine;
        try (BufferedReader out = new BufferedReader(
                new InputStreamReader(wrapper.getInputStream(), StandardCharsets.US_ASCII))) {
            pidLine = out.readLine();
        } catch (IOException e) {
            pidLine = null;
        }
        if (pidLine == null || !pidLine.strip().matches("[0-9]+")) {
            wrapper.destroyForcibly();
            throw EmbeddedServerException.withLog("the watchdog wrapper did not report a server pid for "
                    + serverCommand.getFirst(), logFile);
        }
        return new Launched(wrapper, ServerProcess.of(Long.parseLong(pidLine.strip())));
    }
}
