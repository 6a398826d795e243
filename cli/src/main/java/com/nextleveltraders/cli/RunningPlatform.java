package com.nextleveltraders.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.nextleveltraders.cli.local.LocalPlatform;
import com.nextleveltraders.cli.local.StatusFile;
import com.nextleveltraders.config.ConfigException;
import com.nextleveltraders.config.ConfigLoader;
import com.nextleveltraders.config.PlatformConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/** The configuration of the platform `nlt up` runs on a data dir, for the commands that act on it. */
final class RunningPlatform {

    private static final ObjectMapper JSON = new ObjectMapper();

    private RunningPlatform() {
    }

    /**
     * As LocalPlatform loads it: the defaults, the user's file, then where `nlt up` put the servers
     * ({@code DIR/run/servers.yaml}). Empty, with the reason on stderr, when no platform ran on the
     * directory or the configuration is invalid.
     */
    static Optional<PlatformConfig> config(Path dataDir, Path configFile) {
        Path dir = dataDir.toAbsolutePath().normalize();
        Path runFile = dir.resolve("run").resolve(LocalPlatform.SERVERS_FILE);
        if (!Files.isRegularFile(runFile)) {
            System.err.println("no platform runs on " + dir + ": " + runFile + " is missing; start one with"
                    + " `nlt up --data-dir " + dataDir + "`");
            return Optional.empty();
        }
        List<Path> files = new ArrayList<>();
        if (configFile != null) {
            files.add(configFile);
        }
        files.add(runFile);
        try {
            return Optional.of(ConfigLoader.load(files));
        } catch (ConfigException e) {
            System.err.println("invalid configuration in " + files + ":");
            e.problems().forEach(problem -> System.err.println("  " + problem));
            return Optional.empty();
        }
    }

    /**
     * The status file {@code name} (see {@link StatusFile}) of the platform running on {@code dataDir}. Empty, with
     * the reason on stderr, when the file is missing or the launcher that wrote it is gone.
     */
    static Optional<ObjectNode> status(Path dataDir, String name) throws IOException {
        Path dir = dataDir.toAbsolutePath().normalize();
        Path file = dir.resolve("run").resolve(name);
        if (!Files.isRegularFile(file)) {
            System.err.println("no platform runs on " + dir + ": " + file + " is missing; start one with"
                    + " `nlt up --data-dir " + dataDir + "`");
            return Optional.empty();
        }
        ObjectNode status = (ObjectNode) JSON.readTree(file.toFile());
        long launcher = status.path(StatusFile.LAUNCHER_PID).asLong();
        if (!ProcessHandle.of(launcher).map(ProcessHandle::isAlive).orElse(false)) {
            System.err.println("no platform runs on " + dir + ": its launcher (pid " + launcher + ") is gone");
            return Optional.empty();
        }
        return Optional.of(status);
    }

    /**
     * What the launcher says of each shard's replica ({@code DIR/run/replicas.json}, written by `nlt up`): shard id to
     * {@code running} or {@code restarting}. Empty when there is no such file, or its launcher is gone.
     */
    static Map<Integer, String> replicaStates(Path dataDir) {
        Path file = dataDir.toAbsolutePath().normalize().resolve("run").resolve("replicas.json");
        Map<Integer, String> states = new TreeMap<>();
        try {
            if (!Files.isRegularFile(file)) {
                return states;
            }
            JsonNode status = JSON.readTree(file.toFile());
            long launcher = status.path(StatusFile.LAUNCHER_PID).asLong();
            if (!ProcessHandle.of(launcher).map(ProcessHandle::isAlive).orElse(false)) {
                return states;
            }
            for (JsonNode replica : status.path("replicas")) {
                states.put(replica.path("shard").asInt(), replica.path("state").asText());
            }
        } catch (IOException e) {
            // Being replaced as it was read, or unreadable: the servers' own state is shown instead.
        }
        return states;
    }
}
