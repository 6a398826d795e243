package com.nextleveltraders.api;

import com.nextleveltraders.data.DataMetrics;
import com.zaxxer.hikari.metrics.MetricsTrackerFactory;
import com.zaxxer.hikari.metrics.micrometer.MicrometerMetricsTrackerFactory;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.DoubleSupplier;
import java.util.stream.Stream;

/**
 * The data tier's signals on the instance's {@code /metrics}: {@code db_operations_seconds} by
 * {@code operation} (buckets as {@link HttpMetrics}'s, with the query-time alert's threshold among
 * them, so that the share of units slower than it is counted exactly), HikariCP's own
 * {@code hikaricp_connections_*} with {@code pool} naming the server, and
 * {@code db_replica_lag_seconds} by {@code shard}.
 */
final class DatabaseMetrics implements DataMetrics {

    private final MeterRegistry registry;
    private final Duration[] buckets;
    private final MetricsTrackerFactory hikari;
    // One Timer per operation, built on its first unit: never on the hot path after that.
    private final Map<String, Timer> timers = new ConcurrentHashMap<>();

    DatabaseMetrics(MeterRegistry registry, Duration queryTimeThreshold) {
        this.registry = registry;
        this.buckets = Stream.concat(HttpMetrics.STANDARD_BUCKETS.stream(), Stream.of(queryTimeThreshold)).distinct()
                .sorted().toArray(Duration[]::new);
        this.hikari = new MicrometerMetricsTrackerFactory(registry);
    }

    @Override
    public void unitOfWork(String operation, long nanos) {
        timers.computeIfAbsent(operation, this::timer).record(nanos, TimeUnit.NANOSECONDS);
    }

    private Timer timer(String operation) {
        return Timer.builder("db.operations")
                .description("units of work on the database, by what they do, retries included")
                .tag("operation", operation)
                .serviceLevelObjectives(buckets)
                .register(registry);
    }

    @Override
    public MetricsTrackerFactory pool(String server) {
        // HikariCP tags its meters with the name it is given: the server's, not the pool's.
        return (poolName, stats) -> hikari.create(server, stats);
    }

    @Override
    public AutoCloseable replicaLag(int shard, DoubleSupplier seconds) {
        Gauge gauge = Gauge.builder("db.replica.lag", seconds::getAsDouble)
                .description("how far the shard's replica is behind its primary; NaN while unknown")
                .tag("shard", Integer.toString(shard))
                .baseUnit("seconds")
                .strongReference(true)
                .register(registry);
        return () -> registry.remove(gauge);
    }
}
