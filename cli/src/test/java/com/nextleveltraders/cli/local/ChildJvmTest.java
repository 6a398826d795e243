package com.nextleveltraders.cli.local;

import static org.assertj.core.api.Assertions.assertThat;

import com.nextleveltraders.embedded.SetsidPrefix;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

class ChildJvmTest {

    @Test
    void aChildRunsDetachedWithItsHeapTheDataDirAndTheChildProtocolsArguments() {
        ChildJvm jvm = new ChildJvm(Path.of("/data/nlt"), 256, ChildJvmTest.class, "/lib/a.jar:/lib/b.jar");

        List<String> command = jvm.command(List.of(Path.of("/a.yaml"), Path.of("/run/b.yaml")),
                Path.of("/data/nlt/run/x.port"));

        List<String> prefix = SetsidPrefix.detached();
        assertThat(command.subList(0, prefix.size())).isEqualTo(prefix);
        assertThat(command.subList(prefix.size() + 1, command.size())).containsExactly(
                "-Xmx256m", "-Dnlt.dataDir=/data/nlt", "-cp", "/lib/a.jar:/lib/b.jar",
                ChildJvmTest.class.getName(), "--config", "/a.yaml", "--config", "/run/b.yaml",
                "--parent-pid", Long.toString(ProcessHandle.current().pid()), "--port-file", "/data/nlt/run/x.port");
    }
}
