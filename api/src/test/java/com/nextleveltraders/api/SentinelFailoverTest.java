package com.nextleveltraders.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.nextleveltraders.api.ApiClient.Trader;
import com.nextleveltraders.embedded.EmbeddedRedis;
import com.nextleveltraders.embedded.EmbeddedRedisGroup;
import com.nextleveltraders.embedded.RedisGroupOptions;
import com.nextleveltraders.testkit.Polling;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The strategy's Redis shape (a master, two replicas, three Sentinels) losing its master to
 * {@code kill -9} while clients keep reading and ordering through the API.
 */
@Tag("kill")
class SentinelFailoverTest {

    // Requests answered in a row without a failure that show the load is being served: before the
    // kill, and again after the failover (then nothing fails any more).
    private static final int SERVED_IN_A_ROW = 200;
    private static final Duration BOUND = Duration.ofSeconds(45);

    @Test
    void killingTheMasterUnderLoadPromotesAReplicaAndSessionsSurvive() throws Exception {
        TestPlatform platform = TestPlatform.get();
        Path base = Files.createTempDirectory(Path.of("/tmp"), "nlt-sentinel-",
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwxr-xr-x")));
        try (EmbeddedRedisGroup group = EmbeddedRedisGroup.start(RedisGroupOptions.defaults(base.resolve("redis"))
                .withLogDir(base).withTimeouts(Duration.ofSeconds(2), Duration.ofSeconds(10)));
                ApiInstance api = ApiInstance.start(RedisTopologyFixture.sentinelInstance(platform, group, "sentinel-1"),
                        Clock.systemUTC(), false)) {
            ApiClient client = new ApiClient("http://127.0.0.1:" + api.port());
            JsonNode health = client.get("/api/health", null).json();
            assertThat(health.get("redisMode").asText()).isEqualTo("sentinel");
            EmbeddedRedis master = group.nodes().getFirst();
            String oldMaster = master.host() + ":" + master.port();
            assertThat(health.get("redisMasters")).hasSize(1);
            assertThat(health.get("redisMasters").get(0).asText()).isEqualTo(oldMaster);
            assertThat(health.get("redisNodes")).hasSize(3);

            List<Trader> traders = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                traders.add(client.newTrader()); // sessions written with WAIT 1 before the login answers
            }
            long killedAt;
            List<SteadyLoad.Outcome> outcomes;
            java.util.Map<java.util.UUID, Integer> acknowledged;
            try (SteadyLoad load = new SteadyLoad(client, traders, 2)) {
                // The load is under way before the kill, and served.
                Polling.until(BOUND, "the load is served", () -> load.servedInARow() >= SERVED_IN_A_ROW ? null
                        : load.servedInARow() + " served in a row");
                killedAt = System.nanoTime();
                ProcessHandle.of(master.pid()).orElseThrow().destroyForcibly();
                Polling.until(BOUND, "the Sentinels promote a replica", () -> {
                    JsonNode now = client.get("/api/health", null).json().get("redisMasters");
                    return now.size() == 1 && !now.get(0).asText().equals(oldMaster) ? null : now.toString();
                });
                long promotedAt = System.nanoTime();
                // Then every trader is served again, with the token from before the kill.
                Polling.until(BOUND, "every trader is served again", () -> {
                    Set<java.util.UUID> served = load.outcomes().stream()
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
            assertThat(acknowledged.values().stream().mapToInt(Integer::intValue).sum()).isPositive();

            // Never a 500: while no master answers, requests get 503 problems, then resume.
            assertThat(outcomes).allSatisfy(o -> assertThat(o.status()).isIn(200, 201, 503));
            assertThat(outcomes).filteredOn(o -> o.status() == 503)
                    .allSatisfy(o -> assertThat(o.body()).contains("\"status\":503"));
            long lastFailure = outcomes.stream().filter(o -> o.status() >= 500).mapToLong(SteadyLoad.Outcome::at)
                    .max().orElse(killedAt);
            long outageMillis = (lastFailure - killedAt) / 1_000_000;
            long after = outcomes.stream().filter(o -> o.at() > lastFailure).count();
            System.out.printf("Sentinel failover under load: %d requests, %d failed (503), served again %d ms after"
                    + " the kill, %d requests after that%n", outcomes.size(),
                    outcomes.stream().filter(o -> o.status() >= 500).count(), outageMillis, after);
            // Once a replica is master, nothing fails any more: the run that ended the load had no failure.
            assertThat(after).as("requests served after the last failure").isGreaterThanOrEqualTo(SERVED_IN_A_ROW);

            // A replica is the master now; new logins work too.
            JsonNode failedOver = client.get("/api/health", null).json();
            assertThat(failedOver.get("status").asText()).isEqualTo("UP");
            String newMaster = failedOver.get("redisMasters").get(0).asText();
            assertThat(newMaster).isNotEqualTo(oldMaster);
            assertThat(group.currentMaster().port()).isEqualTo(Integer.parseInt(newMaster.split(":")[1]));
            Trader late = client.newTrader();
            assertThat(client.get("/api/portfolio", late.token()).status()).isEqualTo(200);

            // The old master comes back as a replica of the new one.
            group.restartNode(0);
            Polling.until(BOUND, "the old master rejoins as a replica", () -> {
                JsonNode nodes = client.get("/api/health", null).json().get("redisNodes");
                for (JsonNode node : nodes) {
                    if (node.get("address").asText().equals(oldMaster) && node.get("role").asText().equals("replica")
                            && node.get("up").asBoolean()) {
                        return null;
                    }
                }
                return nodes.toString();
            });
            JsonNode rejoined = client.get("/api/health", null).json();
            assertThat(rejoined.get("redisMasters").get(0).asText()).isEqualTo(newMaster);
            for (Trader trader : traders) {
                assertThat(client.get("/api/portfolio", trader.token()).status()).isEqualTo(200);
            }
        } finally {
            TestPlatform.deleteTree(base);
        }
    }
}
