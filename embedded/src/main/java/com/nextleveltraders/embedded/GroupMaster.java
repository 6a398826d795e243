package com.nextleveltraders.embedded;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Where a Sentinel group's master is: now, as its sentinels (or failing them, its data nodes) say, and at the last
 * stop, as {@code baseDir/master} recorded it for the next start.
 */
record GroupMaster(String masterName, String password, Path baseDir) {

    /** The first sentinel that answers decides. */
    RedisServerAddress fromSentinels(List<EmbeddedSentinel> sentinels) {
        List<String> failures = new ArrayList<>();
        for (EmbeddedSentinel sentinel : sentinels) {
            try (RespClient client = RespClient.connect(sentinel.host(), sentinel.port(), password)) {
                Optional<RedisServerAddress> master = EmbeddedSentinel.masterAddress(client, masterName);
                if (master.isPresent()) {
                    return master.get();
                }
                failures.add(sentinel.port() + ": does not know " + masterName);
            } catch (IOException e) {
                failures.add(sentinel.port() + ": " + e.getMessage());
            }
        }
        throw new EmbeddedServerException("no sentinel of group " + masterName + " says where the master is "
                + failures);
    }

    /** The running data node that says it is the master, if any. */
    Optional<RedisServerAddress> fromNodes(List<EmbeddedRedis> nodes) {
        for (EmbeddedRedis node : nodes) {
            try {
                Object info = RespClient.call(node.host(), node.port(), password, "INFO", "replication");
                if ("master".equals(RespClient.fields(info.toString()).get("role"))) {
                    return Optional.of(new RedisServerAddress(node.host(), node.port()));
                }
            } catch (IOException e) {
                // not running or not answering: not the master we are looking for
            }
        }
        return Optional.empty();
    }

    /** Without the password, which a record's own toString would show. */
    @Override
    public String toString() {
        return "GroupMaster[" + masterName + ", " + baseDir + "]";
    }

    private Path recordFile() {
        return baseDir.resolve("master");
    }

    /** Index of the node recorded as master at the last stop; 0 (node 1) when there is no usable record. */
    int recorded(int nodeCount) {
        try {
            int index = Integer.parseInt(Files.readString(recordFile()).strip()) - 1;
            return index >= 0 && index < nodeCount ? index : 0;
        } catch (IOException | NumberFormatException e) {
            return 0;
        }
    }

    void record(int index) throws IOException {
        Files.writeString(recordFile(), (index + 1) + "\n");
    }
}
