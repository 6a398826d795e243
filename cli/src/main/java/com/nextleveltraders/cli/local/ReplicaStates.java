package com.nextleveltraders.cli.local;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * {@code DIR/run/replicas.json}: what the launcher knows of each shard's replica that a server
 * cannot tell by itself: whether it is being started again after it died ({@code restarting}), or
 * runs ({@code running}), with its port and postmaster's pid. `nlt shards status` shows the first,
 * and tests find the process to kill by the second.
 */
final class ReplicaStates {

    static final String FILE = "replicas.json";

    /** What the launcher is doing with a replica. */
    enum State {
        RUNNING, RESTARTING,
        /** Promoted to its shard's primary by a failover: the shard has no replica now. */
        PROMOTED;

        String text() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    private record Entry(State state, int port, long pid) {
    }

    private final Path file;
    private final Map<Integer, Entry> shards = new TreeMap<>(); // guarded by this

    ReplicaStates(Path runDir) {
        this.file = runDir.resolve(FILE);
    }

    synchronized void set(int shard, State state, int port, long pid) {
        shards.put(shard, new Entry(state, port, pid));
        List<Map<String, Object>> replicas = new ArrayList<>();
        shards.forEach((id, entry) -> {
            Map<String, Object> replica = new LinkedHashMap<>();
            replica.put("shard", id);
            replica.put("state", entry.state().text());
            replica.put("port", entry.port());
            replica.put("pid", entry.pid());
            replicas.add(replica);
        });
        try {
            StatusFile.write(file, Map.of("replicas", replicas));
        } catch (IOException e) {
            // Only `nlt shards status` reads it; the replica itself is fine.
            System.err.println("could not write " + file + ": " + e.getMessage());
        }
    }
}
