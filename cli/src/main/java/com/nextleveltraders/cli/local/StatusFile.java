package com.nextleveltraders.cli.local;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A JSON file in {@code DIR/run} that a loop of the launcher rewrites after each round ({@code scale.json},
 * {@code alerts.json}) and commands read: replaced atomically, so a reader never sees half of one, and stamped
 * with the time and the launcher's pid, so a reader can tell a running platform from a file left behind.
 */
public final class StatusFile {

    /** The field holding the pid of the launcher that wrote the file. */
    public static final String LAUNCHER_PID = "launcherPid";
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private StatusFile() {
    }

    /** Writes {@code updatedAt}, {@code launcherPid}, then {@code fields}, replacing the file at once. */
    static void write(Path file, Map<String, ?> fields) throws IOException {
        Map<String, Object> status = new LinkedHashMap<>();
        status.put("updatedAt", Instant.now().toString());
        status.put(LAUNCHER_PID, ProcessHandle.current().pid());
        status.putAll(fields);
        Path partial = file.resolveSibling(file.getFileName() + ".partial");
        Files.write(partial, JSON.writeValueAsBytes(status));
        Files.move(partial, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }
}
