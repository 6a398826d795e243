package com.nextleveltraders.autoscaler;

import com.nextleveltraders.autoscaler.Decision.Kind;
import com.nextleveltraders.autoscaler.FleetSeries.Reading;
import com.nextleveltraders.config.AutoScaling;
import com.nextleveltraders.config.LatencyScaleUpRule;
import com.nextleveltraders.config.ScaleDownRule;
import com.nextleveltraders.config.ScaleUpRule;
import com.nextleveltraders.config.Scaling;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.Set;
import java.util.stream.Stream;

/**
 * Decides how many API instances should run, from their metrics and the rules of {@code autoScaling}, within
 * {@code scaling.minInstances..maxInstances}. It starts and stops nothing: {@link ScalingLoop} scrapes, asks and
 * carries the decision out. Thread-safe.
 *
 * <h2>What a rule means</h2>
 * "CPU over 70 % for 5 m" holds when the fleet's CPU was over 70 % at every instant of the last 5 minutes, and
 * samples covered all of those 5 minutes. Precisely:
 * <ul>
 *   <li>An instance is <em>usable</em> from the later of its start plus {@code autoScaling.warmup} and the last
 *       change of the fleet. Its samples from before then are not used: a starting JVM burns CPU compiling code,
 *       and samples taken before a change describe another fleet.</li>
 *   <li>A sample describes the time since its instance's previous sample: Micrometer's {@code process_cpu_usage} is
 *       measured between two reads, and the requests are the difference of two reads of the counters. So the first
 *       sample after the instance became usable only opens its window; it is not used.</li>
 *   <li>A sample <em>stands</em> from when it was taken until the instance's next sample, but for at most 1.5
 *       {@code autoScaling.interval}s. One missed scrape therefore leaves a gap.</li>
 *   <li>The fleet's CPU (or memory) at an instant is the average of the standing samples of the usable instances
 *       running now. Response time is the 99th percentile of the requests those samples counted since their
 *       instance's previous scrape, merged over the instances, as Prometheus's {@code histogram_quantile} would
 *       estimate it from the buckets.</li>
 *   <li>A scale-up rule holds when its figure was above its threshold (strictly) at every instant of the last
 *       {@code duration}, with at least one usable instance reporting at each. An instance that does not answer
 *       is left out of the average: it neither proves nor disproves a scale-up.</li>
 *   <li>A scale-down rule holds when its figure was below its threshold (strictly) at every instant of the last
 *       {@code duration} and every usable instance was reporting it: a missing sample is a gap, and a gap means the
 *       scale-down is not proven (the silent instance may be the busy one). A newly usable instance is given two
 *       sample lifetimes (one to open its window, one to report) before its silence counts as a gap.</li>
 *   <li>The windows restart after every change of the fleet: one the autoscaler made ({@link #applied}), an
 *       instance that started, or one that disappeared (then from its last sample, the last instant it was known
 *       to be there).</li>
 * </ul>
 *
 * <h2>How rules combine</h2>
 * <ul>
 *   <li>Fewer instances than the minimum: {@link Kind#RESTORE} to the minimum at once, without waiting for a
 *       window or the cooldown. More than the maximum: {@link Kind#SCALE_DOWN} to the maximum.</li>
 *   <li>When any scale-up rule holds, instances are added, whatever the scale-down rules say. When several hold,
 *       the increment is the largest of theirs, not their sum: they are symptoms of one shortage (a saturated CPU
 *       also makes requests slow), and adding for each symptom would count it twice.</li>
 *   <li>Instances are removed only when every scale-down rule holds and no scale-up threshold is crossed now
 *       (response time may be high while CPU and memory are low, and removing capacity would not help it). The
 *       decrement is the smallest of the scale-down rules': removing is done cautiously.</li>
 *   <li>After a scale-up or a scale-down (an attempted one too), no other follows for {@code autoScaling.cooldown},
 *       so that one spike cannot add instances twice. With the defaults, the 5 m windows restarting after the change
 *       already wait longer than the 3 m cooldown; the cooldown matters for shorter windows and after failures.</li>
 * </ul>
 *
 * <h2>Figures</h2>
 * Every decision carries, in this order and where known: {@code instances} (running), {@code usable} (out of
 * warm-up), {@code reporting} (usable with a standing sample), {@code cpuPercent}, {@code memoryPercent},
 * {@code p99Millis} (the fleet's, now), how long each condition has held, in seconds and up to its rule's
 * duration ({@code cpuAboveSeconds}, {@code memoryAboveSeconds}, {@code p99AboveSeconds}, {@code cpuBelowSeconds},
 * {@code memoryBelowSeconds}), {@code windowSeconds} (since the windows restarted) and {@code cooldownSeconds}
 * (left).
 */
public final class Autoscaler {

