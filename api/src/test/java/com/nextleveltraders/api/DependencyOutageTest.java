package com.nextleveltraders.api;

import static com.nextleveltraders.api.TradingApiContractTest.assertProblem;
import static org.assertj.core.api.Assertions.assertThat;

import com.nextleveltraders.api.ApiClient.Response;
import com.nextleveltraders.api.ApiClient.Trader;
import com.nextleveltraders.config.ConfigLoader;
import com.nextleveltraders.config.PlatformConfig;
import com.nextleveltraders.data.Migrations;
import com.nextleveltraders.embedded.EmbeddedPostgres;
import com.nextleveltraders.embedded.EmbeddedRedis;
import com.nextleveltraders.embedded.FreePorts;
import com.nextleveltraders.embedded.PostgresOptions;
import com.nextleveltraders.embedded.RedisServerOptions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import org.junit.jupiter.api.Test;

/** With Redis or PostgreSQL gone, requests get 503 with Retry-After and health says which: never a 500. */
class DependencyOutageTest {

    @Test
    void redisThenPostgresDownAnswer503WithRetryAfter() throws Exception {
        Path base = Files.createTempDirectory(Path.of("/tmp"), "nlt-outage-",
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwxr-xr-x")));
        EmbeddedPostgres postgres = EmbeddedPostgres.start(PostgresOptions.defaults(base.resolve("postgres")));
        EmbeddedRedis redis = EmbeddedRedis.start(RedisServerOptions.defaults(base.resolve("redis")));
        PlatformConfig config = ConfigLoader.loadYaml("""
                redis: { mode: standalone, nodes: [ { host: 127.0.0.1, port: %d, role: master } ] }
                platform:
                  api: { port: %d, instanceId: outage }
                  postgres: { port: %d, passwordFile: "%s" }
                  redis: { passwordFile: "%s" }
                """.formatted(redis.port(), FreePorts.pick(), postgres.port(), postgres.passwordFile(),
                redis.passwordFile()));
        try (ApiInstance api = ApiInstance.start(config, Clock.systemUTC(), false)) {
            Migrations.apply(api.database());
            ApiClient client = new ApiClient("http://127.0.0.1:" + api.port());
            Trader trader = client.newTrader();

            redis.close();
            Response portfolio = client.get("/api/portfolio", trader.token());
            assertProblem(portfolio, 503, null);
            assertThat(portfolio.header("retry-after")).isNotBlank();
            Response health = client.get("/api/health", null);
            assertThat(health.status()).isEqualTo(503);
            assertThat(health.header("retry-after")).isNotBlank();
            assertThat(health.json().get("redis").asText()).isEqualTo("DOWN");
            assertThat(health.json().get("redisNodes").get(0).get("up").asBoolean()).isFalse();
            assertThat(health.json().get("postgres").asText()).isEqualTo("UP");
            // The rate limiter fell back to this instance's own limiter instead of failing requests.
            assertThat(health.json().get("rateLimit").asText()).isEqualTo("LOCAL");
            assertThat(portfolio.header("ratelimit")).startsWith("\"burst\";r=");

            postgres.close();
            Response register = client.post("/api/users", null,
                    "{\"email\":\"late@example.com\",\"password\":\"" + ApiClient.PASSWORD + "\",\"displayName\":\"L\"}");
            assertProblem(register, 503, null);
            assertThat(register.header("retry-after")).isNotBlank();
            assertThat(client.get("/api/health", null).json().get("postgres").asText()).isEqualTo("DOWN");
        } finally {
            redis.close();
            postgres.close();
            TestPlatform.deleteTree(base);
        }
    }
}
