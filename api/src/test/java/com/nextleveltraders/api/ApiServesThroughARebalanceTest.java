package com.nextleveltraders.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.nextleveltraders.api.ApiClient.Response;
import com.nextleveltraders.api.ApiClient.Trader;
import com.nextleveltraders.config.PlatformConfig;
import com.nextleveltraders.data.rebalance.BucketMover;
import com.nextleveltraders.data.Database;
import com.nextleveltraders.data.Migrations;
import com.nextleveltraders.data.rebalance.Rebalancer;
import com.nextleveltraders.data.RegisteredShard;
import com.nextleveltraders.data.Shard;
import com.nextleveltraders.embedded.EmbeddedPostgres;
import com.nextleveltraders.embedded.PostgresOptions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import javax.sql.DataSource;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * While many users place orders concurrently through the API, a third shard is added and a
 * rebalance moves buckets to it: afterwards every acknowledged order exists exactly once, on the
 * shard the directory names, no moved bucket left rows behind, every portfolio shows every
 * acknowledged order, and no request failed (writes to a frozen bucket wait, then proceed).
 *
 * <p>The mover's own rule under concurrent writes is proved in data, beside it
 * ({@code BucketMoverTest}); this test lives here because what it checks is what an API user sees
 * during a rebalance: HTTP answers, the portfolio cache and the fill engine together.
 */
@Tag("slow")
class ApiServesThroughARebalanceTest {

    private static final int TRADERS = 20;
    private static final int THREADS_PER_TRADER = 2;
    private static final List<String> TABLES = List.of("accounts", "orders", "trades", "positions");

    /** One answer to the load: for whom, the request, its status and body when it failed. */
    private record Outcome(UUID trader, String request, int status, String body) {
    }

