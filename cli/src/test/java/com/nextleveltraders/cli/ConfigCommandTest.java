package com.nextleveltraders.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigCommandTest {


    @TempDir
    Path dir;

    @Test
    void showPrintsTheEffectiveConfigurationWithTheOverrideApplied() throws Exception {
        Path file = dir.resolve("small.yaml");
        Files.writeString(file, "scaling:\n  maxInstances: 6\n");
        NltCommand.Result run = NltCommand.inProcess("config", "show", "--config", file.toString());
        assertThat(run.exitCode()).isZero();
        assertThat(run.out()).contains("maxInstances: 6").contains("minInstances: 3").contains("least_connections");
    }

    @Test
    void checkAcceptsAValidFileAndRefusesUnknownKeysAndBadValuesWithExitTwo() throws Exception {
        Path good = dir.resolve("good.yaml");
        Files.writeString(good, "database:\n  pool:\n    max: 30\n");
        assertThat(NltCommand.inProcess("config", "check", good.toString()).exitCode()).isZero();

        Path bad = dir.resolve("bad.yaml");
        Files.writeString(bad, "loadBalancer:\n  healthCheck:\n    intervall: 10s\n");
        NltCommand.Result unknown = NltCommand.inProcess("config", "check", bad.toString());
        assertThat(unknown.exitCode()).isEqualTo(2);
        assertThat(unknown.err()).contains("loadBalancer.healthCheck.intervall: unknown key");

        Files.writeString(bad, "database:\n  pool:\n    min: 5\n    max: 3\n");
        NltCommand.Result invalid = NltCommand.inProcess("config", "check", bad.toString());
        assertThat(invalid.exitCode()).isEqualTo(2);
        assertThat(invalid.err()).contains("database.pool.max: must be >= database.pool.min (3 < 5)");
        assertThat(NltCommand.inProcess("config", "check", dir.resolve("missing.yaml").toString()).exitCode()).isEqualTo(2);
    }

}
