package com.nextleveltraders.monitor;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.nextleveltraders.testkit.Polling;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntUnaryOperator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Deliveries to a receiver served by the test; outcomes are waited for, never timed. */
class WebhooksTest {

    private static final Duration WAIT = Duration.ofSeconds(20);
    private static final Webhooks.Policy SHORT = new Webhooks.Policy(Duration.ofSeconds(1), Duration.ofMillis(20),
            Duration.ofMillis(80), 4, 2);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final ConcurrentLinkedQueue<String> bodies = new ConcurrentLinkedQueue<>();
    private final AtomicInteger requests = new AtomicInteger();
    private final CountDownLatch release = new CountDownLatch(1);
    private HttpServer server;
    private Webhooks webhooks;

    /** A receiver answering its {@code n}-th request (from 1) with {@code status.applyAsInt(n)}; 0 blocks. */
    private String receiver(IntUnaryOperator status) throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        server.createContext("/hook", exchange -> answer(exchange, status.applyAsInt(requests.incrementAndGet())));
        server.start();
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/hook";
    }

    private void answer(HttpExchange exchange, int status) throws IOException {
        try (exchange) {
            bodies.add(new String(exchange.getRequestBody().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8));
            if (status == 0) {
                release.await();
                status = 200;
            }
            exchange.sendResponseHeaders(status, -1);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @AfterEach
    void stop() {
        release.countDown();
        if (webhooks != null) {
            webhooks.close();
        }
        if (server != null) {
            server.stop(0);
        }
    }

    private static Notification notification(long id) {
        return new Notification(id, Instant.parse("2026-01-01T00:00:00Z"), "{}:{alertname=\"LoadHigh\"}", "firing",
                "change", 1, Map.of("version", "4", "groupKey", "{}:{alertname=\"LoadHigh\"}", "status", "firing",
                        "alerts", List.of(Map.of("status", "firing", "labels", Map.of("alertname", "LoadHigh")))));
    }

    private Webhooks.Delivery delivery(long id) {
        return webhooks.recent().stream().filter(d -> d.notification() == id).findFirst().orElseThrow();
    }

    private void until(String goal, long id, String result) throws InterruptedException {
        Polling.until(WAIT, goal, () -> {
            Webhooks.Delivery d = delivery(id);
            return d.result().equals(result) ? null : d.toString();
        });
    }

    @Test
    void aDeliveryPostsTheJsonPayload() throws Exception {
        String url = receiver(n -> 200);
        webhooks = new Webhooks(List.of(url), Clock.systemUTC(), SHORT);
        webhooks.accept(notification(7));
        until("notification 7 is delivered", 7, "delivered");
        assertThat(delivery(7)).satisfies(d -> {
            assertThat(d.attempts()).isEqualTo(1);
            assertThat(d.url()).isEqualTo(url);
            assertThat(d.error()).isNull();
        });
        assertThat(bodies).singleElement().satisfies(body -> {
            JsonNode json = JSON.readTree(body);
            assertThat(json.get("version").asText()).isEqualTo("4");
            assertThat(json.get("groupKey").asText()).isEqualTo("{}:{alertname=\"LoadHigh\"}");
            assertThat(json.get("alerts").get(0).get("labels").get("alertname").asText()).isEqualTo("LoadHigh");
        });
        assertThat(webhooks.delivered()).isEqualTo(1);
        assertThat(webhooks.failed()).isZero();
        assertThat(webhooks.dropped()).isZero();
    }

    @Test
    void aReceiverFailingTwiceThenAnsweringGetsThreeAttemptsAndTheDeliveryIsDelivered() throws Exception {
        webhooks = new Webhooks(List.of(receiver(n -> n <= 2 ? 500 : 200)), Clock.systemUTC(), SHORT);
        webhooks.accept(notification(1));
        until("notification 1 is delivered", 1, "delivered");
        assertThat(delivery(1).attempts()).isEqualTo(3);
        assertThat(requests).hasValue(3);
        assertThat(webhooks.delivered()).isEqualTo(1);
        assertThat(webhooks.failed()).isZero();
    }

    @Test
    void aReceiverThatAlwaysFailsEndsFailedAfterEveryAttemptAndIsCounted() throws Exception {
        webhooks = new Webhooks(List.of(receiver(n -> 503)), Clock.systemUTC(), SHORT);
        webhooks.accept(notification(1));
        until("notification 1 has failed", 1, "failed");
        assertThat(delivery(1).attempts()).isEqualTo(SHORT.attempts());
        assertThat(delivery(1).error()).isEqualTo("answered 503");
        assertThat(requests).hasValue(SHORT.attempts());
        assertThat(webhooks.failed()).isEqualTo(1);
        assertThat(webhooks.delivered()).isZero();
    }

    @Test
    void aBlockedReceiverDoesNotBlockAcceptAndWhatItsQueueCannotHoldIsDropped() throws Exception {
        // A timeout longer than any test: the first delivery stays in its first attempt until the receiver is
        // released, however slow the machine, so what the queue holds does not depend on timing.
        Webhooks.Policy patient = new Webhooks.Policy(Duration.ofMinutes(2), SHORT.firstBackoff(),
                SHORT.maxBackoff(), SHORT.attempts(), SHORT.queue());
        webhooks = new Webhooks(List.of(receiver(n -> 0)), Clock.systemUTC(), patient);
        webhooks.accept(notification(1));
        Polling.until(WAIT, "the receiver holds the first delivery", () -> requests.get() > 0 ? null : "no request");
        // The first is being delivered; the queue holds two more, the next two are dropped.
        for (long id = 2; id <= 5; id++) {
            webhooks.accept(notification(id));
        }
        assertThat(webhooks.dropped()).isEqualTo(2);
        assertThat(delivery(4).result()).isEqualTo("dropped");
        assertThat(delivery(5).result()).isEqualTo("dropped");
        assertThat(delivery(2).result()).isEqualTo("queued");
        assertThat(delivery(3).result()).isEqualTo("queued");
        release.countDown();
        until("notification 3 is delivered", 3, "delivered");
        assertThat(delivery(1).result()).isEqualTo("delivered");
        assertThat(webhooks.delivered()).isEqualTo(3);
        assertThat(webhooks.dropped()).isEqualTo(2);
    }

    @Test
    void aPolicyWithoutAttemptsOrWithABackoffShrinkingIsRefused() {
        org.assertj.core.api.Assertions.assertThatIllegalArgumentException().isThrownBy(() ->
                new Webhooks.Policy(Duration.ofSeconds(1), Duration.ofMillis(80), Duration.ofMillis(20), 3, 1));
        org.assertj.core.api.Assertions.assertThatIllegalArgumentException().isThrownBy(() ->
                new Webhooks.Policy(Duration.ofSeconds(1), Duration.ofMillis(20), Duration.ofMillis(80), 0, 1));
    }
}
