package com.nextleveltraders.cli;

import java.io.IOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.function.BooleanSupplier;

/**
 * How `nlt shards add` asks the running `nlt up`, which owns every server process, for a new local
 * shard: through files in {@code DIR/run}. The CLI writes {@code add-shard.request} (a temp file
 * renamed into place) holding a token; the launcher claims it by renaming it to
 * {@code add-shard.running}, starts the shard, then writes {@code add-shard.result}: the token, then
 * {@code ok} and the shard's id, primary and replica, or {@code error} and the reason.
 */
final class AddShardRequest {

    static final String REQUEST = "add-shard.request";
    static final String RUNNING = "add-shard.running";
    static final String RESULT = "add-shard.result";
    private static final Duration POLL = Duration.ofMillis(300);

    /** What the launcher answered. */
    sealed interface Outcome {
    }

    record Added(int id, String primary, String replica) implements Outcome {
    }

    record Failed(String reason) implements Outcome {
    }

    /** Nobody took the request, or another one is pending: nothing was started. */
    record NotTaken(String reason) implements Outcome {
    }

    /** Starts one shard and returns it; throws with the reason when it could not. */
    interface Handler {
        Added add() throws Exception;
    }

    private AddShardRequest() {
    }

    /**
     * The CLI's side: submits a request and waits for its result.
     *
     * @param pickup how long the launcher may take to claim the request before it is withdrawn
     * @param done how long the launcher may take to start the shard once it claimed the request
     */
    static Outcome submit(Path runDir, Duration pickup, Duration done) throws IOException, InterruptedException {
        Path request = runDir.resolve(REQUEST);
        if (Files.exists(request) || Files.exists(runDir.resolve(RUNNING))) {
            return new NotTaken("a shard is already being added on this platform (" + request + " or "
                    + runDir.resolve(RUNNING) + " exists); wait for it");
        }
        String token = UUID.randomUUID().toString();
        Path result = runDir.resolve(RESULT);
        Files.deleteIfExists(result);
        Path temp = Files.createTempFile(runDir, REQUEST, ".tmp");
        Files.writeString(temp, token + "\n");
        Files.move(temp, request, StandardCopyOption.ATOMIC_MOVE);
        Instant pickupBy = Instant.now().plus(pickup);
        while (Files.exists(request) && Instant.now().isBefore(pickupBy)) {
            Thread.sleep(POLL.toMillis());
        }
        if (Files.exists(request) && Files.deleteIfExists(request)) {
            return new NotTaken("the platform did not take the request within " + pickup.toSeconds() + " s");
        }
        Instant doneBy = Instant.now().plus(done);
        while (Instant.now().isBefore(doneBy)) {
            if (Files.exists(result)) {
                List<String> lines = Files.readAllLines(result);
                if (!lines.isEmpty() && lines.get(0).equals(token)) {
                    Files.deleteIfExists(result);
                    if (lines.size() >= 5 && lines.get(1).equals("ok")) {
                        return new Added(Integer.parseInt(lines.get(2)), lines.get(3), lines.get(4));
                    }
                    return new Failed(lines.size() >= 3 ? String.join("\n", lines.subList(2, lines.size()))
                            : "no reason given");
                }
            }
            Thread.sleep(POLL.toMillis());
        }
        return new Failed("the platform took the request but gave no result within " + done.toSeconds()
                + " s; see its output and logs");
    }

    /**
     * The launcher's side: until {@code stopping}, claims each request that appears and answers it.
     * Leftovers of an earlier launcher are removed first.
     */
    static void serve(Path runDir, BooleanSupplier stopping, Handler handler) throws InterruptedException {
        Path request = runDir.resolve(REQUEST);
        Path running = runDir.resolve(RUNNING);
        try {
            Files.deleteIfExists(request);
            Files.deleteIfExists(running);
        } catch (IOException e) {
            System.err.println("could not clear " + runDir + ": " + e.getMessage());
        }
        while (!stopping.getAsBoolean()) {
            Thread.sleep(POLL.toMillis());
            if (!Files.exists(request)) {
                continue;
            }
            String token;
            try {
                Files.move(request, running, StandardCopyOption.ATOMIC_MOVE);
                token = Files.readString(running).strip();
            } catch (NoSuchFileException withdrawn) {
                continue;
            } catch (AtomicMoveNotSupportedException e) {
                throw new IllegalStateException(e);
            } catch (IOException e) {
                System.err.println("could not read a request in " + runDir + ": " + e.getMessage());
                continue;
            }
            String answer;
            try {
                Added added = handler.add();
                answer = token + "\nok\n" + added.id() + "\n" + added.primary() + "\n" + added.replica() + "\n";
            } catch (Exception e) {
                System.err.println("adding a shard failed: " + e);
                answer = token + "\nerror\n" + (e.getMessage() == null ? e.toString() : e.getMessage()) + "\n";
            }
            try {
                Path temp = Files.createTempFile(runDir, RESULT, ".tmp");
                Files.writeString(temp, answer);
                Files.move(temp, runDir.resolve(RESULT), StandardCopyOption.ATOMIC_MOVE,
                        StandardCopyOption.REPLACE_EXISTING);
                Files.deleteIfExists(running);
            } catch (IOException e) {
                System.err.println("could not write the result in " + runDir + ": " + e.getMessage());
            }
        }
    }
}
