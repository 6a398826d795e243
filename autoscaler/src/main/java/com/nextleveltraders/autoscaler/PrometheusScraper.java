package com.nextleveltraders.autoscaler;

import com.nextleveltraders.monitor.LatencyHistogram;
import com.nextleveltraders.monitor.MetricsEndpoint;
import com.nextleveltraders.monitor.PrometheusText;
import com.nextleveltraders.monitor.PrometheusText.Sample;
import java.io.IOException;
import java.net.http.HttpClient;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Scrapes an instance's Micrometer Prometheus registry over HTTP: {@code process_cpu_usage} (a fraction of the
 * whole machine) as CPU, the heap's {@code jvm_memory_used_bytes} over its {@code jvm_memory_max_bytes} as memory,
 * and {@code http_server_requests_seconds_bucket} as the requests completed since the previous scrape of the same
 * instance. Requests to {@code /api/health} and {@code /metrics} are left out: they are the load balancer's and
 * this scraper's own, not the users'.
 *
 * <p>Thread-safe; instances may be scraped in parallel. Remembers each instance's last counters (to take the
 * difference) and forgets an instance an hour after its last scrape.
 */
public final class PrometheusScraper implements MetricsSource {

    /** How long a scrape may take, from connecting to the last byte. */
    public static final Duration DEFAULT_TIMEOUT = MetricsEndpoint.DEFAULT_TIMEOUT;

    private static final Logger LOG = LoggerFactory.getLogger(PrometheusScraper.class);
    private static final double PERCENT = 100;
    private static final Duration FORGET_AFTER = Duration.ofHours(1);
    private static final Set<String> OWN_ROUTES = Set.of("/api/health", "/metrics");
    private static final String BUCKETS = "http_server_requests_seconds_bucket";
    // Counts are sent as doubles, which are whole numbers exactly only below 2^53.
    private static final double EXACT_DOUBLES = 0x1p53;

    private final HttpClient client;
    private final Clock clock;
    private final Duration timeout;
    private final Map<String, Counters> previous = new ConcurrentHashMap<>();

    /** Counters of one scrape: requests by upper bound, cumulative; empty before the first request. */
    private record Counters(Instant at, SortedMap<Double, Long> buckets) {
    }

    public PrometheusScraper(Clock clock) {
        this(HttpClient.newBuilder().connectTimeout(DEFAULT_TIMEOUT).build(), clock, DEFAULT_TIMEOUT);
    }

    public PrometheusScraper(HttpClient client, Clock clock, Duration timeout) {
        this.client = Objects.requireNonNull(client, "client");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.timeout = Objects.requireNonNull(timeout, "timeout");
        if (!timeout.isPositive()) {
            throw new IllegalArgumentException("timeout must be > 0: " + timeout);
        }
    }

    @Override
    public Optional<InstanceMetrics> scrape(Instance instance) {
        String text;
        try {
            text = MetricsEndpoint.fetch(client, instance.metrics(), timeout);
        } catch (IOException e) {
            LOG.debug("{}: no metrics from {}: {}", instance.id(), instance.metrics(), e.getMessage());
            return Optional.empty();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.empty();
        }
        return Optional.of(read(instance.id(), clock.instant(), text));
    }

    /** The metrics in {@code text}, an answer of the instance at {@code at}; remembers its counters. */
    InstanceMetrics read(String instanceId, Instant at, String text) {
        PrometheusText.Parsed parsed = PrometheusText.parse(text);
        if (parsed.skipped() > 0) {
            LOG.debug("{}: {} malformed metric lines skipped", instanceId, parsed.skipped());
        }
        List<Sample> samples = parsed.samples();
        Optional<Counters> counters = counters(at, samples);
        Counters before = counters.isPresent()
                ? previous.put(instanceId, counters.get())
                : previous.remove(instanceId);
        Optional<LatencyHistogram> requests = counters.flatMap(now -> difference(before, now));
        previous.values().removeIf(c -> c.at().isBefore(at.minus(FORGET_AFTER)));
        return InstanceMetrics.of(instanceId, at, cpu(samples), memory(samples), requests);
    }

