package com.nextleveltraders.data;

import com.nextleveltraders.cache.WritePosition;
import com.nextleveltraders.cache.WritePositions;
import com.nextleveltraders.config.PlatformConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The data tier as the rest of the platform sees it: the catalog (users, the bucket directory, the
 * shard registry) and a router to the shard of each user. Writes go through {@link #write}, which
 * checks inside the transaction that the shard still owns the user's bucket.
 */
public final class Database implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(Database.class);

    // A stale directory is read again once per attempt; several in a row mean buckets are moving
    // right now, which a later retry by the client gets through.
    private static final int MAX_ROUTING_ATTEMPTS = 6;
    private static final java.time.Duration ROUTING_BACKOFF = java.time.Duration.ofMillis(10);
    // A primary that does not answer makes every request for its shard read the registry again,
    // in case it was failed over: at most this often, however many requests fail at once.
    private static final java.time.Duration FAILOVER_REFRESH = java.time.Duration.ofMillis(250);

    private final PlatformConfig config;
    private final Clock clock;
    private final ServerPools pools;
    private final DataMetrics metrics;
    private final Map<Integer, ReplicaMonitor> monitors = new ConcurrentHashMap<>();
    private final LongAdder replicaReads = new LongAdder();
    private final LongAdder primaryReads = new LongAdder();
    private volatile WritePositions positions = WritePositions.NONE;
    private volatile boolean closed;
    private final HikariDataSource catalog;
    private final DirectoryRouter router;

    private Database(PlatformConfig config, Clock clock, ServerPools pools, HikariDataSource catalog,
            java.time.Duration closeAfter, DataMetrics metrics) {
        this.config = config;
        this.clock = clock;
        this.pools = pools;
        this.metrics = metrics;
        this.catalog = catalog;
        this.router = new DirectoryRouter(catalog, config.database().sharding().buckets(), pools, this::stopWatching,
                clock, closeAfter, metrics);
    }

    /**
     * Opens the pool to the catalog ({@code platform.postgres}); the shards' pools open when the
     * directory is first read. Does not migrate ({@link Migrations#apply}). The pools of a shard
     * that left the directory close {@code database.sharding.retiredPoolsCloseAfter} later: a
     * setting meant to outlast any request that took the shard from the directory just before
     * (longer than {@code platform.gateway.responseTimeout}, after which the gateway gives up, and
     * than {@code database.pool.statementTimeout}), so that no request is cut off by its pool closing.
     */
    public static Database open(PlatformConfig config) {
        return open(config, DataMetrics.NONE);
    }

    /** As {@link #open(PlatformConfig)}, telling {@code metrics} of every unit of work, pool and watched replica. */
    public static Database open(PlatformConfig config, DataMetrics metrics) {
        return open(config, config.database().sharding().retiredPoolsCloseAfter(), metrics);
    }

    /** As {@link #open(PlatformConfig)}, closing the pools of a shard that left {@code closeAfter} later. */
    static Database open(PlatformConfig config, java.time.Duration closeAfter) {
        return open(config, closeAfter, DataMetrics.NONE);
    }

    private static Database open(PlatformConfig config, java.time.Duration closeAfter, DataMetrics metrics) {
        ServerPools pools = new ServerPools(config, config.platform().api().instanceId(), metrics);
        var endpoint = config.platform().postgres();
        HikariDataSource catalog = pools.get(endpoint.host(), endpoint.port(), endpoint.database());
        return new Database(config, Clock.systemUTC(), pools, catalog, closeAfter, metrics);
    }

    public PlatformConfig config() {
        return config;
    }

    /** The pool to one server's database (opened on first use, closed with this). */
    public DataSource pool(String host, int port, String database) {
        return pools.get(host, port, database);
    }

    public DataSource catalog() {
        return catalog;
    }

    public ShardRouter router() {
        return router;
    }

    public Shard shardFor(UUID userId) {
        return router.shardFor(userId);
    }

    /** Reads the shard registry and the bucket directory again. */
    public void refreshDirectory() {
        router.refresh();
    }

    /**
     * Runs {@code work} in one transaction on the primary of the user's shard, after checking
     * there, inside the transaction, that the shard owns the user's bucket. A router whose
     * directory is stale therefore never writes to the old owner: it reads the directory again and
     * retries on the new one.
     *
     * @param operation what the work does, in snake_case: the tag of its time in the metrics, which
     *                  covers the whole unit, reading the directory again and retrying included
     */
    public <T> T write(String operation, UUID userId, SqlWork<T> work) {
        long start = System.nanoTime();
        try {
            return write(userId, work);
        } finally {
            metrics.unitOfWork(operation, System.nanoTime() - start);
        }
    }

    private <T> T write(UUID userId, SqlWork<T> work) {
        int bucket = router.bucketOf(userId);
        boolean movedOn = false;
        for (int attempt = 1; ; attempt++) {
            Shard shard = router.shardFor(userId);
            try {
                T result = Transactions.inTransaction(shard.primary(), connection -> {
                    Ownership.check(connection, bucket, shard.id());
                    return work.run(connection);
                });
                recordWrite(userId, shard);
                return result;
            } catch (DatabaseUnavailableException down) {
                // Once, and only when nothing was committed: a write whose commit may have reached
                // the old primary answers 503, and the client's retry (an order's clientOrderId)
                // finds it if it was kept.
                if (movedOn || !down.notCommitted() || !failedOver(userId, shard, down)) {
                    throw down;
                }
                movedOn = true;
            } catch (StaleDirectoryException stale) {
                if (attempt >= MAX_ROUTING_ATTEMPTS) {
                    throw new DatabaseUnavailableException("bucket " + bucket + " is moving; retry shortly", stale);
                }
                if (attempt > 1) {
                    // A bucket changing owners is unowned for a moment between the old owner letting
                    // go and the directory naming the new one: wait a little more each time.
                    pause(ROUTING_BACKOFF.multipliedBy(1L << (attempt - 2)));
                }
                router.refresh();
            }
        }
    }

    /**
     * After {@code shard}'s primary did not answer: reads the registry again (unless another request
     * just did) and tells whether the user's shard has another primary now, its replica promoted by
     * a failover, for the work to run there instead.
     */
    private boolean failedOver(UUID userId, Shard shard, DatabaseUnavailableException down) {
        try {
            router.refreshIfOlderThan(FAILOVER_REFRESH);
            return router.shardFor(userId).primary() != shard.primary();
        } catch (RuntimeException refreshFailed) {
            down.addSuppressed(refreshFailed);
            return false;
        }
    }

    /**
     * Shares each user's write positions through {@code positions}, which lets reads go to replicas
     * ({@link #read}); until this is called every read goes to the primary.
     */
    public void useWritePositions(WritePositions positions) {
        this.positions = positions;
    }

    /**
     * Runs read-only {@code work} for the user on their shard's replica when that is safe: the
     * replica answers, is at most {@code platform.replicaReads.maxLag} behind, and has replayed
     * the user's last write on this shard (its position shared through {@link WritePositions},
     * GitLab's way of load-balancing reads). Otherwise, or if the replica fails on the way, on the
     * primary. Like a write, a read first checks that the server it reads owns the bucket: a router
     * whose directory is stale reads the directory again rather than a moved bucket's old copy.
     */
    public <T> T read(String operation, UUID userId, SqlWork<T> work) {
        return routed(operation, userId, true, (source, checked) -> Transactions.read(source, checked(checked, work)));
    }

    /** As {@link #read}, in one REPEATABLE READ transaction, for reads that must agree with each other. */
    public <T> T readInTransaction(String operation, UUID userId, SqlWork<T> work) {
        return routed(operation, userId, true,
                (source, checked) -> Transactions.inTransaction(source, snapshot(checked, work)));
    }

    /**
     * As {@link #readInTransaction}, always on the primary: for what gets cached and shared (a
     * portfolio snapshot), which must never come from a replica that might be behind.
     */
    public <T> T readLatest(String operation, UUID userId, SqlWork<T> work) {
        return routed(operation, userId, false,
                (source, checked) -> Transactions.inTransaction(source, snapshot(checked, work)));
    }

    /**
     * Runs {@code work} in one transaction on {@code server} (the catalog, or a shard's primary from
     * {@link #router}) with {@link Transactions#inTransaction}, timed as {@code operation}: for work
     * that is not one user's (the fill engine's passes, the catalog's users).
     */
    public <T> T inTransaction(String operation, DataSource server, SqlWork<T> work) {
        long start = System.nanoTime();
        try {
            return Transactions.inTransaction(server, work);
        } finally {
            metrics.unitOfWork(operation, System.nanoTime() - start);
        }
    }

    /** As {@link #inTransaction}, read-only outside a transaction ({@link Transactions#read}). */
    public <T> T readOn(String operation, DataSource server, SqlWork<T> work) {
        long start = System.nanoTime();
        try {
            return Transactions.read(server, work);
        } finally {
            metrics.unitOfWork(operation, System.nanoTime() - start);
        }
    }

    /** One snapshot for the check and the work: the isolation must be set before the first statement. */
    private static <T> SqlWork<T> snapshot(Check check, SqlWork<T> work) {
        return connection -> {
            connection.setTransactionIsolation(Connection.TRANSACTION_REPEATABLE_READ);
            return checked(check, work).run(connection);
        };
    }

    /** The ownership check to run before a read's work, on the server it reads. */
    private record Check(int bucket, int shard) {
    }

    private static <T> SqlWork<T> checked(Check check, SqlWork<T> work) {
        return connection -> {
            Ownership.checkRead(connection, check.bucket(), check.shard());
            return work.run(connection);
        };
    }

    private <T> T routed(String operation, UUID userId, boolean replicaAllowed,
            java.util.function.BiFunction<DataSource, Check, T> run) {
        long start = System.nanoTime();
        try {
            return routed(userId, replicaAllowed, run);
        } finally {
            metrics.unitOfWork(operation, System.nanoTime() - start);
        }
    }

    private <T> T routed(UUID userId, boolean replicaAllowed, java.util.function.BiFunction<DataSource, Check, T> run) {
        int bucket = router.bucketOf(userId);
        boolean movedOn = false;
        for (int attempt = 1; ; attempt++) {
            Shard shard = router.shardFor(userId);
            Check check = new Check(bucket, shard.id());
            try {
                if (replicaAllowed && replicaSafe(userId, shard)) {
                    try {
                        T result = run.apply(shard.replica(), check);
                        replicaReads.increment();
                        return result;
                    } catch (DatabaseUnavailableException | DataAccessException | StaleDirectoryException notThere) {
                        // The replica went away since the last poll (a pooled connection to a server
                        // that stopped fails without a SQLState), or has not replayed a bucket's
                        // arrival yet: the primary answers, and its own check decides.
                    }
                }
                T result;
                try {
                    result = run.apply(shard.primary(), check);
                } catch (DatabaseUnavailableException down) {
                    if (movedOn || !failedOver(userId, shard, down)) {
                        throw down;
                    }
                    movedOn = true;
                    continue;
                }
                primaryReads.increment();
                return result;
            } catch (StaleDirectoryException stale) {
                if (attempt >= MAX_ROUTING_ATTEMPTS) {
                    throw new DatabaseUnavailableException("bucket " + bucket + " is moving; retry shortly", stale);
                }
                if (attempt > 1) {
                    pause(ROUTING_BACKOFF.multipliedBy(1L << (attempt - 2)));
                }
                router.refresh();
            }
        }
    }

    private boolean replicaSafe(UUID userId, Shard shard) {
        if (shard.replica() == null || positions == WritePositions.NONE) {
            return false;
        }
        ReplicaMonitor monitor = monitor(shard);
        if (!monitor.usable()) {
            return false;
        }
        Optional<WritePosition> lastWrite = lastWrite(userId);
        if (lastWrite == null) {
            return false;
        }
        // A position from another shard (the bucket moved since) says nothing about this replica.
        return lastWrite.isEmpty()
                || lastWrite.get().shard() == shard.id() && monitor.replayed() >= lastWrite.get().lsn();
    }

    /**
     * Call after any committed change to the user's rows made outside {@link #write} (the fill
     * engine's): remembers where it is in the WAL so that reads wait for the replica to have it.
     */
    public void recordWrite(UUID userId, Shard shard) {
        if (shard.replica() == null || positions == WritePositions.NONE) {
            return;
        }
        try {
            positions.remember(userId, new WritePosition(shard.id(), Lsn.current(shard.primary())));
        } catch (SQLException | RuntimeException e) {
            // The write is committed and must be acknowledged. Until the position is known to
            // others again, a read of trades or orders on another instance may find a replica a
            // moment behind; cached portfolios never come from replicas (readLatest).
            LOG.warn("position of a write of {} not shared: {}", userId, e.toString());
        }
    }

    /** The user's last write position; null when it cannot be known now (then only the primary is safe). */
    private Optional<WritePosition> lastWrite(UUID userId) {
        if (WritePositions.KNOWN.isBound() && WritePositions.KNOWN.get().user().equals(userId)) {
            return WritePositions.KNOWN.get().position();
        }
        try {
            return positions.lastWrite(userId);
        } catch (RuntimeException e) {
            return null;
        }
    }

    /** Reads served by replicas and by primaries since start. */
    public long replicaReads() {
        return replicaReads.sum();
    }

    public long primaryReads() {
        return primaryReads.sum();
    }

    private ReplicaMonitor monitor(Shard shard) {
        return monitors.computeIfAbsent(shard.id(), id -> {
            var reads = config.platform().replicaReads();
            ReplicaMonitor monitor = new ReplicaMonitor(id, shard.primary(), shard.replica(), reads.maxLag(),
                    reads.pollInterval(), clock);
            monitor.pollNow();
            monitor.showLag(metrics.replicaLag(id, monitor::lagSeconds));
            return monitor.start();
        });
    }

    /** A shard left the directory's view (retired, or on other servers now): its replica is no longer watched. */
    private void stopWatching(Shard shard) {
        ReplicaMonitor monitor = monitors.remove(shard.id());
        if (monitor != null) {
            monitor.close();
        }
    }

    /** The shards whose replica is watched now: for tests. */
    java.util.Set<Integer> watchedReplicas() {
        return java.util.Set.copyOf(monitors.keySet());
    }

    private static void pause(java.time.Duration duration) {
        try {
            Thread.sleep(duration);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new DatabaseUnavailableException("interrupted while a bucket moves", e);
        }
    }

    /**
     * Reads the directory again every {@code interval} until closed: a backstop for routers that
     * neither write to a moved bucket nor read one (the fill engine's list of shards, a new shard).
     */
    public void refreshDirectoryEvery(java.time.Duration interval) {
        Thread.ofVirtual().name("directory-refresh").start(() -> {
            while (!closed) {
                try {
                    Thread.sleep(interval);
                    router.refresh();
                } catch (InterruptedException e) {
                    return;
                } catch (RuntimeException e) {
                    LOG.debug("directory refresh failed: {}", e.toString());
                }
            }
        });
    }

    /** True when the catalog gives a connection within the pool's timeout and answers in one second. */
    public boolean isUp() {
        return answers(catalog);
    }

    /** True when the primary of shard {@code shard} answers now. */
    public static boolean answers(DataSource dataSource) {
        try (Connection connection = dataSource.getConnection()) {
            return connection.isValid(1);
        } catch (SQLException e) {
            return false;
        }
    }

    /** Pool statistics for metrics: connections in use and the most allowed, over every server. */
    public int activeConnections() {
        return pools.usage()[0];
    }

    public int maxConnections() {
        return pools.usage()[1];
    }

    @Override
    public void close() {
        closed = true;
        monitors.values().forEach(ReplicaMonitor::close);
        pools.close();
    }
}
