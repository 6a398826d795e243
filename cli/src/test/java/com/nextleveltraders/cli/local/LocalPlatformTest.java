package com.nextleveltraders.cli.local;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LocalPlatformTest {

    @TempDir
    Path dir;

    @Test
    void theBuiltWebAppIsFoundBesideTheModulesTheLauncherRunsFrom() throws Exception {
        Path repo = dir.resolve("repo");
        Path classes = Files.createDirectories(repo.resolve("cli/target/classes"));
        List<String> classPath = List.of(dir.resolve("lib/nlt-config-0.1.0.jar").toString(), classes.toString());
        assertThat(LocalPlatform.builtWebApp(classPath)).as("not built yet").isEmpty();

        Path dist = Files.createDirectories(repo.resolve("web/dist"));
        Files.writeString(dist.resolve("index.html"), "<!doctype html>");
        assertThat(LocalPlatform.builtWebApp(classPath)).as("a build that has not finished: no manifest").isEmpty();

        Files.writeString(dist.resolve("manifest.json"), "{}");
        assertThat(LocalPlatform.builtWebApp(classPath)).contains(dist);
        assertThat(LocalPlatform.builtWebApp(List.of(dir.resolve("lib/nlt-cli-0.1.0.jar").toString())))
                .as("run from jars alone").isEmpty();
    }
}
