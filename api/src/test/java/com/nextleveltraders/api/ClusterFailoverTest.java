package com.nextleveltraders.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.nextleveltraders.api.ApiClient.Trader;
import com.nextleveltraders.cache.RedisConnections;
import com.nextleveltraders.cache.Session;
import com.nextleveltraders.cache.SessionStore;
import com.nextleveltraders.config.PlatformConfig;
import com.nextleveltraders.embedded.EmbeddedRedis;
import com.nextleveltraders.embedded.EmbeddedRedisCluster;
import com.nextleveltraders.embedded.RedisClusterOptions;
import com.nextleveltraders.testkit.Polling;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.api.StatefulRedisConnection;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** Cluster mode: a real Redis Cluster of three masters with a replica each, through the API. */
@Tag("kill")
class ClusterFailoverTest {

    // Requests answered in a row without a failure that show the load is being served: before the
    // kill, and again after the failover (then nothing fails any more).
    private static final int SERVED_IN_A_ROW = 200;
    private static final Duration BOUND = Duration.ofSeconds(45);
    private static final int SESSIONS = 300;

    @Test
    void keysSpreadOverThreeMastersAndAMasterFailoverIsSurvived() throws Exception {
        TestPlatform platform = TestPlatform.get();
        Path base = Files.createTempDirectory(Path.of("/tmp"), "nlt-cluster-",
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwxr-xr-x")));
        try (EmbeddedRedisCluster cluster = EmbeddedRedisCluster.start(RedisClusterOptions.defaults(
                base.resolve("cluster")).withLogDir(base).withNodeTimeout(Duration.ofSeconds(2)))) {
            PlatformConfig config = RedisTopologyFixture.clusterInstance(platform, cluster, 3, "cluster-1");
            String password = Files.readString(cluster.passwordFile()).strip();
            try (ApiInstance api = ApiInstance.start(config, Clock.systemUTC(), false);
                    RedisConnections redis = RedisConnections.open(config)) {
                ApiClient client = new ApiClient("http://127.0.0.1:" + api.port());
                JsonNode health = client.get("/api/health", null).json();
                assertThat(health.get("redisMode").asText()).isEqualTo("cluster");
                assertThat(health.get("redisNodes")).hasSize(6);
                List<String> masters = new ArrayList<>();
                health.get("redisMasters").forEach(node -> masters.add(node.asText()));
                assertThat(masters).hasSize(3);

                // Sessions (each in its user's slot) land on every master.
                SessionStore sessions = new SessionStore(redis, Duration.ofHours(1), Clock.systemUTC());
                List<Session> created = new ArrayList<>();
                for (int i = 0; i < SESSIONS; i++) {
                    created.add(sessions.create(UUID.randomUUID()));
                }
                for (String master : masters) {
                    assertThat(dbSize(master, password)).as("keys on %s", master).isGreaterThan(SESSIONS / 10);
                }

                List<Trader> traders = new ArrayList<>();
                for (int i = 0; i < 4; i++) {
                    traders.add(client.newTrader());
                }
                String victim = masters.getFirst();
                int victimIndex = indexOf(cluster, victim);
                long killedAt;
                List<SteadyLoad.Outcome> outcomes;
                java.util.Map<UUID, Integer> acknowledged;
                try (SteadyLoad load = new SteadyLoad(client, traders, 2)) {
                    // The load is under way before the kill, and served.
                    Polling.until(BOUND, "the load is served", () -> load.servedInARow() >= SERVED_IN_A_ROW ? null
                            : load.servedInARow() + " served in a row");
                    killedAt = System.nanoTime();
                    ProcessHandle.of(cluster.nodes().get(victimIndex).pid()).orElseThrow().destroyForcibly();
                    // Until the replica of the lost master is promoted, its slots' requests fail:
                    // wait until the cluster serves every slot again.
                    Polling.until(BOUND, "three masters serve the slots", () -> {
                        JsonNode now = client.get("/api/health", null).json();
                        return now.get("redisMasters").size() == 3 && !now.get("redisMasters").toString()
                                .contains(victim) ? null : now.get("redisNodes").toString();
                    });
                    long promotedAt = System.nanoTime();
                    Polling.until(BOUND, "every trader is served again", () -> {
                        Set<UUID> served = load.outcomes().stream()
                                .filter(o -> o.at() > promotedAt && o.status() == 200).map(SteadyLoad.Outcome::trader)
                                .collect(Collectors.toSet());
                        return served.size() == traders.size() ? null : served.size() + " of " + traders.size();
                    });
                    // Once a replica is master, nothing fails any more: a long run of requests is served.
                    Polling.until(BOUND, SERVED_IN_A_ROW + " requests in a row are served after the failover",
                            () -> load.servedInARow() >= SERVED_IN_A_ROW ? null : load.servedInARow() + " served in a row");
                    load.close();
                    outcomes = load.outcomes();
                    acknowledged = load.acknowledgedOrders();
                }
                SteadyLoad.assertPortfoliosShowEveryAcknowledgedOrder(client, traders, acknowledged);
                assertThat(outcomes).allSatisfy(o -> assertThat(o.status()).isIn(200, 201, 503));
                long lastFailure = outcomes.stream().filter(o -> o.status() >= 500)
                        .mapToLong(SteadyLoad.Outcome::at).max().orElse(killedAt);
                System.out.printf("Cluster failover under load: %d requests, %d failed (503), served again %d ms"
                        + " after the kill%n", outcomes.size(), outcomes.stream().filter(o -> o.status() >= 500).count(),
                        (lastFailure - killedAt) / 1_000_000);
                // Once the replica is master, nothing fails any more: the run that ended the load had no failure.
                assertThat(outcomes.stream().filter(o -> o.at() > lastFailure).count())
                        .as("requests served after the last failure").isGreaterThanOrEqualTo(SERVED_IN_A_ROW);

                // Every session written before the kill (WAIT 1) is still there, whichever master had it,
                // once this idle client has refreshed its slot map (it polls the topology).
                Polling.until(BOUND, "an idle client follows the failover", () -> {
                    for (Session session : created) {
                        sessions.resolve(session.token());
                    }
                    return null;
                });
                for (Session session : created) {
                    assertThat(sessions.resolve(session.token())).contains(session.userId());
                }

                cluster.restartNode(victimIndex);
                Polling.until(BOUND, "the old master rejoins as a replica", () -> {
                    JsonNode nodes = client.get("/api/health", null).json().get("redisNodes");
                    for (JsonNode node : nodes) {
                        if (node.get("address").asText().equals(victim) && node.get("role").asText().equals("replica")
                                && node.get("up").asBoolean()) {
                            return null;
                        }
                    }
                    return nodes.toString();
                });
            }
        } finally {
            TestPlatform.deleteTree(base);
        }
    }

    private static int indexOf(EmbeddedRedisCluster cluster, String address) {
        for (int i = 0; i < cluster.nodes().size(); i++) {
            EmbeddedRedis node = cluster.nodes().get(i);
            if ((node.host() + ":" + node.port()).equals(address)) {
                return i;
            }
        }
        throw new AssertionError(address + " is not a node of " + cluster);
    }

    private static long dbSize(String address, String password) {
        String[] parts = address.split(":");
        RedisClient client = RedisClient.create(RedisURI.builder().withHost(parts[0])
                .withPort(Integer.parseInt(parts[1])).withPassword(password.toCharArray()).build());
        try (StatefulRedisConnection<String, String> connection = client.connect()) {
            return connection.sync().dbsize();
        } finally {
            client.shutdown();
        }
    }
}
