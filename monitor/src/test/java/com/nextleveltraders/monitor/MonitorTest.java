package com.nextleveltraders.monitor;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.nextleveltraders.config.ConfigLoader;
import com.nextleveltraders.config.Monitoring;
import com.nextleveltraders.testkit.MutableClock;
import com.nextleveltraders.testkit.Polling;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A monitor scraping an instance's {@code /metrics} served by the test, with the time moved by hand: the pool rule
 * ({@code hikaricp_connections_active / hikaricp_connections_max > 80 %} held 30 s) goes through its states as the
 * test changes the pool's figures, and its notifications reach a webhook receiver of the test.
 */
class MonitorTest {

    private static final Duration WAIT = Duration.ofSeconds(20);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String CONFIG = """
            monitoring:
              interval: 15s
              keepFiringFor: 15s
              repeatInterval: 1h
              database:
                connections: { threshold: 80, window: 30s, action: alert }
            """;

    private final MutableClock clock = new MutableClock(Instant.parse("2026-01-01T00:00:00Z"));
    private final ConcurrentLinkedQueue<String> received = new ConcurrentLinkedQueue<>();
    private volatile String metrics = "";
    private HttpServer instance;
    private HttpServer receiver;
    private HttpClient client;
    private Webhooks webhooks;
    private Monitor monitor;

    @BeforeEach
    void start() throws IOException {
        instance = server("/metrics", exchange -> {
            byte[] body = metrics.getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", "text/plain; version=0.0.4");
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
        });
        receiver = server("/hook", exchange -> {
            received.add(new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
            exchange.sendResponseHeaders(200, -1);
        });
        client = HttpClient.newHttpClient();
        Monitoring config = ConfigLoader.loadYaml(CONFIG).monitoring();
        Target target = new MetricsEndpoint("api/fra1-1", Map.of("job", "api", "instance", "fra1-1", "region", "fra1"),
                URI.create("http://127.0.0.1:" + instance.getAddress().getPort() + "/metrics"), client,
                Duration.ofSeconds(5));
        webhooks = new Webhooks(List.of("http://127.0.0.1:" + receiver.getAddress().getPort() + "/hook"),
                clock, new Webhooks.Policy(Duration.ofSeconds(5), Duration.ofMillis(20), Duration.ofMillis(80), 3, 8));
        monitor = new Monitor(config, clock, () -> List.of(target), "http://gateway.test/admin/alerts", webhooks);
    }

    private interface Handler {
        void handle(HttpExchange exchange) throws IOException;
    }

    private static HttpServer server(String path, Handler handler) throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        server.createContext(path, exchange -> {
            try (exchange) {
                handler.handle(exchange);
            }
        });
        server.start();
        return server;
    }

    @AfterEach
    void stop() {
        if (monitor != null) {
            monitor.close();
        }
        client.close();
        instance.stop(0);
        receiver.stop(0);
    }

    private void pool(int active, int max) {
        metrics = """
                # HELP hikaricp_connections_active Active connections
                # TYPE hikaricp_connections_active gauge
                hikaricp_connections_active{pool="HikariPool-1"} %d.0
                # HELP hikaricp_connections_max Max connections
                # TYPE hikaricp_connections_max gauge
                hikaricp_connections_max{pool="HikariPool-1"} %d.0
                """.formatted(active, max);
    }

    /** Advances the clock by one interval (but for the first) and ticks; the status after it, as JSON. */
    private JsonNode tick(boolean advance) throws InterruptedException {
        if (advance) {
            clock.advance(Duration.ofSeconds(15));
        }
        monitor.tick();
        return JSON.valueToTree(monitor.status());
    }

    private static JsonNode poolRule(JsonNode status) {
        for (JsonNode rule : status.get("rules")) {
            if (rule.get("name").asText().equals("ConnectionPoolBusy")) {
                return rule;
            }
        }
        throw new AssertionError("no ConnectionPoolBusy in " + status);
    }

    private static String poolState(JsonNode status) {
        JsonNode readings = poolRule(status).get("readings");
        assertThat(readings).as("readings of the pool rule").hasSize(1);
        return readings.get(0).get("state").asText();
    }

