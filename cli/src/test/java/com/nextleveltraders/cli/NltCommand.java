package com.nextleveltraders.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import picocli.CommandLine;

/**
 * The {@code nlt} command as the tests run it: in this JVM, for commands that start nothing (config,
 * k8s), or as a process of its own, as a user runs it; and the clean-up every such test needs.
 */
public final class NltCommand {

    private NltCommand() {
    }

    /** What a run printed and how it exited; a process's stderr is merged into {@code out}. */
    record Result(int exitCode, String out, String err) {

        /** Everything printed. */
        String output() {
            return out + err;
        }
    }

    /** Runs {@code nlt args...} in this JVM, capturing stdout and stderr. */
    static Result inProcess(String... args) {
        PrintStream out = System.out;
        PrintStream err = System.err;
        ByteArrayOutputStream outBytes = new ByteArrayOutputStream();
        ByteArrayOutputStream errBytes = new ByteArrayOutputStream();
        try {
            System.setOut(new PrintStream(outBytes, true, StandardCharsets.UTF_8));
            System.setErr(new PrintStream(errBytes, true, StandardCharsets.UTF_8));
            CommandLine commandLine = new CommandLine(new Nlt());
            commandLine.setExitCodeExceptionMapper(e -> Nlt.USAGE);
            int code = commandLine.execute(args);
            return new Result(code, outBytes.toString(StandardCharsets.UTF_8), errBytes.toString(StandardCharsets.UTF_8));
        } finally {
            System.setOut(out);
            System.setErr(err);
        }
    }

    /** Runs {@code nlt args...} as a process of its own and waits (at most a minute) for it to end. */
    static Result process(String... args) throws Exception {
        Process process = new ProcessBuilder(javaCommand(args)).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
        return new Result(process.exitValue(), output, "");
    }

    /** The command line of {@code nlt args...} in a JVM of its own, with this JVM's class path. */
    static List<String> javaCommand(String... args) {
        List<String> command = new ArrayList<>(List.of(ProcessHandle.current().info().command().orElseThrow(),
                "-cp", System.getProperty("java.class.path"), "com.nextleveltraders.cli.Nlt"));
        command.addAll(List.of(args));
        return command;
    }

    /** Stops a launcher as Ctrl-C would, and kills it if it has not stopped within a minute. */
    public static void stop(Process launcher) throws InterruptedException {
        if (launcher != null && launcher.isAlive()) {
            launcher.destroy();
            if (!launcher.waitFor(60, TimeUnit.SECONDS)) {
                launcher.destroyForcibly();
            }
        }
    }

    public static void deleteTree(Path root) throws IOException {
        try (Stream<Path> paths = Files.walk(root)) {
            paths.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
        }
    }

    /** Shard {@code id} as `nlt shards status --json` shows it for the platform in {@code dataDir}. */
    public static JsonNode shardStatus(Path dataDir, int id) throws Exception {
        Result json = process("shards", "status", "--json", "--data-dir", dataDir.toString());
        assertThat(json.exitCode()).as(json.output()).isZero();
        for (JsonNode shard : new ObjectMapper().readTree(json.output()).get("shards")) {
            if (shard.get("id").asInt() == id) {
                return shard;
            }
        }
        throw new AssertionError("no shard " + id + " in " + json.output());
    }
}
