package com.nextleveltraders.cli;

import static com.nextleveltraders.cli.NltCommand.deleteTree;
import static com.nextleveltraders.cli.NltCommand.shardStatus;
import static com.nextleveltraders.cli.UpProcess.awaitLine;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import com.nextleveltraders.testkit.Polling;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * `nlt shards status` as a user runs it, as a separate process, against a platform `nlt up`
 * started on a data dir: two shards of 512 buckets each, the registered users and their rows
 * counted, every primary and replica up; a shard's replica killed, started again on its data, then
 * killed with its data deleted and copied again, while orders keep being accepted; and exit code 2
 * when no platform runs there.
 */
@Tag("platform")
class ShardsStatusProcessTest {

    private static final int USERS = 4;
    private static final String PASSWORD = "correct horse battery";

    private final HttpClient http = HttpClient.newHttpClient();

    @Test
    void reportsEveryShardOfARunningPlatformSurvivesAKilledReplicaThenExitsWithTwoOnceItIsStopped()
            throws Exception {
        Path dataDir = Files.createTempDirectory(Path.of("/tmp"), "nlt-shards-test-",
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwxr-xr-x")));
        Process launcher = null;
        try {
            int port = com.nextleveltraders.embedded.FreePorts.pick();
            String base = "http://127.0.0.1:" + port;
            UpProcess.Started up = UpProcess.start(dataDir, port);
            launcher = up.process();
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
                assertThat(shard.get("replicaState").asText()).isEqualTo("streaming");
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

            List<String> tokens = new ArrayList<>();
            for (String email : emails) {
                tokens.add(login(base, email));
            }
            aKilledReplicaComesBackOnItsDataThenAsANewCopyWhileOrdersAreAccepted(dataDir, base, tokens,
                    up.output());

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

    /**
     * Shard 1's replica killed (SIGKILL) under a stream of orders and reads: `nlt up` starts it again
     * on its data and port, it streams from its primary again and the instances' pools reconnect to
     * it; then killed once more after its data was deleted: copied again from its primary. Commits wait
     * for the replica meanwhile (synchronous replication): a request may end in a 503 or 504 when a
     * timeout ends its wait, never in another 5xx, and orders are accepted again once it streams.
     */
    private void aKilledReplicaComesBackOnItsDataThenAsANewCopyWhileOrdersAreAccepted(Path dataDir, String base,
            List<String> tokens, List<String> launcherOutput) throws Exception {
        JsonNode before = replica(dataDir, 1);
        int replicaPort = before.get("port").asInt();
        JsonNode shard = shardStatus(dataDir, 1);
        String[] primary = shard.get("primary").asText().split(":");
        String password = Files.readString(dataDir.resolve("postgres").resolve("password")).strip();
        String primaryUrl = "jdbc:postgresql://" + primary[0] + ":" + primary[1] + "/nlt";
        String replicaUrl = "jdbc:postgresql://127.0.0.1:" + replicaPort + "/nlt";

        OrderStream orders = new OrderStream(base, tokens);
        Thread stream = Thread.ofVirtual().start(orders);
        try {
            long accepted = orders.accepted();
            ProcessHandle.of(before.get("pid").asLong()).orElseThrow().destroyForcibly();
            awaitLine(launcherOutput, "shard 1 replica died (exit 137); restarting on its data");
            awaitLine(launcherOutput, "shard 1 replica is back on port " + replicaPort);
            assertThat(String.join("\n", launcherOutput)).containsPattern("shard 1 replica is back on port "
                    + replicaPort + " \\(pid [0-9]+\\), streaming again from 127\\.0\\.0\\.1:" + primary[1]);
            awaitStreaming(primaryUrl, password);
            awaitInstanceConnections(replicaUrl, password);
            Polling.until(Duration.ofSeconds(60), "orders accepted since the replica was killed",
                    () -> orders.accepted() > accepted + 5 ? null : orders.accepted() + " accepted");
            JsonNode again = replica(dataDir, 1);
            assertThat(again.get("state").asText()).isEqualTo("running");
            assertThat(again.get("port").asInt()).isEqualTo(replicaPort);
            assertThat(again.get("pid").asLong()).isNotEqualTo(before.get("pid").asLong());
            awaitReplicaState(dataDir, 1, "streaming");

            // Its data deleted under it, then killed: nothing to start on, so it is copied again. The
            // running server may recreate a directory or two as they are deleted: then the launcher finds
            // data that does not start, rather than none, and copies it again all the same.
            long copiedFrom = orders.accepted();
            deleteTree(dataDir.resolve("shard-1").resolve("replica").resolve("pgdata"));
            ProcessHandle.of(again.get("pid").asLong()).ifPresent(ProcessHandle::destroyForcibly);
            awaitLine(launcherOutput, "; copying it again from its primary 127.0.0.1:" + primary[1]);
            Polling.until(Duration.ofSeconds(120), "the copied replica streams again",
                    () -> launcherOutput.stream().filter(line -> line.contains("streaming again from")).count() >= 2
                            ? null : String.join("\n", launcherOutput));
            awaitStreaming(primaryUrl, password);
            awaitInstanceConnections(replicaUrl, password);
            Polling.until(Duration.ofSeconds(60), "orders accepted since the replica was copied again",
                    () -> orders.accepted() > copiedFrom + 5 ? null : orders.accepted() + " accepted");
            assertThat(replica(dataDir, 1).get("port").asInt()).isEqualTo(replicaPort);
            awaitReplicaState(dataDir, 1, "streaming");
        } finally {
            orders.stop();
            stream.join();
        }
        // What the launcher said, for whoever reads the test's output.
        launcherOutput.stream().filter(line -> line.startsWith("shard 1 replica")).forEach(System.out::println);
        System.out.println(orders.accepted() + " orders accepted across both outages; " + orders.waited()
                + " requests ended by a timeout while their commit waited for the replica");
        assertThat(orders.failures()).as("5xx answers other than a wait's 503 or 504 during the replica's outages")
                .isEmpty();
        assertThat(String.join("\n", launcherOutput)).doesNotContain("exited unexpectedly");
    }

    /** Orders and order lists, one after the other, over every user, until stopped. */
    private final class OrderStream implements Runnable {

        private final String base;
        private final List<String> tokens;
        private final java.util.concurrent.atomic.AtomicLong accepted = new java.util.concurrent.atomic.AtomicLong();
        private final List<String> failures = java.util.Collections.synchronizedList(new ArrayList<>());
        private final java.util.concurrent.atomic.AtomicLong waited = new java.util.concurrent.atomic.AtomicLong();
        private volatile boolean stopped;

        OrderStream(String base, List<String> tokens) {
            this.base = base;
            this.tokens = tokens;
        }

        @Override
        public void run() {
            for (int i = 0; !stopped; i++) {
                String token = tokens.get(i % tokens.size());
                try {
                    HttpResponse<String> order = post(base + "/api/orders", token, "{\"symbol\":\"AAPL\","
                            + "\"side\":\"BUY\",\"type\":\"MARKET\",\"quantity\":\"1\"}");
                    if (order.statusCode() >= 500 && !waitedForTheReplica(order.statusCode())) {
                        failures.add("POST /api/orders: " + order.statusCode() + " " + order.body());
                    } else if (order.statusCode() == 201) {
                        accepted.incrementAndGet();
                    }
                    HttpResponse<String> list = http.send(HttpRequest.newBuilder(URI.create(base + "/api/trades"))
                            .header("Authorization", "Bearer " + token).GET().build(),
                            HttpResponse.BodyHandlers.ofString());
                    if (list.statusCode() >= 500 && !waitedForTheReplica(list.statusCode())) {
                        failures.add("GET /api/trades: " + list.statusCode() + " " + list.body());
                    }
                } catch (IOException e) {
                    // A request still waiting for the replica when a timeout on the way ended it: no answer.
                    waited.incrementAndGet();
                } catch (Exception e) {
                    failures.add(e.toString());
                }
            }
        }

        /**
         * Commits wait for the replica (synchronous replication, the default): while it is gone, a write, or
         * a read behind writes holding the shard's pool, may be answered 503 or 504 when a timeout ends its
         * wait. Never another 5xx.
         */
        private boolean waitedForTheReplica(int status) {
            if (status == 503 || status == 504) {
                waited.incrementAndGet();
                return true;
            }
            return false;
        }

        long accepted() {
            return accepted.get();
        }

        long waited() {
            return waited.get();
        }

        List<String> failures() {
            return List.copyOf(failures);
        }

        void stop() {
            stopped = true;
        }
    }

    /** Shard {@code id}'s entry in the launcher's {@code run/replicas.json}. */
    private static JsonNode replica(Path dataDir, int id) throws Exception {
        JsonNode file = new ObjectMapper().readTree(dataDir.resolve("run").resolve("replicas.json").toFile());
        for (JsonNode replica : file.get("replicas")) {
            if (replica.get("shard").asInt() == id) {
                return replica;
            }
        }
        throw new AssertionError("no replica of shard " + id + " in " + file);
    }

    /**
     * Until `nlt shards status` shows shard {@code id}'s replica in {@code state}; polled, because on
     * a loaded machine one run of the command may find a server slow to answer.
     */
    private static void awaitReplicaState(Path dataDir, int id, String state) throws InterruptedException {
        Polling.until(Duration.ofSeconds(60), "shards status shows the replica " + state, () -> {
            try {
                NltCommand.Result json = NltCommand.process("shards", "status", "--json", "--data-dir",
                        dataDir.toString());
                if (json.exitCode() != 0) {
                    return json.output();
                }
                for (JsonNode shard : new ObjectMapper().readTree(json.output()).get("shards")) {
                    if (shard.get("id").asInt() == id && state.equals(shard.get("replicaState").asText())) {
                        return null;
                    }
                }
                return json.output();
            } catch (Exception e) {
                return e.toString();
            }
        });
    }

    /** The primary sees its replica streaming (pg_stat_replication). */
    private static void awaitStreaming(String primaryUrl, String password) throws InterruptedException {
        Polling.until(Duration.ofSeconds(60), "the primary streams to its replica", () -> single(primaryUrl, password,
                "SELECT count(*) FROM pg_stat_replication WHERE application_name = 'replica' AND state = 'streaming'")
                .equals("1") ? null : "not streaming");
    }

    /** The instances' pools connected to the replica again (it came back on the same port). */
    private static void awaitInstanceConnections(String replicaUrl, String password) throws InterruptedException {
        Polling.until(Duration.ofSeconds(60), "the instances' pools reconnect to the replica", () -> {
            String count = single(replicaUrl, password, "SELECT count(*) FROM pg_stat_activity WHERE backend_type ="
                    + " 'client backend' AND pid <> pg_backend_pid()");
            return count.matches("[1-9][0-9]*") ? null : "client connections: " + count;
        });
    }

    private static String single(String url, String password, String sql) {
        try (Connection connection = DriverManager.getConnection(url, "nlt", password);
                Statement statement = connection.createStatement();
                ResultSet rs = statement.executeQuery(sql)) {
            rs.next();
            return rs.getString(1);
        } catch (SQLException e) {
            return e.getMessage();
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
