package com.nextleveltraders.gateway;

import static com.nextleveltraders.gateway.GatewayTlsTest.await;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Balancing, health, retries, draining, compression and the admin API, through a real gateway. */
class GatewayRoutingTest {

    private final List<TestBackend> backends = new ArrayList<>();
    private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private GatewayServer gateway;

    @AfterEach
    void stop() {
        if (gateway != null) {
            gateway.close();
        }
        backends.forEach(TestBackend::close);
    }

    private TestBackend backend(String id) {
        TestBackend backend = new TestBackend(id);
        backends.add(backend);
        gateway.addBackend(id, "127.0.0.1", backend.port(), "fra1");
        return backend;
    }

    private void awaitUp(String... ids) throws InterruptedException {
        await(() -> gateway.backends().stream().filter(b -> List.of(ids).contains(b.id()))
                .allMatch(b -> b.state() == HealthTracker.State.UP));
    }

    private HttpResponse<String> get(String path) throws Exception {
        return client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + gateway.port() + path)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void leastConnectionsSendsFewerRequestsToASlowInstance() throws Exception {
        gateway = TestGateway.start("", "slowStart: 0s");
        TestBackend fast = backend("fast");
        TestBackend slow = backend("slow");
        awaitUp("fast", "slow");
        slow.delay.set(Duration.ofMillis(200));
        fast.delay.set(Duration.ofMillis(5));
        // 8 clients in a closed loop: whoever answers sooner frees its slot sooner and gets the next.
        try (ExecutorService clients = Executors.newFixedThreadPool(8)) {
            List<Future<?>> running = new ArrayList<>();
            for (int c = 0; c < 8; c++) {
                running.add(clients.submit(() -> {
                    for (int i = 0; i < 25; i++) {
                        assertThat(get("/echo").statusCode()).isEqualTo(200);
                    }
                    return null;
                }));
            }
            for (Future<?> f : running) {
                f.get();
            }
        }
        assertThat(fast.served.get() + slow.served.get()).isEqualTo(200);
        // Round robin would split 100/100. With least connections the slow one gets a request about
        // once per 200 ms, while it has none in flight; the margin allows for a busy machine.
        assertThat(fast.served.get()).as("fast %d, slow %d", fast.served.get(), slow.served.get())
                .isGreaterThan(2 * slow.served.get());
    }

    @Test
    void anInstanceGoesDownAfterExactlyTwoFailedChecksAndUpAfterThreeGoodOnes() throws Exception {
        // Checks every second, also while settling, so each check can be held and watched one by
        // one; the timeout leaves the test ample time to look before it releases a held check.
        gateway = TestGateway.start("healthCheck: { interval: 1s, timeout: 900ms }",
                "fastCheckInterval: 1s, slowStart: 0s");
        TestBackend b = backend("b");
        awaitUp("b");

        b.holdHealthChecks();
        b.health.set(com.linecorp.armeria.common.HttpStatus.SERVICE_UNAVAILABLE);
        int start = b.healthChecks.get();
        b.releaseHealthChecks(start);
        await(() -> b.healthChecks.get() == start + 1);
        b.releaseHealthChecks(start + 1);
        // The second failed check has arrived: the gateway has applied the first, not the second.
        await(() -> b.healthChecks.get() == start + 2);
        assertThat(state("b")).as("after one failed check").isEqualTo(HealthTracker.State.UP);
        b.releaseHealthChecks(start + 2);
        await(() -> state("b") == HealthTracker.State.DOWN);
        assertThat(b.healthChecks.get()).as("down on the second failure, before a third").isEqualTo(start + 2);
        assertThat(get("/echo").statusCode()).as("no healthy instance").isEqualTo(503);

        b.health.set(com.linecorp.armeria.common.HttpStatus.OK);
        int good = b.healthChecks.get();
        b.releaseHealthChecks(good);
        await(() -> b.healthChecks.get() == good + 1);
        b.releaseHealthChecks(good + 1);
        for (int n = 1; n <= 2; n++) {
            // Check good + n + 1 has arrived (and waits): exactly n good checks have been applied.
            int next = good + n + 1;
            await(() -> b.healthChecks.get() == next);
            assertThat(state("b")).as("after %d good checks", n).isEqualTo(HealthTracker.State.DOWN);
            b.releaseHealthChecks(next);
        }
        await(() -> state("b") == HealthTracker.State.UP);
        assertThat(b.healthChecks.get()).as("up on the third good check").isEqualTo(good + 3);
        assertThat(get("/echo").statusCode()).isEqualTo(200);
    }

