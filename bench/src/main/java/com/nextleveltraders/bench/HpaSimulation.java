package com.nextleveltraders.bench;

import com.nextleveltraders.autoscaler.Instance;
import com.nextleveltraders.autoscaler.RegionSpread;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;

/**
 * The Kubernetes Horizontal Pod Autoscaler (autoscaling/v2) on CPU, as documented and as its replica calculator
 * does it, run once per sync period ({@link LoadTrace#STEP}, the default 15 s):
 * <ul>
 *   <li>{@code desiredReplicas = ceil(readyPods × usageRatio)}, {@code usageRatio = mean CPU of the ready pods /
 *       target}; no change while {@code |1 − usageRatio| ≤ tolerance} (0.1).</li>
 *   <li>Not-yet-ready pods have no CPU figure. When the ratio says scale up and such pods exist, they are counted
 *       at 0 % and the ratio is computed again over all pods; if that one is within the tolerance or points the
 *       other way, nothing changes. A pod's CPU is also ignored until a full metrics window (15 s) after it became
 *       ready, as within {@code --horizontal-pod-autoscaler-cpu-initialization-period} a sample that started before
 *       readiness does not count. After that its CPU counts, warm-up included.</li>
 *   <li>The default {@code behavior}: scale-up stabilisation 0 s and at most {@code max(100 %, 4 pods)} more per
 *       15 s; scale-down stabilisation 300 s (the highest recommendation of the last 5 minutes wins) and up to 100 %
 *       fewer per 15 s. Then {@code minReplicas..maxReplicas}.</li>
 * </ul>
 * Its metric is read at the sync instant, with no metrics-server delay, which favours it slightly. New pods are
 * placed and old ones removed with the same {@link RegionSpread} as ours.
 */
final class HpaSimulation {

    private static final Duration METRICS_WINDOW = Duration.ofSeconds(15);
    private static final Duration DOWN_STABILISATION = Duration.ofMinutes(5);
    private static final int UP_PODS_PER_PERIOD = 4;
    private static final double TOLERANCE = 0.1;

    private record Recommendation(Instant at, int replicas) {
    }

    private final SimulatedFleet fleet;
    private final RegionSpread spread;
    private final int min;
    private final int max;
    private final double targetPercent;
    private final Deque<Recommendation> recommendations = new ArrayDeque<>();

    HpaSimulation(SimulatedFleet fleet, RegionSpread spread, int min, int max, double targetPercent) {
        this.fleet = fleet;
        this.spread = spread;
        this.min = min;
        this.max = max;
        this.targetPercent = targetPercent;
    }

    /** One sync: compute, stabilise, limit, scale. */
    void sync() {
        Instant now = fleet.now();
        int current = fleet.instances().size();
        List<Double> readyCpu = new ArrayList<>();
        int unready = 0;
        for (SimulatedFleet.Member member : fleet.members()) {
            if (!now.isBefore(member.servingAt().plus(METRICS_WINDOW))) {
                readyCpu.add(fleet.cpuPercent(member));
            } else {
                unready++;
            }
        }
        int desired = replicas(current, readyCpu, unready);

        recommendations.addLast(new Recommendation(now, desired));
        while (recommendations.getFirst().at().isBefore(now.minus(DOWN_STABILISATION))) {
            recommendations.removeFirst();
        }
        int downRecommendation = recommendations.stream().mapToInt(Recommendation::replicas).max().orElseThrow();
        int upRecommendation = desired;
        int recommendation = current;
        if (recommendation < upRecommendation) {
            recommendation = upRecommendation;
        }
        if (recommendation > downRecommendation) {
            recommendation = downRecommendation;
        }
        int upLimit = Math.max(current * 2, current + UP_PODS_PER_PERIOD);
        int next = Math.max(min, Math.min(max, Math.min(recommendation, upLimit)));

        for (int i = current; i < next; i++) {
            fleet.launch(spread.whereToAdd(fleet.instances()));
        }
        for (int i = current; i > next; i--) {
            Instance victim = spread.whichToRemove(fleet.instances());
            fleet.stop(victim);
        }
    }

    /** The replica calculator for a resource metric with a utilisation target. */
    private int replicas(int current, List<Double> readyCpu, int unready) {
        if (readyCpu.isEmpty()) {
            return current;
        }
        double sum = readyCpu.stream().mapToDouble(Double::doubleValue).sum();
        double usageRatio = sum / readyCpu.size() / targetPercent;
        boolean countUnreadyAsIdle = unready > 0 && usageRatio > 1;
        if (!countUnreadyAsIdle) {
            if (Math.abs(1 - usageRatio) <= TOLERANCE) {
                return current;
            }
            return (int) Math.ceil(usageRatio * readyCpu.size());
        }
        int pods = readyCpu.size() + unready;
        double newUsageRatio = sum / pods / targetPercent;
        if (Math.abs(1 - newUsageRatio) <= TOLERANCE || newUsageRatio < 1) {
            return current;
        }
        int replicas = (int) Math.ceil(newUsageRatio * pods);
        return Math.max(replicas, current);
    }
}
