package com.nextleveltraders.embedded;

import java.time.Duration;
import java.util.List;
import java.util.Map;

/** Waiting for a cluster to settle, whether just created or started again from its nodes.conf files. */
final class ClusterHealth {

    private ClusterHealth() {
    }

    static Duration convergeTimeout(RedisClusterOptions options) {
        return Duration.ofSeconds(60).plus(options.nodeTimeout().multipliedBy(2));
    }

    /**
     * Every node: cluster state ok with all slots served, all nodes known, connected and none suspected down, as many
     * replicas as the shape asks for, and when it is a replica, its link to its master up.
     */
    static void await(ClusterCalls nodes, RedisClusterOptions options) {
        int count = nodes.size();
        int replicas = count - options.masters();
        String slots = Integer.toString(EmbeddedRedisCluster.SLOTS);
        SettleWait.until(convergeTimeout(options), "every cluster node reports cluster_state:ok with " + count
                + " healthy nodes, " + replicas + " of them replicas in sync", () -> {
            for (int i = 0; i < count; i++) {
                Map<String, String> info = RespClient.fields(nodes.call(i, "CLUSTER", "INFO").toString());
                if (!"ok".equals(info.get("cluster_state")) || !slots.equals(info.get("cluster_slots_ok"))
                        || !Integer.toString(count).equals(info.get("cluster_known_nodes"))) {
                    return "node " + (i + 1) + ": " + info;
                }
                List<ClusterNode> known = nodes.clusterNodes(i);
                long replicasSeen = known.stream().filter(ClusterNode::isReplica).count();
                if (known.stream().anyMatch(n -> !n.healthy()) || replicasSeen != replicas) {
                    return "node " + (i + 1) + " sees " + known;
                }
                Map<String, String> replication = nodes.replication(i);
                if ("slave".equals(replication.get("role")) && !"up".equals(replication.get("master_link_status"))) {
                    return "node " + (i + 1) + ": replication " + replication;
                }
            }
            return null;
        });
    }
}
