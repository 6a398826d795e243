package com.nextleveltraders.embedded;

import static com.nextleveltraders.embedded.TestProcesses.awaitGone;
import static com.nextleveltraders.embedded.TestProcesses.liveDescendants;
import static com.nextleveltraders.embedded.TestProcesses.password;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EmbeddedRedisClusterTest {

    private static final Duration FAILOVER_WAIT = Duration.ofSeconds(30);

    @TempDir
    Path tmp;

    @Test
    void aReplicaTakesOverAKilledMasterAndTheNextRunFindsTheClusterAndItsData() throws Exception {
        RedisClusterOptions options = RedisClusterOptions.defaults(tmp.resolve("cluster"))
                .withNodeTimeout(Duration.ofSeconds(2));
        Map<String, String> values = new LinkedHashMap<>();
        for (int i = 0; i < 30; i++) {
            values.put("session:{user" + i + "}", "token-" + i);
        }
        List<Integer> ports;
        try (EmbeddedRedisCluster cluster = EmbeddedRedisCluster.start(options)) {
            String password = password(cluster.passwordFile());
            List<EmbeddedRedis> nodes = cluster.nodes();
            assertThat(nodes).hasSize(6);
            ports = nodes.stream().map(EmbeddedRedis::port).toList();
            for (EmbeddedRedis node : nodes) {
                assertThat(clusterInfo(node, password)).containsEntry("cluster_state", "ok")
                        .containsEntry("cluster_known_nodes", "6").containsEntry("cluster_slots_ok", "16384");
                assertThat(TestProcesses.commandLine(node.pid())).doesNotContain(password);
            }
            List<EmbeddedRedis> masters = withRole(nodes, password, "master");
            assertThat(masters).hasSize(3);
            for (EmbeddedRedis replica : withRole(nodes, password, "slave")) {
                assertThat(replication(replica, password)).containsEntry("master_link_status", "up");
            }

            for (Map.Entry<String, String> entry : values.entrySet()) {
                assertThat(clusterCall(nodes, password, "SET", entry.getKey(), entry.getValue())).isEqualTo("OK");
            }
            for (EmbeddedRedis master : masters) {
                assertThat((Long) call(master, password, "DBSIZE")).isPositive();
                // Replication is asynchronous: only writes the replica acknowledged are sure to survive a failover.
                assertThat(call(master, password, "WAIT", "1", "5000")).isEqualTo(1L);
            }

            EmbeddedRedis victim = masters.getFirst();
            int victimIndex = nodes.indexOf(victim);
            EmbeddedRedis heir = nodes.stream()
                    .filter(node -> replicationQuietly(node, password).getOrDefault("master_port", "")
                            .equals(Integer.toString(victim.port())))
                    .findFirst().orElseThrow();
            long killedAt = System.nanoTime();
            ProcessHandle.of(victim.pid()).orElseThrow().destroyForcibly();
            awaitGone(Duration.ofSeconds(5), victim.pid());
            List<EmbeddedRedis> survivors = nodes.stream().filter(node -> node != victim).toList();
            SettleWait.until(FAILOVER_WAIT, "the replica takes over and the cluster is ok again", () -> {
                if (!"master".equals(replication(heir, password).get("role"))) {
                    return "replica " + heir.port() + " not promoted yet";
                }
                for (EmbeddedRedis node : survivors) {
                    if (!"ok".equals(clusterInfo(node, password).get("cluster_state"))) {
                        return "node " + node.port() + " not ok yet";
                    }
                }
                return null;
            });
            System.out.printf("Cluster failover took %d ms%n", (System.nanoTime() - killedAt) / 1_000_000);
            for (Map.Entry<String, String> entry : values.entrySet()) {
                assertThat(clusterCall(survivors, password, "GET", entry.getKey())).isEqualTo(entry.getValue());
            }

            EmbeddedRedis restarted = cluster.restartNode(victimIndex);
            assertThat(restarted.port()).isEqualTo(victim.port());
            assertThat(cluster.nodes().get(victimIndex)).isSameAs(restarted);
            SettleWait.until(FAILOVER_WAIT, "the old master follows its successor", () -> {
                Map<String, String> state = replication(restarted, password);
                return "slave".equals(state.get("role"))
                        && Integer.toString(heir.port()).equals(state.get("master_port"))
                        && "up".equals(state.get("master_link_status"))
                        && "ok".equals(clusterInfo(restarted, password).get("cluster_state")) ? null : state.toString();
            });
        }
        assertThat(liveDescendants()).isEmpty();
        assertThat(tmp.resolve("cluster/ports")).exists();

        try (EmbeddedRedisCluster cluster = EmbeddedRedisCluster.start(options)) {
            String password = password(cluster.passwordFile());
            assertThat(cluster.nodes().stream().map(EmbeddedRedis::port).toList()).isEqualTo(ports);
            for (EmbeddedRedis node : cluster.nodes()) {
                assertThat(clusterInfo(node, password)).containsEntry("cluster_state", "ok");
            }
            assertThat(withRole(cluster.nodes(), password, "master")).hasSize(3);
            for (Map.Entry<String, String> entry : values.entrySet()) {
                assertThat(clusterCall(cluster.nodes(), password, "GET", entry.getKey())).isEqualTo(entry.getValue());
            }
        }
        assertThat(liveDescendants()).isEmpty();

        // A node that lost its nodes.conf cannot rejoin: the cluster is created afresh, without the old data.
        Files.delete(tmp.resolve("cluster/node-2/nodes.conf"));
        try (EmbeddedRedisCluster cluster = EmbeddedRedisCluster.start(options)) {
            String password = password(cluster.passwordFile());
            for (EmbeddedRedis node : cluster.nodes()) {
                assertThat(clusterInfo(node, password)).containsEntry("cluster_state", "ok");
                assertThat(call(node, password, "DBSIZE")).isEqualTo(0L);
            }
            assertThat(withRole(cluster.nodes(), password, "master")).hasSize(3);
        }
        assertThat(liveDescendants()).isEmpty();
    }

    /** Sends the command to the first running node and follows MOVED redirections to the slot's master. */
    private static Object clusterCall(List<EmbeddedRedis> nodes, String password, String... command)
            throws IOException {
        EmbeddedRedis entry = nodes.stream().filter(EmbeddedRedis::isRunning).findFirst().orElseThrow();
        String host = entry.host();
        int port = entry.port();
        for (int hop = 0; hop < 5; hop++) {
            try {
                return RespClient.call(host, port, password, command);
            } catch (RespClient.ErrorReply e) {
                if (!e.getMessage().startsWith("MOVED ")) {
                    throw e;
                }
                String address = e.getMessage().split(" ")[2];
                host = address.substring(0, address.lastIndexOf(':'));
                port = Integer.parseInt(address.substring(address.lastIndexOf(':') + 1));
            }
        }
        throw new IOException("too many redirections for " + command[0] + " " + command[1]);
    }

    private static List<EmbeddedRedis> withRole(List<EmbeddedRedis> nodes, String password, String role) {
        List<EmbeddedRedis> matching = new ArrayList<>();
        for (EmbeddedRedis node : nodes) {
            if (role.equals(replicationQuietly(node, password).get("role"))) {
                matching.add(node);
            }
        }
        return matching;
    }

    private static Object call(EmbeddedRedis node, String password, String... command) throws IOException {
        return RespClient.call(node.host(), node.port(), password, command);
    }

    private static Map<String, String> clusterInfo(EmbeddedRedis node, String password) throws IOException {
        return RespClient.fields((String) call(node, password, "CLUSTER", "INFO"));
    }

    private static Map<String, String> replication(EmbeddedRedis node, String password) throws IOException {
        return RespClient.fields((String) call(node, password, "INFO", "replication"));
    }

    private static Map<String, String> replicationQuietly(EmbeddedRedis node, String password) {
        try {
            return replication(node, password);
        } catch (IOException e) {
            return Map.of();
        }
    }
}
