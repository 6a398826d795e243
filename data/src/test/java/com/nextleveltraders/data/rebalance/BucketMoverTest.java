package com.nextleveltraders.data.rebalance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static com.nextleveltraders.data.TestRows.count;
import static com.nextleveltraders.data.TestRows.insertOrder;
import static com.nextleveltraders.data.TestRows.seedUser;

import com.nextleveltraders.config.PlatformConfig;
import com.nextleveltraders.data.Database;
import com.nextleveltraders.data.DatabaseUnavailableException;
import com.nextleveltraders.data.Shard;
import com.nextleveltraders.data.TestServers;
import com.nextleveltraders.data.Transactions;
import com.nextleveltraders.data.rebalance.MoveFaults.Point;
import com.nextleveltraders.data.rebalance.MoveFaults.SimulatedCrash;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Moving one bucket between two real PostgreSQL servers (the first holds the catalog and shard 1,
 * the second shard 2) while it is written to, and after a crash of the mover at each step.
 */
class BucketMoverTest {

    private static final List<String> TABLES = List.of("accounts", "orders", "trades", "positions");
    private static final AtomicInteger NEXT_BUCKET = new AtomicInteger(2); // even buckets start on shard 1

    private static TestServers servers;
    private static PlatformConfig config;

    @BeforeAll
    static void start() throws Exception {
        servers = TestServers.start("mover", 2);
        config = servers.config();
        servers.migrateWithShards(2);
    }

    @AfterAll
    static void stop() {
        servers.close();
    }

