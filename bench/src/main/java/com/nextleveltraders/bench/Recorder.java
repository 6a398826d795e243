package com.nextleveltraders.bench;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * What one client thread saw in the measured window: the latency of every 201, the count of every
 * other status, and transport failures. Unsynchronised; merged after the threads have ended.
 */
final class Recorder {

    private long[] nanos = new long[1 << 14];
    private final int[] perSecond;
    private int successes;
    private final int[] statuses = new int[600];
    private long failures;
    private String firstFailure;

    /** @param seconds length of the whole run, warm-up included, for the per-second timeline */
    Recorder(int seconds) {
        perSecond = new int[seconds + 1];
    }

    /** A 201 completed {@code second} whole seconds after the start (warm-up or not). */
    void completedAt(int second) {
        perSecond[Math.max(0, Math.min(second, perSecond.length - 1))]++;
    }

    void success(long latencyNanos) {
        if (successes == nanos.length) {
            nanos = Arrays.copyOf(nanos, nanos.length * 2);
        }
        nanos[successes++] = latencyNanos;
    }

    void status(int code) {
        statuses[Math.max(0, Math.min(code, statuses.length - 1))]++;
    }

    void failure(Exception e) {
        failures++;
        if (firstFailure == null) {
            firstFailure = e.toString();
        }
    }

    /** The merged view of many recorders. */
    record Summary(long[] sortedNanos, Map<Integer, Long> otherStatuses, long failures, String firstFailure,
            int[] perSecond) {

        long count() {
            return sortedNanos.length;
        }

        /** Nearest-rank percentile in milliseconds; NaN without samples. */
        double percentileMillis(double p) {
            if (sortedNanos.length == 0) {
                return Double.NaN;
            }
            int rank = (int) Math.ceil(p / 100.0 * sortedNanos.length);
            return sortedNanos[Math.max(0, Math.min(rank, sortedNanos.length) - 1)] / 1e6;
        }

        double meanMillis() {
            if (sortedNanos.length == 0) {
                return Double.NaN;
            }
            double sum = 0;
            for (long n : sortedNanos) {
                sum += n;
            }
            return sum / sortedNanos.length / 1e6;
        }

        long errors() {
            long sum = failures;
            for (long c : otherStatuses.values()) {
                sum += c;
            }
            return sum;
        }
    }

    static Summary merge(List<Recorder> recorders) {
        int total = 0;
        for (Recorder r : recorders) {
            total += r.successes;
        }
        long[] all = new long[total];
        int at = 0;
        Map<Integer, Long> other = new TreeMap<>();
        long failures = 0;
        String first = null;
        int[] perSecond = new int[recorders.isEmpty() ? 0 : recorders.getFirst().perSecond.length];
        for (Recorder r : recorders) {
            for (int s = 0; s < perSecond.length; s++) {
                perSecond[s] += r.perSecond[s];
            }
            System.arraycopy(r.nanos, 0, all, at, r.successes);
            at += r.successes;
            for (int code = 0; code < r.statuses.length; code++) {
                if (r.statuses[code] > 0) {
                    other.merge(code, (long) r.statuses[code], Long::sum);
                }
            }
            failures += r.failures;
            if (first == null) {
                first = r.firstFailure;
            }
        }
        Arrays.sort(all);
        return new Summary(all, other, failures, first, perSecond);
    }
}
