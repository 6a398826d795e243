package com.nextleveltraders.cli.local;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * {@code DIR/run/primaries.json}: each shard's primary as the launcher runs it, its port and
 * postmaster's pid, and after a failover the shard's epoch in the registry (1, plus one per
 * failover). Rewritten when a failover makes the replica the primary; tests find the process to
 * kill here.
 */
final class ShardPrimaries {

    static final String FILE = "primaries.json";

    private record Entry(int port, long pid, long epoch) {
    }

    private final Path file;
    private final Map<Integer, Entry> shards = new TreeMap<>(); // guarded by this

    ShardPrimaries(Path runDir) {
        this.file = runDir.resolve(FILE);
    }

    /** @param epoch the registry's epoch, or 0 when not read (before any failover) */
    synchronized void set(int shard, int port, long pid, long epoch) {
        shards.put(shard, new Entry(port, pid, epoch));
        List<Map<String, Object>> primaries = new ArrayList<>();
        shards.forEach((id, entry) -> {
            Map<String, Object> primary = new LinkedHashMap<>();
            primary.put("shard", id);
            primary.put("port", entry.port());
            primary.put("pid", entry.pid());
            if (entry.epoch() > 0) {
                primary.put("epoch", entry.epoch());
            }
            primaries.add(primary);
        });
        try {
            StatusFile.write(file, Map.of("primaries", primaries));
        } catch (IOException e) {
            // Only tests and operators read it; the servers are fine.
            System.err.println("could not write " + file + ": " + e.getMessage());
        }
    }
}
