package com.nextleveltraders.bench;

import com.nextleveltraders.autoscaler.Decision;
import com.nextleveltraders.autoscaler.Instance;
import com.nextleveltraders.autoscaler.InstanceProvider;
import com.nextleveltraders.autoscaler.RegionSpread;
import com.nextleveltraders.autoscaler.ScalingLoop;
import com.nextleveltraders.config.ConfigLoader;
import com.nextleveltraders.config.PlatformConfig;
import com.nextleveltraders.config.Scaling;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.DoubleFunction;
import java.util.function.ToDoubleFunction;

/**
 * Our autoscaler ({@link ScalingLoop} with the platform's default configuration) against the Kubernetes HPA
 * algorithm ({@link HpaSimulation}, CPU target {@code scaling.triggers.cpu.target}), each driving its own
 * {@link SimulatedFleet} through the same {@link LoadTrace}, in simulated time. Both start with the minimum of
 * warm instances and act every 15 s. Our launches are what {@link InstanceProvider#launch} promises: the call returns
 * when the instance serves, so the loop waits through the start-up (and launches one instance after the other); the
 * HPA creates pods and goes on.
 *
 * <p>Reported for both: how long the instances serving were short of the load after each rise (the time until enough
 * serve, for a step), instance-minutes, flaps (a scaling action in the opposite direction of the previous one within
 * 10 minutes), and ours / HPA.
 *
 * <p>Usage: {@code AutoscalerComparison <trace.csv>}.
 */
public final class AutoscalerComparison {

    private static final Duration FLAP_WINDOW = Duration.ofMinutes(10);
    private static final Set<String> RISES = Set.of("ramp", "spike", "blip");
    private static final int TIMELINE_EVERY_STEPS = 40;

    private AutoscalerComparison() {
    }

    public static void main(String[] args) {
        LoadTrace trace = LoadTrace.read(Path.of(args[0]));
        PlatformConfig config = ConfigLoader.defaults();
        Scaling scaling = config.scaling();
        if (!config.autoScaling().interval().equals(LoadTrace.STEP)) {
            throw new IllegalStateException("the simulation steps by " + LoadTrace.STEP + ", autoScaling.interval is "
                    + config.autoScaling().interval());
        }
        long started = System.nanoTime();

        SimulatedFleet ours = new SimulatedFleet(trace, scaling.minInstances(), scaling.regions());
        ScalingLoop loop = new ScalingLoop(config, new SimulatedProvider(ours), ours::scrape, ours.clock());
        Map<Decision.Kind, Integer> decisions = new EnumMap<>(Decision.Kind.class);
        List<String> oursChanges = new ArrayList<>();
        while (!ours.done()) {
            Decision decision = loop.tick();
            decisions.merge(decision.kind(), 1, Integer::sum);
            if (decision.kind() != Decision.Kind.HOLD) {
                oursChanges.add(clock(decision.at()) + " " + decision.kind() + " " + decision.from() + " -> "
                        + decision.to() + ": " + decision.reason());
            }
            ours.step();
        }

        SimulatedFleet hpa = new SimulatedFleet(trace, scaling.minInstances(), scaling.regions());
        HpaSimulation kubernetes = new HpaSimulation(hpa, new RegionSpread(scaling.regions()), scaling.minInstances(),
                scaling.maxInstances(), scaling.triggers().cpu().target());
        List<String> hpaChanges = new ArrayList<>();
        while (!hpa.done()) {
            int before = hpa.instances().size();
            Instant at = hpa.now();
            kubernetes.sync();
            if (hpa.instances().size() != before) {
                hpaChanges.add(clock(at) + " " + before + " -> " + hpa.instances().size());
            }
            hpa.step();
        }

        System.out.printf(Locale.ROOT, "trace=%s steps=%d step_seconds=%d capacity_per_instance=%.0f startup_seconds=%d"
                        + " jit_warmup_seconds=%d jit_cpu=%.0f enough_utilisation=%.2f%n",
                args[0], trace.steps(), LoadTrace.STEP.toSeconds(), SimulatedFleet.CAPACITY,
                SimulatedFleet.STARTUP.toSeconds(), SimulatedFleet.JIT_WARMUP.toSeconds(), SimulatedFleet.JIT_CPU,
                SimulatedFleet.ENOUGH);
        System.out.println("ours: decisions " + decisions);
        oursChanges.forEach(change -> System.out.println("  " + change));
        System.out.println("HPA: " + String.join(", ", hpaChanges));
        System.out.println();
        System.out.println("time   level  phase     ours (serving)  HPA (serving)");
        for (int s = 0; s < trace.steps(); s += TIMELINE_EVERY_STEPS) {
            System.out.printf(Locale.ROOT, "%5s  %5.0f  %-8s  %2d (%2d)         %2d (%2d)%n", clock(s), trace.level(s),
                    trace.phase(s), ours.instancesAt(s), ours.servingAt(s), hpa.instancesAt(s), hpa.servingAt(s));
        }
        System.out.println();

        List<String[]> rows = new ArrayList<>();
        for (int[] rise : rises(trace)) {
            String name = trace.phase(rise[0]);
            rows.add(row("short of instances after the " + name + " (" + clock(rise[0]) + ", to "
                            + String.format(Locale.ROOT, "%.0f", maxLevel(trace, rise[0], rise[1])) + " req/s)",
                    f -> f.secondsShort(rise[0], rise[1]), ours, hpa, AutoscalerComparison::duration));
        }
        rows.add(row("short of instances, whole trace", f -> f.secondsShort(0, trace.steps()), ours, hpa,
                AutoscalerComparison::duration));
        rows.add(row("requests beyond the serving capacity", f -> 100 * f.beyondCapacityShare(), ours, hpa,
                v -> String.format(Locale.ROOT, "%.2f %%", v)));
        rows.add(row("instance-minutes", SimulatedFleet::instanceMinutes, ours, hpa,
                v -> String.format(Locale.ROOT, "%,.0f", v)));
        rows.add(row("flaps (direction changes within 10 min)", f -> f.flaps(FLAP_WINDOW), ours, hpa,
                v -> String.format(Locale.ROOT, "%.0f", v)));
        rows.add(row("scaling actions (launches + stops)", f -> f.actions().size(), ours, hpa,
                v -> String.format(Locale.ROOT, "%.0f", v)));
        rows.add(row("most instances at once", SimulatedFleet::peak, ours, hpa,
                v -> String.format(Locale.ROOT, "%.0f", v)));

        System.out.println("| | ours | HPA | ours / HPA |");
        System.out.println("|---|---|---|---|");
        for (String[] row : rows) {
            System.out.println("| " + String.join(" | ", row) + " |");
        }
        System.out.printf(Locale.ROOT, "%ntotal_millis=%d%n", (System.nanoTime() - started) / 1_000_000);
    }