    // A sample stands for one interval, and half of one more for a scrape that comes late.
    private static final long VALIDITY_PER_INTERVAL_NUMERATOR = 3;
    private static final long VALIDITY_PER_INTERVAL_DENOMINATOR = 2;
    private static final double MILLIS_PER_SECOND = 1000;

    private final AutoScaling rules;
    private final Scaling scaling;
    private final Clock clock;
    private final Duration validity;
    // Samples older than this are in no window any more.
    private final Duration horizon;
    private final Map<String, List<InstanceMetrics>> samples = new HashMap<>();
    private Instant changedAt = Instant.MIN;
    private Instant cooldownUntil = Instant.MIN;

    public Autoscaler(AutoScaling autoScaling, Scaling scaling, Clock clock) {
        this.rules = Objects.requireNonNull(autoScaling, "autoScaling");
        this.scaling = Objects.requireNonNull(scaling, "scaling");
        this.clock = Objects.requireNonNull(clock, "clock");
        if (!autoScaling.interval().isPositive()) {
            throw new IllegalArgumentException("autoScaling.interval must be > 0: " + autoScaling.interval());
        }
        if (scaling.minInstances() < 0 || scaling.maxInstances() < scaling.minInstances()) {
            throw new IllegalArgumentException("instances must be 0 <= min <= max: " + scaling.minInstances()
                    + ".." + scaling.maxInstances());
        }
        this.validity = autoScaling.interval().multipliedBy(VALIDITY_PER_INTERVAL_NUMERATOR)
                .dividedBy(VALIDITY_PER_INTERVAL_DENOMINATOR);
        Duration longest = Stream.of(autoScaling.scaleUp().cpu().duration(), autoScaling.scaleUp().memory().duration(),
                autoScaling.scaleUp().responseTime().duration(), autoScaling.scaleDown().cpu().duration(),
                autoScaling.scaleDown().memory().duration()).max(Duration::compareTo).orElseThrow();
        this.horizon = longest.plus(validity.multipliedBy(3));
    }

    Scaling scaling() {
        return scaling;
    }

    /** Adds one scrape; samples too old to be in any window are dropped. */
    public synchronized void record(InstanceMetrics metrics) {
        List<InstanceMetrics> list = samples.computeIfAbsent(metrics.instanceId(), id -> new ArrayList<>());
        int at = list.size();
        while (at > 0 && list.get(at - 1).at().isAfter(metrics.at())) {
            at--;
        }
        list.add(at, metrics);
        Instant oldest = clock.instant().minus(horizon);
        samples.values().forEach(l -> l.removeIf(s -> s.at().isBefore(oldest)));
        samples.values().removeIf(List::isEmpty);
    }

    /**
     * Tells that {@code decision} was carried out (or attempted) now: the windows restart, and after a scale-up or a
     * scale-down the cooldown starts. A {@link Kind#HOLD} changes nothing.
     */
    public synchronized void applied(Decision decision) {
        if (decision.kind() == Kind.HOLD) {
            return;
        }
        changedAt = clock.instant();
        if (decision.kind() == Kind.SCALE_UP || decision.kind() == Kind.SCALE_DOWN) {
            cooldownUntil = changedAt.plus(rules.cooldown());
        }
    }

