package com.nextleveltraders.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.nextleveltraders.testkit.Polling;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The strategy's alert rules over a live platform, with windows of seconds. Faults switched on inside the
 * instances (added latency, injected 500s, a pool held busy, slow statements) make each alert go PENDING, then
 * FIRING after its window, and RESOLVE once the faults are gone; `nlt alerts`, the gateway's /admin/alerts and
 * two webhook receivers see it: one takes every Alertmanager v4 payload, exactly one per change, and one answers
 * 500 to its first two deliveries and gets them again.
 */
@Tag("platform")
class AlertsProcessTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration WAIT = Duration.ofSeconds(90);
    private static final List<String> ALERTS = List.of("ResponseTimeHigh", "ErrorRateHigh", "ConnectionPoolBusy",
            "QueryTimeHigh");
    private static final Set<String> V4_FIELDS = Set.of("version", "groupKey", "truncatedAlerts", "status",
            "receiver", "groupLabels", "commonLabels", "commonAnnotations", "externalURL", "alerts");
    private static final Set<String> ALERT_FIELDS = Set.of("status", "labels", "annotations", "startsAt", "endsAt",
            "generatorURL", "fingerprint");

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    @Test
    void faultsFireTheStrategysAlertsWhichResolveWhenTheFaultsEnd() throws Exception {
        Path dir = Files.createTempDirectory(Path.of("/tmp"), "nlt-alerts-test-",
                java.nio.file.attribute.PosixFilePermissions.asFileAttribute(
                        java.nio.file.attribute.PosixFilePermissions.fromString("rwxr-xr-x")));
        List<JsonNode> received = new CopyOnWriteArrayList<>();
        AtomicInteger flakyCalls = new AtomicInteger();
        HttpServer receiver = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        receiver.createContext("/hook", exchange -> {
            received.add(JSON.readTree(exchange.getRequestBody()));
            exchange.sendResponseHeaders(200, -1);
            exchange.close();
        });
        receiver.createContext("/flaky", exchange -> {
            exchange.getRequestBody().readAllBytes();
            exchange.sendResponseHeaders(flakyCalls.incrementAndGet() <= 2 ? 500 : 200, -1);
            exchange.close();
        });
        receiver.start();
        String hooks = "http://127.0.0.1:" + receiver.getAddress().getPort();
        Path config = dir.resolve("alerts.yaml");
        Files.writeString(config, """
                loadBalancer:
                  rateLimit: { requests: 10000000, period: 1m, burst: 1000000 }
                platform:
                  authRateLimit: { requests: 10000000, period: 1m, burst: 1000000 }
                monitoring:
                  interval: 1s
                  keepFiringFor: 2s
                  webhooks: [%s/hook, %s/flaky]
                  application:
                    responseTime: { window: 4s }
                    errorRate: { window: 4s }
                  database:
                    connections: { window: 3s }
                    queryTime: { window: 4s }
                """.formatted(hooks, hooks));
        Path dataDir = dir.resolve("data");
        int port = com.nextleveltraders.embedded.FreePorts.pick();
        UpProcess.Started started = UpProcess.start(dataDir, port, "--config", config.toString());
        Process up = started.process();
        AtomicBoolean loading = new AtomicBoolean(true);
        List<Thread> clients = new ArrayList<>();
        try {
            String token = Files.readString(dataDir.resolve("secrets").resolve("gateway-admin-token")).strip();
            // Closed-loop readers through the gateway: the answers the gateway times.
            for (int i = 0; i < 6; i++) {
                clients.add(Thread.ofVirtual().start(() -> {
                    while (loading.get()) {
                        try {
                            http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/api/quotes/AAPL"))
                                    .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.discarding());
                        } catch (IOException e) {
                            // counted by the gateway, if it answered at all
                        } catch (InterruptedException e) {
                            return;
                        }
                    }
                }));
            }
            awaitStatus(dataDir, s -> readings(s, "ErrorRateHigh") > 0 && readings(s, "ConnectionPoolBusy") > 0,
                    "the gateway's answers and every instance's pools are read");
            assertThat(states(status(dataDir))).as("before any fault").doesNotContainValue("FIRING");
            assertFleet(dataDir, started.output(), token);

            List<Integer> ports = instancePorts(dataDir);
            assertThat(ports).hasSize(3);
            // Through the public port the fault switch does not exist.
            assertThat(send("PUT", "http://127.0.0.1:" + port + "/admin/faults", token, "{\"errorPercent\":100}")
                    .statusCode()).isEqualTo(404);
            for (int p : ports) {
                assertThat(send("PUT", "http://127.0.0.1:" + p + "/admin/faults", token,
                        "{\"latency\":\"800ms\"}").statusCode()).isEqualTo(200);
            }
            assertThat(send("PUT", "http://127.0.0.1:" + ports.get(0) + "/admin/faults", token,
                    "{\"latency\":\"800ms\",\"errorPercent\":50}").statusCode()).isEqualTo(200);
            assertThat(send("PUT", "http://127.0.0.1:" + ports.get(1) + "/admin/faults", token,
                    "{\"latency\":\"800ms\",\"holdConnections\":18}").statusCode()).isEqualTo(200);
            assertThat(send("PUT", "http://127.0.0.1:" + ports.get(2) + "/admin/faults", token,
                    "{\"latency\":\"800ms\",\"slowStatement\":\"1500ms\"}").statusCode()).isEqualTo(200);

            Set<String> seenPending = new HashSet<>();
            awaitStatus(dataDir, s -> {
                Map<String, String> states = states(s);
                states.forEach((name, state) -> {
                    if (state.equals("PENDING")) {
                        seenPending.add(name);
                    }
                });
                return ALERTS.stream().allMatch(a -> "FIRING".equals(states.get(a)));
            }, "every alert fires");
            assertThat(seenPending).as("each alert was pending before it fired").containsAll(ALERTS);

            NltCommand.Result alerts = NltCommand.inProcess("alerts", "--data-dir", dataDir.toString());
            assertThat(alerts.exitCode()).isZero();
            assertThat(alerts.out()).containsPattern("ResponseTimeHigh +FIRING").containsPattern("QueryTimeHigh +FIRING")
                    .contains("operation=fault_slow_statement");
            String adminPort = Files.readString(dataDir.resolve("run").resolve("gateway.ports")).strip().split(" ")[1];
            HttpResponse<String> admin = send("GET", "http://127.0.0.1:" + adminPort + "/admin/alerts", token, null);
            assertThat(admin.statusCode()).isEqualTo(200);
            assertThat(JSON.readTree(admin.body()).path("rules").size()).isEqualTo(8);

            for (int p : ports) {
                assertThat(send("DELETE", "http://127.0.0.1:" + p + "/admin/faults", token, null).statusCode())
                        .isEqualTo(200);
            }
            awaitStatus(dataDir, s -> s.path("alerts").isEmpty(), "every alert resolved");
            // A few more evaluations: nothing changes any more, so nothing more is sent.
            JsonNode resolvedAt = status(dataDir);
            long notified = resolvedAt.path("notifications").size();
            java.time.Instant threeLater = java.time.Instant.parse(resolvedAt.path("evaluatedAt").asText())
                    .plusSeconds(3);
            awaitStatus(dataDir, s -> !java.time.Instant.parse(s.path("evaluatedAt").asText()).isBefore(threeLater),
                    "three more evaluations");
            JsonNode end = status(dataDir);
            assertThat(end.path("notifications").size()).isEqualTo(notified);
            Polling.until(WAIT, "every delivery settled", () -> {
                JsonNode s = status(dataDir);
                for (JsonNode n : s.path("notifications")) {
                    for (JsonNode d : n.path("deliveries")) {
                        if (!d.path("result").asText().equals("delivered")) {
                            return n.path("id") + " " + d;
                        }
                    }
                }
                return received.size() == s.path("notifications").size() ? null
                        : received.size() + " payloads for " + s.path("notifications").size() + " notifications";
            });
            assertPayloads(received);
            JsonNode first = status(dataDir).path("notifications").get(0);
            JsonNode flaky = null;
            for (JsonNode d : first.path("deliveries")) {
                if (d.path("url").asText().endsWith("/flaky")) {
                    flaky = d;
                }
            }
            assertThat(flaky).as("the flaky receiver's first delivery").isNotNull();
            assertThat(flaky.path("attempts").asInt()).as("two 500s, then taken").isEqualTo(3);
            assertThat(flakyCalls.get()).isEqualTo(received.size() + 2);
        } finally {
            loading.set(false);
            for (Thread t : clients) {
                t.join(15_000);
            }
            up.destroy();
            assertThat(up.waitFor(60, TimeUnit.SECONDS)).isTrue();
            receiver.stop(0);
        }
        NltCommand.deleteTree(dir);
    }

    /** Every payload is Alertmanager's v4; each alert resolves once; no group is sent the same state twice. */
    private static void assertPayloads(List<JsonNode> payloads) {
        Map<String, Integer> resolved = new HashMap<>();
        Map<String, Set<String>> lastByGroup = new HashMap<>();
        Set<String> groups = new HashSet<>();
        for (JsonNode p : payloads) {
            Set<String> fields = new HashSet<>();
            p.fieldNames().forEachRemaining(fields::add);
            assertThat(fields).containsAll(V4_FIELDS);
            assertThat(p.path("version").asText()).isEqualTo("4");
            String group = p.path("groupLabels").path("alertname").asText();
            groups.add(group);
            assertThat(p.path("groupKey").asText()).isEqualTo("{}:{alertname=\"" + group + "\"}");
            Set<String> state = new HashSet<>();
            for (JsonNode a : p.path("alerts")) {
                Set<String> alertFields = new HashSet<>();
                a.fieldNames().forEachRemaining(alertFields::add);
                assertThat(alertFields).containsAll(ALERT_FIELDS);
                assertThat(a.path("labels").path("alertname").asText()).isEqualTo(group);
                assertThat(a.path("annotations").path("summary").asText()).isNotBlank();
                String fingerprint = a.path("fingerprint").asText();
                assertThat(fingerprint).matches("[0-9a-f]{16}");
                state.add(fingerprint + " " + a.path("status").asText());
                if (a.path("status").asText().equals("resolved")) {
                    resolved.merge(fingerprint, 1, Integer::sum);
                    assertThat(a.path("endsAt").asText()).isNotEqualTo("0001-01-01T00:00:00Z");
                }
            }
            assertThat(state).as("a notification that changes nothing for " + group).isNotEqualTo(lastByGroup.get(group));
            lastByGroup.put(group, state);
        }
        assertThat(groups).containsAll(ALERTS);
        assertThat(resolved.values()).as("each alert resolved exactly once").allMatch(n -> n == 1);
        for (String group : ALERTS) {
            assertThat(lastByGroup.get(group)).as("the last word on " + group).allMatch(s -> s.endsWith("resolved"));
        }
    }

    /**
     * `nlt up` names the operations dashboard and where its token is (never the token), and {@code run/fleet.json}
     * shows the three instances, under load, with their figures, the PostgreSQL servers, the shards and Redis.
     */
    private static void assertFleet(Path dataDir, List<String> output, String token) throws InterruptedException {
        Path tokenFile = dataDir.toAbsolutePath().normalize().resolve("secrets").resolve("gateway-admin-token");
        assertThat(output).anySatisfy(line -> assertThat(line)
                .matches("  operations: http://127\\.0\\.0\\.1:[0-9]+/ops \\(admin token in .*\\)")
                .endsWith("(admin token in " + tokenFile + ")"));
        assertThat(String.join("\n", output)).doesNotContain(token);
        Polling.until(WAIT, Duration.ofMillis(500), "fleet.json shows the fleet with its figures", () -> {
            JsonNode fleet;
            try {
                fleet = JSON.readTree(dataDir.resolve("run").resolve("fleet.json").toFile());
            } catch (IOException e) {
                return "no fleet.json yet: " + e.getMessage();
            }
            return fleetProblem(fleet);
        });
    }

    /** What fleet.json does not show yet, or null once it shows everything. */
    private static String fleetProblem(JsonNode fleet) {
        Set<String> regions = new HashSet<>();
        for (JsonNode i : fleet.path("instances")) {
            regions.add(i.path("region").asText());
            if (!i.path("state").asText().equals("UP")) {
                return i.path("id").asText() + " is " + i.path("state");
            }
            for (String figure : List.of("pid", "since", "inFlight", "requestsPerSecond", "cpu", "memoryBytes",
                    "memoryMaxBytes", "p50Seconds", "p99Seconds", "errorRate")) {
                if (i.path(figure).isNull() || i.path(figure).isMissingNode()) {
                    return i.path("id").asText() + " has no " + figure + ": " + i;
                }
            }
            if (!(i.path("requestsPerSecond").asDouble() > 0) || i.path("history").isEmpty()) {
                return i.path("id").asText() + " shows no requests or no history: " + i;
            }
        }
        if (fleet.path("instances").size() != 3 || !regions.equals(Set.of("fra1", "lhr1", "iad1"))) {
            return "instances " + fleet.path("instances");
        }
        if (fleet.path("autoscaler").path("target").asInt() < 3 || fleet.path("autoscaler").path("current").asInt() != 3) {
            return "autoscaler " + fleet.path("autoscaler");
        }
        Map<String, Integer> roles = new HashMap<>();
        for (JsonNode pg : fleet.path("postgres")) {
            roles.merge(pg.path("role").asText(), 1, Integer::sum);
            if (!pg.path("up").asBoolean() || !(pg.path("connections").asLong() > 0)
                    || !(pg.path("maxConnections").asLong() > 0)) {
                return "PostgreSQL " + pg;
            }
            if (pg.path("role").asText().equals("replica") && pg.path("replicaLagSeconds").isMissingNode()) {
                return "no replicaLagSeconds field: " + pg;
            }
        }
        int shards = fleet.path("shards").size();
        if (shards < 1 || !roles.equals(Map.of("catalog", 1, "primary", shards, "replica", shards))) {
            return "PostgreSQL servers by role " + roles + " for " + shards + " shard(s)";
        }
        int buckets = 0;
        for (JsonNode shard : fleet.path("shards")) {
            buckets += shard.path("buckets").asInt();
            if (!shard.path("rows").has("accounts")) {
                return "shard rows " + shard;
            }
        }
        if (buckets == 0 || !fleet.path("moves").isArray()) {
            return "buckets " + fleet.path("shards") + ", moves " + fleet.path("moves");
        }
        JsonNode redis = fleet.path("redis");
        if (redis.path("mode").asText().isEmpty() || redis.path("nodes").isEmpty()) {
            return "redis " + redis;
        }
        for (JsonNode node : redis.path("nodes")) {
            if (!node.path("up").asBoolean() || node.path("role").asText().isEmpty()) {
                return "redis node " + node;
            }
        }
        return null;
    }

    private HttpResponse<String> send(String method, String url, String token, String body) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10))
                .header("authorization", "Bearer " + token)
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(body));
        if (body != null) {
            request.header("content-type", "application/json");
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static List<Integer> instancePorts(Path dataDir) throws IOException {
        List<Integer> ports = new ArrayList<>();
        try (var files = Files.list(dataDir.resolve("run"))) {
            for (Path f : files.filter(f -> f.getFileName().toString().matches("api-[0-9]+\\.port")).sorted().toList()) {
                ports.add(Integer.parseInt(Files.readString(f).strip()));
            }
        }
        return ports;
    }

    private static JsonNode status(Path dataDir) {
        try {
            return JSON.readTree(dataDir.resolve("run").resolve("alerts.json").toFile());
        } catch (IOException e) {
            throw new IllegalStateException("no monitor status yet: " + e.getMessage(), e);
        }
    }

    private static void awaitStatus(Path dataDir, java.util.function.Predicate<JsonNode> goal, String what)
            throws InterruptedException {
        Polling.until(WAIT, Duration.ofMillis(200), what, () -> {
            JsonNode s = status(dataDir);
            return goal.test(s) ? null : states(s).toString();
        });
    }

    /** Each alert's most severe state over its readings: FIRING, PENDING or OK. */
    private static Map<String, String> states(JsonNode status) {
        Map<String, String> states = new HashMap<>();
        for (JsonNode rule : status.path("rules")) {
            for (JsonNode r : rule.path("readings")) {
                states.merge(rule.path("name").asText(), r.path("state").asText(),
                        (a, b) -> a.equals("FIRING") || b.equals("FIRING") ? "FIRING"
                                : a.equals("PENDING") || b.equals("PENDING") ? "PENDING" : "OK");
            }
        }
        for (JsonNode a : status.path("alerts")) {
            states.merge(a.path("alertname").asText(), a.path("state").asText(),
                    (x, y) -> x.equals("FIRING") || y.equals("FIRING") ? "FIRING" : y);
        }
        return states;
    }

    private static int readings(JsonNode status, String rule) {
        int n = 0;
        for (JsonNode r : status.path("rules")) {
            if (r.path("name").asText().equals(rule)) {
                n += r.path("readings").size();
            }
        }
        return n;
    }
}