    @Test
    void aStoppedInstanceIsEjectedAtOnceAndItsRequestsRetriedElsewhere() throws Exception {
        // Long check interval: only live traffic can notice the stop in time.
        gateway = TestGateway.start("healthCheck: { interval: 60s, timeout: 5s }",
                "fastCheckInterval: 200ms, slowStart: 0s");
        TestBackend a = backend("a");
        TestBackend b = backend("b");
        awaitUp("a", "b");
        AtomicBoolean running = new AtomicBoolean(true);
        AtomicInteger failures = new AtomicInteger();
        AtomicInteger ok = new AtomicInteger();
        try (ExecutorService clients = Executors.newFixedThreadPool(4)) {
            List<Future<?>> streams = new ArrayList<>();
            for (int c = 0; c < 4; c++) {
                streams.add(clients.submit(() -> {
                    while (running.get()) {
                        int status = get("/echo").statusCode();
                        (status == 200 ? ok : failures).incrementAndGet();
                    }
                    return null;
                }));
            }
            await(() -> ok.get() > 200);
            a.stop();
            int atStop = ok.get();
            await(() -> ok.get() > atStop + 300);
            running.set(false);
            for (Future<?> f : streams) {
                f.get();
            }
        }
        assertThat(failures.get()).as("GETs that failed").isZero();
        assertThat(state("a")).isEqualTo(HealthTracker.State.DOWN);
        String metrics = scrapeMetrics();
        assertThat(metrics).contains("gateway_health_transitions_total{backend=\"a\",to=\"down\"} 1.0");
    }

