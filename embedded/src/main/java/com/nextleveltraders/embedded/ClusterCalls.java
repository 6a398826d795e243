package com.nextleveltraders.embedded;

import java.io.IOException;
import java.util.List;
import java.util.Map;

/** Commands to the nodes of a cluster by index, authenticated with the cluster's password. */
final class ClusterCalls {

    private final List<EmbeddedRedis> nodes;
    private final String password;

    /** @param nodes the cluster's own list, read as it is at each call */
    ClusterCalls(List<EmbeddedRedis> nodes, String password) {
        this.nodes = nodes;
        this.password = password;
    }

    int size() {
        return nodes.size();
    }

    int port(int index) {
        return nodes.get(index).port();
    }

    Object call(int index, String... command) throws IOException {
        return call(nodes.get(index), command);
    }

    Object call(EmbeddedRedis node, String... command) throws IOException {
        return RespClient.call(node.host(), node.port(), password, command);
    }

    List<ClusterNode> clusterNodes(int index) throws IOException {
        return ClusterNode.parseAll(call(index, "CLUSTER", "NODES").toString());
    }

    /** INFO replication of node {@code index} as fields. */
    Map<String, String> replication(int index) throws IOException {
        return RespClient.fields(call(index, "INFO", "replication").toString());
    }
}
