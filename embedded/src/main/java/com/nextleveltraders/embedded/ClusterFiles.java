package com.nextleveltraders.embedded;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What a Redis Cluster keeps on disk: a directory per node with its nodes.conf and data, and the saved ports. Decides
 * whether the cluster found there can be started as it is, and forgets it when it cannot.
 */
record ClusterFiles(RedisClusterOptions options, Path baseDir, Path passwordFile) {

    /** Redis 6.2 always puts a node's cluster bus on its port + 10000. */
    static final int BUS_PORT_OFFSET = 10000;
    /** What a node keeps of the cluster and its data; a reset deletes these. */
    private static final List<String> STATE_FILES = List.of("nodes.conf", "appendonly.aof", "appendonlydir",
            "dump.rdb");

    /** {@code node-1} for number 1. */
    Path nodeDir(int number) {
        return baseDir.resolve("node-" + number);
    }

    Path portsFile() {
        return baseDir.resolve("ports");
    }

    /** How node {@code index} (0-based) runs on {@code port}, with the cluster directives managed here. */
    RedisServerOptions nodeOptions(int index, int port) {
        Map<String, String> settings = new LinkedHashMap<>(options.settings());
        settings.put("cluster-enabled", "yes");
        settings.put("cluster-config-file", "nodes.conf");
        settings.put("cluster-node-timeout", Long.toString(options.nodeTimeout().toMillis()));
        return new RedisServerOptions(nodeDir(index + 1), options.logDir().resolve("redis-" + (index + 1) + ".log"), port,
                options.watchPid(), settings, passwordFile);
    }

    /** Why the saved cluster cannot be started as it is; null if it can. */
    String unusableReason(SavedClusterPorts saved) {
        if (saved == null) {
            return "no saved ports";
        }
        if (saved.masters() != options.masters() || saved.replicasPerMaster() != options.replicasPerMaster()) {
            return "it has " + saved.masters() + " masters with " + saved.replicasPerMaster()
                    + " replica(s) each, not " + options.masters() + " with " + options.replicasPerMaster();
        }
        for (int i = 1; i <= options.nodeCount(); i++) {
            if (!Files.exists(nodeDir(i).resolve("nodes.conf"))) {
                return nodeDir(i).resolve("nodes.conf") + " is missing";
            }
        }
        for (int port : saved.ports()) {
            if (!FreePorts.isFree(port) || !FreePorts.isFree(port + BUS_PORT_OFFSET)) {
                return "port " + port + " or its cluster bus port " + (port + BUS_PORT_OFFSET) + " is taken";
            }
        }
        return null;
    }

    boolean hasState() {
        if (Files.exists(portsFile())) {
            return true;
        }
        for (int i = 1; i <= options.nodeCount(); i++) {
            for (String file : STATE_FILES) {
                if (Files.exists(nodeDir(i).resolve(file))) {
                    return true;
                }
            }
        }
        return false;
    }

    /** Forgets the cluster: a node that kept its nodes.conf or data would refuse to join a new one. */
    void reset() {
        try {
            Files.deleteIfExists(portsFile());
        } catch (IOException e) {
            throw new EmbeddedServerException("cannot delete " + portsFile(), e);
        }
        for (int i = 1; i <= options.nodeCount(); i++) {
            for (String file : STATE_FILES) {
                CacheDir.deleteTree(nodeDir(i).resolve(file));
            }
        }
    }
}
