package com.nextleveltraders.monitor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.nextleveltraders.monitor.LatencyHistogram.Bucket;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Quantiles as Prometheus's histogram_quantile computes them, and merging instances' requests. */
class LatencyHistogramTest {

    private static final Instant T0 = Instant.parse("2026-11-26T12:00:00Z");
    private static final Instant T1 = T0.plusSeconds(15);
    private static final double INF = Double.POSITIVE_INFINITY;
    private static final double[] BOUNDS = {0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, INF};

    /** {@code count} requests, all slower than {@code lowerBound} seconds and within the next bound. */
    private static LatencyHistogram requestsIn(Instant from, Instant to, double lowerBound, long count) {
        List<Bucket> buckets = new ArrayList<>();
        for (double bound : BOUNDS) {
            buckets.add(new Bucket(bound, bound > lowerBound ? count : 0));
        }
        return new LatencyHistogram(from, to, buckets);
    }

    private static LatencyHistogram histogram(double[] bounds, long[] counts) {
        Bucket[] buckets = new Bucket[bounds.length];
        for (int i = 0; i < bounds.length; i++) {
            buckets[i] = new Bucket(bounds[i], counts[i]);
        }
        return new LatencyHistogram(T0, T1, List.of(buckets));
    }

    @Test
    void theQuantileIsInterpolatedWithinItsBucket() {
        // histogram_quantile(0.99, ...) over le 0.1: 50, 0.5: 90, 1: 100, +Inf: 100 is 0.5 + 0.5 * (99 - 90) / 10.
        LatencyHistogram h = histogram(new double[] {0.1, 0.5, 1, INF}, new long[] {50, 90, 100, 100});

        assertThat(h.count()).isEqualTo(100);
        assertThat(h.quantile(0.99)).contains(Duration.ofMillis(950));
        assertThat(h.quantile(0.5)).contains(Duration.ofMillis(100));
        assertThat(h.quantile(0.7)).contains(Duration.ofMillis(300));
    }

    @Test
    void theFirstBucketStartsAtZero() {
        LatencyHistogram h = requestsIn(T0, T1, 0, 100);

        assertThat(h.quantile(0.5)).contains(Duration.ofNanos(2_500_000));
    }

    @Test
    void aRankInTheInfiniteBucketIsTheHighestFiniteBound() {
        LatencyHistogram h = requestsIn(T0, T1, 5, 10);

        assertThat(h.quantile(0.99)).contains(Duration.ofSeconds(5));
    }

    @Test
    void noRequestsOrNoFiniteBucketGiveNoQuantile() {
        assertThat(LatencyHistogram.empty(T0, T1).quantile(0.99)).isEmpty();
        assertThat(requestsIn(T0, T1, 0.5, 0).quantile(0.99)).isEmpty();
        assertThat(histogram(new double[] {INF}, new long[] {7}).quantile(0.99)).isEmpty();
    }

    @Test
    void bucketsReadOutOfStepAreMadeMonotonicLikePrometheusDoes() {
        // The 0.5 bucket was read before ten requests that the 0.1 bucket already counts: read as 60 at 0.5 s.
        LatencyHistogram h = histogram(new double[] {0.1, 0.5, 1, INF}, new long[] {60, 50, 100, 100});

        assertThat(h.quantile(0.7)).contains(Duration.ofMillis(625));
    }

    @Test
    void mergingAddsRequestsBucketByBucketOverTheUnionOfBounds() {
        LatencyHistogram a = histogram(new double[] {0.1, 1, INF}, new long[] {10, 20, 20});
        LatencyHistogram b = new LatencyHistogram(T0.minusSeconds(1), T1.plusSeconds(1),
                List.of(new Bucket(0.5, 5), new Bucket(INF, 8)));

        LatencyHistogram merged = LatencyHistogram.merge(List.of(a, b));

        assertThat(merged.buckets()).containsExactly(new Bucket(0.1, 10), new Bucket(0.5, 15), new Bucket(1, 25),
                new Bucket(INF, 28));
        assertThat(merged.from()).isEqualTo(T0.minusSeconds(1));
        assertThat(merged.to()).isEqualTo(T1.plusSeconds(1));
        assertThat(LatencyHistogram.merge(List.of(a, LatencyHistogram.empty(T0, T1))).buckets())
                .isEqualTo(a.buckets());
    }

    @Test
    void malformedHistogramsAreRefused() {
        assertThatThrownBy(() -> histogram(new double[] {0.5, 0.1, INF}, new long[] {1, 1, 1}))
                .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("upper bounds must increase");
        assertThatThrownBy(() -> histogram(new double[] {0.1, 0.5}, new long[] {1, 1}))
                .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("the last bucket must be +Inf");
        assertThatThrownBy(() -> new Bucket(0.1, -1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new Bucket(Double.NaN, 1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new LatencyHistogram(T1, T0, List.of())).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> requestsIn(T0, T1, 0, 1).quantile(1.5)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> LatencyHistogram.merge(List.of())).isInstanceOf(IllegalArgumentException.class);
    }
}
