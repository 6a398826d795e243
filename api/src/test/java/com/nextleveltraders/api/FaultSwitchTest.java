package com.nextleveltraders.api;

import static com.nextleveltraders.api.TradingApiContractTest.assertProblem;
import static org.assertj.core.api.Assertions.assertThat;

import com.nextleveltraders.api.ApiClient.Response;
import com.nextleveltraders.api.ApiClient.Trader;
import com.nextleveltraders.testkit.Polling;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The fault switch of a real instance: each fault shows in the instance's own {@code /metrics}
 * (where the alert rules read it), only the gateway's admin token sets it, and input it cannot
 * honour is refused whole, naming the field.
 */
class FaultSwitchTest {

    private static final Duration BOUND = Duration.ofSeconds(60);
    private static final String TOKEN = "fault-switch-test-admin-token";

    private static TestPlatform platform;
    private static Path tokenDir;
    private static ApiInstance instance;
    private static ApiClient client;

    @BeforeAll
    static void start() throws Exception {
        platform = TestPlatform.get();
        tokenDir = Files.createTempDirectory("nlt-faults-");
        Path tokenFile = Files.writeString(tokenDir.resolve("admin-token"), TOKEN + "\n");
        instance = ApiInstance.start(platform.instanceConfig("faults", """
                loadBalancer:
                  rateLimit: { requests: 1000000, period: 1m, burst: 100000 }
                """, "gateway: { adminTokenFile: \"%s\" }".formatted(tokenFile)), Clock.systemUTC(), false);
        client = new ApiClient("http://127.0.0.1:" + instance.port());
    }

    @AfterAll
    static void stop() throws Exception {
        if (instance != null) {
            instance.close();
        }
        TestPlatform.deleteTree(tokenDir);
    }

    private static Response put(String json, String token) {
        return client.send("PUT", "/admin/faults", token, "application/json", json.getBytes(StandardCharsets.UTF_8));
    }

    private static String metrics() {
        Response scraped = client.get("/metrics", null);
        assertThat(scraped.status()).isEqualTo(200);
        return scraped.text();
    }

    /** The value of the first sample of {@code name} whose labels contain each of {@code labels}, or -1. */
    private static double sample(String text, String name, String... labels) {
        Matcher m = Pattern.compile("^" + Pattern.quote(name) + "\\{([^}]*)\\} (\\S+)$", Pattern.MULTILINE)
                .matcher(text);
        while (m.find()) {
            String found = m.group(1);
            if (java.util.Arrays.stream(labels).allMatch(found::contains)) {
                return Double.parseDouble(m.group(2));
            }
        }
        return -1;
    }

    @Test
    void aSlowStatementIsTimedAsItsOwnDatabaseOperation() throws Exception {
        try {
            assertThat(put("{\"slowStatement\":\"300ms\"}", TOKEN).status()).isEqualTo(200);
            assertThat(client.get("/admin/faults", TOKEN).json().get("slowStatement").asText()).isEqualTo("300ms");
            Polling.until(BOUND, "slow statements counted", () -> {
                double count = sample(metrics(), "db_operations_seconds_count", "operation=\"fault_slow_statement\"");
                return count >= 2 ? null : "count " + count;
            });
            // Buckets at the query-time alert's threshold (1 s) and the fixed ones around it.
            String text = metrics();
            String slow = "operation=\"fault_slow_statement\"";
            assertThat(sample(text, "db_operations_seconds_bucket", slow, "le=\"1.0\"")).isNotNegative();
            assertThat(sample(text, "db_operations_seconds_bucket", slow, "le=\"2.5\"")).isNotNegative();
            assertThat(sample(text, "db_operations_seconds_bucket", slow, "le=\"0.25\""))
                    .as("no 300 ms sleep is under 250 ms").isZero();
        } finally {
            assertThat(client.delete("/admin/faults", TOKEN).status()).isEqualTo(200);
        }
    }

    @Test
    void requestsShowTheirUnitsOfWorkByOperationAndTheirRedisCommands() {
        Trader trader = platform.client.newTrader();
        assertThat(client.get("/api/portfolio", trader.token()).status()).isEqualTo(200);
        assertThat(client.get("/api/trades", trader.token()).status()).isEqualTo(200);
        String text = metrics();
        assertThat(sample(text, "db_operations_seconds_count", "operation=\"load_portfolio\"")).isPositive();
        assertThat(sample(text, "db_operations_seconds_count", "operation=\"list_trades\"")).isPositive();
        assertThat(sample(text, "db_operations_seconds_count", "operation=\"read_directory\"")).isPositive();
        // The session lookup and the portfolio cache went through Redis: its command latency shows too.
        assertThat(sample(text, "lettuce_command_completion_seconds_count", "command=\"")).isPositive();
        assertThat(sample(text, "lettuce_command_completion_seconds_bucket", "command=\"", "le=\"+Inf\""))
                .isPositive();
    }

