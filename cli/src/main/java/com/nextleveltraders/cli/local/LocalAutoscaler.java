package com.nextleveltraders.cli.local;

import com.nextleveltraders.autoscaler.Decision;
import com.nextleveltraders.autoscaler.Instance;
import com.nextleveltraders.autoscaler.InstanceMetrics;
import com.nextleveltraders.autoscaler.MetricsSource;
import com.nextleveltraders.autoscaler.PrometheusScraper;
import com.nextleveltraders.autoscaler.ScalingLoop;
import com.nextleveltraders.config.PlatformConfig;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Runs the autoscaler over the local instances every {@code autoScaling.interval}, and after each
 * round writes {@code run/scale.json}: the instances with their last figures, the target and the
 * recent decisions, which {@code nlt scale status} shows.
 */
public final class LocalAutoscaler implements AutoCloseable {

    /** In {@code DIR/run}: what {@code nlt scale status} shows. */
    public static final String STATUS_FILE = "scale.json";

    private final LocalInstances instances;
    private final ScalingLoop loop;
    private final Path statusFile;
    private final PlatformConfig config;
    private final Map<String, InstanceMetrics> lastScrape = new ConcurrentHashMap<>();
    private final Map<Decision.Kind, java.util.concurrent.atomic.AtomicLong> decisions =
            new java.util.EnumMap<>(Decision.Kind.class);
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().name("autoscaler").daemon().factory());

    LocalAutoscaler(PlatformConfig config, LocalInstances instances, Path runDir, Clock clock) {
        this.config = config;
        this.instances = instances;
        this.statusFile = runDir.resolve(STATUS_FILE);
        PrometheusScraper scraper = new PrometheusScraper(clock);
        // Keeps each instance's last figures for the status; the autoscaler gets the same samples.
        MetricsSource recording = instance -> {
            Optional<InstanceMetrics> scraped = scraper.scrape(instance);
            scraped.ifPresentOrElse(m -> lastScrape.put(instance.id(), m), () -> lastScrape.remove(instance.id()));
            return scraped;
        };
        this.loop = new ScalingLoop(config, instances, recording, clock);
        for (Decision.Kind kind : Decision.Kind.values()) {
            decisions.put(kind, new java.util.concurrent.atomic.AtomicLong());
        }
    }

    /** How many rounds ended in each kind of decision since start. */
    Map<Decision.Kind, Long> decisions() {
        Map<Decision.Kind, Long> counts = new java.util.EnumMap<>(Decision.Kind.class);
        decisions.forEach((kind, count) -> counts.put(kind, count.get()));
        return counts;
    }

    /** The recent decisions, oldest first, holds included. */
    List<Decision> recent() {
        return loop.recent();
    }

    /** How many instances the autoscaler wants now. */
    int target() {
        return loop.target();
    }

    void start() {
        long every = config.autoScaling().interval().toMillis();
        timer.scheduleWithFixedDelay(this::round, 0, every, TimeUnit.MILLISECONDS);
    }

    private void round() {
        try {
            Decision decision = loop.tick();
            decisions.get(decision.kind()).incrementAndGet();
            if (decision.kind() != Decision.Kind.HOLD) {
                System.out.println("autoscaler: " + decision.kind() + " " + decision.from() + " -> " + decision.to()
                        + ": " + decision.reason());
            }
            writeStatus();
        } catch (RuntimeException | IOException e) {
            // The next round tries again; one failed round must not end the schedule.
            System.err.println("autoscaler round failed: " + e.getMessage());
        }
    }

    private void writeStatus() throws IOException {
        Map<String, Object> status = new LinkedHashMap<>();
        status.put("target", loop.target());
        status.put("minInstances", config.scaling().minInstances());
        status.put("maxInstances", config.scaling().maxInstances());
        List<Map<String, Object>> list = new ArrayList<>();
        for (LocalInstances.Running r : instances.running()) {
            Instance instance = r.instance();
            Map<String, Object> view = new LinkedHashMap<>();
            view.put("id", instance.id());
            view.put("pid", r.process().pid());
            view.put("region", instance.region());
            view.put("port", r.port());
            view.put("startedAt", instance.startedAt().toString());
            InstanceMetrics m = lastScrape.get(instance.id());
            if (m != null) {
                m.cpuPercent().ifPresent(v -> view.put("cpuPercent", round1(v)));
                m.memoryPercent().ifPresent(v -> view.put("memoryPercent", round1(v)));
                m.p99().ifPresent(v -> view.put("p99Millis", round1(v.toNanos() / 1e6)));
            }
            list.add(view);
        }
        status.put("instances", list);
        List<Map<String, Object>> decisions = new ArrayList<>();
        for (Decision d : loop.recent()) {
            Map<String, Object> view = new LinkedHashMap<>();
            view.put("at", d.at().toString());
            view.put("kind", d.kind().name());
            view.put("from", d.from());
            view.put("to", d.to());
            view.put("reason", d.reason());
            view.put("figures", d.figures());
            decisions.add(view);
        }
        status.put("decisions", decisions);
        StatusFile.write(statusFile, status);
    }

    private static double round1(double value) {
        return Math.round(value * 10) / 10.0;
    }

    @Override
    public void close() {
        Loops.stop(timer);
    }
}