    /** What should happen now, given the instances running; changes nothing. */
    public synchronized Decision evaluate(List<Instance> running) {
        Instant now = clock.instant();
        int n = running.size();
        Instant since = since(running);
        FleetSeries fleet = FleetSeries.of(running, samples, since, now, rules.warmup(), validity);
        Reading cpu = fleet.average(now, InstanceMetrics::cpuPercent);
        Reading memory = fleet.average(now, InstanceMetrics::memoryPercent);
        Optional<Duration> p99 = fleet.p99(now);

        ScaleUpRule cpuUp = rules.scaleUp().cpu();
        ScaleUpRule memoryUp = rules.scaleUp().memory();
        LatencyScaleUpRule latencyUp = rules.scaleUp().responseTime();
        ScaleDownRule cpuDown = rules.scaleDown().cpu();
        ScaleDownRule memoryDown = rules.scaleDown().memory();
        Duration cpuAbove = fleet.held(t -> above(fleet.average(t, InstanceMetrics::cpuPercent), cpuUp.threshold()),
                cpuUp.duration());
        Duration memoryAbove = fleet.held(
                t -> above(fleet.average(t, InstanceMetrics::memoryPercent), memoryUp.threshold()), memoryUp.duration());
        Duration p99Above = fleet.held(t -> slower(fleet.p99(t), latencyUp.threshold()), latencyUp.duration());
        Duration cpuBelow = fleet.held(t -> below(fleet.average(t, InstanceMetrics::cpuPercent), cpuDown.threshold()),
                cpuDown.duration());
        Duration memoryBelow = fleet.held(
                t -> below(fleet.average(t, InstanceMetrics::memoryPercent), memoryDown.threshold()),
                memoryDown.duration());
        Duration cooldown = cooldownUntil.isAfter(now) ? Duration.between(now, cooldownUntil) : Duration.ZERO;

        Map<String, Double> figures = new LinkedHashMap<>();
        figures.put("instances", (double) n);
        figures.put("usable", (double) fleet.usable(now));
        figures.put("reporting", (double) fleet.reporting(now));
        cpu.average().ifPresent(v -> figures.put("cpuPercent", v));
        memory.average().ifPresent(v -> figures.put("memoryPercent", v));
        p99.ifPresent(v -> figures.put("p99Millis", v.toNanos() / 1e6));
        figures.put("cpuAboveSeconds", seconds(min(cpuAbove, cpuUp.duration())));
        figures.put("memoryAboveSeconds", seconds(min(memoryAbove, memoryUp.duration())));
        figures.put("p99AboveSeconds", seconds(min(p99Above, latencyUp.duration())));
        figures.put("cpuBelowSeconds", seconds(min(cpuBelow, cpuDown.duration())));
        figures.put("memoryBelowSeconds", seconds(min(memoryBelow, memoryDown.duration())));
        if (!since.equals(Instant.MIN)) {
            figures.put("windowSeconds", seconds(since.isBefore(now) ? Duration.between(since, now) : Duration.ZERO));
        }
        figures.put("cooldownSeconds", seconds(cooldown));
        Verdict verdict = new Verdict(now, n, figures);

        int min = scaling.minInstances();
        int max = scaling.maxInstances();
        if (n < min) {
            return verdict.to(Kind.RESTORE, min, n + " running, fewer than scaling.minInstances (" + min + ")"
                    + gone(running));
        }
        if (n > max) {
            return verdict.to(Kind.SCALE_DOWN, max, n + " running, more than scaling.maxInstances (" + max + ")");
        }

        List<String> up = new ArrayList<>();
        int increment = 0;
        if (cpuAbove.compareTo(cpuUp.duration()) >= 0) {
            up.add("cpu above " + cpuUp.threshold() + " % for " + ReasonFigures.duration(cpuUp.duration()) + " (now "
                    + ReasonFigures.percent(cpu.average().orElseThrow()) + ")");
            increment = Math.max(increment, cpuUp.increment());
        }
        if (memoryAbove.compareTo(memoryUp.duration()) >= 0) {
            up.add("memory above " + memoryUp.threshold() + " % for " + ReasonFigures.duration(memoryUp.duration()) + " (now "
                    + ReasonFigures.percent(memory.average().orElseThrow()) + ")");
            increment = Math.max(increment, memoryUp.increment());
        }
        if (p99Above.compareTo(latencyUp.duration()) >= 0) {
            up.add("response time p99 above " + ReasonFigures.duration(latencyUp.threshold()) + " for "
                    + ReasonFigures.duration(latencyUp.duration()) + " (now " + ReasonFigures.millis(p99.orElseThrow()) + ")");
            increment = Math.max(increment, latencyUp.increment());
        }
        if (!up.isEmpty()) {
            String why = String.join(", ", up);
            if (n >= max) {
                return verdict.hold(why + ", but " + n + " running is scaling.maxInstances");
            }
            if (cooldown.isPositive()) {
                return verdict.hold(why + ", but the cooldown after the last change has " + ReasonFigures.duration(cooldown)
                        + " left");
            }
            int to = Math.min(max, n + increment);
            String step = up.size() > 1 ? ": +" + increment + ", the largest increment of the rules that hold"
                    : ": +" + increment;
            return verdict.to(Kind.SCALE_UP, to, why + step + (to < n + increment ? ", up to scaling.maxInstances" : ""));
        }

        boolean downHolds = cpuBelow.compareTo(cpuDown.duration()) >= 0
                && memoryBelow.compareTo(memoryDown.duration()) >= 0;
        if (downHolds) {
            String why = "cpu below " + cpuDown.threshold() + " % for " + ReasonFigures.duration(cpuDown.duration()) + " (now "
                    + ReasonFigures.percent(cpu.average().orElseThrow()) + ") and memory below " + memoryDown.threshold()
                    + " % for " + ReasonFigures.duration(memoryDown.duration()) + " (now "
                    + ReasonFigures.percent(memory.average().orElseThrow()) + ")";
            Optional<String> crossed = upThresholdCrossed(cpu, memory, p99);
            if (crossed.isPresent()) {
                return verdict.hold(why + ", but " + crossed.get());
            }
            if (n <= min) {
                return verdict.hold(why + ", but " + n + " running is scaling.minInstances");
            }
            if (cooldown.isPositive()) {
                return verdict.hold(why + ", but the cooldown after the last change has " + ReasonFigures.duration(cooldown)
                        + " left");
            }
            int decrement = Math.min(cpuDown.decrement(), memoryDown.decrement());
            return verdict.to(Kind.SCALE_DOWN, Math.max(min, n - decrement), why + ": -" + Math.min(decrement, n - min));
        }
        return verdict.hold("no rule holds: " + summary(fleet, now, cpu, memory, p99, cpuAbove, cpuBelow, memoryAbove,
                memoryBelow, p99Above));
    }

