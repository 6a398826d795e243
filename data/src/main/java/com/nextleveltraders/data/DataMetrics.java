package com.nextleveltraders.data;

import com.zaxxer.hikari.metrics.MetricsTrackerFactory;
import java.util.function.DoubleSupplier;

/**
 * What the data tier tells the metrics of the process it runs in: the time of each unit of work by
 * operation, each server's pool, and each watched replica's lag. The API instance binds it to the
 * registry its {@code /metrics} serves; a command-line process, scraped by nobody, uses {@link #NONE}.
 * Data itself stays free of a metrics library this way.
 */
public interface DataMetrics {

    /** Reports nothing. */
    DataMetrics NONE = new DataMetrics() {
    };

    /**
     * One unit of work finished, well or not, after {@code nanos}. Called on every request's path:
     * an implementation must not build anything per call.
     *
     * @param operation what the unit does, in snake_case ({@code place_order}, {@code fill}, ...)
     */
    default void unitOfWork(String operation, long nanos) {
    }

    /**
     * HikariCP's metrics for the pool to {@code server} ({@code host:port/database}), or {@code null} for
     * none. HikariCP removes what the tracker registered when the pool closes.
     */
    default MetricsTrackerFactory pool(String server) {
        return null;
    }

    /**
     * Starts showing the lag of shard {@code shard}'s replica, in seconds ({@code NaN} while unknown);
     * closing the result stops it.
     */
    default AutoCloseable replicaLag(int shard, DoubleSupplier seconds) {
        return () -> {
        };
    }
}
