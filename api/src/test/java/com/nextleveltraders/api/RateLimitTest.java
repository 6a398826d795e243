package com.nextleveltraders.api;

import static com.nextleveltraders.api.TradingApiContractTest.assertProblem;
import static org.assertj.core.api.Assertions.assertThat;

import com.nextleveltraders.api.ApiClient.Response;
import com.nextleveltraders.api.ApiClient.Trader;
import com.nextleveltraders.cache.RedisConnections;
import com.nextleveltraders.config.PlatformConfig;
import com.nextleveltraders.edge.RateLimiting;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/**
 * The strategy's limit (1000 a minute, burst 50) holds for one user across two API instances
 * that share Redis, under 40 concurrent clients; another user is not affected.
 */
class RateLimitTest {

    private static final int CLIENTS = 40;
    // 400 requests: even a starved machine cannot spread them over the 21 s a refill of that many takes.
    private static final int REQUESTS_PER_CLIENT = 10;

    @Test
    void oneBudgetPerUserAcrossTwoInstances() throws Exception {
        TestPlatform platform = TestPlatform.get();
        try (ApiInstance first = ApiInstance.start(platform.instanceConfig("rl-1", ""), Clock.systemUTC(), false);
                ApiInstance second = ApiInstance.start(platform.instanceConfig("rl-2", ""), Clock.systemUTC(), false)) {
            ApiClient one = new ApiClient("http://127.0.0.1:" + first.port());
            ApiClient two = new ApiClient("http://127.0.0.1:" + second.port());
            // Registered through the shared test instance: the login budget of this address is the
            // subject of the other test, and tokens work on every instance (sessions live in Redis).
            Trader flooder = platform.client.newTrader();
            Trader bystander = platform.client.newTrader();

            ExecutorService pool = Executors.newFixedThreadPool(CLIENTS);
            List<Response> responses = new ArrayList<>();
            long started;
            long finished;
            try {
                CountDownLatch go = new CountDownLatch(1);
                List<Future<List<Response>>> futures = new ArrayList<>();
                for (int c = 0; c < CLIENTS; c++) {
                    ApiClient client = c % 2 == 0 ? one : two;
                    futures.add(pool.submit(() -> {
                        go.await();
                        List<Response> mine = new ArrayList<>();
                        for (int r = 0; r < REQUESTS_PER_CLIENT; r++) {
                            mine.add(client.get("/api/portfolio", flooder.token()));
                        }
                        return mine;
                    }));
                }
                started = System.nanoTime();
                go.countDown();
                for (Future<List<Response>> future : futures) {
                    responses.addAll(future.get());
                }
                finished = System.nanoTime();
            } finally {
                pool.shutdownNow();
            }

            long allowed = responses.stream().filter(r -> r.status() == 200).count();
            long refused = responses.stream().filter(r -> r.status() == 429).count();
            assertThat(allowed + refused).isEqualTo(CLIENTS * REQUESTS_PER_CLIENT);
            // The burst, plus at most what refilled (one per 60 ms) while the flood lasted.
            long refilled = (finished - started) / 60_000_000L + 1;
            assertThat(allowed).isBetween(50L, 50L + refilled);
            assertThat(refused).isPositive();
            for (Response response : responses) {
                assertThat(response.header("ratelimit-policy")).isEqualTo("\"burst\";q=50;w=3, \"sustained\";q=1000;w=60");
                assertThat(response.header("ratelimit")).matches("\"burst\";r=\\d+;t=[0-3]");
                if (response.status() == 429) {
                    assertProblem(response, 429, null);
                    assertThat(Long.parseLong(response.header("retry-after"))).isBetween(1L, 3L);
                    assertThat(response.header("cache-control")).isEqualTo("no-store");
                }
            }

            Response other = two.get("/api/portfolio", bystander.token());
            assertThat(other.status()).isEqualTo(200);
            assertThat(other.header("ratelimit")).startsWith("\"burst\";r=49;");
            assertThat(two.get("/api/health", null).json().get("rateLimit").asText()).isEqualTo("SHARED");
            // Public answers carry no per-client budget: a CDN would replay it to everyone.
            assertThat(two.get("/api/quotes/AAPL", null).header("ratelimit")).isNull();

            // Redis lost its scripts (a restart, a failover): the limiter loads the script again.
            try (RedisConnections redis = RedisConnections.open(platform.config)) {
                redis.sync().scriptFlush();
            }
            assertThat(one.get("/api/portfolio", bystander.token()).header("ratelimit")).startsWith("\"burst\";r=");
            assertThat(one.get("/api/health", null).json().get("rateLimit").asText()).isEqualTo("SHARED");
        }
    }