    @Test
    void aBucketMovesWhileEightThreadsWriteAndEveryAcknowledgedWriteLandsOnceOnTheNewShard() throws Exception {
        try (Database database = Database.open(config); Database writers = Database.open(config)) {
            int bucket = nextBucket();
            List<UUID> moving = new ArrayList<>();
            List<UUID> staying = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                moving.add(seedUser(writers, userInBucket(writers, bucket), 3));
                staying.add(seedUser(writers, userInBucket(writers, bucket + 2), 3));
            }
            Queue<UUID> acknowledgedOrders = new ConcurrentLinkedQueue<>();
            Map<UUID, AtomicLong> deposits = new ConcurrentHashMap<>();
            AtomicLong retried = new AtomicLong();
            AtomicBoolean stop = new AtomicBoolean();
            ExecutorService pool = Executors.newFixedThreadPool(8);
            List<Future<?>> threads = new ArrayList<>();
            for (int t = 0; t < 8; t++) {
                threads.add(pool.submit(() -> {
                    while (!stop.get()) {
                        var random = ThreadLocalRandom.current();
                        UUID user = (random.nextBoolean() ? moving : staying).get(random.nextInt(8));
                        UUID order = UUID.randomUUID();
                        for (int attempt = 1; ; attempt++) {
                            try {
                                writers.write("test_write", user, connection -> {
                                    insertOrder(connection, user, writers.router().bucketOf(user), order);
                                    try (PreparedStatement update = connection.prepareStatement(
                                            "UPDATE accounts SET cash = cash + 1 WHERE user_id = ?")) {
                                        update.setObject(1, user);
                                        return update.executeUpdate();
                                    }
                                });
                                break;
                            } catch (DatabaseUnavailableException busy) {
                                retried.incrementAndGet(); // "bucket is moving; retry shortly": the client retries
                                if (attempt == 5) {
                                    throw busy;
                                }
                            }
                        }
                        acknowledgedOrders.add(order);
                        deposits.computeIfAbsent(user, u -> new AtomicLong()).incrementAndGet();
                    }
                    return null;
                }));
            }
            Thread.sleep(700);
            BucketMover.Result result;
            try (BucketMover mover = BucketMover.open(database)) {
                result = mover.move(bucket, 1, 2);
            }
            Thread.sleep(700);
            stop.set(true);
            for (Future<?> thread : threads) {
                thread.get(); // no write failed
            }
            pool.shutdown();

            System.out.printf("moved bucket %d: %d rows copied, %d changes applied in %d rounds, freeze %.1f ms,"
                    + " %d orders acknowledged, %d client retries%n", bucket, result.rowsCopied(),
                    result.changesApplied(), result.catchupRounds(), result.freezeMillis(), acknowledgedOrders.size(),
                    retried.get());
            assertThat(result.moved()).isTrue();
            assertThat(result.freezeMillis()).isPositive();
            assertThat(result.freezeWaitMillis()).isNotNaN();
            assertThat(result.changesApplied()).as("writes during the move were caught up").isPositive();
            database.refreshDirectory();
            assertThat(database.router().shardFor(moving.getFirst()).id()).isEqualTo(2);
            assertOwnedOnlyBy(database, bucket, 2);
            assertThat(rowsOfBucket(shard(database, 1), bucket)).as("nothing left on the old shard").isZero();

            for (UUID order : acknowledgedOrders) {
                UUID user = orderUser(database, order);
                assertThat(user).as("order " + order + " exists").isNotNull();
                int owner = database.shardFor(user).id();
                assertThat(count(shard(database, owner), "SELECT count(*) FROM orders WHERE id = '" + order + "'"))
                        .isEqualTo(1);
                assertThat(count(shard(database, 3 - owner), "SELECT count(*) FROM orders WHERE id = '" + order + "'"))
                        .isZero();
            }
            for (UUID user : concat(moving, staying)) {
                long expected = 100 + deposits.getOrDefault(user, new AtomicLong()).get();
                DataSource owner = shard(database, database.shardFor(user).id());
                assertThat(count(owner, "SELECT cash::bigint FROM accounts WHERE user_id = '" + user + "'"))
                        .as("every deposit once").isEqualTo(expected);
                assertThat(count(owner, "SELECT count(*) FROM orders WHERE user_id = '" + user + "'"))
                        .isEqualTo(3 + deposits.getOrDefault(user, new AtomicLong()).get());
            }
        }
    }

    @ParameterizedTest
    @EnumSource(Point.class)
    void aMoverThatDiesAtAnyStepIsResumedWithNothingLostOrDuplicated(Point point) throws Exception {
        try (Database database = Database.open(config); Database stale = Database.open(config)) {
            int bucket = nextBucket();
            List<UUID> users = new ArrayList<>();
            for (int i = 0; i < 5; i++) {
                users.add(seedUser(database, userInBucket(database, bucket), 4));
            }
            stale.shardFor(users.getFirst()); // caches the directory as it is before the move
            long[] before = rowsPerTable(shard(database, 1), bucket);

            try (BucketMover mover = BucketMover.open(database, crashAt(point))) {
                assertThatThrownBy(() -> mover.move(bucket, 1, 2)).isInstanceOf(SimulatedCrash.class);
            }
            // Writes while the mover is dead, through a router that may be stale: they land wherever
            // the bucket is owned now, or wait for it to be owned again.
            List<UUID> written = new ArrayList<>();
            boolean owned = owner(database, bucket) != 0;
            if (owned) {
                for (UUID user : users) {
                    UUID order = UUID.randomUUID();
                    stale.write("test_write", user, connection -> insertOrder(connection, user, bucket, order));
                    written.add(order);
                }
            }
            // Positions closed meanwhile are deleted rows: the resume must delete them on the new shard.
            if (owned) {
                stale.write("test_write", users.getFirst(), connection -> connection.createStatement()
                        .executeUpdate("DELETE FROM positions WHERE user_id = '" + users.getFirst() + "'"));
            }

            List<BucketMover.Result> resumed;
            try (BucketMover mover = BucketMover.open(database)) {
                resumed = mover.resume();
                assertThat(mover.resume()).as("nothing left to resume").isEmpty();
            }
            assertThat(resumed).hasSize(1);
            boolean rolledForward = EnumSet.range(Point.FREEZE, Point.CLEANUP).contains(point);
            assertThat(resumed.getFirst().moved()).isEqualTo(rolledForward);
            int ownerNow = rolledForward ? 2 : 1;
            assertOwnedOnlyBy(database, bucket, ownerNow);
            database.refreshDirectory();
            assertThat(rowsOfBucket(shard(database, 3 - ownerNow), bucket)).as("nothing on the other shard").isZero();
            long[] after = rowsPerTable(shard(database, ownerNow), bucket);
            long[] expected = before.clone();
            expected[1] += written.size();
            if (owned) {
                expected[3] -= 2; // the two positions of the first user
            }
            assertThat(after).as("rows per table (accounts, orders, trades, positions)").containsExactly(expected);
            for (UUID order : written) {
                assertThat(count(shard(database, ownerNow), "SELECT count(*) FROM orders WHERE id = '" + order + "'"))
                        .isEqualTo(1);
            }
            for (DataSource shard : List.of(shard(database, 1), shard(database, 2))) {
                assertThat(count(shard, "SELECT count(*) FROM moving_buckets WHERE bucket = " + bucket)).isZero();
                assertThat(count(shard, "SELECT count(*) FROM bucket_changes WHERE bucket = " + bucket)).isZero();
            }
            String step = Transactions.read(database.catalog(), c -> {
                try (ResultSet rs = c.createStatement().executeQuery(
                        "SELECT step FROM bucket_moves WHERE bucket = " + bucket + " ORDER BY id DESC LIMIT 1")) {
                    rs.next();
                    return rs.getString(1);
                }
            });
            assertThat(step).isEqualTo(rolledForward ? "DONE" : "ROLLED_BACK");
        }
    }

    /**
     * A failure inside the flip that the mover lives through (a connection lost, not the process):
     * before S commits, S still owns the bucket; after, no one may own it. Either way the mover
     * settles the move at once, as a resume would, so the bucket is not left without an owner until
     * the next run.
     */
    @ParameterizedTest
    @EnumSource(value = Point.class, names = {"FLIP", "RELEASED"})
    void aFailureDuringTheFlipIsSettledBeforeTheMoverGivesUp(Point point) throws Exception {
        try (Database database = Database.open(config)) {
            int bucket = nextBucket();
            for (int i = 0; i < 3; i++) {
                seedUser(database, userInBucket(database, bucket), 3);
            }
            long[] before = rowsPerTable(shard(database, 1), bucket);
            try (BucketMover mover = BucketMover.open(database, failOnceAt(point))) {
                assertThatThrownBy(() -> mover.move(bucket, 1, 2))
                        .isInstanceOf(DatabaseUnavailableException.class)
                        .hasMessageContaining("injected failure at " + point);
            }
            assertOwnedOnlyBy(database, bucket, 2);
            assertThat(rowsPerTable(shard(database, 2), bucket)).containsExactly(before);
            assertThat(rowsOfBucket(shard(database, 1), bucket)).as("the old copy is cleaned up").isZero();
            try (BucketMover mover = BucketMover.open(database)) {
                assertThat(mover.resume()).as("nothing left to resume").isEmpty();
            }
        }
    }

    /**
     * The verification sums every row of the bucket on both sides, not only the changes the log
     * names: a row of the copy that differs where the log says nothing changed is found, and the
     * move rolled back, whether the source still held the bucket or had already let go of it.
     */
    @ParameterizedTest
    @EnumSource(value = Point.class, names = {"FREEZE", "RELEASED"})
    void aCopyThatDiffersFromTheSourceIsNeverFlippedTo(Point point) throws Exception {
        try (Database database = Database.open(config)) {
            int bucket = nextBucket();
            List<UUID> users = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                users.add(seedUser(database, userInBucket(database, bucket), 2));
            }
            long[] before = rowsPerTable(shard(database, 1), bucket);
            try (BucketMover mover = BucketMover.open(database, crashAt(point))) {
                assertThatThrownBy(() -> mover.move(bucket, 1, 2)).isInstanceOf(SimulatedCrash.class);
            }
            // A defect the change log cannot see: a copied row changed on the destination alone.
            try (Connection connection = shard(database, 2).getConnection();
                    PreparedStatement update = connection.prepareStatement(
                            "UPDATE trades SET price = price + 1 WHERE user_id = ?")) {
                update.setObject(1, users.getLast());
                assertThat(update.executeUpdate()).isEqualTo(2);
            }

            List<BucketMover.Result> resumed;
            try (BucketMover mover = BucketMover.open(database)) {
                resumed = mover.resume();
            }
            assertThat(resumed).hasSize(1);
            assertThat(resumed.getFirst().moved()).isFalse();
            assertThat(resumed.getFirst().note()).contains("verification failed");
            assertOwnedOnlyBy(database, bucket, 1);
            assertThat(rowsPerTable(shard(database, 1), bucket)).containsExactly(before);
            assertThat(rowsOfBucket(shard(database, 2), bucket)).as("the copy is dropped").isZero();
            // The bucket is writable where it stayed.
            UUID order = UUID.randomUUID();
            database.write("test_write", users.getFirst(), connection -> insertOrder(connection, users.getFirst(), bucket, order));
            assertThat(count(shard(database, 1), "SELECT count(*) FROM orders WHERE id = '" + order + "'"))
                    .isEqualTo(1);
        }
    }

    /**
     * A defective copy (here the destination alters the trades it receives) differs from the source
     * in rows the change log never names: the freeze's verification finds it, though nothing
     * changed after the catch-up, and the move is rolled back.
     */
    @Test
    void aDefectiveCopyIsRolledBackAtTheFreeze() throws Exception {
        try (Database database = Database.open(config)) {
            int bucket = nextBucket();
            for (int i = 0; i < 3; i++) {
                seedUser(database, userInBucket(database, bucket), 2);
            }
            long[] before = rowsPerTable(shard(database, 1), bucket);
            execute(shard(database, 2), """
                    CREATE FUNCTION defective_copy() RETURNS trigger LANGUAGE plpgsql AS $$
                    BEGIN NEW.price := NEW.price + 1; RETURN NEW; END $$;
                    CREATE TRIGGER defective_copy BEFORE INSERT ON trades FOR EACH ROW
                        WHEN (NEW.bucket = %d) EXECUTE FUNCTION defective_copy();""".formatted(bucket));
            BucketMover.Result result;
            try (BucketMover mover = BucketMover.open(database)) {
                result = mover.move(bucket, 1, 2);
            } finally {
                execute(shard(database, 2), "DROP TRIGGER defective_copy ON trades; DROP FUNCTION defective_copy()");
            }
            assertThat(result.moved()).isFalse();
            assertThat(result.note()).contains("verification failed");
            assertThat(result.changesApplied()).isZero();
            assertOwnedOnlyBy(database, bucket, 1);
            assertThat(rowsPerTable(shard(database, 1), bucket)).containsExactly(before);
            assertThat(rowsOfBucket(shard(database, 2), bucket)).as("the copy is dropped").isZero();
        }
    }

    private static void execute(DataSource dataSource, String sql) throws SQLException {
        try (Connection connection = dataSource.getConnection(); var statement = connection.createStatement()) {
            statement.execute(sql);
        }
    }

    @Test
    void aSecondMoverIsRefusedWhileOneHoldsTheLock() {
        try (Database database = Database.open(config); BucketMover mover = BucketMover.open(database)) {
            assertThatThrownBy(() -> BucketMover.open(database))
                    .isInstanceOf(BucketMover.MoveInProgressException.class)
                    .hasMessageContaining("another rebalance is running");
        }
        try (Database database = Database.open(config); BucketMover again = BucketMover.open(database)) {
            assertThat(again).isNotNull(); // released on close
        }
    }

    /**
     * The move lock is a session lock on the catalog: when its session ends (here the server
     * terminates it), another mover can take the lock, so this one must stop before its next step
     * rather than move a bucket beside the other. Nothing is changed, and the other takes over.
     */
    @Test
    void aMoverWhoseLockSessionEndedStopsBeforeItsNextStep() throws Exception {
        try (Database database = Database.open(config)) {
            int bucket = nextBucket();
            seedUser(database, userInBucket(database, bucket), 2);
            long[] before = rowsPerTable(shard(database, 1), bucket);
            long journal = count(database.catalog(), "SELECT count(*) FROM bucket_moves");
            try (BucketMover mover = BucketMover.open(database)) {
                assertThat(count(database.catalog(), """
                        SELECT count(*) FILTER (WHERE pg_terminate_backend(pid, 5000)) FROM pg_locks
                        WHERE locktype = 'advisory' AND objsubid = 1
                          AND ((classid::bigint << 32) | objid::bigint) = %d""".formatted(BucketMover.LOCK_KEY)))
                        .as("the mover's lock session, terminated").isEqualTo(1);
                assertThatThrownBy(() -> mover.move(bucket, 1, 2))
                        .isInstanceOf(DatabaseUnavailableException.class)
                        .hasMessageContaining("lost the catalog's move lock");
                try (BucketMover other = BucketMover.open(database)) {
                    assertThat(other.move(bucket, 1, 2).moved()).isTrue();
                }
            }
            assertThat(count(database.catalog(), "SELECT count(*) FROM bucket_moves")).isEqualTo(journal + 1);
            assertOwnedOnlyBy(database, bucket, 2);
            assertThat(rowsPerTable(shard(database, 2), bucket)).containsExactly(before);
        }
    }

    /**
     * PostgreSQL grants FOR SHARE on a row that is only share-locked at once, even while a FOR
     * UPDATE waits for it: with row locks alone, writes that keep overlapping starve the freeze.
     * Here one write holds the bucket, the move's freeze (the one at START, the same as the one
     * before the flip) waits for it, and a second write comes: it must wait behind the freeze,
     * not join the first one.
     */
    @Test
    void aWriteThatComesWhileTheFreezeWaitsQueuesBehindIt() throws Exception {
        try (Database database = Database.open(config); Database writers = Database.open(config);
                ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor()) {
            int bucket = nextBucket();
            UUID user = seedUser(writers, userInBucket(writers, bucket), 1);
            UUID firstOrder = UUID.randomUUID();
            UUID secondOrder = UUID.randomUUID();
            CountDownLatch firstInside = new CountDownLatch(1);
            CountDownLatch firstMayCommit = new CountDownLatch(1);
            AtomicBoolean secondInside = new AtomicBoolean();
            Future<?> first = threads.submit(() -> writers.write("test_write", user, connection -> {
                firstInside.countDown();
                awaitUninterruptibly(firstMayCommit);
                return insertOrder(connection, user, bucket, firstOrder);
            }));
            firstInside.await();
            Future<BucketMover.Result> move;
            Future<?> second;
            try (BucketMover mover = BucketMover.open(database)) {
                move = threads.submit(() -> mover.move(bucket, 1, 2));
                try {
                    awaitLockWaiters(database, 1); // the freeze, waiting for the first write
                    second = threads.submit(() -> writers.write("test_write", user, connection -> {
                        secondInside.set(true);
                        return insertOrder(connection, user, bucket, secondOrder);
                    }));
                    // The second write either goes in beside the first or waits for a lock too.
                    while (!secondInside.get() && lockWaiters(database) < 2) {
                        Thread.sleep(5);
                    }
                    assertThat(secondInside).as("a write went ahead of the freeze waiting before it").isFalse();
                } finally {
                    firstMayCommit.countDown();
                }
                first.get();
                second.get();
                assertThat(move.get().moved()).isTrue();
            }
            assertOwnedOnlyBy(database, bucket, 2);
            for (UUID order : List.of(firstOrder, secondOrder)) {
                assertThat(count(shard(database, 2), "SELECT count(*) FROM orders WHERE id = '" + order + "'"))
                        .isEqualTo(1);
                assertThat(count(shard(database, 1), "SELECT count(*) FROM orders WHERE id = '" + order + "'"))
                        .isZero();
            }
        }
    }

    /** Backends of the first server (catalog and shard 1) waiting for a heavyweight lock. */
    private static long lockWaiters(Database database) {
        return count(database.catalog(), "SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock'");
    }

    private static void awaitLockWaiters(Database database, long waiters) throws InterruptedException {
        while (lockWaiters(database) < waiters) {
            Thread.sleep(5);
        }
    }

    private static void awaitUninterruptibly(CountDownLatch latch) {
        boolean interrupted = false;
        while (true) {
            try {
                latch.await();
                break;
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    // --- helpers ---

    /** The mover dies at {@code point}. */
    private static MoveFaults crashAt(Point point) {
        return at -> {
            if (at == point) {
                throw new SimulatedCrash(at);
            }
        };
    }

    /** The first time the mover passes {@code point}, a failure it lives through, as a lost connection. */
    private static MoveFaults failOnceAt(Point point) {
        AtomicBoolean failed = new AtomicBoolean();
        return at -> {
            if (at == point && failed.compareAndSet(false, true)) {
                throw new DatabaseUnavailableException("injected failure at " + at, null);
            }
        };
    }

    private static int nextBucket() {
        return NEXT_BUCKET.getAndAdd(4);
    }

    static UUID userInBucket(Database database, int bucket) {
        while (true) {
            UUID user = UUID.randomUUID();
            if (database.router().bucketOf(user) == bucket) {
                return user;
            }
        }
    }

    private static UUID orderUser(Database database, UUID order) {
        for (Shard shard : database.router().shards()) {
            UUID user = Transactions.read(shard.primary(), c -> {
                try (ResultSet rs = c.createStatement().executeQuery("SELECT user_id FROM orders WHERE id = '" + order + "'")) {
                    return rs.next() ? (UUID) rs.getObject(1) : null;
                }
            });
            if (user != null) {
                return user;
            }
        }
        return null;
    }

    /** Exactly one shard owns the bucket, and the directory names it. */
    static void assertOwnedOnlyBy(Database database, int bucket, int shard) {
        assertThat(owner(database, bucket)).as("directory of bucket " + bucket).isEqualTo(shard);
        for (Shard candidate : database.router().shards()) {
            assertThat(count(candidate.primary(), "SELECT count(*) FROM owned_buckets WHERE bucket = " + bucket))
                    .as("shard " + candidate.id() + " owns bucket " + bucket).isEqualTo(candidate.id() == shard ? 1 : 0);
        }
    }

    private static int owner(Database database, int bucket) {
        // Unowned only between the old owner letting go and the new one taking it (a crash there).
        database.refreshDirectory();
        int named = (int) count(database.catalog(), "SELECT shard_id FROM bucket_directory WHERE bucket = " + bucket);
        return count(shard(database, named), "SELECT count(*) FROM owned_buckets WHERE bucket = " + bucket) == 1
                ? named : 0;
    }

    static long rowsOfBucket(DataSource shard, int bucket) {
        long total = 0;
        for (long rows : rowsPerTable(shard, bucket)) {
            total += rows;
        }
        return total;
    }

    static long[] rowsPerTable(DataSource shard, int bucket) {
        long[] rows = new long[TABLES.size()];
        for (int i = 0; i < rows.length; i++) {
            rows[i] = count(shard, "SELECT count(*) FROM " + TABLES.get(i) + " WHERE bucket = " + bucket);
        }
        return rows;
    }

    static DataSource shard(Database database, int id) {
        return database.router().shards().stream().filter(s -> s.id() == id).findFirst().orElseThrow().primary();
    }

    private static <T> List<T> concat(List<T> a, List<T> b) {
        List<T> all = new ArrayList<>(a);
        all.addAll(b);
        return all;
    }
}
