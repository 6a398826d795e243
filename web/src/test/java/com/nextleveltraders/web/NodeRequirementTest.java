package com.nextleveltraders.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The build needs the system's Node.js. Without it, scripts/build.sh (what Maven's generate-resources
 * and `nlt up` run) must not skip silently: it exits 3 with one line that says how to install it.
 */
final class NodeRequirementTest {

    @Test
    void withoutNodeTheBuildFailsWithOneLineSayingHowToInstallIt(@TempDir Path emptyDirectory) throws Exception {
        ProcessBuilder withoutNode = new ProcessBuilder("/bin/sh", "scripts/build.sh");
        withoutNode.environment().put("PATH", emptyDirectory.toString());
        Process build = withoutNode.start();
        String out = new String(build.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        String err = new String(build.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(build.waitFor(60, TimeUnit.SECONDS)).isTrue();

        assertThat(build.exitValue()).isEqualTo(3);
        assertThat(out).isEmpty();
        assertThat(err.lines().toList()).singleElement().asString()
                .contains("no Node.js", "install Node.js 18 or newer", "apt-get install nodejs npm");
    }
}
