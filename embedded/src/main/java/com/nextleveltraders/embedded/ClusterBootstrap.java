package com.nextleveltraders.embedded;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Makes a cluster of freshly started, empty nodes, as redis-cli --cluster create does: slots split evenly over the
 * first nodes (the masters), a distinct config epoch per node (spares the cluster resolving collisions), every node
 * introduced to node 1 (gossip spreads the rest), and once all know each other, each replica attached to its master.
 */
final class ClusterBootstrap {

    private ClusterBootstrap() {
    }

    static void create(ClusterCalls nodes, RedisClusterOptions options) throws IOException {
        int masters = options.masters();
        for (int m = 0; m < masters; m++) {
            int first = m * EmbeddedRedisCluster.SLOTS / masters;
            int last = (m + 1) * EmbeddedRedisCluster.SLOTS / masters - 1;
            List<String> command = new ArrayList<>(List.of("CLUSTER", "ADDSLOTS"));
            for (int slot = first; slot <= last; slot++) {
                command.add(Integer.toString(slot));
            }
            nodes.call(m, command.toArray(String[]::new));
        }
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < nodes.size(); i++) {
            nodes.call(i, "CLUSTER", "SET-CONFIG-EPOCH", Integer.toString(i + 1));
            ids.add(nodes.call(i, "CLUSTER", "MYID").toString());
        }
        for (int i = 1; i < nodes.size(); i++) {
            nodes.call(0, "CLUSTER", "MEET", RedisServers.HOST, Integer.toString(nodes.port(i)));
        }
        SettleWait.until(ClusterHealth.convergeTimeout(options), "every cluster node knows every other", () -> {
            for (int i = 0; i < nodes.size(); i++) {
                List<ClusterNode> known = nodes.clusterNodes(i);
                for (String id : ids) {
                    Optional<ClusterNode> peer = known.stream().filter(n -> n.id().equals(id)).findFirst();
                    if (peer.isEmpty() || !peer.get().healthy()) {
                        return "node " + (i + 1) + " sees " + peer.map(ClusterNode::toString).orElse("no " + id);
                    }
                }
            }
            return null;
        });
        for (int m = 0; m < masters; m++) {
            for (int r = 0; r < options.replicasPerMaster(); r++) {
                nodes.call(masters + m * options.replicasPerMaster() + r, "CLUSTER", "REPLICATE", ids.get(m));
            }
        }
        ClusterHealth.await(nodes, options);
    }
}
