package com.nextleveltraders.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import com.nextleveltraders.testkit.Polling;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The instance learns the authority the client addressed (its Origin check of cookie-authenticated
 * writes compares against it), and never one the client made up.
 */
class ForwardedHostTest {

    private static TestBackend backend;
    private static GatewayServer gateway;

    @BeforeAll
    static void start() throws InterruptedException {
        backend = new TestBackend("b1");
        gateway = TestGateway.start("", "slowStart: 0s");
        gateway.addBackend("b1", "127.0.0.1", backend.port(), "fra1");
        Polling.until(Duration.ofSeconds(20), Duration.ofMillis(20), "the backend is up",
                () -> gateway.backends().getFirst().state() == HealthTracker.State.UP ? null : "not yet");
    }

    @AfterAll
    static void stop() {
        gateway.close();
        backend.close();
    }

    @Test
    void theClientsAuthorityIsForwardedAndItsOwnClaimOverwritten() throws Exception {
        HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(5)).build();
        String authority = "127.0.0.1:" + gateway.port();
        HttpResponse<String> plain = client.send(HttpRequest.newBuilder(URI.create("http://" + authority + "/echo"))
                .build(), HttpResponse.BodyHandlers.ofString());
        assertThat(plain.statusCode()).isEqualTo(200);
        Map<String, String> seen = backend.headersSeen.getLast();
        assertThat(seen).containsEntry("x-forwarded-host", authority).containsEntry("x-forwarded-proto", "http");

        HttpResponse<String> forged = client.send(HttpRequest.newBuilder(URI.create("http://" + authority + "/echo"))
                .header("X-Forwarded-Host", "evil.example").header("X-Forwarded-Proto", "https").build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(forged.statusCode()).isEqualTo(200);
        seen = backend.headersSeen.getLast();
        assertThat(seen).containsEntry("x-forwarded-host", authority).containsEntry("x-forwarded-proto", "http");
    }
}
