package com.nextleveltraders.monitor;

/** Prometheus's {@code histogram_quantile} over one histogram's cumulative buckets. */
final class Quantiles {

    private Quantiles() {
    }

    /**
     * The {@code q}-quantile: linear interpolation within the bucket holding the rank, the first bucket starting at
     * zero, and the highest finite bound when the rank falls into {@code +Inf}. NaN when there is no {@code +Inf}
     * bucket, fewer than two buckets, or no observation.
     *
     * @param bounds increasing upper bounds ({@code le})
     * @param counts cumulative counts at each bound; a bucket lagging the one before it (counters are not read
     *               atomically) is lifted to it, as Prometheus does
     */
    static double of(double q, double[] bounds, double[] counts) {
        int n = bounds.length;
        if (n < 2 || bounds[n - 1] != Double.POSITIVE_INFINITY) {
            return Double.NaN;
        }
        double[] cumulative = new double[n];
        double max = 0;
        for (int i = 0; i < n; i++) {
            max = Math.max(max, counts[i]);
            cumulative[i] = max;
        }
        double total = cumulative[n - 1];
        if (!(total > 0)) {
            return Double.NaN;
        }
        double rank = q * total;
        int b = 0;
        while (cumulative[b] < rank) {
            b++;
        }
        if (b == n - 1) {
            return bounds[n - 2];
        }
        double end = bounds[b];
        if (b == 0 && end <= 0) {
            return end;
        }
        double start = b == 0 ? 0 : bounds[b - 1];
        double below = b == 0 ? 0 : cumulative[b - 1];
        double inBucket = cumulative[b] - below;
        // inBucket is 0 only for q = 0 over an empty first bucket: 0/0, NaN, as in Prometheus.
        return start + (end - start) * ((rank - below) / inBucket);
    }
}
