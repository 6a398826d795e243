package com.nextleveltraders.bench;

import com.nextleveltraders.cache.RedisConnections;
import com.nextleveltraders.cache.RedisWritePositions;
import com.nextleveltraders.cache.WritePositions;
import com.nextleveltraders.config.PlatformConfig;
import com.nextleveltraders.data.Database;
import com.nextleveltraders.data.Migrations;
import com.nextleveltraders.data.RegisteredShard;
import com.nextleveltraders.data.ShardState;
import com.nextleveltraders.embedded.EmbeddedPostgres;
import com.nextleveltraders.embedded.EmbeddedPostgresReplica;
import com.nextleveltraders.embedded.EmbeddedRedis;
import com.nextleveltraders.embedded.PostgresOptions;
import com.nextleveltraders.embedded.RedisServerOptions;
import com.nextleveltraders.embedded.ReplicaOptions;
import java.nio.file.Path;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.LongAdder;

/**
 * How many reads the replica takes off the primary under a mixed load, with read-your-writes kept:
 * one shard (a primary and its streaming replica), users each reading their own trade history
 * (the query of {@code GET /api/trades}) and now and then writing a trade, through the platform's
 * own {@link Database#read} and {@link Database#write}. Two phases on the same servers: replica
 * routing on (write positions in Redis), and off (every read on the primary, as without
 * replicas). Reports reads per second, the share the replica served, and statements the primary ran.
 *
 * <p>Usage: {@code ReplicaReadLoad <work dir> <users> <threads> <seconds> <write share>}.
 */
public final class ReplicaReadLoad {

    private static final String READ = "SELECT id, symbol, quantity, price, created_at FROM trades "
            + "WHERE user_id = ? ORDER BY created_at DESC LIMIT 20";

    private ReplicaReadLoad() {
    }

    public static void main(String[] args) throws Exception {
        Path work = Path.of(args[0]);
        int users = Integer.parseInt(args[1]);
        int threads = Integer.parseInt(args[2]);
        int seconds = Integer.parseInt(args[3]);
        double writeShare = Double.parseDouble(args[4]);
        try (EmbeddedPostgres primary = EmbeddedPostgres.start(PostgresOptions.defaults(work.resolve("primary")));
                EmbeddedPostgresReplica replica = EmbeddedPostgresReplica.start(
                        ReplicaOptions.of(work.resolve("replica"), primary));
                EmbeddedRedis redis = EmbeddedRedis.start(RedisServerOptions.defaults(work.resolve("redis")))) {
            PlatformConfig config = BenchServers.config(primary, redis);
            try (Database database = Database.open(config); RedisConnections connections = RedisConnections.open(config)) {
                Migrations.apply(database, List.of(new RegisteredShard(1, primary.host(), primary.port(),
                        replica.host(), replica.port(), primary.database(), ShardState.ACTIVE)));
                UUID[] ids = new UUID[users];
                for (int i = 0; i < users; i++) {
                    ids[i] = UUID.randomUUID();
                    seed(database, ids[i]);
                }
                WritePositions positions = new RedisWritePositions(connections,
                        config.platform().replicaReads().maxLag());
                int warmUp = Math.max(1, seconds / 4);

                database.useWritePositions(positions);
                run(database, ids, threads, warmUp, writeShare);
                long primaryStatementsBefore = statements(database, ids[0]);
                long replicaBefore = database.replicaReads();
                long primaryBefore = database.primaryReads();
                Phase routed = run(database, ids, threads, seconds, writeShare);
                long routedPrimaryStatements = statements(database, ids[0]) - primaryStatementsBefore;
                long replicaServed = database.replicaReads() - replicaBefore;
                long primaryServed = database.primaryReads() - primaryBefore;

                database.useWritePositions(WritePositions.NONE);
                run(database, ids, threads, warmUp, writeShare);
                primaryStatementsBefore = statements(database, ids[0]);
                Phase primaryOnly = run(database, ids, threads, seconds, writeShare);
                long primaryOnlyStatements = statements(database, ids[0]) - primaryStatementsBefore;

                System.out.printf("routed.reads_per_second=%.0f%nrouted.writes_per_second=%.0f%n"
                                + "routed.replica_share=%.4f%nrouted.primary_statements=%d%n"
                                + "primary_only.reads_per_second=%.0f%nprimary_only.writes_per_second=%.0f%n"
                                + "primary_only.primary_statements=%d%nprimary_statements_ratio=%.3f%n",
                        routed.reads() / (double) seconds, routed.writes() / (double) seconds,
                        replicaServed / (double) (replicaServed + primaryServed), routedPrimaryStatements,
                        primaryOnly.reads() / (double) seconds, primaryOnly.writes() / (double) seconds,
                        primaryOnlyStatements, routedPrimaryStatements / (double) primaryOnlyStatements);
            }
        }
    }