    @Test
    void loginAndRegistrationHaveTheirOwnSmallBudgetPerAddress() {
        TestPlatform platform = TestPlatform.get();
        PlatformConfig config = platform.instanceConfig("rl-auth", "");
        try (ApiInstance api = ApiInstance.start(config, Clock.systemUTC(), false)) {
            ApiClient client = new ApiClient("http://127.0.0.1:" + api.port());
            var auth = config.platform().authRateLimit();
            long intervalNanos = auth.period().toNanos() / auth.requests();
            int attempts = auth.burst() + 10;
            List<Response> responses = new ArrayList<>();
            long started = System.nanoTime();
            for (int i = 0; i < attempts; i++) {
                responses.add(client.post("/api/sessions", null,
                        "{\"email\":\"nobody@example.com\",\"password\":\"wrong password!\"}"));
            }
            long refilled = (System.nanoTime() - started) / intervalNanos + 1;
            long answered = responses.stream().filter(r -> r.status() == 401).count();
            long refused = responses.stream().filter(r -> r.status() == 429).count();
            assertThat(answered + refused).isEqualTo(attempts);
            assertThat(answered).isBetween((long) auth.burst(), auth.burst() + refilled);
            Response last = responses.getLast();
            assertProblem(last, 429, null);
            assertThat(last.header("ratelimit")).startsWith("\"auth\";r=0;");
            assertThat(last.header("ratelimit-policy")).endsWith("\"auth\";q=" + auth.burst() + ";w=20");
            // Quotes from the same address still pass: only the expensive routes are held back.
            assertThat(client.get("/api/quotes/AAPL", null).status()).isEqualTo(200);
        }
    }

    @Test
    void requestsTheGatewayLimitedAlreadyAreNotCountedAgainButForgedOnesAre() throws Exception {
        TestPlatform platform = TestPlatform.get();
        java.nio.file.Path secret = java.nio.file.Files.createTempFile("nlt-gateway-secret-", "");
        java.nio.file.Files.writeString(secret, "the-gateway-secret-0123456789");
        String gateway = "gateway: { secretFile: \"" + secret + "\" }";
        try (ApiInstance api = ApiInstance.start(platform.instanceConfig("rl-gw", "", gateway), Clock.systemUTC(),
                false)) {
            ApiClient client = new ApiClient("http://127.0.0.1:" + api.port());
            Trader trader = platform.client.newTrader();
            // Twice the burst, all with the gateway's secret: none is counted here.
            for (int i = 0; i < 100; i++) {
                Response response = client.send("GET", "/api/portfolio", trader.token(), null, null,
                        RateLimiting.GATEWAY_SECRET_HEADER, "the-gateway-secret-0123456789");
                assertThat(response.status()).isEqualTo(200);
                assertThat(response.header("ratelimit")).isNull();
            }
            // A client guessing the header gets no pass: its requests are counted as usual. Sent all at
            // once, as in the test above, so that the refill during the flood stays far below it.
            ExecutorService pool = Executors.newFixedThreadPool(CLIENTS);
            List<Integer> forged = new ArrayList<>();
            long started = System.nanoTime();
            try {
                List<Future<Integer>> futures = new ArrayList<>();
                for (int i = 0; i < CLIENTS * REQUESTS_PER_CLIENT; i++) {
                    futures.add(pool.submit(() -> client.send("GET", "/api/portfolio", trader.token(), null, null,
                            RateLimiting.GATEWAY_SECRET_HEADER, "guess").status()));
                }
                for (Future<Integer> future : futures) {
                    forged.add(future.get());
                }
            } finally {
                pool.shutdownNow();
            }
            long refilled = (System.nanoTime() - started) / 60_000_000L + 1;
            assertThat(forged).contains(429);
            assertThat(forged.stream().filter(status -> status == 200).count()).isBetween(50L, 50L + refilled);
        } finally {
            java.nio.file.Files.deleteIfExists(secret);
        }
    }
}