    @Test
    void heldConnectionsShowAsActiveInTheServersPool() throws Exception {
        try {
            assertThat(put("{\"holdConnections\":3}", TOKEN).status()).isEqualTo(200);
            Polling.until(BOUND, "three connections held", () -> {
                double active = sample(metrics(), "hikaricp_connections_active", "pool=\"127.0.0.1:");
                return active >= 3 ? null : "active " + active;
            });
            String text = metrics();
            assertThat(sample(text, "hikaricp_connections_max", "pool=\"127.0.0.1:" + platform.postgres.port() + "/"))
                    .isEqualTo(platform.config.database().pool().max());
        } finally {
            assertThat(client.delete("/admin/faults", TOKEN).status()).isEqualTo(200);
        }
        Polling.until(BOUND, "held connections released", () -> {
            double active = sample(metrics(), "hikaricp_connections_active", "pool=\"127.0.0.1:");
            return active < 3 ? null : "active " + active;
        });
    }

    @Test
    void injectedErrorsAreCountedAsServerErrorsButSpareHealthAndMetrics() {
        try {
            assertThat(put("{\"errorPercent\":100,\"latency\":\"600ms\"}", TOKEN).status()).isEqualTo(200);
            Response failed = client.get("/api/quotes", null);
            assertProblem(failed, 500, null);
            assertThat(failed.json().get("type").asText()).endsWith("injected-fault");
            assertThat(client.get("/api/health", null).status()).isEqualTo(200);
            String text = metrics();
            assertThat(sample(text, "http_server_requests_seconds_count", "route=\"/api/quotes\"", "status=\"500\""))
                    .isGreaterThanOrEqualTo(1);
            // The added latency is a lower bound on the answer's time: none of these was quicker.
            assertThat(sample(text, "http_server_requests_seconds_bucket", "le=\"0.5\"", "route=\"/api/quotes\"",
                    "status=\"500\"")).isZero();
        } finally {
            assertThat(client.delete("/admin/faults", TOKEN).status()).isEqualTo(200);
        }
        assertThat(client.get("/api/quotes", null).status()).isEqualTo(200);
    }

    @Test
    void onlyTheAdminTokenSetsFaults() {
        Response missing = put("{\"errorPercent\":100}", null);
        assertProblem(missing, 401, null);
        assertThat(missing.header("WWW-Authenticate")).startsWith("Bearer");
        assertProblem(put("{\"errorPercent\":100}", TOKEN + "x"), 401, null);
        assertProblem(client.get("/admin/faults", "wrong"), 401, null);
        assertProblem(client.delete("/admin/faults", null), 401, null);
        assertThat(instance.faults().faults().errorPercent()).isZero();
        // An instance given no admin token has no fault switch at all.
        assertThat(platform.client.get("/admin/faults", TOKEN).status()).isEqualTo(404);
    }

    @Test
    void hostileInputIsRefusedWholeNamingTheField() {
        assertProblem(put("{\"errorPercent\":101}", TOKEN), 422, "errorPercent");
        assertProblem(put("{\"errorPercent\":-1}", TOKEN), 422, "errorPercent");
        assertProblem(put("{\"errorPercent\":50.5}", TOKEN), 422, "errorPercent");
        assertProblem(put("{\"errorPercent\":1e40}", TOKEN), 422, "errorPercent");
        assertProblem(put("{\"holdConnections\":-3}", TOKEN), 422, "holdConnections");
        assertProblem(put("{\"holdConnections\":100000}", TOKEN), 422, "holdConnections");
        assertProblem(put("{\"latency\":\"soon\"}", TOKEN), 422, "latency");
        assertProblem(put("{\"latency\":\"-5ms\"}", TOKEN), 422, "latency");
        assertProblem(put("{\"latency\":\"999999s\"}", TOKEN), 422, "latency");
        assertProblem(put("{\"latency\":800}", TOKEN), 422, "latency");
        assertProblem(put("{\"slowStatement\":\"1h\"}", TOKEN), 422, "slowStatement");
        assertProblem(put("{\"slowStatement\":\"10s\"}", TOKEN), 422, "slowStatement"); // the statement timeout
        assertProblem(put("{\"errorPercent\":5,\"chaos\":true}", TOKEN), 422, "chaos");
        assertProblem(put("{\"errorPercent\":5,\"latency\":\"forever\"}", TOKEN), 422, "latency");
        assertProblem(put("[1,2]", TOKEN), 400, null);
        assertProblem(put("{\"errorPercent\":", TOKEN), 400, null);
        assertProblem(put("", TOKEN), 400, null);
        // Nothing of a refused body was applied.
        assertThat(client.get("/admin/faults", TOKEN).json().get("errorPercent").asInt()).isZero();
        assertThat(client.get("/api/quotes", null).status()).isEqualTo(200);
    }
}
