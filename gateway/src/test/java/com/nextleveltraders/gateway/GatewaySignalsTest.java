package com.nextleveltraders.gateway;

import static com.nextleveltraders.gateway.GatewayTlsTest.await;
import static org.assertj.core.api.Assertions.assertThat;

import com.nextleveltraders.testkit.Polling;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What the monitor reads off the gateway, through a real gateway in front of real backends: every
 * answer timed per region and status class, the public port closed to {@code /admin}, and the
 * monitor's state served on the admin port.
 */
class GatewaySignalsTest {

    private final List<TestBackend> backends = new ArrayList<>();
    private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private GatewayServer gateway;

    @TempDir
    Path dir;

    @AfterEach
    void stop() {
        if (gateway != null) {
            gateway.close();
        }
        backends.forEach(TestBackend::close);
    }

    private TestBackend backendUp(String id, String region) throws InterruptedException {
        TestBackend backend = new TestBackend(id);
        backends.add(backend);
        gateway.addBackend(id, "127.0.0.1", backend.port(), region);
        await(() -> gateway.backends().stream().anyMatch(b -> b.id().equals(id) && b.state() == HealthTracker.State.UP));
        return backend;
    }

    private HttpResponse<String> get(String path) throws Exception {
        return client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + gateway.port() + path)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> admin(String path, String token) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + gateway.adminPort() + path));
        if (token != null) {
            request.header("authorization", "Bearer " + token);
        }
        return client.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    /** A client may hold its answer a moment before the gateway has timed it: the assertion is tried until it holds. */
    private static void eventually(Check check) throws InterruptedException {
        Polling.until(Duration.ofSeconds(10), Duration.ofMillis(20), "the gateway's metrics show the answers", () -> {
            try {
                check.run();
                return null;
            } catch (AssertionError e) {
                return e.getMessage();
            } catch (Exception e) {
                return e.toString();
            }
        });
    }

    private interface Check {
        void run() throws Exception;
    }

    private List<String> metricLines(String prefix) throws Exception {
        return admin("/metrics", null).body().lines().filter(line -> line.startsWith(prefix)).toList();
    }

    @Test
    void anAnswerOfAnInstanceIsTimedUnderItsRegionAndStatusClass() throws Exception {
        gateway = TestGateway.start("", "slowStart: 0s");
        backendUp("a", "lhr1");
        assertThat(get("/echo").statusCode()).isEqualTo(200);
        assertThat(get("/echo").statusCode()).isEqualTo(200);

        eventually(() -> assertThat(metricLines("gateway_responses_seconds_count")).containsExactly(
                "gateway_responses_seconds_count{region=\"lhr1\",status=\"2xx\"} 2"));
        assertThat(metricLines("gateway_responses_seconds_sum{region=\"lhr1\",status=\"2xx\"}")).hasSize(1);
        List<String> buckets = metricLines("gateway_responses_seconds_bucket{region=\"lhr1\",status=\"2xx\"");
        assertThat(buckets).extracting(line -> line.substring(line.indexOf("le=\"") + 4, line.indexOf("\"}")))
                .as("the SLO buckets, the responseTime threshold (500 ms) among them")
                .containsExactly("0.005", "0.01", "0.025", "0.05", "0.1", "0.25", "0.5", "1.0", "2.5", "5.0", "+Inf");
        assertThat(buckets.getLast()).endsWith("} 2");
    }

    @Test
    void aRetriedRequestIsTimedOnceWithTheAnswerItGotInTheEnd() throws Exception {
        // Long check interval: only the failed request can take the stopped instance out.
        gateway = TestGateway.start("healthCheck: { interval: 60s, timeout: 5s }",
                "fastCheckInterval: 200ms, slowStart: 0s");
        TestBackend a = backendUp("a", "fra1");
        backendUp("b", "lhr1");
        a.stop();
        // Ties are broken round-robin, so the stopped instance is picked within two requests.
        int sent = 0;
        while (gateway.backends().stream().anyMatch(v -> v.id().equals("a") && v.state() == HealthTracker.State.UP)) {
            assertThat(get("/echo").statusCode()).isEqualTo(200);
            sent++;
        }
        assertThat(metricLines("gateway_retries_total")).containsExactly("gateway_retries_total{backend=\"a\"} 1.0");
        int answered = sent;
        eventually(() -> assertThat(metricLines("gateway_responses_seconds_count"))
                .as("one answer per request, none of them an error")
                .containsExactly("gateway_responses_seconds_count{region=\"lhr1\",status=\"2xx\"} " + answered));
    }

    @Test
    void anAnswerTheGatewayGivesItselfIsOfNoRegionAndItsErrorsAre5xx() throws Exception {
        gateway = TestGateway.start("", "slowStart: 0s");
        HttpResponse<String> unavailable = get("/echo");
        assertThat(unavailable.statusCode()).as("no healthy instance").isEqualTo(503);
        assertThat(get("/metrics").statusCode()).isEqualTo(404);

        eventually(() -> assertThat(metricLines("gateway_responses_seconds_count")).containsExactlyInAnyOrder(
                "gateway_responses_seconds_count{region=\"none\",status=\"5xx\"} 1",
                "gateway_responses_seconds_count{region=\"none\",status=\"4xx\"} 1"));
    }

    @Test
    void aConfiguredResponseTimeThresholdIsABucketOfItsOwn() throws Exception {
        gateway = GatewayServer.start(TestGateway.config("", "slowStart: 0s",
                "monitoring: { application: { responseTime: { threshold: 750ms } } }\n"), Clock.systemUTC());
        assertThat(get("/echo").statusCode()).isEqualTo(503);
        eventually(() -> assertThat(metricLines(
                "gateway_responses_seconds_bucket{region=\"none\",status=\"5xx\",le=\"0.75\"}")).hasSize(1));
    }

    @Test
    void aDeniedMeterIsMissingFromTheScrapeAndAnAllowedOneStays() throws Exception {
        gateway = GatewayServer.start(TestGateway.config("", "slowStart: 0s",
                "monitoring: { disabledMetrics: [gateway.responses] }\n"), Clock.systemUTC());
        backendUp("a", "lhr1");
        assertThat(get("/echo").statusCode()).isEqualTo(200);
        assertThat(metricLines("gateway_responses")).isEmpty();
        assertThat(metricLines("gateway_requests_total")).containsExactly(
                "gateway_requests_total{backend=\"a\",status=\"success\"} 1.0");
    }

    @Test
    void thePublicPortAnswers404UnderAdminAndNeverForwardsIt() throws Exception {
        gateway = TestGateway.start("", "slowStart: 0s");
        TestBackend a = backendUp("a", "fra1");
        List<String> refused = List.of("/admin", "/admin/", "/admin/x", "/admin/faults", "/admin/faults?latency=2s",
                "/ADMIN/faults", "//admin/faults", "/./admin/faults", "/%61dmin/faults", "/admin%2Ffaults",
                "/%2561dmin/faults", "/admin;x=1/faults");
        for (String path : refused) {
            HttpResponse<String> answer = get(path);
            assertThat(answer.statusCode()).as(path).isIn(400, 404);
            if (answer.statusCode() == 404) {
                assertThat(answer.headers().firstValue("content-type")).as(path).hasValueSatisfying(
                        type -> assertThat(type).startsWith("application/problem+json"));
            }
        }
        HttpResponse<String> post = client.send(HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + gateway.port() + "/admin/faults"))
                .header("content-type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"latency\":\"2s\"}")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(post.statusCode()).isEqualTo(404);
        assertThat(a.pathsSeen).as("what reached the instance").isEmpty();

        // Only /admin itself is closed: a path that merely starts with the same letters is the API's.
        get("/administrators");
        assertThat(a.pathsSeen).containsExactly("/administrators");
    }

    @Test
    void theAlertsNeedTheAdminTokenAndServeTheMonitorsFileAsItIs() throws Exception {
        Path alerts = dir.resolve("alerts.json");
        gateway = TestGateway.start("", "slowStart: 0s, alertsFile: \"" + alerts + "\"");
        assertThat(admin("/admin/alerts", null).statusCode()).isEqualTo(401);
        assertThat(admin("/admin/alerts", "wrong").statusCode()).isEqualTo(401);

        HttpResponse<String> notYet = admin("/admin/alerts", TestGateway.ADMIN_TOKEN);
        assertThat(notYet.statusCode()).isEqualTo(503);
        assertThat(notYet.headers().firstValue("content-type")).hasValueSatisfying(
                type -> assertThat(type).startsWith("application/problem+json"));
        assertThat(notYet.body()).contains("/problems/no-monitor",
                "the monitor has not written its first evaluation yet");

        String state = "{\"rules\":[{\"alertname\":\"responseTime\",\"state\":\"firing\",\"value\":0.73}]}";
        Files.writeString(alerts, state);
        HttpResponse<String> served = admin("/admin/alerts", TestGateway.ADMIN_TOKEN);
        assertThat(served.statusCode()).isEqualTo(200);
        assertThat(served.body()).isEqualTo(state);
        assertThat(served.headers().firstValue("content-type")).hasValueSatisfying(
                type -> assertThat(type).startsWith("application/json"));
        assertThat(served.headers().firstValue("cache-control")).hasValue("no-store");

        // Read at each request: the next evaluation is served as soon as it is written.
        String next = "{\"rules\":[]}";
        Files.writeString(alerts, next);
        assertThat(admin("/admin/alerts", TestGateway.ADMIN_TOKEN).body()).isEqualTo(next);
    }

    @Test
    void theAlertsAreUnavailableWhenNoMonitorRunsBesideTheGateway() throws Exception {
        gateway = TestGateway.start("", "slowStart: 0s");
        HttpResponse<String> none = admin("/admin/alerts", TestGateway.ADMIN_TOKEN);
        assertThat(none.statusCode()).isEqualTo(503);
        assertThat(none.body()).contains("/problems/no-monitor", "no monitor runs beside this gateway");
        assertThat(none.headers().firstValue("cache-control")).hasValue("no-store");
    }
}