    @Test
    void everyAcknowledgedOrderExistsOnceOnItsDirectoryShardAndNoRequestFails() throws Exception {
        TestPlatform platform = TestPlatform.get(); // its Redis
        Path base = Files.createTempDirectory(Path.of("/tmp"), "nlt-rebalance-load-",
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwxr-xr-x")));
        try (EmbeddedPostgres first = EmbeddedPostgres.start(PostgresOptions.defaults(base.resolve("first")));
                EmbeddedPostgres second = EmbeddedPostgres.start(PostgresOptions.defaults(withPassword(first,
                        base.resolve("second"))));
                EmbeddedPostgres third = EmbeddedPostgres.start(PostgresOptions.defaults(withPassword(first,
                        base.resolve("third"))))) {
            PlatformConfig config = platform.instanceOf(first, "rebalance-load");
            try (Database database = Database.open(config)) {
                Migrations.apply(database, List.of(
                        RegisteredShard.primaryOnly(1, first.host(), first.port(), first.database()),
                        RegisteredShard.primaryOnly(2, second.host(), second.port(), second.database())));
            }
            try (ApiInstance api = ApiInstance.start(config, Clock.systemUTC(), false);
                    Database operator = Database.open(config)) { // what `nlt shards` opens: its own pools and directory
                ApiClient client = new ApiClient("http://127.0.0.1:" + api.port());
                List<Trader> traders = new ArrayList<>();
                for (int i = 0; i < TRADERS; i++) {
                    traders.add(client.newTrader());
                }

                Map<UUID, List<UUID>> acknowledged = new ConcurrentHashMap<>();
                ConcurrentLinkedQueue<Outcome> outcomes = new ConcurrentLinkedQueue<>();
                AtomicBoolean running = new AtomicBoolean(true);
                List<Thread> threads = new ArrayList<>();
                for (Trader trader : traders) {
                    acknowledged.put(trader.id(), java.util.Collections.synchronizedList(new ArrayList<>()));
                    for (int t = 0; t < THREADS_PER_TRADER; t++) {
                        threads.add(Thread.ofPlatform().start(() -> {
                            for (int i = 0; running.get(); i++) {
                                // Mostly orders (the writes a move must not lose), a portfolio read now and then.
                                boolean order = i % 3 != 2;
                                Response response = order
                                        ? client.order(trader, "{\"symbol\":\"KO\",\"side\":\"BUY\",\"type\":\"LIMIT\","
                                                + "\"limitPrice\":\"1\",\"quantity\":\"1\",\"clientOrderId\":\""
                                                + UUID.randomUUID() + "\"}")
                                        : client.get("/api/portfolio", trader.token());
                                outcomes.add(new Outcome(trader.id(), order ? "POST /api/orders" : "GET /api/portfolio",
                                        response.status(), response.status() >= 300 ? response.text() : ""));
                                if (order && response.status() == 201) {
                                    acknowledged.get(trader.id()).add(UUID.fromString(response.json().get("id").asText()));
                                }
                            }
                        }));
                    }
                }

                Thread.sleep(1_000); // every trader has orders, so every trader's bucket has rows to balance
                long started = System.nanoTime();
                CompletableFuture<List<BucketMover.Result>> rebalance = CompletableFuture.supplyAsync(() -> {
                    RegisteredShard added = Rebalancer.addShard(operator, third.host(), third.port(), third.database(),
                            null, 0);
                    assertThat(added.id()).isEqualTo(3);
                    Rebalancer.Plan plan = Rebalancer.analyze(operator, Rebalancer.DEFAULT_THRESHOLD);
                    double threshold = plan.moves().isEmpty() ? 0.0 : Rebalancer.DEFAULT_THRESHOLD;
                    return Rebalancer.rebalance(operator, threshold, progress -> { });
                });
                List<BucketMover.Result> results;
                try {
                    results = rebalance.get(40, TimeUnit.SECONDS);
                } finally {
                    Thread.sleep(2_000); // the load goes on after the last move
                    running.set(false);
                    for (Thread thread : threads) {
                        thread.join();
                    }
                }
                double seconds = (System.nanoTime() - started) / 1e9;
                double[] freezes = results.stream().mapToDouble(BucketMover.Result::freezeMillis).sorted().toArray();
                List<Outcome> all = List.copyOf(outcomes);
                long orders = acknowledged.values().stream().mapToLong(List::size).sum();
                System.out.printf("rebalance under load: %d moves, %d rows copied, freeze max %.1f ms; %d requests,"
                        + " %d orders acknowledged in %.1f s%n", results.size(),
                        results.stream().mapToLong(BucketMover.Result::rowsCopied).sum(),
                        freezes.length == 0 ? Double.NaN : freezes[freezes.length - 1], all.size(), orders, seconds);

                // Mostly onto the new shard; the plan is made on rows, which the load keeps changing,
                // so it may also even out shards 1 and 2 with a move between them.
                assertThat(results).as("moves").isNotEmpty().allMatch(BucketMover.Result::moved)
                        .anyMatch(result -> result.toShard() == 3);
                assertThat(all.stream().filter(o -> o.status() != 200 && o.status() != 201).toList())
                        .as("requests that failed").isEmpty();
                assertThat(orders).as("orders acknowledged").isPositive();

                // The catalog's directory, and every order row over the three shards.
                operator.refreshDirectory();
                int[] directory = directory(operator.catalog());
                assertThat(java.util.Arrays.stream(directory).filter(shard -> shard == 3).count())
                        .as("buckets shard 3 owns").isPositive();
                Map<Integer, DataSource> primaries = new HashMap<>();
                for (Shard shard : operator.router().shards()) {
                    primaries.put(shard.id(), shard.primary());
                }
                assertThat(primaries.keySet()).containsExactlyInAnyOrder(1, 2, 3);
                Map<UUID, List<Integer>> rowsOf = new HashMap<>(); // order id -> the shards holding it
                Map<UUID, Integer> ordersPerUser = new HashMap<>();
                for (var entry : primaries.entrySet()) {
                    query(entry.getValue(), "SELECT id, user_id FROM orders", rs -> {
                        rowsOf.computeIfAbsent(rs.getObject(1, UUID.class), id -> new ArrayList<>()).add(entry.getKey());
                        ordersPerUser.merge(rs.getObject(2, UUID.class), 1, Integer::sum);
                    });
                }
                for (Trader trader : traders) {
                    int owner = directory[operator.router().bucketOf(trader.id())];
                    List<UUID> ids = acknowledged.get(trader.id());
                    for (UUID id : ids) {
                        assertThat(rowsOf.get(id)).as("shards holding order %s of %s (bucket on shard %d)", id,
                                trader.id(), owner).containsExactly(owner);
                    }
                    assertThat(ordersPerUser.getOrDefault(trader.id(), 0)).as("order rows of %s", trader.id())
                            .isEqualTo(ids.size());
                }

                // A moved bucket left nothing on its source.
                for (BucketMover.Result result : results) {
                    for (String table : TABLES) {
                        long[] left = {0};
                        query(primaries.get(result.fromShard()), "SELECT count(*) FROM " + table + " WHERE bucket = "
                                + result.bucket(), rs -> left[0] = rs.getLong(1));
                        assertThat(left[0]).as("%s rows of moved bucket %d left on shard %d", table, result.bucket(),
                                result.fromShard()).isZero();
                    }
                }

                Map<UUID, Integer> counts = new HashMap<>();
                acknowledged.forEach((user, ids) -> counts.put(user, ids.size()));
                SteadyLoad.assertPortfoliosShowEveryAcknowledgedOrder(client, traders, counts);
            }
        } finally {
            TestPlatform.deleteTree(base);
        }
    }

    private static Path withPassword(EmbeddedPostgres first, Path dir) throws Exception {
        Files.createDirectories(dir);
        Files.copy(first.passwordFile(), dir.resolve("password")); // one password for every server
        return dir;
    }

    private static int[] directory(DataSource catalog) throws SQLException {
        List<int[]> rows = new ArrayList<>();
        query(catalog, "SELECT bucket, shard_id FROM bucket_directory ORDER BY bucket",
                rs -> rows.add(new int[] {rs.getInt(1), rs.getInt(2)}));
        int[] directory = new int[rows.size()];
        for (int[] row : rows) {
            directory[row[0]] = row[1];
        }
        return directory;
    }

    private interface Row {
        void accept(ResultSet rs) throws SQLException;
    }

    private static void query(DataSource source, String sql, Row row) throws SQLException {
        try (Connection connection = source.getConnection(); PreparedStatement select = connection.prepareStatement(sql);
                ResultSet rs = select.executeQuery()) {
            while (rs.next()) {
                row.accept(rs);
            }
        }
    }
}
