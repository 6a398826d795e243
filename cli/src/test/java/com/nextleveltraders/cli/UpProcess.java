package com.nextleveltraders.cli;

import com.nextleveltraders.testkit.Polling;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/** `nlt up` as a user runs it, as a separate process, returned once it has printed that it is up. */
public final class UpProcess {

    // A cold start on a busy machine: several PostgreSQL servers, Redis, the gateway, three JVMs.
    public static final Duration UP_WAIT = Duration.ofSeconds(180);

    private UpProcess() {
    }

    /** A running `nlt up` and what it printed so far. */
    public record Started(Process process, List<String> output) {
    }

    /** {@code nlt up --data-dir DIR --port PORT} and {@code more} arguments (e.g. {@code --config FILE}). */
    public static Started start(Path dataDir, int port, String... more) throws Exception {
        List<String> args = new ArrayList<>(List.of("up", "--data-dir", dataDir.toString(), "--port",
                Integer.toString(port)));
        args.addAll(List.of(more));
        Process process = new ProcessBuilder(NltCommand.javaCommand(args.toArray(String[]::new)))
                .redirectErrorStream(true).start();
        List<String> output = Collections.synchronizedList(new ArrayList<>());
        CompletableFuture<Boolean> up = new CompletableFuture<>();
        Thread.ofPlatform().daemon().start(() -> {
            try (BufferedReader reader = new BufferedReader(new InputStreamReader(process.getInputStream(),
                    StandardCharsets.UTF_8))) {
                String line;
                while ((line = reader.readLine()) != null) {
                    output.add(line);
                    if (line.contains("NextLevel Traders is up")) {
                        up.complete(true);
                    }
                }
            } catch (IOException ignored) {
                // the process ended
            }
            up.complete(false);
        });
        boolean healthy;
        try {
            healthy = up.get(UP_WAIT.toSeconds(), TimeUnit.SECONDS);
        } catch (java.util.concurrent.TimeoutException e) {
            healthy = false;
        }
        if (!healthy) {
            process.destroyForcibly();
            throw new AssertionError("nlt up did not come up:\n" + String.join("\n", output));
        }
        return new Started(process, output);
    }

    /** Waits until `nlt up` has printed a line containing {@code text} (its output as {@link Started} collects it). */
    public static void awaitLine(List<String> output, String text) throws InterruptedException {
        Polling.until(Duration.ofSeconds(120), "nlt up prints '" + text + "'", () -> {
            synchronized (output) {
                return output.stream().anyMatch(line -> line.contains(text)) ? null : String.join("\n", output);
            }
        });
    }
}
