package com.nextleveltraders.monitor;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeSet;

/**
 * The requests completed in {@code (from, to]}, by how long they took: Prometheus's cumulative buckets, each
 * counting the requests that took at most its upper bound. Built from the difference of two scrapes of an
 * instance's cumulative counters, so that a quantile describes those seconds and not the process's life.
 *
 * @param buckets by increasing upper bound; empty (no requests) or ending with the {@code +Inf} bucket
 */
public record LatencyHistogram(Instant from, Instant to, List<Bucket> buckets) {

    private static final long NANOS_PER_SECOND = 1_000_000_000L;

    /**
     * Requests that took at most {@code upperBoundSeconds}.
     *
     * @param upperBoundSeconds the bucket's {@code le} label; {@link Double#POSITIVE_INFINITY} for {@code +Inf}
     */
    public record Bucket(double upperBoundSeconds, long count) {

        public Bucket {
            if (Double.isNaN(upperBoundSeconds)) {
                throw new IllegalArgumentException("upper bound must be a number: " + upperBoundSeconds);
            }
            if (count < 0) {
                throw new IllegalArgumentException("count must not be negative: " + count);
            }
        }
    }

    public LatencyHistogram {
        Objects.requireNonNull(from, "from");
        Objects.requireNonNull(to, "to");
        buckets = List.copyOf(buckets);
        if (to.isBefore(from)) {
            throw new IllegalArgumentException("to must not be before from: " + from + " > " + to);
        }
        for (int i = 1; i < buckets.size(); i++) {
            if (!(buckets.get(i - 1).upperBoundSeconds() < buckets.get(i).upperBoundSeconds())) {
                throw new IllegalArgumentException("upper bounds must increase: " + buckets);
            }
        }
        if (!buckets.isEmpty() && buckets.getLast().upperBoundSeconds() != Double.POSITIVE_INFINITY) {
            throw new IllegalArgumentException("the last bucket must be +Inf: " + buckets);
        }
    }

    /** No requests in {@code (from, to]}. */
    public static LatencyHistogram empty(Instant from, Instant to) {
        return new LatencyHistogram(from, to, List.of());
    }

    /** How many requests completed. */
    public long count() {
        return buckets.isEmpty() ? 0 : buckets.getLast().count();
    }

    /**
     * The {@code q}-quantile estimated as Prometheus's {@code histogram_quantile} does: linear interpolation within
     * the bucket holding the rank, the first bucket starting at zero, and the highest finite bound when the rank falls
     * into {@code +Inf}. Empty when no request completed or when only the {@code +Inf} bucket exists.
     *
     * @param q between 0 and 1
     */
    public Optional<Duration> quantile(double q) {
        if (!(q >= 0 && q <= 1)) {
            throw new IllegalArgumentException("q must be between 0 and 1: " + q);
        }
        double[] bounds = new double[buckets.size()];
        double[] counts = new double[buckets.size()];
        for (int i = 0; i < bounds.length; i++) {
            bounds[i] = buckets.get(i).upperBoundSeconds();
            counts[i] = buckets.get(i).count();
        }
        double seconds = Quantiles.of(q, bounds, counts);
        return Double.isNaN(seconds) ? Optional.empty() : Optional.of(seconds(seconds));
    }

    /**
     * The requests of all {@code histograms} together: over the union of their bounds, each contributing at a
     * bound the requests it counted at its own largest bound not above it (a bound it lacks adds no guess).
     * {@code from} and {@code to} are the earliest and the latest of theirs.
     *
     * @throws IllegalArgumentException when {@code histograms} is empty
     */
    public static LatencyHistogram merge(Collection<LatencyHistogram> histograms) {
        if (histograms.isEmpty()) {
            throw new IllegalArgumentException("nothing to merge");
        }
        TreeSet<Double> bounds = new TreeSet<>();
        Instant from = Instant.MAX;
        Instant to = Instant.MIN;
        for (LatencyHistogram h : histograms) {
            h.buckets.forEach(bucket -> bounds.add(bucket.upperBoundSeconds()));
            from = from.isBefore(h.from) ? from : h.from;
            to = to.isAfter(h.to) ? to : h.to;
        }
        List<Bucket> merged = new ArrayList<>(bounds.size());
        for (double bound : bounds) {
            long count = 0;
            for (LatencyHistogram h : histograms) {
                count += h.countAtMost(bound);
            }
            merged.add(new Bucket(bound, count));
        }
        return new LatencyHistogram(from, to, merged);
    }

    private long countAtMost(double bound) {
        long count = 0;
        for (Bucket bucket : buckets) {
            if (bucket.upperBoundSeconds() > bound) {
                break;
            }
            count = bucket.count();
        }
        return count;
    }

    private static Duration seconds(double seconds) {
        return Duration.ofNanos(Math.round(seconds * NANOS_PER_SECOND));
    }
}
