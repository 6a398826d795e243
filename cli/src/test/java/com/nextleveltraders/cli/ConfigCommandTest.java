package com.nextleveltraders.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class ConfigCommandTest {

    record Run(int exitCode, String out, String err) {
    }

    @TempDir
    Path dir;

    @Test
    void showPrintsTheEffectiveConfigurationWithTheOverrideApplied() throws Exception {
        Path file = dir.resolve("small.yaml");
        Files.writeString(file, "scaling:\n  maxInstances: 6\n");
        Run run = run("config", "show", "--config", file.toString());
        assertThat(run.exitCode()).isZero();
        assertThat(run.out()).contains("maxInstances: 6").contains("minInstances: 3").contains("least_connections");
    }

    @Test
    void checkAcceptsAValidFileAndRefusesUnknownKeysAndBadValuesWithExitTwo() throws Exception {
        Path good = dir.resolve("good.yaml");
        Files.writeString(good, "database:\n  pool:\n    max: 30\n");
        assertThat(run("config", "check", good.toString()).exitCode()).isZero();

        Path bad = dir.resolve("bad.yaml");
        Files.writeString(bad, "loadBalancer:\n  healthCheck:\n    intervall: 10s\n");
        Run unknown = run("config", "check", bad.toString());
        assertThat(unknown.exitCode()).isEqualTo(2);
        assertThat(unknown.err()).contains("loadBalancer.healthCheck.intervall: unknown key");

        Files.writeString(bad, "database:\n  pool:\n    min: 5\n    max: 3\n");
        Run invalid = run("config", "check", bad.toString());
        assertThat(invalid.exitCode()).isEqualTo(2);
        assertThat(invalid.err()).contains("database.pool.max: must be >= database.pool.min (3 < 5)");
        assertThat(run("config", "check", dir.resolve("missing.yaml").toString()).exitCode()).isEqualTo(2);
    }

    private static Run run(String... args) {
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
            return new Run(code, outBytes.toString(StandardCharsets.UTF_8), errBytes.toString(StandardCharsets.UTF_8));
        } finally {
            System.setOut(out);
            System.setErr(err);
        }
    }
}