    @Test
    void thePoolRuleGoesPendingThenFiringThenResolvesAndItsNotificationsReachTheReceiver() throws Exception {
        pool(9, 10);
        JsonNode first = tick(false);
        JsonNode rule = poolRule(first);
        assertThat(rule.get("expr").asText()).isEqualTo(
                "((hikaricp_connections_active / hikaricp_connections_max) * 100) > 80");
        assertThat(rule.get("for").asText()).isEqualTo("30s");
        JsonNode reading = rule.get("readings").get(0);
        assertThat(reading.get("value").asDouble()).isEqualTo(90);
        assertThat(reading.get("labels").get("pool").asText()).isEqualTo("HikariPool-1");
        assertThat(reading.get("labels").get("instance").asText()).isEqualTo("fra1-1");
        assertThat(reading.get("state").asText()).isEqualTo("PENDING");
        assertThat(first.get("targets").get(0).get("up").asBoolean()).isTrue();
        assertThat(poolState(tick(true))).as("15 s of 30").isEqualTo("PENDING");

        JsonNode firing = tick(true);
        assertThat(poolState(firing)).isEqualTo("FIRING");
        assertThat(firing.get("alerts")).singleElement().satisfies(a -> {
            assertThat(a.get("alertname").asText()).isEqualTo("ConnectionPoolBusy");
            assertThat(a.get("state").asText()).isEqualTo("FIRING");
            assertThat(a.get("summary").asText())
                    .isEqualTo("fra1-1 uses 90 % of its pool HikariPool-1, above 80 % for 30s");
        });
        assertThat(firing.get("notifications")).singleElement()
                .satisfies(n -> assertThat(n.get("status").asText()).isEqualTo("firing"));
        // Delivered means answered: the status shows it from the next evaluation on.
        Polling.until(WAIT, "the firing notification is delivered",
                () -> webhooks.delivered() < 1 ? webhooks.recent().toString() : null);
        assertThat(received).hasSize(1);
        JsonNode payload = JSON.readTree(received.peek());
        assertThat(payload.get("status").asText()).isEqualTo("firing");
        assertThat(payload.get("groupLabels").get("alertname").asText()).isEqualTo("ConnectionPoolBusy");
        assertThat(payload.get("alerts").get(0).get("labels").get("pool").asText()).isEqualTo("HikariPool-1");

        // Back under the threshold: still firing for keepFiringFor (15 s), then resolved.
        pool(2, 10);
        JsonNode kept = tick(true);
        assertThat(poolState(kept)).isEqualTo("FIRING");
        assertThat(poolRule(kept).get("readings").get(0).get("value").asDouble()).isEqualTo(20);
        JsonNode notification = kept.get("notifications").get(0);
        assertThat(notification.get("deliveries")).singleElement().satisfies(d -> {
            assertThat(d.get("result").asText()).isEqualTo("delivered");
            assertThat(d.get("attempts").asInt()).isEqualTo(1);
        });
        assertThat(kept.get("deliveries").get("delivered").asLong()).isEqualTo(1);

        JsonNode resolved = tick(true);
        assertThat(poolState(resolved)).isEqualTo("OK");
        assertThat(resolved.get("alerts")).isEmpty();
        assertThat(resolved.get("notifications")).hasSize(2);
        assertThat(resolved.get("notifications").get(1).get("status").asText()).isEqualTo("resolved");
        Polling.until(WAIT, "the resolved notification is delivered",
                () -> webhooks.delivered() < 2 ? webhooks.recent().toString() : null);
        assertThat(received).hasSize(2);
        JsonNode resolvedPayload = JSON.readTree(List.copyOf(received).get(1));
        assertThat(resolvedPayload.get("status").asText()).isEqualTo("resolved");
        assertThat(resolvedPayload.get("alerts").get(0).get("endsAt").asText())
                .isEqualTo(clock.instant().toString());
    }

    @Test
    void recordingsAreEvaluatedAfterEachTickOverSamplesKeptForTheirLongestRange() throws Exception {
        monitor.close();
        Target target = new MetricsEndpoint("api/fra1-1", Map.of("job", "api", "instance", "fra1-1"),
                URI.create("http://127.0.0.1:" + instance.getAddress().getPort() + "/metrics"), client,
                Duration.ofSeconds(5));
        // Three minutes back: longer than any rule's window, so the samples must be kept for it.
        Expr requests = new Expr.SumBy(List.of("instance"),
                new Expr.Rate(Expr.Select.of("requests_total").where("job", "api"), Duration.ofMinutes(3)));
        monitor = new Monitor(ConfigLoader.loadYaml(CONFIG).monitoring(), clock, () -> List.of(target),
                "http://gateway.test/admin/alerts", webhooks, Map.of("requests", requests));
        assertThat(monitor.recorded().at()).isNull();
        assertThat(monitor.recorded().get("requests")).isEmpty();

        counter(0);
        tick(false);
        counter(30);
        tick(true);
        // Flat for the next two minutes: only the first sample tells that requests came at all.
        for (int i = 0; i < 7; i++) {
            tick(true);
        }
        Monitor.Recorded recorded = monitor.recorded();
        assertThat(recorded.at()).isEqualTo(clock.instant());
        assertThat(recorded.get("requests")).singleElement().satisfies(e -> {
            assertThat(e.labels()).containsEntry("instance", "fra1-1");
            assertThat(e.value()).isPositive();
        });
    }

    private void counter(int value) {
        metrics = """
                # TYPE requests_total counter
                requests_total %d.0
                """.formatted(value);
    }

    @Test
    void aTargetThatStopsAnsweringLosesItsReadingsAndIsShownDown() throws Exception {
        pool(9, 10);
        assertThat(poolState(tick(false))).isEqualTo("PENDING");
        instance.stop(0);
        JsonNode down = tick(true);
        assertThat(poolRule(down).get("readings")).isEmpty();
        assertThat(down.get("alerts")).as("a pending alert without its series is dropped").isEmpty();
        assertThat(down.get("targets")).singleElement().satisfies(t -> {
            assertThat(t.get("id").asText()).isEqualTo("api/fra1-1");
            assertThat(t.get("up").asBoolean()).isFalse();
            assertThat(t.get("error").asText()).isNotBlank();
        });
    }
}