    /** Each rise with the phase after it (the load stays up there), as steps {@code [from, to)}. */
    private static List<int[]> rises(LoadTrace trace) {
        List<int[]> phases = new ArrayList<>();
        int start = 0;
        for (int s = 1; s <= trace.steps(); s++) {
            if (s == trace.steps() || !trace.phase(s).equals(trace.phase(start))) {
                phases.add(new int[] {start, s});
                start = s;
            }
        }
        List<int[]> rises = new ArrayList<>();
        for (int i = 0; i < phases.size(); i++) {
            int[] phase = phases.get(i);
            if (RISES.contains(trace.phase(phase[0]))) {
                int end = i + 1 < phases.size() ? phases.get(i + 1)[1] : phase[1];
                rises.add(new int[] {phase[0], end});
            }
        }
        return rises;
    }

    private static double maxLevel(LoadTrace trace, int from, int to) {
        double max = 0;
        for (int s = from; s < to; s++) {
            max = Math.max(max, trace.level(s));
        }
        return max;
    }

    private static String[] row(String name, ToDoubleFunction<SimulatedFleet> figure, SimulatedFleet ours,
            SimulatedFleet hpa, DoubleFunction<String> format) {
        double o = figure.applyAsDouble(ours);
        double h = figure.applyAsDouble(hpa);
        String ratio = h == 0 ? (o == 0 ? "1 (both 0)" : "— (HPA 0)") : String.format(Locale.ROOT, "%.2f", o / h);
        return new String[] {name, format.apply(o), format.apply(h), ratio};
    }

    private static String duration(double seconds) {
        long s = Math.round(seconds);
        return s < 60 ? s + " s" : String.format(Locale.ROOT, "%d min %02d s", s / 60, s % 60);
    }

    private static String clock(int step) {
        long minutes = step * LoadTrace.STEP.toSeconds() / 60;
        return String.format(Locale.ROOT, "%d:%02d", minutes / 60, minutes % 60);
    }

    private static String clock(Instant at) {
        long seconds = Duration.between(SimulatedFleet.START, at).toSeconds();
        return String.format(Locale.ROOT, "%d:%02d:%02d", seconds / 3600, seconds / 60 % 60, seconds % 60);
    }

    /** Launches return once the instance serves, as {@link InstanceProvider#launch} promises: time goes by meanwhile. */
    private record SimulatedProvider(SimulatedFleet fleet) implements InstanceProvider {

        @Override
        public List<Instance> instances() {
            return fleet.instances();
        }

        @Override
        public Instance launch(String region) {
            Instance instance = fleet.launch(region);
            while (fleet.now().isBefore(instance.startedAt().plus(SimulatedFleet.STARTUP))) {
                fleet.step();
            }
            return instance;
        }

        @Override
        public void stop(Instance instance) {
            fleet.stop(instance);
        }
    }
}
