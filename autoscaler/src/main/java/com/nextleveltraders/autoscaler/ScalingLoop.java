package com.nextleveltraders.autoscaler;

import com.nextleveltraders.autoscaler.Decision.Kind;
import com.nextleveltraders.config.PlatformConfig;
import java.io.IOException;
import java.time.Clock;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One round of autoscaling per {@link #tick}: scrape every running instance (in parallel, each bounded by its
 * {@link MetricsSource}'s timeout), ask the {@link Autoscaler}, and carry the decision out through the
 * {@link InstanceProvider}, placing and choosing instances with {@link RegionSpread}. The caller schedules the
 * ticks, every {@code autoScaling.interval}; a tick never throws, so a scheduled executor keeps running it.
 *
 * <p>Every decision is logged by this class's logger: a change at INFO, a change that failed (in part) at WARN, and
 * a hold, which is most ticks, at DEBUG. Thread-safe: ticks run one at a time, {@link #recent} and {@link #target}
 * may be read from any thread.
 */
public final class ScalingLoop {

    /** How many decisions {@link #recent} keeps. */
    public static final int RECENT = 50;

    private static final Logger LOG = LoggerFactory.getLogger(ScalingLoop.class);

    private final Autoscaler autoscaler;
    private final InstanceProvider provider;
    private final MetricsSource metrics;
    private final Clock clock;
    private final RegionSpread spread;
    private final Deque<Decision> recent = new ArrayDeque<>();
    private volatile int target;
    private int lastRunning;

    public ScalingLoop(Autoscaler autoscaler, InstanceProvider provider, MetricsSource metrics, Clock clock) {
        this.autoscaler = Objects.requireNonNull(autoscaler, "autoscaler");
        this.provider = Objects.requireNonNull(provider, "provider");
        this.metrics = Objects.requireNonNull(metrics, "metrics");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.spread = new RegionSpread(autoscaler.scaling().regions());
        this.target = autoscaler.scaling().minInstances();
    }

    /** A loop over a new {@link Autoscaler} for {@code config}'s {@code autoScaling} and {@code scaling}. */
    public ScalingLoop(PlatformConfig config, InstanceProvider provider, MetricsSource metrics, Clock clock) {
        this(new Autoscaler(config.autoScaling(), config.scaling(), clock), provider, metrics, clock);
    }

    /**
     * Scrapes, decides and carries the decision out. Failures (a launch or a stop that throws, a provider that cannot
     * list its instances) are logged and told in the returned decision's reason, never thrown.
     *
     * @return the decision as carried out: its {@code to} is the instances running afterwards, its figures add
     *     {@code wanted} and, when something failed, {@code failures}
     */
    public synchronized Decision tick() {
        Decision done;
        try {
            List<Instance> running = List.copyOf(provider.instances());
            lastRunning = running.size();
            scrape(running).forEach(autoscaler::record);
            done = carryOut(autoscaler.evaluate(running), running);
        } catch (RuntimeException e) {
            LOG.error("autoscaling round failed", e);
            done = new Decision(clock.instant(), Kind.HOLD, lastRunning, lastRunning,
                    "the round failed: " + e, Map.of("failures", 1.0));
        }
        synchronized (recent) {
            recent.addLast(done);
            while (recent.size() > RECENT) {
                recent.removeFirst();
            }
        }
        return done;
    }

    /** The last {@value #RECENT} decisions, oldest first. */
    public List<Decision> recent() {
        synchronized (recent) {
            return List.copyOf(recent);
        }
    }

    /** The instances the last tick aimed for; {@code scaling.minInstances} before the first. */
    public int target() {
        return target;
    }

    private List<InstanceMetrics> scrape(List<Instance> running) {
        List<Future<Optional<InstanceMetrics>>> scrapes = new ArrayList<>(running.size());
        try (ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor()) {
            for (Instance instance : running) {
                scrapes.add(threads.submit(() -> metrics.scrape(instance)));
            }
        }
        List<InstanceMetrics> scraped = new ArrayList<>(scrapes.size());
        for (Future<Optional<InstanceMetrics>> scrape : scrapes) {
            switch (scrape.state()) {
                case SUCCESS -> scrape.resultNow().ifPresent(scraped::add);
                case FAILED -> LOG.warn("a metrics source threw; counted as missing metrics", scrape.exceptionNow());
                default -> {
                    // cancelled: the tick was interrupted, and the metrics are missing
                }
            }
        }
        return scraped;
    }

    private Decision carryOut(Decision decision, List<Instance> running) {
        target = decision.to();
        if (decision.kind() == Kind.HOLD) {
            if (LOG.isDebugEnabled()) {
                LOG.debug("{} {}: {} {}", decision.kind(), decision.from(), decision.reason(), decision.figures());
            }
            return decision;
        }
        List<Instance> fleet = new ArrayList<>(running);
        List<String> failures = new ArrayList<>();
        while (fleet.size() < decision.to() && failures.isEmpty()) {
            String region = spread.whereToAdd(fleet);
            try {
                Instance launched = provider.launch(region);
                fleet.add(launched);
                LOG.info("launched {} in {}", launched.id(), region);
            } catch (IOException | RuntimeException e) {
                failures.add("launch in " + region + " failed: " + e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                failures.add("interrupted while launching in " + region);
            }
        }
        while (fleet.size() > decision.to() && failures.isEmpty()) {
            Instance victim = spread.whichToRemove(fleet);
            try {
                provider.stop(victim);
                fleet.remove(victim);
                LOG.info("stopped {} in {}", victim.id(), victim.region());
            } catch (IOException | RuntimeException e) {
                failures.add("stop of " + victim.id() + " failed: " + e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                failures.add("interrupted while stopping " + victim.id());
            }
        }
        autoscaler.applied(decision);

        Map<String, Double> figures = new LinkedHashMap<>(decision.figures());
        figures.put("wanted", (double) decision.to());
        String reason = decision.reason();
        if (!failures.isEmpty()) {
            figures.put("failures", (double) failures.size());
            reason += "; " + String.join("; ", failures);
        }
        Decision done = new Decision(decision.at(), decision.kind(), decision.from(), fleet.size(), reason, figures);
        if (failures.isEmpty()) {
            LOG.info("{} {} -> {}: {} {}", done.kind(), done.from(), done.to(), done.reason(), done.figures());
        } else {
            LOG.warn("{} {} -> {} (wanted {}): {} {}", done.kind(), done.from(), done.to(), decision.to(),
                    done.reason(), done.figures());
        }
        return done;
    }
}
