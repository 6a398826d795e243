package com.nextleveltraders.embedded;

import java.io.File;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/** Runs short-lived helper commands (id, initdb, single-user postgres, tar) to completion. */
final class Commands {

    record Result(int exitCode, String output) {
    }

    private Commands() {
    }

    /** Runs a quick command and returns its combined output; for commands that print little. */
    static Result capture(List<String> command) {
        ProcessBuilder builder = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectInput(new File("/dev/null"));
        try {
            Process process = builder.start();
            String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            return new Result(process.waitFor(), output);
        } catch (IOException e) {
            throw new EmbeddedServerException("cannot run " + command.getFirst(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new EmbeddedServerException("interrupted while running " + command.getFirst(), e);
        }
    }

    /**
     * Runs a command with its output appended to {@code logFile} and {@code stdin} (may be null) fed to it; returns
     * the exit code. Kills it and fails after {@code timeout}. {@code name} names the command in errors.
     */
    static int logged(String name, List<String> command, String stdin, Consumer<Map<String, String>> environment,
                      Path logFile, Duration timeout) {
        ProcessBuilder builder = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile.toFile()));
        if (stdin == null) {
            builder.redirectInput(new File("/dev/null"));
        }
        environment.accept(builder.environment());
        try {
            Process process = builder.start();
            if (stdin != null) {
                try (OutputStream in = process.getOutputStream()) {
                    in.write(stdin.getBytes(StandardCharsets.UTF_8));
                }
            }
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly().waitFor();
                throw EmbeddedServerException.withLog(name + " did not finish within " + timeout.toSeconds() + " s",
                        logFile);
            }
            return process.exitValue();
        } catch (IOException e) {
            throw new EmbeddedServerException("cannot run " + name, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new EmbeddedServerException("interrupted while running " + name, e);
        }
    }
}
