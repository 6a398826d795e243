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
    private final Map<String, Expr> recordings;
    private volatile Map<String, Object> status = Map.of();
    private volatile Recorded recorded = new Recorded(null, Map.of());

    /** The outcome of a target's last scrape. */
    public record TargetHealth(String id, Map<String, String> labels, boolean up, Instant at, String error) {
    }

    /**
     * The recording expressions' values after one evaluation, as Prometheus's recording rules keep them: for
     * readers on other threads, which must not touch the samples themselves.
     *
     * @param at     when the samples were taken; {@code null} before the first evaluation
     * @param values each recording's instant vector, by its name
     */
    public record Recorded(Instant at, Map<String, List<Expr.Element>> values) {

        public Recorded {
            values = Map.copyOf(values);
        }

        /** The named recording's elements; empty when it has none or is unknown. */
        public List<Expr.Element> get(String name) {
            return values.getOrDefault(name, List.of());
        }
    }

    /**
     * @param externalUrl where an operator sees the alerts, put in the notifications
     * @param webhooks    where notifications go besides the log; closed with the monitor
     */
    public Monitor(Monitoring config, Clock clock, Supplier<List<Target>> targets, String externalUrl,
            Webhooks webhooks) {
        this(config, clock, targets, externalUrl, webhooks, Map.of());
    }

    /**
     * @param recordings expressions evaluated after each evaluation of the rules, whose values
     *                   {@link #recorded()} gives; the samples are kept long enough for the longest range in them
     */
    public Monitor(Monitoring config, Clock clock, Supplier<List<Target>> targets, String externalUrl,
            Webhooks webhooks, Map<String, Expr> recordings) {
        this.config = config;
        this.recordings = Map.copyOf(recordings);
        this.clock = clock;
        this.targets = targets;
        this.evaluator = new Evaluator(Rules.of(config));
        Duration longest = evaluator.rules().stream().map(AlertRule::holdFor).max(Duration::compareTo)
                .orElse(Duration.ZERO);
        for (Expr recording : this.recordings.values()) {
            Duration range = Expr.longestRange(recording);
            longest = range.compareTo(longest) > 0 ? range : longest;
        }
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
        Map<String, List<Expr.Element>> values = new LinkedHashMap<>();
        recordings.forEach((name, expr) -> values.put(name, List.copyOf(expr.evaluate(store, at))));
        recorded = new Recorded(at, values);
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

    /** The recordings' values after the last evaluation; none before the first. */
    public Recorded recorded() {
        return recorded;
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
