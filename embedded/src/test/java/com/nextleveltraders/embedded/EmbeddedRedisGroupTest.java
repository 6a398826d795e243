package com.nextleveltraders.embedded;

import static com.nextleveltraders.embedded.TestProcesses.awaitGone;
import static com.nextleveltraders.embedded.TestProcesses.liveDescendants;
import static com.nextleveltraders.embedded.TestProcesses.password;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EmbeddedRedisGroupTest {

    private static final Duration FAILOVER_WAIT = Duration.ofSeconds(30);

    @TempDir
    Path tmp;

    @Test
    void sentinelsPromoteAReplicaWithTheDataAndTheOldMasterRejoinsAsAReplica() throws Exception {
        int promotedIndex = -1;
        RedisGroupOptions options = RedisGroupOptions.defaults(tmp.resolve("group"))
                .withTimeouts(Duration.ofSeconds(1), Duration.ofSeconds(5));
        try (EmbeddedRedisGroup group = EmbeddedRedisGroup.start(options)) {
            String password = password(group.passwordFile());
            assertThat(group.nodes()).hasSize(3);
            assertThat(group.sentinels()).hasSize(3);
            assertThat(group.masterName()).isEqualTo("nlt");
            EmbeddedRedis first = group.nodes().getFirst();
            RedisServerAddress oldMaster = group.currentMaster();
            assertThat(oldMaster).isEqualTo(new RedisServerAddress(first.host(), first.port()));
            for (EmbeddedSentinel sentinel : group.sentinels()) {
                assertThat(EmbeddedSentinel.masterAddress(sentinel.host(), sentinel.port(), group.passwordFile(),
                        "nlt")).contains(oldMaster);
                assertThat(TestProcesses.commandLine(sentinel.pid())).doesNotContain(password);
            }
            Map<String, String> replication = info(oldMaster, password);
            assertThat(replication).containsEntry("role", "master").containsEntry("connected_slaves", "2");
            assertThat(replication.get("slave0")).contains("state=online");
            assertThat(replication.get("slave1")).contains("state=online");

            assertThat(call(oldMaster, password, "SET", "quote:ACME", "101.25")).isEqualTo("OK");
            // Replication is asynchronous: only a write the replicas acknowledged is sure to survive a failover.
            assertThat(call(oldMaster, password, "WAIT", "2", "5000")).isEqualTo(2L);
            EmbeddedRedis replica = group.nodes().get(1);
            assertThat(call(new RedisServerAddress(replica.host(), replica.port()), password, "GET", "quote:ACME"))
                    .isEqualTo("101.25");

            long killedAt = System.nanoTime();
            ProcessHandle.of(first.pid()).orElseThrow().destroyForcibly();
            awaitGone(Duration.ofSeconds(5), first.pid());
            AtomicReference<RedisServerAddress> promoted = new AtomicReference<>();
            SettleWait.until(FAILOVER_WAIT, "the sentinels name a new master that says role:master", () -> {
                RedisServerAddress master = group.currentMaster();
                if (master.equals(oldMaster) || !"master".equals(info(master, password).get("role"))) {
                    return "master " + master;
                }
                promoted.set(master);
                return null;
            });
            System.out.printf("Sentinel failover took %d ms%n", (System.nanoTime() - killedAt) / 1_000_000);
            RedisServerAddress newMaster = promoted.get();
            assertThat(call(newMaster, password, "GET", "quote:ACME")).isEqualTo("101.25");
            // Written after the failover, on the new master only (node 1 is down): must outlive a restart.
            assertThat(call(newMaster, password, "SET", "quote:LATE", "7")).isEqualTo("OK");
            for (int i = 0; i < group.nodes().size(); i++) {
                if (group.nodes().get(i).port() == newMaster.port()) {
                    promotedIndex = i;
                }
            }

            EmbeddedRedis restarted = group.restartNode(0);
            assertThat(restarted.port()).isEqualTo(first.port());
            assertThat(group.nodes().getFirst()).isSameAs(restarted);
            RedisServerAddress rejoined = new RedisServerAddress(restarted.host(), restarted.port());
            SettleWait.until(FAILOVER_WAIT, "the old master follows the new one", () -> {
                Map<String, String> state = info(rejoined, password);
                return "slave".equals(state.get("role"))
                        && Integer.toString(newMaster.port()).equals(state.get("master_port"))
                        && "up".equals(state.get("master_link_status")) ? null : state.toString();
            });
            assertThat(call(rejoined, password, "GET", "quote:ACME")).isEqualTo("101.25");

            // Sentinel rewrote the data nodes' configs during the failover: still private, password included.
            for (int i = 1; i <= 3; i++) {
                Path config = tmp.resolve("group/node-" + i + "/redis.conf");
                assertThat(Files.getPosixFilePermissions(config)).isEqualTo(PosixFilePermissions.fromString("rw-------"));
                assertThat(Files.readString(config)).contains("masterauth");
                assertThat(Files.readString(tmp.resolve("group/logs/redis-" + i + ".log"))).doesNotContain(password);
            }
            Path sentinelConfig = tmp.resolve("group/sentinel-2/sentinel.conf");
            assertThat(Files.getPosixFilePermissions(sentinelConfig))
                    .isEqualTo(PosixFilePermissions.fromString("rw-------"));

            EmbeddedSentinel sentinel = group.sentinels().get(1);
            String sentinelId = sentinelId(sentinelConfig);
            ProcessHandle.of(sentinel.pid()).orElseThrow().destroyForcibly();
            awaitGone(Duration.ofSeconds(5), sentinel.pid());
            EmbeddedSentinel back = group.restartSentinel(1);
            assertThat(back.port()).isEqualTo(sentinel.port());
            assertThat(EmbeddedSentinel.masterAddress(back.host(), back.port(), group.passwordFile(), "nlt"))
                    .contains(newMaster);
            assertThat(sentinelId(sentinelConfig)).isEqualTo(sentinelId);
        }
        assertThat(liveDescendants()).isEmpty();

        // The next run: the node that was master at the stop is the master again (not node 1, whose
        // copy is older), every sentinel keeps its id and the data, older and newer, is still there.
        try (EmbeddedRedisGroup group = EmbeddedRedisGroup.start(options)) {
            String password = password(group.passwordFile());
            assertThat(promotedIndex).isPositive();
            EmbeddedRedis master = group.nodes().get(promotedIndex);
            assertThat(group.currentMaster()).isEqualTo(new RedisServerAddress(master.host(), master.port()));
            assertThat(call(group.currentMaster(), password, "GET", "quote:ACME")).isEqualTo("101.25");
            assertThat(call(group.currentMaster(), password, "GET", "quote:LATE")).isEqualTo("7");
            assertThat(sentinelId(tmp.resolve("group/sentinel-2/sentinel.conf"))).isNotBlank();
        }
        assertThat(liveDescendants()).isEmpty();
    }

    private static Object call(RedisServerAddress address, String password, String... command) throws IOException {
        return RespClient.call(address.host(), address.port(), password, command);
    }

    private static Map<String, String> info(RedisServerAddress address, String password) throws IOException {
        return RespClient.fields((String) call(address, password, "INFO", "replication"));
    }

    private static String sentinelId(Path config) throws IOException {
        return Files.readAllLines(config).stream().filter(line -> line.startsWith("sentinel myid ")).findFirst()
                .orElseThrow();
    }
}
