package com.nextleveltraders.api;

import static com.nextleveltraders.api.TradingApiContractTest.assertProblem;
import static org.assertj.core.api.Assertions.assertThat;

import com.nextleveltraders.api.ApiClient.Response;
import com.nextleveltraders.api.ApiClient.Trader;
import com.nextleveltraders.config.PlatformConfig;
import com.nextleveltraders.data.Database;
import com.nextleveltraders.data.Migrations;
import com.nextleveltraders.data.RegisteredShard;
import com.nextleveltraders.embedded.EmbeddedPostgres;
import com.nextleveltraders.embedded.PostgresOptions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** One shard's primary stops: that shard's users get 503 with Retry-After, everyone else is served. */
class ShardOutageTest {

    private static final String ORDER = "{\"symbol\":\"KO\",\"side\":\"BUY\",\"type\":\"MARKET\",\"quantity\":\"1\"}";

    @Test
    void onlyTheUsersOfTheLostShardAreRefused() throws Exception {
        TestPlatform platform = TestPlatform.get(); // its Redis
        Path base = Files.createTempDirectory(Path.of("/tmp"), "nlt-shard-outage-",
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwxr-xr-x")));
        try (EmbeddedPostgres first = EmbeddedPostgres.start(PostgresOptions.defaults(base.resolve("first")))) {
            Path secondDir = Files.createDirectories(base.resolve("second"));
            Files.copy(first.passwordFile(), secondDir.resolve("password"));
            EmbeddedPostgres second = EmbeddedPostgres.start(PostgresOptions.defaults(secondDir));
            PlatformConfig config = platform.instanceOf(first, "shard-outage");
            try (Database database = Database.open(config)) {
                Migrations.apply(database, List.of(
                        RegisteredShard.primaryOnly(1, first.host(), first.port(), first.database()),
                        RegisteredShard.primaryOnly(2, second.host(), second.port(), second.database())));
            }
            try (ApiInstance api = ApiInstance.start(config, Clock.systemUTC(), false)) {
                ApiClient client = new ApiClient("http://127.0.0.1:" + api.port());
                Map<Integer, Trader> byShard = new HashMap<>();
                while (byShard.size() < 2) {
                    Trader trader = client.newTrader();
                    byShard.putIfAbsent(api.database().shardFor(trader.id()).id(), trader);
                }
                Trader served = byShard.get(1);
                Trader refused = byShard.get(2);

                second.close();

                Response orders = client.get("/api/orders", refused.token());
                assertProblem(orders, 503, null);
                assertThat(orders.headers().get("retry-after")).isNotEmpty();
                assertProblem(client.order(refused, ORDER), 503, null);

                assertThat(client.get("/api/orders", served.token()).status()).isEqualTo(200);
                assertThat(client.order(served, ORDER).status()).isEqualTo(201);
                assertThat(client.get("/api/portfolio", served.token()).status()).isEqualTo(200);
                // The catalog is up: logins work for both, whatever their shard.
                assertThat(client.post("/api/sessions", null, "{\"email\":\"" + refused.email()
                        + "\",\"password\":\"" + ApiClient.PASSWORD + "\"}").status()).isEqualTo(201);
                assertThat(client.get("/api/health", null).status()).isEqualTo(200);
            }
        } finally {
            TestPlatform.deleteTree(base);
        }
    }
}
