package com.nextleveltraders.monitor;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

/** The per-second rate of a counter over a range, computed as Prometheus's {@code rate()} does. */
final class Counters {

    private static final double NANOS = 1e9;
    // Prometheus extrapolates to a range boundary only when it is closer than 110 % of the average sample spacing.
    private static final double EXTRAPOLATION_LIMIT = 1.1;

    private Counters() {
    }

    /**
     * The increase per second of a counter sampled at {@code points} (oldest first, all within
     * {@code (from, to]}), counting a drop as a restart from zero and extrapolating towards the range's ends as
     * Prometheus's {@code extrapolatedRate} does; NaN with fewer than two points.
     */
    static double extrapolatedRate(List<SeriesStore.Point> points, Instant from, Instant to) {
        if (points.size() < 2) {
            return Double.NaN;
        }
        SeriesStore.Point first = points.getFirst();
        SeriesStore.Point last = points.getLast();
        double increase = last.value() - first.value();
        double previous = first.value();
        for (SeriesStore.Point p : points) {
            if (p.value() < previous) {
                increase += previous;
            }
            previous = p.value();
        }
        double sampled = seconds(first.at(), last.at());
        if (sampled <= 0) {
            return Double.NaN;
        }
        double toStart = seconds(from, first.at());
        double toEnd = seconds(last.at(), to);
        double average = sampled / (points.size() - 1);
        double limit = average * EXTRAPOLATION_LIMIT;
        // A boundary farther than the limit means the series starts or ends within the range: half a spacing.
        if (toStart >= limit) {
            toStart = average / 2;
        }
        if (toEnd >= limit) {
            toEnd = average / 2;
        }
        // A counter cannot have been below zero: whichever start was chosen, not before the zero point. The
        // order matters (prometheus/prometheus#13725): taking the zero point before halving would extrapolate a
        // late-starting series back to its zero point, farther than the half spacing it gets.
        if (increase > 0 && first.value() >= 0) {
            double toZero = sampled * (first.value() / increase);
            toStart = Math.min(toStart, toZero);
        }
        return increase * ((sampled + toStart + toEnd) / sampled) / seconds(from, to);
    }

    private static double seconds(Instant from, Instant to) {
        return Duration.between(from, to).toNanos() / NANOS;
    }
}
