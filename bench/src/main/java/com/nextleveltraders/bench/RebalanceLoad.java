package com.nextleveltraders.bench;

import com.nextleveltraders.config.ConfigLoader;
import com.nextleveltraders.config.PlatformConfig;
import com.nextleveltraders.data.rebalance.BucketMover;
import com.nextleveltraders.data.Database;
import com.nextleveltraders.data.Migrations;
import com.nextleveltraders.data.rebalance.Rebalancer;
import com.nextleveltraders.data.RegisteredShard;
import com.nextleveltraders.data.Shard;
import com.nextleveltraders.embedded.EmbeddedPostgres;
import com.nextleveltraders.embedded.PostgresOptions;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Order writes per second and their latency while a shard is added and the buckets rebalanced,
 * against the same load in steady state, in one run on the same servers. In-process, without HTTP:
 * three PostgreSQL servers (the catalog and shard 1, shard 2, and a third that becomes shard 3),
 * users with an account and a few orders on shards 1 and 2, and writer threads each placing an
 * open BUY LIMIT order for a random user through {@link Database#write} as the API's transaction
 * does (the order row, the account's reserved cash), without retrying a failure.
 *
 * <p>Phase 1: steady state. Phase 2: the same load while {@link Rebalancer#addShard} and
 * {@link Rebalancer#rebalance} run, until the rebalance returns and at least the given seconds.
 * Prints {@code key=value} lines: per phase writes/s, latency p50, p99 and max, failures; the
 * ratios of phase 2 to phase 1; and the moves, rows copied and the per-bucket write freeze.
 *
 * <p>Usage: {@code RebalanceLoad <work dir> <users> <orders per user> <threads> <steady seconds>
 * <min rebalance seconds> <threshold>}.
 */
public final class RebalanceLoad {

    private static final int WARM_UP_SECONDS = 3;

    private RebalanceLoad() {
    }

    /** The latencies (microseconds) and failures one thread saw in one phase. Unsynchronised. */
    private static final class Samples {
        private long[] micros = new long[1 << 14];
        private int count;
        private long failures;
        private String firstFailure;

        void add(long value) {
            if (count == micros.length) {
                micros = Arrays.copyOf(micros, count * 2);
            }
            micros[count++] = value;
        }

        void fail(RuntimeException e) {
            failures++;
            if (firstFailure == null) {
                firstFailure = e.toString();
            }
        }
    }

    /** Merged samples of one phase. */
    private record Phase(String name, long[] sorted, long failures, String firstFailure, double seconds) {
        static Phase merge(String name, List<Samples> samples, double seconds) {
            long[] all = new long[samples.stream().mapToInt(s -> s.count).sum()];
            int at = 0;
            long failures = 0;
            String first = null;
            for (Samples s : samples) {
                System.arraycopy(s.micros, 0, all, at, s.count);
                at += s.count;
                failures += s.failures;
                first = first == null ? s.firstFailure : first;
            }
            Arrays.sort(all);
            return new Phase(name, all, failures, first, seconds);
        }

        double perSecond() {
            return sorted.length / seconds;
        }

        double millis(double percentile) {
            return percentile(sorted, percentile) / 1e3;
        }

        void print() {
            System.out.printf(Locale.ROOT, "%s.seconds=%.1f%n%s.writes=%d%n%s.writes_per_second=%.0f%n"
                    + "%s.p50_ms=%.2f%n%s.p99_ms=%.2f%n%s.max_ms=%.2f%n%s.failures=%d%n", name, seconds, name,
                    sorted.length, name, perSecond(), name, millis(50), name, millis(99), name,
                    sorted.length == 0 ? Double.NaN : sorted[sorted.length - 1] / 1e3, name, failures);
            if (firstFailure != null) {
                System.out.printf("%s.first_failure=%s%n", name, firstFailure);
            }
        }
    }

    /** Nearest rank; NaN without samples. */
    private static double percentile(long[] sorted, double p) {
        if (sorted.length == 0) {
            return Double.NaN;
        }
        int rank = (int) Math.ceil(p / 100.0 * sorted.length);
        return sorted[Math.max(0, Math.min(rank, sorted.length) - 1)];
    }

    private static double percentile(double[] sorted, double p) {
        if (sorted.length == 0) {
            return Double.NaN;
        }
        int rank = (int) Math.ceil(p / 100.0 * sorted.length);
        return sorted[Math.max(0, Math.min(rank, sorted.length) - 1)];
    }

    public static void main(String[] args) throws Exception {
        Path work = Path.of(args[0]);
        int users = Integer.parseInt(args[1]);
        int ordersPerUser = Integer.parseInt(args[2]);
        int threads = Integer.parseInt(args[3]);
        int steadySeconds = Integer.parseInt(args[4]);
        int minRebalanceSeconds = Integer.parseInt(args[5]);
        double threshold = Double.parseDouble(args[6]);
        try (EmbeddedPostgres first = EmbeddedPostgres.start(PostgresOptions.defaults(work.resolve("first")));
                EmbeddedPostgres second = EmbeddedPostgres.start(PostgresOptions.defaults(withPassword(first,
                        work.resolve("second"))));
                EmbeddedPostgres third = EmbeddedPostgres.start(PostgresOptions.defaults(withPassword(first,
                        work.resolve("third"))))) {
            PlatformConfig config = ConfigLoader.loadYaml("""
                    platform:
                      api: { instanceId: rebalance-load }
                      postgres: { port: %d, database: %s, user: %s, passwordFile: "%s" }
                    """.formatted(first.port(), first.database(), first.user(), first.passwordFile()));
            try (Database database = Database.open(config)) {
                Migrations.apply(database, List.of(
                        RegisteredShard.primaryOnly(1, first.host(), first.port(), first.database()),
                        RegisteredShard.primaryOnly(2, second.host(), second.port(), second.database())));
            }
            // The writers' and the mover's own pools and directories, as an API instance and `nlt shards` have.
            try (Database writers = Database.open(config); Database operator = Database.open(config)) {
                UUID[] ids = seed(writers, users, ordersPerUser);
                long seededOrders = (long) users * ordersPerUser;

                // 0 = warm-up, 1 = steady, 2 = rebalance, 3 = stop
                java.util.concurrent.atomic.AtomicInteger phase = new java.util.concurrent.atomic.AtomicInteger();
                List<Samples[]> perThread = new ArrayList<>();
                List<Thread> workers = new ArrayList<>();
                for (int t = 0; t < threads; t++) {
                    Samples[] samples = {new Samples(), new Samples(), new Samples()};
                    perThread.add(samples);
                    workers.add(Thread.ofPlatform().start(() -> {
                        ThreadLocalRandom random = ThreadLocalRandom.current();
                        while (true) {
                            int now = phase.get();
                            if (now == 3) {
                                return;
                            }
                            UUID user = ids[random.nextInt(ids.length)];
                            long started = System.nanoTime();
                            try {
                                placeOrder(writers, user);
                                samples[now].add((System.nanoTime() - started) / 1_000);
                            } catch (RuntimeException e) {
                                samples[now].fail(e);
                            }
                        }
                    }));
                }
                Thread.sleep(WARM_UP_SECONDS * 1_000L);
                phase.set(1);
                long steadyStart = System.nanoTime();
                Thread.sleep(steadySeconds * 1_000L);
                phase.set(2);
                long rebalanceStart = System.nanoTime();
                double steady = (rebalanceStart - steadyStart) / 1e9;
                List<BucketMover.Result> results;
                int plannedMoves;
                try {
                    Rebalancer.addShard(operator, third.host(), third.port(), third.database(), null, 0);
                    Rebalancer.Plan plan = Rebalancer.analyze(operator, threshold);
                    plannedMoves = plan.moves().size();
                    results = Rebalancer.rebalance(operator, threshold, progress -> { });
                } finally {
                    long minimumEnd = rebalanceStart + minRebalanceSeconds * 1_000_000_000L;
                    long rest = minimumEnd - System.nanoTime();
                    if (rest > 0) {
                        Thread.sleep(rest / 1_000_000, (int) (rest % 1_000_000));
                    }
                    phase.set(3);
                }
                double rebalanceSeconds = results.isEmpty() ? 0 : (System.nanoTime() - rebalanceStart) / 1e9;
                long phaseEnd = System.nanoTime();
                for (Thread worker : workers) {
                    worker.join();
                }
                double during = (phaseEnd - rebalanceStart) / 1e9;
                Phase one = Phase.merge("steady", perThread.stream().map(s -> s[1]).toList(), steady);
                Phase two = Phase.merge("rebalance", perThread.stream().map(s -> s[2]).toList(), during);
                long warmUpWrites = perThread.stream().mapToLong(s -> s[0].count).sum();

                System.out.printf(Locale.ROOT, "users=%d seeded_orders=%d threads=%d threshold=%s%n", users,
                        seededOrders, threads, threshold);
                one.print();
                two.print();
                System.out.printf(Locale.ROOT, "ratio.writes_per_second=%.3f%nratio.p99=%.2f%n",
                        two.perSecond() / one.perSecond(), two.millis(99) / one.millis(99));

                double[] freezes = results.stream().filter(BucketMover.Result::moved)
                        .mapToDouble(BucketMover.Result::freezeMillis).sorted().toArray();
                // Of each freeze, the wait for the writes already holding the bucket, and the rest (from
                // the grant on: what the freeze measured before it counted from its request).
                double[] waits = results.stream().filter(BucketMover.Result::moved)
                        .mapToDouble(BucketMover.Result::freezeWaitMillis).sorted().toArray();
                double[] afterGrant = results.stream().filter(BucketMover.Result::moved)
                        .mapToDouble(r -> r.freezeMillis() - r.freezeWaitMillis()).sorted().toArray();
                System.out.printf(Locale.ROOT, "rebalance.planned_moves=%d%nrebalance.moves=%d%n"
                        + "rebalance.moved=%d%nrebalance.rows_copied=%d%nrebalance.changes_applied=%d%n"
                        + "rebalance.max_catchup_rounds=%d%nrebalance.run_seconds=%.1f%n"
                        + "freeze.p50_ms=%.1f%nfreeze.p99_ms=%.1f%nfreeze.max_ms=%.1f%n",
                        plannedMoves, results.size(), freezes.length,
                        results.stream().mapToLong(BucketMover.Result::rowsCopied).sum(),
                        results.stream().mapToLong(BucketMover.Result::changesApplied).sum(),
                        results.stream().mapToInt(BucketMover.Result::catchupRounds).max().orElse(0),
                        rebalanceSeconds, percentile(freezes, 50), percentile(freezes, 99),
                        freezes.length == 0 ? Double.NaN : freezes[freezes.length - 1]);
                System.out.printf(Locale.ROOT, "freeze.wait_p50_ms=%.1f%nfreeze.wait_p99_ms=%.1f%nfreeze.wait_max_ms=%.1f%n"
                        + "freeze.after_grant_p50_ms=%.1f%nfreeze.after_grant_p99_ms=%.1f%nfreeze.after_grant_max_ms=%.1f%n",
                        percentile(waits, 50), percentile(waits, 99), waits.length == 0 ? Double.NaN : waits[waits.length - 1],
                        percentile(afterGrant, 50), percentile(afterGrant, 99),
                        afterGrant.length == 0 ? Double.NaN : afterGrant[afterGrant.length - 1]);

                // Nothing lost or doubled: the order rows over the three shards against the writes acknowledged.
                operator.refreshDirectory();
                long rows = 0;
                Map<Integer, Long> perShard = new HashMap<>();
                for (Shard shard : operator.router().shards()) {
                    long count = count(shard.primary(), "SELECT count(*) FROM orders");
                    perShard.put(shard.id(), count);
                    rows += count;
                }
                long acknowledged = seededOrders + warmUpWrites + one.sorted().length + two.sorted().length;
                System.out.printf(Locale.ROOT, "orders.acknowledged=%d%norders.rows=%d%norders.per_shard=%s%n"
                        + "buckets.shard3=%d%n", acknowledged, rows, perShard,
                        count(operator.catalog(), "SELECT count(*) FROM bucket_directory WHERE shard_id = 3"));
            }
        }
    }

    /** The API's order transaction, reduced to its writes: an open BUY LIMIT row and its reserved cash. */
    private static void placeOrder(Database database, UUID user) {
        int bucket = database.router().bucketOf(user);
        UUID order = UUID.randomUUID();
        database.write("bench_write", user, connection -> {
            try (PreparedStatement account = connection.prepareStatement(
                    "SELECT cash, reserved_cash FROM accounts WHERE user_id = ? FOR UPDATE")) {
                account.setObject(1, user);
                try (ResultSet rs = account.executeQuery()) {
                    if (!rs.next()) {
                        throw new IllegalStateException("no account for " + user);
                    }
                }
            }
            insertOrder(connection, user, bucket, order);
            try (PreparedStatement update = connection.prepareStatement(
                    "UPDATE accounts SET reserved_cash = reserved_cash + 1 WHERE user_id = ?")) {
                update.setObject(1, user);
                return update.executeUpdate();
            }
        });
    }

    private static void insertOrder(Connection connection, UUID user, int bucket, UUID order) throws java.sql.SQLException {
        try (PreparedStatement insert = connection.prepareStatement(
                "INSERT INTO orders (id, user_id, bucket, client_order_id, request_hash, symbol, side, type, quantity, "
                        + "limit_price, status, filled_quantity, filled_avg_price, reserved_cash, created_at, filled_at) "
                        + "VALUES (?, ?, ?, ?, '\\x00ff', 'KO', 'BUY', 'LIMIT', 1, 1, 'OPEN', 0, NULL, 1, ?, NULL)")) {
            insert.setObject(1, order);
            insert.setObject(2, user);
            insert.setInt(3, bucket);
            insert.setString(4, order.toString());
            insert.setTimestamp(5, Timestamp.from(Instant.now()));
            insert.executeUpdate();
        }
    }

    /** Users in the catalog, each with an account and some orders on their bucket's shard, in batches. */
    private static UUID[] seed(Database database, int users, int ordersPerUser) throws Exception {
        UUID[] ids = new UUID[users];
        Map<Integer, List<UUID>> byShard = new HashMap<>();
        for (int i = 0; i < users; i++) {
            ids[i] = UUID.randomUUID();
            byShard.computeIfAbsent(database.shardFor(ids[i]).id(), s -> new ArrayList<>()).add(ids[i]);
        }
        Timestamp now = Timestamp.from(Instant.now());
        try (Connection catalog = database.catalog().getConnection(); PreparedStatement insert = catalog.prepareStatement(
                "INSERT INTO users (id, bucket, email, display_name, password_hash, created_at) VALUES (?, ?, ?, 'w', 'x', ?)")) {
            for (UUID id : ids) {
                insert.setObject(1, id);
                insert.setInt(2, database.router().bucketOf(id));
                insert.setString(3, "writer-" + id + "@example.com");
                insert.setTimestamp(4, now);
                insert.addBatch();
            }
            insert.executeBatch();
        }
        for (Shard shard : database.router().shards()) {
            List<UUID> owned = byShard.getOrDefault(shard.id(), List.of());
            try (Connection connection = shard.primary().getConnection()) {
                connection.setAutoCommit(false);
                try (PreparedStatement account = connection.prepareStatement(
                        "INSERT INTO accounts (user_id, bucket, currency, cash, reserved_cash) VALUES (?, ?, 'USD', ?, ?)")) {
                    for (UUID id : owned) {
                        account.setObject(1, id);
                        account.setInt(2, database.router().bucketOf(id));
                        account.setBigDecimal(3, BigDecimal.valueOf(1_000_000));
                        account.setBigDecimal(4, BigDecimal.valueOf(ordersPerUser));
                        account.addBatch();
                    }
                    account.executeBatch();
                }
                for (UUID id : owned) {
                    for (int i = 0; i < ordersPerUser; i++) {
                        insertOrder(connection, id, database.router().bucketOf(id), UUID.randomUUID());
                    }
                }
                connection.commit();
                try (var statement = connection.createStatement()) {
                    connection.setAutoCommit(true);
                    statement.execute("ANALYZE accounts, orders");
                }
            }
        }
        return ids;
    }

    private static long count(javax.sql.DataSource source, String sql) throws Exception {
        try (Connection connection = source.getConnection(); PreparedStatement select = connection.prepareStatement(sql);
                ResultSet rs = select.executeQuery()) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private static Path withPassword(EmbeddedPostgres first, Path dir) throws Exception {
        Files.createDirectories(dir);
        Files.copy(first.passwordFile(), dir.resolve("password")); // one password for every server
        return dir;
    }
}
