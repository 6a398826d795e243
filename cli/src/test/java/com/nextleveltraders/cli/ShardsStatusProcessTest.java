package com.nextleveltraders.cli;

import static com.nextleveltraders.cli.NltCommand.deleteTree;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * `nlt shards status` as a user runs it, as a separate process, against a platform `nlt up`
 * started on a data dir: two shards of 512 buckets each, the registered users and their rows
 * counted, every primary and replica up; and exit code 2 when no platform runs there.
 */
@Tag("platform")
class ShardsStatusProcessTest {

    private static final int USERS = 4;
    private static final String PASSWORD = "correct horse battery";

    private final HttpClient http = HttpClient.newHttpClient();

    @Test
    void reportsEveryShardOfARunningPlatformThenExitsWithTwoOnceItIsStopped() throws Exception {
        Path dataDir = Files.createTempDirectory(Path.of("/tmp"), "nlt-shards-test-",
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwxr-xr-x")));
        Process launcher = null;
        try {
            int port = com.nextleveltraders.embedded.FreePorts.pick();
            String base = "http://127.0.0.1:" + port;
            launcher = UpProcess.start(dataDir, port).process();
            List<String> emails = new ArrayList<>();
            for (int i = 0; i < USERS; i++) {
                String email = "shards-" + UUID.randomUUID() + "@example.com";
                assertThat(post(base + "/api/users", null, "{\"email\":\"" + email + "\",\"password\":\"" + PASSWORD
                        + "\",\"displayName\":\"S\"}").statusCode()).isEqualTo(201);
                emails.add(email);
            }
            for (String email : emails.subList(0, 2)) {
                String token = login(base, email);
                assertThat(post(base + "/api/orders", token, "{\"symbol\":\"AAPL\",\"side\":\"BUY\",\"type\":\"MARKET\","
                        + "\"quantity\":\"2\"}").statusCode()).isEqualTo(201);
            }

            NltCommand.Result json = NltCommand.process("shards", "status", "--json", "--data-dir", dataDir.toString());
            assertThat(json.exitCode()).as(json.output()).isZero();
            JsonNode report = new ObjectMapper().readTree(json.output());
            JsonNode shards = report.get("shards");
            assertThat(shards).hasSize(2);
            long users = 0;
            for (JsonNode shard : shards) {
                assertThat(shard.get("state").asText()).isEqualTo("ACTIVE");
                assertThat(shard.get("buckets").asInt()).isEqualTo(512);
                assertThat(shard.get("primaryUp").asBoolean()).isTrue();
                assertThat(shard.get("replicaUp").asBoolean()).isTrue();
                assertThat(shard.get("replica").asText()).startsWith("127.0.0.1:");
                assertThat(shard.get("replicaLagBytes").isIntegralNumber()).isTrue();
                assertThat(shard.get("bytes").asLong()).isPositive();
                assertThat(shard.get("problems")).isEmpty();
                users += shard.get("users").asLong();
            }
            assertThat(users).isEqualTo(USERS);
            assertThat(report.get("users").asLong()).isEqualTo(USERS);
            // An account per user; each MARKET order adds itself, a trade and a position.
            assertThat(report.get("rows").asLong()).isEqualTo(USERS + 2 * 3);
            assertThat(report.get("buckets").asInt()).isEqualTo(1024);
            assertThat(report.get("skew").isNumber()).isTrue();
            assertThat(report.get("skewThreshold").asDouble()).isEqualTo(0.10);
            assertThat(report.get("rebalancingAdvised").isBoolean()).isTrue();

            NltCommand.Result table = NltCommand.process("shards", "status", "--data-dir", dataDir.toString(), "--threshold", "5");
            assertThat(table.exitCode()).as(table.output()).isZero();
            assertThat(table.output()).startsWith("shard  state ")
                    .contains("2 shard(s), 2 primaries and 2 of 2 replica(s) up; 1024 buckets, " + USERS + " users, "
                            + (USERS + 6) + " rows; skew ")
                    .contains("threshold 5.00: no rebalancing needed");

            launcher.destroy(); // SIGTERM: the platform stops, its run file stays
            assertThat(launcher.waitFor(60, TimeUnit.SECONDS)).isTrue();
            NltCommand.Result stopped = NltCommand.process("shards", "status", "--data-dir", dataDir.toString());
            assertThat(stopped.exitCode()).isEqualTo(2);
            assertThat(stopped.output()).contains("the platform on " + dataDir + " is not running: the catalog (")
                    .contains("does not answer");
        } finally {
            NltCommand.stop(launcher);
            deleteTree(dataDir);
        }
    }

    @Test
    void aDataDirWithoutAPlatformExitsWithTwo() throws Exception {
        NltCommand.Result run = NltCommand.process("shards", "status", "--data-dir", "/nonexistent");
        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.output()).contains("no platform runs on /nonexistent: /nonexistent/run/servers.yaml is missing;"
                + " start one with `nlt up --data-dir /nonexistent`");
    }


    private String login(String base, String email) throws Exception {
        HttpResponse<String> session = post(base + "/api/sessions", null, "{\"email\":\"" + email
                + "\",\"password\":\"" + PASSWORD + "\"}");
        assertThat(session.statusCode()).isEqualTo(201);
        String body = session.body();
        int start = body.indexOf("\"token\":\"") + 9;
        return body.substring(start, body.indexOf('"', start));
    }

    private HttpResponse<String> post(String url, String token, String json) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json));
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

}
