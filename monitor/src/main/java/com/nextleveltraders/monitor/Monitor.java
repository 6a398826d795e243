package com.nextleveltraders.monitor;

import com.nextleveltraders.config.Monitoring;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * The platform's own Prometheus: each {@link #tick()} scrapes every target, keeps the samples, evaluates the rules
 * and hands what changed to the notifier. {@link #status()} is what {@code nlt alerts} and the gateway's
 * {@code /admin/alerts} show.
 *
 * <p>{@link #tick()} is meant for one scheduling thread; {@link #status()} may be called from any thread.
 */
public final class Monitor implements AutoCloseable {

    // A scrape slower than this counts as failed: the next evaluation must not wait on one stuck target.
    private static final Duration SCRAPE_DEADLINE = Duration.ofSeconds(5);

    private final Clock clock;
    private final Supplier<List<Target>> targets;
    private final SeriesStore store;
    private final Evaluator evaluator;
    private final Notifier notifier;
    private final Webhooks webhooks;
    private final Monitoring config;
    private final ExecutorService scrapes = Executors.newVirtualThreadPerTaskExecutor();
    private final Map<String, TargetHealth> health = new LinkedHashMap<>();
    private volatile Map<String, Object> status = Map.of();

    /** The outcome of a target's last scrape. */
    public record TargetHealth(String id, Map<String, String> labels, boolean up, Instant at, String error) {
    }

    /**
     * @param externalUrl where an operator sees the alerts, put in the notifications
     * @param webhooks    where notifications go besides the log; closed with the monitor
     */
    public Monitor(Monitoring config, Clock clock, Supplier<List<Target>> targets, String externalUrl,
            Webhooks webhooks) {
        this.config = config;
        this.clock = clock;
        this.targets = targets;
        this.evaluator = new Evaluator(Rules.of(config));
        Duration longest = evaluator.rules().stream().map(AlertRule::holdFor).max(Duration::compareTo)
                .orElse(Duration.ZERO);
        // Range queries look back one window; a few intervals more keep the first sample before it.
        this.store = new SeriesStore(longest.plus(config.interval().multipliedBy(4)));
        this.webhooks = webhooks;
        Consumer<Notification> sink = webhooks;
        this.notifier = new Notifier(config.repeatInterval(), externalUrl, sink);
    }

    /** Scrapes, evaluates and notifies once. */
    public Evaluator.Evaluation tick() throws InterruptedException {
        Instant at = clock.instant();
        scrape(at);
        Evaluator.Evaluation evaluation = evaluator.evaluate(store, at);
        notifier.after(evaluation);
        status = StatusView.of(config, evaluator.rules(), evaluation, notifier.recent(), webhooks,
                List.copyOf(health.values()));
        return evaluation;
    }

    private void scrape(Instant at) throws InterruptedException {
        List<Target> all = targets.get();
        List<Future<List<PrometheusText.Sample>>> futures = new ArrayList<>();
        for (Target t : all) {
            futures.add(scrapes.submit(t::collect));
        }
        health.clear();
        long deadline = System.nanoTime() + SCRAPE_DEADLINE.toNanos();
        for (int i = 0; i < all.size(); i++) {
            Target t = all.get(i);
            Future<List<PrometheusText.Sample>> f = futures.get(i);
            try {
                List<PrometheusText.Sample> samples = f.get(Math.max(0, deadline - System.nanoTime()),
                        TimeUnit.NANOSECONDS);
                List<PrometheusText.Sample> withUp = new ArrayList<>(samples);
                withUp.add(new PrometheusText.Sample("up", Map.of(), 1));
                store.add(t.id(), t.labels(), at, withUp);
                health.put(t.id(), new TargetHealth(t.id(), t.labels(), true, at, null));
            } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
                f.cancel(true);
                // As Prometheus does: the scrape's only sample is up 0, so every other series of it goes stale.
                store.add(t.id(), t.labels(), at, List.of(new PrometheusText.Sample("up", Map.of(), 0)));
                Throwable cause = e instanceof java.util.concurrent.ExecutionException ? e.getCause() : e;
                health.put(t.id(), new TargetHealth(t.id(), t.labels(), false, at, String.valueOf(cause)));
            }
        }
    }

    /** The state after the last evaluation, as plain maps and lists for JSON; empty before the first. */
    public Map<String, Object> status() {
        return status;
    }

    public List<AlertRule> rules() {
        return evaluator.rules();
    }

    @Override
    public void close() {
        scrapes.shutdownNow();
        webhooks.close();
    }
}
