package com.nextleveltraders.bench;

import com.nextleveltraders.autoscaler.Instance;
import com.nextleveltraders.autoscaler.InstanceMetrics;
import com.nextleveltraders.monitor.LatencyHistogram;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;

/**
 * API instances under a {@link LoadTrace}, in simulated time, with what they cost and how well they served. The
 * capacity model, the same for every autoscaler simulated:
 * <ul>
 *   <li>An instance serves {@value #CAPACITY} requests/s at 100 % CPU. The load balancer spreads the requests over
 *       the serving instances evenly, so each runs at utilisation {@code ρ = rate / (serving × capacity)} and at
 *       {@code 100 ρ} % CPU (at most 100: what is beyond waits).</li>
 *   <li>A launched instance serves {@link #STARTUP} later (JVM start, migrations check, the load balancer's health
 *       checks). Until then it costs but serves nothing and answers no scrape.</li>
 *   <li>For its first {@link #JIT_WARMUP} of serving it burns {@value #JIT_CPU} more CPU points compiling, which is
 *       no load: the warm-up CPU that autoscalers must not mistake for load.</li>
 *   <li>Heap in use: 30 % plus 25 % × ρ (ρ at most 1).</li>
 *   <li>Response time p99: 50 ms / (1 − ρ) up to ρ = 0.95 (1 s), then 10 s more per unit of ρ above it (a backlog
 *       builds). It crosses the 500 ms threshold at ρ = 0.9, so the instances serving are <em>enough</em> for a load
 *       when they run it at ρ ≤ 0.9.</li>
 *   <li>The requests of one scrape interval have exponentially distributed durations with that p99, counted in the
 *       API's histogram buckets.</li>
 * </ul>
 * Not thread-safe except {@link #scrape}, which an autoscaler may call from several threads while time stands still.
 */
final class SimulatedFleet {

    static final double CAPACITY = 100;
    static final Duration STARTUP = Duration.ofSeconds(60);
    static final Duration JIT_WARMUP = Duration.ofSeconds(60);
    static final double JIT_CPU = 40;
    static final double ENOUGH = 0.9;
    static final Instant START = Instant.parse("2026-11-26T00:00:00Z");

    private static final double[] BOUNDS = {0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5};
    private static final double BASE_P99_SECONDS = 0.05;
    private static final double LINEAR_FROM = 0.95;
    private static final double BACKLOG_SECONDS_PER_RHO = 10;
    private static final double HEAP_BASE = 30;
    private static final double HEAP_PER_RHO = 25;
    private static final double LN_100 = Math.log(100);

    /** One instance; it serves from {@code servingAt}. */
    record Member(Instance instance, Instant servingAt) {
    }

    /** One launch (+1) or stop (−1). */
    record Action(Instant at, int direction) {
    }

    private final LoadTrace trace;
    private final SimulatedClock clock = new SimulatedClock(START);
    private final List<Member> members = new ArrayList<>();
    private final List<Action> actions = new ArrayList<>();
    private final Map<String, Instant> lastScrape = new HashMap<>();
    private int step;
    private int launched;
    private double instanceSeconds;
    private final boolean[] shortSteps;
    private final int[] instancesPerStep;
    private final int[] servingPerStep;
    private double requestsArrived;
    private double beyondCapacity;
    private int peak;

    SimulatedFleet(LoadTrace trace, int initial, List<String> regions) {
        this.trace = trace;
        this.shortSteps = new boolean[trace.steps()];
        this.instancesPerStep = new int[trace.steps()];
        this.servingPerStep = new int[trace.steps()];
        for (int i = 0; i < initial; i++) {
            // Running long before the trace starts: warm, and out of every warm-up.
            Instance instance = instance(regions.get(i % regions.size()), START.minus(Duration.ofHours(1)));
            members.add(new Member(instance, instance.startedAt().plus(STARTUP)));
        }
        peak = members.size();
    }

    Clock clock() {
        return clock;
    }

    Instant now() {
        return clock.instant();
    }

    boolean done() {
        return step >= trace.steps();
    }

    /** Starts an instance now; it serves {@link #STARTUP} later. */
    synchronized Instance launch(String region) {
        Instance instance = instance(region, now());
        members.add(new Member(instance, now().plus(STARTUP)));
        actions.add(new Action(now(), 1));
        peak = Math.max(peak, members.size());
        return instance;
    }

    synchronized void stop(Instance instance) {
        if (members.removeIf(m -> m.instance().id().equals(instance.id()))) {
            actions.add(new Action(now(), -1));
        }
    }

    synchronized List<Instance> instances() {
        return members.stream().map(Member::instance).toList();
    }

    synchronized List<Member> members() {
        return List.copyOf(members);
    }

