package com.nextleveltraders.cli;

import static com.nextleveltraders.cli.NltCommand.deleteTree;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.nextleveltraders.cli.local.LocalPlatform;
import com.nextleveltraders.embedded.FreePorts;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * `nlt shards add --data-dir DIR` without --port, as a user runs it, against a running `nlt up`:
 * the launcher starts shard 3 (primary and replica), migrated and registered, owning no bucket; a
 * rebalance can move buckets to it; a stopped and restarted platform starts it again. Exit 2 when
 * no platform runs on DIR.
 */
@Tag("platform")
class ShardsAddProcessTest {

    private static final int USERS = 8;

    private final HttpClient http = HttpClient.newHttpClient();

    @Test
    void theRunningPlatformStartsANewShardThatALaterStartStartsAgain() throws Exception {
        Path dataDir = Files.createTempDirectory(Path.of("/tmp"), "nlt-shards-add-test-",
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwxr-xr-x")));
        Process launcher = null;
        try {
            int port = FreePorts.pick();
            launcher = UpProcess.start(dataDir, port).process();
            for (int i = 0; i < USERS; i++) {
                assertThat(register("http://127.0.0.1:" + port)).isEqualTo(201);
            }

            NltCommand.Result add = NltCommand.process("shards", "add", "--data-dir", dataDir.toString());
            assertThat(add.exitCode()).as(add.output()).isZero();
            assertThat(add.output()).contains("shard 3 added (primary 127.0.0.1:")
                    .contains("it owns no bucket yet: run `nlt shards rebalance`");
            assertThat(dataDir.resolve("shard-3").resolve("primary")).isDirectory();
            assertThat(dataDir.resolve("shard-3").resolve("replica")).isDirectory();

            JsonNode shards = status(dataDir);
            assertThat(shards).hasSize(3);
            JsonNode third = shards.get(2);
            assertThat(third.get("id").asInt()).isEqualTo(3);
            assertThat(third.get("state").asText()).isEqualTo("ACTIVE");
            assertThat(third.get("buckets").asInt()).isZero();
            assertThat(third.get("primaryUp").asBoolean()).isTrue();
            assertThat(third.get("replicaUp").asBoolean()).isTrue();

            NltCommand.Result rebalance = NltCommand.process("shards", "rebalance", "--threshold", "0", "--data-dir", dataDir.toString());
            assertThat(rebalance.exitCode()).as(rebalance.output()).isZero();
            JsonNode after = status(dataDir);
            assertThat(after.get(2).get("buckets").asInt()).as(rebalance.output()).isPositive();
            assertThat(after.get(0).get("buckets").asInt() + after.get(1).get("buckets").asInt()
                    + after.get(2).get("buckets").asInt()).isEqualTo(1024);

            launcher.destroy();
            assertThat(launcher.waitFor(60, TimeUnit.SECONDS)).isTrue();
            // The run file stays, but nobody takes the request.
            NltCommand.Result unanswered = NltCommand.process("shards", "add", "--data-dir", dataDir.toString());
            assertThat(unanswered.exitCode()).as(unanswered.output()).isEqualTo(2);
            assertThat(unanswered.output()).contains("did not take the request")
                    .contains("`nlt up --data-dir " + dataDir + "` must be running");
            assertThat(dataDir.resolve("run").resolve(AddShardRequest.REQUEST)).doesNotExist();

            port = FreePorts.pick();
            launcher = UpProcess.start(dataDir, port).process();
            JsonNode again = status(dataDir);
            assertThat(again).hasSize(3);
            for (JsonNode shard : again) {
                assertThat(shard.get("state").asText()).isEqualTo("ACTIVE");
                assertThat(shard.get("primaryUp").asBoolean()).as(shard.toString()).isTrue();
                assertThat(shard.get("replicaUp").asBoolean()).as(shard.toString()).isTrue();
            }
            assertThat(again.get(2).get("buckets").asInt()).isEqualTo(after.get(2).get("buckets").asInt());
            assertThat(register("http://127.0.0.1:" + port)).isEqualTo(201);

            // A server registered by its address takes the next id, 4. A configuration that asks for
            // four local shards would start a new, empty shard 4 in its place: refused, exit 2, before
            // any shard server starts. (The catalog's own server stands for the external one here.)
            JsonNode catalog = new ObjectMapper(new YAMLFactory()).readTree(dataDir.resolve("run")
                    .resolve(LocalPlatform.SERVERS_FILE).toFile()).get("platform").get("postgres");
            NltCommand.Result external = NltCommand.process("shards", "add", "--port", catalog.get("port").asText(), "--database",
                    catalog.get("database").asText(), "--data-dir", dataDir.toString());
            assertThat(external.exitCode()).as(external.output()).isZero();
            assertThat(external.output()).contains("shard 4");
            launcher.destroy();
            assertThat(launcher.waitFor(60, TimeUnit.SECONDS)).isTrue();
            Path four = dataDir.resolve("four-shards.yaml");
            Files.writeString(four, "database:\n  sharding: { shards: 4 }\n");
            NltCommand.Result refused = upThatShouldNotStart(dataDir, four);
            assertThat(refused.exitCode()).as(refused.output()).isEqualTo(2);
            assertThat(refused.output()).contains("shard 4 is already registered on 127.0.0.1:"
                    + catalog.get("port").asText() + "/" + catalog.get("database").asText());
            assertThat(dataDir.resolve("shard-4")).doesNotExist();
        } finally {
            NltCommand.stop(launcher);
            deleteTree(dataDir);
        }
    }

    @Test
    void aDataDirWithoutAPlatformExitsWithTwo() throws Exception {
        Path empty = Files.createTempDirectory(Path.of("/tmp"), "nlt-shards-add-empty-");
        try {
            NltCommand.Result run = NltCommand.process("shards", "add", "--data-dir", empty.toString());
            assertThat(run.exitCode()).as(run.output()).isEqualTo(2);
            assertThat(run.output()).contains("no platform runs on " + empty).contains("nlt up --data-dir");
            assertThat(empty.resolve("run")).doesNotExist();
        } finally {
            deleteTree(empty);
        }
    }

    /**
     * `nlt up` expected to refuse: its output goes to a file (a platform that does start never
     * closes its output), and one that is still running after two minutes is stopped and failed.
     */
    private static NltCommand.Result upThatShouldNotStart(Path dataDir, Path config) throws Exception {
        Path log = Files.createTempFile(dataDir, "refused-up-", ".log");
        Process up = new ProcessBuilder(NltCommand.javaCommand("up", "--data-dir", dataDir.toString(), "--port",
                Integer.toString(FreePorts.pick()), "--config", config.toString()))
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        if (!up.waitFor(120, TimeUnit.SECONDS)) {
            up.destroy();
            if (!up.waitFor(60, TimeUnit.SECONDS)) {
                up.destroyForcibly();
            }
            throw new AssertionError("nlt up was still running after 120 s:\n" + Files.readString(log));
        }
        return new NltCommand.Result(up.exitValue(), Files.readString(log), "");
    }

    private static JsonNode status(Path dataDir) throws Exception {
        NltCommand.Result json = NltCommand.process("shards", "status", "--json", "--data-dir", dataDir.toString());
        assertThat(json.exitCode()).as(json.output()).isZero();
        return new ObjectMapper().readTree(json.output()).get("shards");
    }

    private int register(String base) throws Exception {
        String body = "{\"email\":\"add-" + UUID.randomUUID() + "@example.com\",\"password\":\"correct horse battery\","
                + "\"displayName\":\"A\"}";
        return http.send(HttpRequest.newBuilder(URI.create(base + "/api/users")).header("Content-Type",
                "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                HttpResponse.BodyHandlers.discarding()).statusCode();
    }
}