    /** The decision being built: when, from how many, and its figures. */
    private record Verdict(Instant at, int from, Map<String, Double> figures) {

        Decision to(Kind kind, int to, String reason) {
            return new Decision(at, kind, from, to, reason, figures);
        }

        Decision hold(String reason) {
            return new Decision(at, Kind.HOLD, from, from, reason, figures);
        }
    }

    /**
     * Where the windows start: the last change made, the start of the newest running instance, and the last sample
     * of any instance that is gone, whichever is latest.
     */
    private Instant since(List<Instance> running) {
        Instant since = changedAt;
        Set<String> ids = new HashSet<>();
        for (Instance instance : running) {
            ids.add(instance.id());
            since = later(since, instance.startedAt());
        }
        for (Map.Entry<String, List<InstanceMetrics>> entry : samples.entrySet()) {
            if (!ids.contains(entry.getKey())) {
                since = later(since, entry.getValue().getLast().at());
            }
        }
        return since;
    }

    private String gone(List<Instance> running) {
        Set<String> ids = new HashSet<>();
        running.forEach(instance -> ids.add(instance.id()));
        List<String> gone = samples.keySet().stream().filter(id -> !ids.contains(id)).sorted().toList();
        return gone.isEmpty() ? "" : " (no longer running: " + String.join(", ", gone) + ")";
    }

    private Optional<String> upThresholdCrossed(Reading cpu, Reading memory, Optional<Duration> p99) {
        if (above(cpu, rules.scaleUp().cpu().threshold())) {
            return Optional.of("cpu " + ReasonFigures.percent(cpu.average().orElseThrow()) + " is above "
                    + rules.scaleUp().cpu().threshold() + " % now");
        }
        if (above(memory, rules.scaleUp().memory().threshold())) {
            return Optional.of("memory " + ReasonFigures.percent(memory.average().orElseThrow()) + " is above "
                    + rules.scaleUp().memory().threshold() + " % now");
        }
        Duration threshold = rules.scaleUp().responseTime().threshold();
        if (slower(p99, threshold)) {
            return Optional.of("response time p99 " + ReasonFigures.millis(p99.orElseThrow()) + " is above "
                    + ReasonFigures.duration(threshold) + " now");
        }
        return Optional.empty();
    }

    private String summary(FleetSeries fleet, Instant now, Reading cpu, Reading memory, Optional<Duration> p99,
            Duration cpuAbove, Duration cpuBelow, Duration memoryAbove, Duration memoryBelow, Duration p99Above) {
        int usable = fleet.usable(now);
        if (usable == 0) {
            return "no instance is out of its warm-up yet";
        }
        return "cpu " + figure(cpu.average()) + " (above " + rules.scaleUp().cpu().threshold() + " % for "
                + ReasonFigures.duration(cpuAbove) + ", below " + rules.scaleDown().cpu().threshold() + " % for "
                + ReasonFigures.duration(cpuBelow) + "), memory " + figure(memory.average()) + " (above "
                + rules.scaleUp().memory().threshold() + " % for " + ReasonFigures.duration(memoryAbove) + ", below "
                + rules.scaleDown().memory().threshold() + " % for " + ReasonFigures.duration(memoryBelow) + "), p99 "
                + p99.map(ReasonFigures::millis).orElse("unknown") + " (above "
                + ReasonFigures.duration(rules.scaleUp().responseTime().threshold()) + " for " + ReasonFigures.duration(p99Above) + "), "
                + fleet.reporting(now) + " of " + usable + " usable instances reporting";
    }

    private static String figure(OptionalDouble value) {
        return value.isPresent() ? ReasonFigures.percent(value.getAsDouble()) : "unknown";
    }

    private static boolean above(Reading reading, int threshold) {
        return reading.average().isPresent() && reading.average().getAsDouble() > threshold;
    }

    private static boolean below(Reading reading, int threshold) {
        return reading.complete() && reading.average().getAsDouble() < threshold;
    }

    private static boolean slower(Optional<Duration> p99, Duration threshold) {
        return p99.isPresent() && p99.get().compareTo(threshold) > 0;
    }

    private static Instant later(Instant a, Instant b) {
        return a.isAfter(b) ? a : b;
    }

    private static Duration min(Duration a, Duration b) {
        return a.compareTo(b) <= 0 ? a : b;
    }

    private static double seconds(Duration d) {
        return d.toMillis() / MILLIS_PER_SECOND;
    }
}
