package com.nextleveltraders.cli;

import static com.nextleveltraders.cli.NltCommand.deleteTree;
import static com.nextleveltraders.cli.NltCommand.shardStatus;
import static com.nextleveltraders.cli.UpProcess.awaitLine;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.nextleveltraders.testkit.Polling;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Array;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * A shard's primary killed (SIGKILL, its postmaster's pid from {@code run/primaries.json}) under a
 * stream of MARKET orders from 20 traders, each with its own clientOrderIds: `nlt up` fences it,
 * promotes the replica and registers it; the writes of shard 1's traders resume; no answer is a 5xx
 * other than 503 (a trader sends a refused order again with the same clientOrderId); no accepted
 * order is there twice; `nlt shards status` names the promoted server the
 * primary and the shard has no replica; and, replication being synchronous, every order that got a 201 is
 * there exactly once. Prints the timings.
 */
@Tag("platform")
class ShardFailoverProcessTest {

    private static final int TRADERS = 20;
    private static final String PASSWORD = "correct horse battery";

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

    /** One answer to one order: when it came, for which trader, its status. */
    private record Answer(int trader, String clientOrderId, long atNanos, int status, String body) {
    }

    @Test
    void aKilledShardPrimaryIsFailedOverToItsReplicaWhileTwentyTradersPlaceOrders() throws Exception {
        Path dataDir = Files.createTempDirectory(Path.of("/tmp"), "nlt-failover-test-",
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwxr-xr-x")));
        Process launcher = null;
        try {
            int port = com.nextleveltraders.embedded.FreePorts.pick();
            String base = "http://127.0.0.1:" + port;
            // 20 traders on one address: far more than one client's rate limit allows.
            Path config = dataDir.resolve("failover-test.yaml");
            Files.writeString(config, "loadBalancer:\n  rateLimit:\n    requests: 1000000\n    period: 1m\n"
                    + "    burst: 100000\n"
                    + "platform:\n  authRateLimit: { requests: 1000, period: 1m, burst: 1000 }\n");
            UpProcess.Started up = UpProcess.start(dataDir, port, "--config", config.toString());
            launcher = up.process();
            List<String> tokens = new ArrayList<>();
            for (int i = 0; i < TRADERS; i++) {
                String email = "failover-" + UUID.randomUUID() + "@example.com";
                assertThat(post(base + "/api/users", null, "{\"email\":\"" + email + "\",\"password\":\"" + PASSWORD
                        + "\",\"displayName\":\"F\"}").statusCode()).isEqualTo(201);
                tokens.add(login(base, email));
            }
            JsonNode before = shardStatus(dataDir, 1);
            String oldPrimary = before.get("primary").asText();
            String replica = before.get("replica").asText();
            String password = Files.readString(dataDir.resolve("postgres").resolve("password")).strip();

            ConcurrentLinkedQueue<Answer> answers = new ConcurrentLinkedQueue<>();
            List<String> failures = Collections.synchronizedList(new ArrayList<>());
            List<Thread> traders = new ArrayList<>();
            java.util.concurrent.atomic.AtomicBoolean stop = new java.util.concurrent.atomic.AtomicBoolean();
            for (int i = 0; i < TRADERS; i++) {
                int trader = i;
                traders.add(Thread.ofPlatform().start(() -> trade(base, trader, tokens.get(trader), answers, failures,
                        stop)));
            }
            Polling.until(Duration.ofSeconds(60), "every trader has an accepted order", () -> {
                Set<Integer> placed = new HashSet<>();
                answers.stream().filter(a -> a.status() == 201).forEach(a -> placed.add(a.trader()));
                return placed.size() == TRADERS ? null : placed.size() + " traders with an order";
            });
            Set<Integer> onShard1 = tradersOn(oldPrimary, password);
            assertThat(onShard1).as("traders whose bucket is on shard 1").isNotEmpty();

            long pid = primaryPid(dataDir, 1);
            long killedAt = System.nanoTime();
            ProcessHandle.of(pid).orElseThrow().destroyForcibly();
            awaitLine(up.output(), "shard 1 failed over to " + replica);
            Polling.until(Duration.ofSeconds(60), "every trader of shard 1 has orders accepted after the failover",
                    () -> {
                        Map<Integer, Integer> after = new HashMap<>();
                        answers.stream().filter(a -> a.atNanos() > killedAt && a.status() / 100 == 2)
                                .forEach(a -> after.merge(a.trader(), 1, Integer::sum));
                        long done = onShard1.stream().filter(t -> after.getOrDefault(t, 0) >= 3).count();
                        return done == onShard1.size() ? null : done + " of " + onShard1.size() + " traders";
                    });
            stop.set(true);
            for (Thread trader : traders) {
                trader.join();
            }

            List<Answer> all = new ArrayList<>(answers);
            List<Answer> shard1 = all.stream().filter(a -> onShard1.contains(a.trader()) && a.atNanos() > killedAt)
                    .sorted(java.util.Comparator.comparingLong(Answer::atNanos)).toList();
            long firstFailure = shard1.stream().filter(a -> a.status() / 100 != 2).mapToLong(Answer::atNanos).min()
                    .orElse(killedAt);
            long lastFailure = shard1.stream().filter(a -> a.status() / 100 != 2).mapToLong(Answer::atNanos).max()
                    .orElse(killedAt);
            long resumed = shard1.stream().filter(a -> a.status() / 100 == 2 && a.atNanos() > lastFailure)
                    .mapToLong(Answer::atNanos).min().orElseThrow();
            long refused = shard1.stream().filter(a -> a.status() == 503).count();
            up.output().stream().filter(line -> line.startsWith("shard 1 fail")).forEach(System.out::println);
            System.out.printf("failover timings: kill -> first refused write %d ms, kill -> last refused write %d ms,"
                    + " first refused -> first accepted after the last refusal %d ms, kill -> writes resumed %d ms;"
                    + " %d answers 503 to shard 1's %d traders, %d orders accepted in all%n",
                    ms(firstFailure - killedAt), ms(lastFailure - killedAt), ms(resumed - firstFailure),
                    ms(resumed - killedAt), refused, onShard1.size(),
                    all.stream().filter(a -> a.status() / 100 == 2).count());
            assertThat(failures).as("answers other than 2xx, 4xx and 503").isEmpty();

            JsonNode after = shardStatus(dataDir, 1);
            assertThat(after.get("primary").asText()).isEqualTo(replica);
            assertThat(after.get("replica").isNull()).as(after.toString()).isTrue();
            assertThat(after.get("primaryUp").asBoolean()).isTrue();
            NltCommand.Result table = NltCommand.process("shards", "status", "--data-dir", dataDir.toString());
            assertThat(table.exitCode()).as(table.output()).isZero();
            assertThat(table.output()).containsPattern("(?m)^ *1 +ACTIVE +" + replica.replace(".", "\\.") + " +none ");
            assertThat(primaryPid(dataDir, 1)).isNotEqualTo(pid);

            // Every accepted order exactly once, on the shard its trader's bucket is on.
            Set<String> accepted = new HashSet<>();
            all.stream().filter(a -> a.status() / 100 == 2).forEach(a -> accepted.add(a.clientOrderId()));
            Map<String, Integer> found = new HashMap<>();
            for (int shard : new int[] {1, 2}) {
                countOrders(shardStatus(dataDir, shard).get("primary").asText(), password, accepted, found);
            }
            assertThat(found.values()).as("each accepted order at most once").allMatch(count -> count == 1);
            // Replication is synchronous (the default): every order the old primary acknowledged was on the
            // replica before its 201, so none is lost with the old primary.
            Set<String> lost = new HashSet<>(accepted);
            lost.removeAll(found.keySet());
            assertThat(lost).as("acknowledged orders missing after the failover").isEmpty();
            assertThat(String.join("\n", up.output())).doesNotContain("platform stops");
            assertThat(launcher.isAlive()).isTrue();
        } finally {
            NltCommand.stop(launcher);
            deleteTree(dataDir);
        }
    }

    /**
     * MARKET orders, one after the other, each with a new clientOrderId; a 503 (or a lost connection)
     * is answered by sending the same order again with the same clientOrderId, as a client should.
     */
    private void trade(String base, int trader, String token, ConcurrentLinkedQueue<Answer> answers,
            List<String> failures, java.util.concurrent.atomic.AtomicBoolean stop) {
        for (int seq = 0; !stop.get(); seq++) {
            String clientOrderId = "t" + trader + "-" + seq;
            String body = "{\"symbol\":\"AAPL\",\"side\":\"BUY\",\"type\":\"MARKET\",\"quantity\":\"1\","
                    + "\"clientOrderId\":\"" + clientOrderId + "\"}";
            for (int attempt = 0; attempt < 50 && !stop.get(); attempt++) {
                int status;
                String text;
                try {
                    HttpResponse<String> response = post(base + "/api/orders", token, body);
                    status = response.statusCode();
                    text = response.body();
                } catch (Exception e) {
                    status = -1;
                    text = e.toString();
                }
                answers.add(new Answer(trader, clientOrderId, System.nanoTime(), status, text));
                if (status >= 500 && status != 503 || status == -1) {
                    failures.add("trader " + trader + " " + clientOrderId + ": " + status + " " + text);
                }
                if (status / 100 == 2 || status / 100 == 4) {
                    break;
                }
            }
        }
    }

    private static long ms(long nanos) {
        return TimeUnit.NANOSECONDS.toMillis(nanos);
    }

    /** The traders with an order on the server at {@code primary} (clientOrderIds are "tN-SEQ"). */
    private static Set<Integer> tradersOn(String primary, String password) throws SQLException {
        Set<Integer> traders = new HashSet<>();
        try (Connection connection = DriverManager.getConnection("jdbc:postgresql://" + primary + "/nlt", "nlt",
                password);
                PreparedStatement select = connection.prepareStatement(
                        "SELECT DISTINCT split_part(client_order_id, '-', 1) FROM orders WHERE client_order_id LIKE 't%'");
                ResultSet rs = select.executeQuery()) {
            while (rs.next()) {
                traders.add(Integer.parseInt(rs.getString(1).substring(1)));
            }
        }
        return traders;
    }

    private static void countOrders(String primary, String password, Set<String> ids, Map<String, Integer> found)
            throws SQLException {
        try (Connection connection = DriverManager.getConnection("jdbc:postgresql://" + primary + "/nlt", "nlt",
                password);
                PreparedStatement select = connection.prepareStatement("SELECT client_order_id, count(*) FROM orders"
                        + " WHERE client_order_id = ANY (?) GROUP BY client_order_id")) {
            Array array = connection.createArrayOf("text", ids.toArray());
            select.setArray(1, array);
            try (ResultSet rs = select.executeQuery()) {
                while (rs.next()) {
                    found.merge(rs.getString(1), rs.getInt(2), Integer::sum);
                }
            }
        }
    }

    /** Shard {@code id}'s postmaster pid in the launcher's {@code run/primaries.json}. */
    private static long primaryPid(Path dataDir, int id) throws Exception {
        JsonNode file = new ObjectMapper().readTree(dataDir.resolve("run").resolve("primaries.json").toFile());
        for (JsonNode primary : file.get("primaries")) {
            if (primary.get("shard").asInt() == id) {
                return primary.get("pid").asLong();
            }
        }
        throw new AssertionError("no primary of shard " + id + " in " + file);
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
                .timeout(Duration.ofSeconds(60)).POST(HttpRequest.BodyPublishers.ofString(json));
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }
}
