package com.nextleveltraders.cli.local;

import com.nextleveltraders.embedded.SetsidPrefix;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * A JVM `nlt up` starts as its child (the gateway, an API instance), and the one place its command
 * line is built: in a session of its own (Ctrl-C reaches the launcher, which stops the children in
 * order), this JVM's binary, the child module's class path ({@link ChildClasspath}), a maximum heap, the data dir as a system property (so
 * that the leftovers of a killed run can be told apart), then the child protocol: each
 * {@code --config} file, {@code --parent-pid} (the child exits when the launcher dies) and
 * {@code --port-file} (where it writes its ports once it serves). Its output goes to its log.
 */
final class ChildJvm {

    private static final Duration STOP_WAIT = Duration.ofSeconds(20);

    private final Path dataDir;
    private final long heapMib;
    private final Class<?> mainClass;
    private final String classPath;

    /**
     * @param heapMib   the maximum heap ({@code -Xmx}) in MiB
     * @param mainClass the child's main class
     * @param classPath the child's class path, which holds {@code mainClass}
     */
    ChildJvm(Path dataDir, long heapMib, Class<?> mainClass, String classPath) {
        if (heapMib < 1) {
            throw new IllegalArgumentException("heapMib must be positive: " + heapMib);
        }
        this.dataDir = dataDir;
        this.heapMib = heapMib;
        this.mainClass = mainClass;
        this.classPath = classPath;
    }

    /** The command line: configuration files in order, later ones winning. */
    List<String> command(List<Path> configFiles, Path portFile) {
        List<String> command = new ArrayList<>(SetsidPrefix.detached());
        command.add(ProcessHandle.current().info().command().orElse("java"));
        command.add("-Xmx" + heapMib + "m");
        command.add(dataDirProperty(dataDir));
        command.add("-cp");
        command.add(classPath);
        command.add(mainClass.getName());
        for (Path file : configFiles) {
            command.add("--config");
            command.add(file.toAbsolutePath().toString());
        }
        command.add("--parent-pid");
        command.add(Long.toString(ProcessHandle.current().pid()));
        command.add("--port-file");
        command.add(portFile.toString());
        return command;
    }

    /** Starts the child, its output appended to {@code log}. */
    Process start(List<Path> configFiles, Path portFile, Path log) throws IOException {
        return new ProcessBuilder(command(configFiles, portFile)).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
    }

    private static String dataDirProperty(Path dataDir) {
        return "-Dnlt.dataDir=" + dataDir;
    }

    /**
     * Instances and a gateway of an earlier, killed launcher may still be exiting: each {@code .pid}
     * file in {@code runDir} is removed, and the process it names is ended (SIGTERM, then SIGKILL after
     * {@link #STOP_WAIT}) if it is a child JVM of this data dir.
     */
    static void stopLeftovers(Path runDir, Path dataDir) throws IOException {
        List<Path> pidFiles;
        try (var listing = Files.list(runDir)) {
            pidFiles = listing.filter(f -> f.getFileName().toString().endsWith(".pid")).toList();
        }
        for (Path pidFile : pidFiles) {
            String text = Files.readString(pidFile).strip();
            Files.delete(pidFile);
            long pid;
            try {
                pid = Long.parseLong(text);
            } catch (NumberFormatException e) {
                continue;
            }
            Optional<ProcessHandle> stale = ProcessHandle.of(pid).filter(handle -> handle.info().arguments()
                    .map(args -> String.join(" ", args).contains(dataDirProperty(dataDir))).orElse(false));
            if (stale.isPresent()) {
                System.out.println("stopping a leftover process of an earlier run (pid " + pid + ")");
                stale.get().destroy();
                try {
                    stale.get().onExit().get(STOP_WAIT.toSeconds(), TimeUnit.SECONDS);
                } catch (Exception e) {
                    stale.get().destroyForcibly();
                }
            }
        }
    }
}