    /** Accounts the current step with the instances as they are, and moves time one step on. */
    synchronized void step() {
        if (!done()) {
            double seconds = LoadTrace.STEP.toSeconds();
            int serving = serving();
            instanceSeconds += members.size() * seconds;
            shortSteps[step] = trace.level(step) > serving * CAPACITY * ENOUGH;
            instancesPerStep[step] = members.size();
            servingPerStep[step] = serving;
            requestsArrived += trace.rate(step) * seconds;
            beyondCapacity += Math.max(0, trace.rate(step) - serving * CAPACITY) * seconds;
        }
        step++;
        clock.advance(LoadTrace.STEP);
    }

    synchronized int serving() {
        return (int) members.stream().filter(m -> !m.servingAt().isAfter(now())).count();
    }

    /** The load each serving instance runs at now; infinite when none serves. */
    synchronized double utilisation() {
        int serving = serving();
        return serving == 0 ? Double.POSITIVE_INFINITY : trace.rate(Math.min(step, trace.steps() - 1)) / (serving * CAPACITY);
    }

    /** The CPU a serving member shows now: its share of the load, plus compilation while it is warming up. */
    synchronized double cpuPercent(Member member) {
        double cpu = 100 * Math.min(1, utilisation());
        if (now().isBefore(member.servingAt().plus(JIT_WARMUP))) {
            cpu += JIT_CPU;
        }
        return Math.min(100, cpu);
    }

    /** What a scrape of {@code instance} would read now: nothing before it serves. */
    synchronized Optional<InstanceMetrics> scrape(Instance instance) {
        Member member = members.stream().filter(m -> m.instance().id().equals(instance.id())).findFirst().orElse(null);
        if (member == null || member.servingAt().isAfter(now())) {
            return Optional.empty();
        }
        double rho = utilisation();
        Instant previous = lastScrape.put(instance.id(), now());
        Optional<LatencyHistogram> requests = Optional.empty();
        if (previous != null && previous.isBefore(now())) {
            double seconds = Duration.between(previous, now()).toMillis() / 1000.0;
            long count = Math.round(Math.min(1, rho) * CAPACITY * seconds);
            requests = Optional.of(histogram(previous, now(), count, p99Seconds(rho)));
        }
        return Optional.of(InstanceMetrics.of(instance.id(), now(), OptionalDouble.of(cpuPercent(member)),
                OptionalDouble.of(HEAP_BASE + HEAP_PER_RHO * Math.min(1, rho)), requests));
    }

    static double p99Seconds(double rho) {
        if (rho < LINEAR_FROM) {
            return BASE_P99_SECONDS / (1 - rho);
        }
        return BASE_P99_SECONDS / (1 - LINEAR_FROM) + BACKLOG_SECONDS_PER_RHO * (rho - LINEAR_FROM);
    }

    private static LatencyHistogram histogram(Instant from, Instant to, long count, double p99Seconds) {
        double mean = p99Seconds / LN_100;
        List<LatencyHistogram.Bucket> buckets = new ArrayList<>();
        for (double bound : BOUNDS) {
            buckets.add(new LatencyHistogram.Bucket(bound, Math.round(count * (1 - Math.exp(-bound / mean)))));
        }
        buckets.add(new LatencyHistogram.Bucket(Double.POSITIVE_INFINITY, count));
        return new LatencyHistogram(from, to, buckets);
    }

    private Instance instance(String region, Instant startedAt) {
        launched++;
        String id = "api-" + launched;
        return new Instance(id, region, startedAt, URI.create("sim://" + id + "/metrics"));
    }

    // Results

    double instanceMinutes() {
        return instanceSeconds / 60;
    }

    /** Seconds in steps {@code [from, to)} when the instances serving were not enough for the load's level. */
    long secondsShort(int from, int to) {
        long seconds = 0;
        for (int s = from; s < to; s++) {
            seconds += shortSteps[s] ? LoadTrace.STEP.toSeconds() : 0;
        }
        return seconds;
    }

    /** The share of all requests that arrived beyond what the serving instances could take. */
    double beyondCapacityShare() {
        return beyondCapacity / requestsArrived;
    }

    List<Action> actions() {
        return List.copyOf(actions);
    }

    /** Scaling actions whose direction is opposite to the previous action's and which came within {@code window} of it. */
    int flaps(Duration window) {
        int flaps = 0;
        for (int i = 1; i < actions.size(); i++) {
            Action previous = actions.get(i - 1);
            Action action = actions.get(i);
            if (action.direction() != previous.direction()
                    && Duration.between(previous.at(), action.at()).compareTo(window) <= 0) {
                flaps++;
            }
        }
        return flaps;
    }

    /** Instances during step {@code s}, starting ones included. */
    int instancesAt(int s) {
        return instancesPerStep[s];
    }

    int servingAt(int s) {
        return servingPerStep[s];
    }

    /** The most instances at once, starting ones included. */
    int peak() {
        return peak;
    }

    /** A clock the simulation moves by hand. */
    static final class SimulatedClock extends Clock {

        private volatile Instant now;

        SimulatedClock(Instant start) {
            this.now = start;
        }

        void advance(Duration by) {
            now = now.plus(by);
        }

        @Override
        public Instant instant() {
            return now;
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            throw new UnsupportedOperationException();
        }
    }
}