    private static OptionalDouble cpu(List<Sample> samples) {
        for (Sample s : samples) {
            if (s.name().equals("process_cpu_usage")) {
                // Micrometer reports NaN or a negative value when the JVM cannot tell.
                return s.value() >= 0 && s.value() <= 1 ? OptionalDouble.of(s.value() * PERCENT) : OptionalDouble.empty();
            }
        }
        return OptionalDouble.empty();
    }

    /** Heap in use over the heap's maximum, summed over its pools; a pool without a maximum reports -1. */
    private static OptionalDouble memory(List<Sample> samples) {
        double used = 0;
        double max = 0;
        boolean anyUsed = false;
        for (Sample s : samples) {
            if (!"heap".equals(s.label("area")) || !Double.isFinite(s.value())) {
                continue;
            }
            if (s.name().equals("jvm_memory_used_bytes") && s.value() >= 0) {
                used += s.value();
                anyUsed = true;
            } else if (s.name().equals("jvm_memory_max_bytes") && s.value() >= 0) {
                max += s.value();
            }
        }
        return anyUsed && max > 0 ? OptionalDouble.of(used / max * PERCENT) : OptionalDouble.empty();
    }

    /**
     * The users' requests by upper bound, summed over routes; empty when the histogram cannot be trusted: a count
     * that is not a whole number, a series without {@code +Inf}, or series with different bounds (a line of one
     * was unreadable, and its sum would be short at that bound).
     */
    private static Optional<Counters> counters(Instant at, List<Sample> samples) {
        SortedMap<Double, Long> buckets = new TreeMap<>();
        Map<Map<String, String>, Set<Double>> boundsBySeries = new HashMap<>();
        for (Sample s : samples) {
            if (!s.name().equals(BUCKETS) || OWN_ROUTES.contains(s.label("route"))) {
                continue;
            }
            Double bound = s.label("le") == null ? null : PrometheusText.number(s.label("le"));
            double count = s.value();
            if (bound == null || Double.isNaN(bound) || !(count >= 0 && count < EXACT_DOUBLES) || count != Math.rint(count)) {
                return Optional.empty();
            }
            Map<String, String> series = new HashMap<>(s.labels());
            series.remove("le");
            if (!boundsBySeries.computeIfAbsent(series, k -> new HashSet<>()).add(bound)) {
                return Optional.empty();
            }
            buckets.merge(bound, (long) count, Long::sum);
        }
        boolean consistent = boundsBySeries.values().stream().allMatch(bounds -> bounds.equals(buckets.keySet()));
        if (!consistent || (!buckets.isEmpty() && !buckets.containsKey(Double.POSITIVE_INFINITY))) {
            return Optional.empty();
        }
        return Optional.of(new Counters(at, buckets));
    }

    /** The requests between two scrapes; empty without an earlier one, or when the counters were reset. */
    private static Optional<LatencyHistogram> difference(Counters before, Counters now) {
        if (before == null || !before.at().isBefore(now.at())) {
            return Optional.empty();
        }
        // Before the first request an instance has no histogram at all: every request since is new.
        if (!before.buckets().isEmpty() && !before.buckets().keySet().equals(now.buckets().keySet())) {
            return Optional.empty();
        }
        List<LatencyHistogram.Bucket> buckets = new ArrayList<>(now.buckets().size());
        for (Map.Entry<Double, Long> bucket : now.buckets().entrySet()) {
            long delta = bucket.getValue() - before.buckets().getOrDefault(bucket.getKey(), 0L);
            if (delta < 0) {
                return Optional.empty();
            }
            buckets.add(new LatencyHistogram.Bucket(bucket.getKey(), delta));
        }
        return Optional.of(new LatencyHistogram(before.at(), now.at(), buckets));
    }
}