    private record Phase(long reads, long writes) {
    }

    private static Phase run(Database database, UUID[] ids, int threads, int seconds, double writeShare)
            throws InterruptedException {
        LongAdder reads = new LongAdder();
        LongAdder writes = new LongAdder();
        long deadline = System.nanoTime() + seconds * 1_000_000_000L;
        List<Thread> workers = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            workers.add(Thread.ofPlatform().start(() -> {
                ThreadLocalRandom random = ThreadLocalRandom.current();
                while (System.nanoTime() < deadline) {
                    UUID user = ids[random.nextInt(ids.length)];
                    if (random.nextDouble() < writeShare) {
                        trade(database, user);
                        writes.increment();
                    } else {
                        database.read("bench_read", user, connection -> {
                            try (PreparedStatement select = connection.prepareStatement(READ)) {
                                select.setObject(1, user);
                                try (ResultSet rs = select.executeQuery()) {
                                    int rows = 0;
                                    while (rs.next()) {
                                        rows++;
                                    }
                                    return rows;
                                }
                            }
                        });
                        reads.increment();
                    }
                }
            }));
        }
        for (Thread worker : workers) {
            worker.join();
        }
        return new Phase(reads.sum(), writes.sum());
    }

    /** Statements the primary has run so far (pg_stat_database's committed transactions, a fair proxy). */
    private static long statements(Database database, UUID anyUser) {
        return com.nextleveltraders.data.Transactions.read(database.shardFor(anyUser).primary(), connection -> {
            try (PreparedStatement select = connection.prepareStatement(
                    "SELECT xact_commit FROM pg_stat_database WHERE datname = current_database()");
                    ResultSet rs = select.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        });
    }

    private static void seed(Database database, UUID user) {
        database.write("bench_write", user, connection -> {
            try (PreparedStatement insert = connection.prepareStatement(
                    "INSERT INTO accounts (user_id, bucket, currency, cash) VALUES (?, ?, 'USD', 100000)")) {
                insert.setObject(1, user);
                insert.setInt(2, database.router().bucketOf(user));
                insert.executeUpdate();
            }
            return null;
        });
        for (int i = 0; i < 5; i++) {
            trade(database, user);
        }
    }

    /** A trade row as a fill writes one (an order row for it first). */
    private static void trade(Database database, UUID user) {
        database.write("bench_write", user, connection -> {
            UUID order = UUID.randomUUID();
            int bucket = database.router().bucketOf(user);
            try (PreparedStatement insert = connection.prepareStatement(
                    "INSERT INTO orders (id, user_id, bucket, request_hash, symbol, side, type, quantity, status, "
                            + "filled_quantity, filled_avg_price, created_at, filled_at) VALUES (?, ?, ?, '\\x00', "
                            + "'KO', 'BUY', 'MARKET', 1, 'FILLED', 1, 50, now(), now())")) {
                insert.setObject(1, order);
                insert.setObject(2, user);
                insert.setInt(3, bucket);
                insert.executeUpdate();
            }
            try (PreparedStatement insert = connection.prepareStatement(
                    "INSERT INTO trades (id, user_id, bucket, order_id, symbol, side, quantity, price, notional, "
                            + "created_at) VALUES (?, ?, ?, ?, 'KO', 'BUY', 1, 50, 50, now())")) {
                insert.setObject(1, UUID.randomUUID());
                insert.setObject(2, user);
                insert.setInt(3, bucket);
                insert.setObject(4, order);
                insert.executeUpdate();
            }
            return null;
        });
    }
}