    @Test
    void aDrainedInstanceFinishesItsInFlightRequestsAndGetsNoNewOnes() throws Exception {
        gateway = TestGateway.start("", "slowStart: 0s");
        TestBackend a = backend("a");
        TestBackend b = backend("b");
        awaitUp("a", "b");
        a.delay.set(Duration.ofMillis(800));
        b.delay.set(Duration.ofMillis(800));
        int arrivedBefore = a.served.get() + b.served.get();
        try (ExecutorService clients = Executors.newFixedThreadPool(4)) {
            List<Future<HttpResponse<String>>> inFlight = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                inFlight.add(clients.submit(() -> get("/echo")));
            }
            await(() -> gateway.backends().stream().mapToInt(GatewayServer.BackendView::inFlight).sum() == 4);
            // Forwarded is not yet arrived: a's count is read below only once every request is in.
            await(() -> a.served.get() + b.served.get() == arrivedBefore + 4);
            int onA = gateway.backends().stream().filter(v -> v.id().equals("a")).findFirst().orElseThrow().inFlight();
            assertThat(onA).isPositive();
            var drained = gateway.drainBackend("a");
            int servedByA = a.served.get();
            assertThat(get("/echo").body()).as("a new request goes elsewhere while a drains").isEqualTo("b");
            assertThat(drained.get()).as("drained before the timeout").isTrue();
            for (Future<HttpResponse<String>> f : inFlight) {
                assertThat(f.get().statusCode()).isEqualTo(200);
            }
            assertThat(a.served.get()).isEqualTo(servedByA);
            assertThat(gateway.backends()).extracting(GatewayServer.BackendView::id).containsExactly("b");
        }
    }

    @Test
    void answersAreCompressedAsTheClientAcceptsExceptWhatIsCompressedAlready() throws Exception {
        gateway = TestGateway.start("", "slowStart: 0s");
        backend("a");
        awaitUp("a");
        assertThat(encoding("/big", "br, gzip")).isEqualTo("br");
        assertThat(encoding("/big", "gzip")).isEqualTo("gzip");
        assertThat(encoding("/big", "identity")).isEqualTo("none");
        assertThat(encoding("/image", "br, gzip")).as("a PNG is not compressed again").isEqualTo("none");
        assertThat(encoding("/echo", "br, gzip")).as("a tiny body is not worth it").isEqualTo("none");
    }

    @Test
    void theRateLimitIsAppliedAtTheGatewayWithTheSameAnswerAndHeaders() throws Exception {
        gateway = TestGateway.start("rateLimit: { requests: 60, period: 1m, burst: 5 }",
                "slowStart: 0s");
        TestBackend a = backend("a");
        awaitUp("a");
        List<HttpResponse<String>> answers = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            answers.add(get("/echo"));
        }
        long refused = answers.stream().filter(r -> r.statusCode() == 429).count();
        assertThat(refused).isBetween(2L, 3L);
        HttpResponse<String> limited = answers.stream().filter(r -> r.statusCode() == 429).findFirst().orElseThrow();
        assertThat(limited.headers().firstValue("content-type")).hasValueSatisfying(
                type -> assertThat(type).startsWith("application/problem+json"));
        assertThat(limited.headers().firstValue("retry-after")).isPresent();
        assertThat(limited.headers().firstValue("ratelimit-policy")).hasValueSatisfying(
                policy -> assertThat(policy).contains("\"burst\";q=5"));
        assertThat(answers.getFirst().headers().firstValue("ratelimit")).isPresent();
        assertThat(a.served.get()).as("refused requests never reach an instance").isEqualTo(8 - (int) refused);
        String metrics = scrapeMetrics();
        assertThat(metrics).contains("gateway_rate_limited_total " + (double) refused);
        // A refusal is the gateway's own answer, and a 4xx: no error of the platform's.
        assertThat(metrics).contains(
                "gateway_responses_seconds_count{region=\"none\",status=\"4xx\"} " + refused,
                "gateway_responses_seconds_count{region=\"fra1\",status=\"2xx\"} " + (8 - refused));
    }

    @Test
    void anOversizedBodyIsAProblemAtTheGatewayAndReachesNoInstance() throws Exception {
        gateway = TestGateway.start("", "slowStart: 0s");
        TestBackend a = backend("a");
        awaitUp("a");
        HttpResponse<String> refused = client.send(HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + gateway.port() + "/echo"))
                .header("content-type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"x\":\"" + "y".repeat(70_000) + "\"}")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(refused.statusCode()).isEqualTo(413);
        assertThat(refused.headers().firstValue("content-type")).hasValueSatisfying(
                type -> assertThat(type).startsWith("application/problem+json"));
        assertThat(refused.body()).contains("\"status\":413");
        assertThat(a.served.get()).isZero();
    }

    @Test
    void theAdminApiNeedsItsTokenAndRefusesBadBackendsNamingTheField() throws Exception {
        gateway = TestGateway.start("", "slowStart: 0s");
        String admin = "http://127.0.0.1:" + gateway.adminPort() + "/admin/backends";
        assertThat(client.send(HttpRequest.newBuilder(URI.create(admin)).build(),
                HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(401);
        assertThat(client.send(HttpRequest.newBuilder(URI.create(admin)).header("authorization", "Bearer wrong")
                .build(), HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(401);
        assertThat(adminPut("x", "{\"host\":\"127.0.0.1\",\"port\":70000,\"region\":\"fra1\"}").body())
                .contains("\"field\":\"port\"");
        assertThat(adminPut("x", "{\"host\":\"127.0.0.1\",\"port\":80,\"region\":\"mars\"}").body())
                .contains("\"field\":\"region\"");
        assertThat(adminPut("../etc", "{\"host\":\"127.0.0.1\",\"port\":80,\"region\":\"fra1\"}").statusCode())
                .isIn(400, 404);
        HttpResponse<String> notJson = adminPut("x", "{\"host\":");
        assertThat(notJson.statusCode()).isEqualTo(400);
        assertThat(notJson.body()).contains("\"field\":\"body\"");
        assertThat(gateway.backends()).isEmpty();

        TestBackend b = new TestBackend("b");
        backends.add(b);
        assertThat(adminPut("b", "{\"host\":\"127.0.0.1\",\"port\":" + b.port() + ",\"region\":\"lhr1\"}")
                .statusCode()).isEqualTo(201);
        assertThat(adminPut("b", "{\"host\":\"127.0.0.1\",\"port\":" + b.port() + ",\"region\":\"lhr1\"}")
                .statusCode()).isEqualTo(200);
        assertThat(adminPut("b", "{\"host\":\"127.0.0.1\",\"port\":1,\"region\":\"lhr1\"}").statusCode())
                .isEqualTo(409);
        awaitUp("b");
        HttpResponse<String> list = client.send(HttpRequest.newBuilder(URI.create(admin))
                .header("authorization", "Bearer " + TestGateway.ADMIN_TOKEN).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(list.body()).contains("\"id\":\"b\"", "\"region\":\"lhr1\"", "\"state\":\"UP\"");
        HttpResponse<String> removed = client.send(HttpRequest.newBuilder(URI.create(admin + "/b"))
                .header("authorization", "Bearer " + TestGateway.ADMIN_TOKEN).DELETE().build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(removed.body()).contains("\"drained\":true");
        assertThat(gateway.backends()).isEmpty();
    }

    private HttpResponse<String> adminPut(String id, String body) throws Exception {
        return client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + gateway.adminPort()
                        + "/admin/backends/" + id)).header("authorization", "Bearer " + TestGateway.ADMIN_TOKEN)
                .header("content-type", "application/json").PUT(HttpRequest.BodyPublishers.ofString(body)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private String encoding(String path, String accept) throws Exception {
        HttpResponse<byte[]> response = client.send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + gateway.port() + path)).header("accept-encoding", accept).build(),
                HttpResponse.BodyHandlers.ofByteArray());
        assertThat(response.statusCode()).isEqualTo(200);
        return response.headers().firstValue("content-encoding").orElse("none");
    }

    private String scrapeMetrics() throws Exception {
        return client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + gateway.adminPort() + "/metrics"))
                .build(), HttpResponse.BodyHandlers.ofString()).body();
    }

    private HealthTracker.State state(String id) {
        return gateway.backends().stream().filter(b -> b.id().equals(id)).findFirst().orElseThrow().state();
    }
}
