package com.nextleveltraders.gateway;

import com.linecorp.armeria.common.HttpStatus;
import com.linecorp.armeria.server.DecoratingHttpServiceFunction;
import com.linecorp.armeria.server.HttpService;
import com.linecorp.armeria.common.HttpRequest;
import com.linecorp.armeria.common.HttpResponse;
import com.linecorp.armeria.server.ServiceRequestContext;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.config.MeterFilter;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * The gateway's own Prometheus metrics: every answer of the public port as its client saw it (time
 * and status class, per region), answers per instance and status class, requests in flight per
 * instance, health transitions, retries, requests that failed at an instance, and requests refused
 * by the rate limit before reaching any instance.
 *
 * <p>{@code gateway.responses} is the platform's measure of response time and error rate: it is taken
 * outermost, once the answer has been sent, so it holds the final status after retries and error
 * mapping, and it counts what the gateway answered itself (429, 502, 503, 504, 404) under region
 * {@value #NO_REGION}.
 *
 * <p>A meter named by a prefix of {@code monitoring.disabledMetrics} is denied: it records nothing and
 * is missing from the scrape.
 */
final class GatewayMetrics implements DecoratingHttpServiceFunction {

    /** The region of an answer no instance gave. */
    static final String NO_REGION = "none";

    // The responseTime alert is read off these buckets (a p99 interpolated between two of them), so they
    // are dense where the thresholds are; the configured threshold is always one of them.
    private static final List<Duration> SLO_BUCKETS = List.of(5, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000)
            .stream().map(Duration::ofMillis).toList();
    private static final String[] STATUS_CLASSES = {"1xx", "2xx", "3xx", "4xx", "5xx"};

    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    // Built once per tag set: registering a meter on every request costs measurable CPU.
    private final Map<List<String>, Counter> counters = new ConcurrentHashMap<>();
    private final Map<String, Meter> inFlightGauges = new ConcurrentHashMap<>();
    // Per region, one timer per status class (index: the status code's first digit minus one).
    private final Map<String, AtomicReferenceArray<Timer>> responses = new ConcurrentHashMap<>();
    private final Duration[] buckets;
    private final Counter rateLimited;

    /**
     * @param responseTimeThreshold the responseTime alert's threshold, made a bucket boundary of its own
     * @param disabled              meter-name prefixes not recorded ({@code monitoring.disabledMetrics})
     */
    GatewayMetrics(Duration responseTimeThreshold, List<String> disabled) {
        // Filters go first: Micrometer applies them to meters registered after them only.
        disabled.forEach(prefix -> registry.config().meterFilter(MeterFilter.denyNameStartsWith(prefix)));
        TreeSet<Duration> boundaries = new TreeSet<>(SLO_BUCKETS);
        boundaries.add(responseTimeThreshold);
        buckets = boundaries.toArray(Duration[]::new);
        rateLimited = Counter.builder("gateway.rate.limited")
                .description("requests refused by the shared rate limit at the gateway").register(registry);
    }

    /** Times every answer of the public port, and counts what reaches no instance: the rate limiter's refusals. */
    @Override
    public HttpResponse serve(HttpService delegate, ServiceRequestContext ctx, HttpRequest req) throws Exception {
        ctx.log().whenComplete().thenAccept(log -> {
            HttpStatus status = log.responseHeaders().status();
            if (status.equals(HttpStatus.TOO_MANY_REQUESTS) && ctx.attr(ProxyService.BACKEND) == null) {
                rateLimited.increment();
            }
            String region = ctx.attr(ProxyService.REGION);
            responded(region == null ? NO_REGION : region, status, log.totalDurationNanos());
        });
        return delegate.serve(ctx, req);
    }

    /** Records one answer; a status outside 100..599 (no answer was sent at all) is no answer a user saw. */
    void responded(String region, HttpStatus status, long nanos) {
        int index = status.code() / 100 - 1;
        if (index < 0 || index >= STATUS_CLASSES.length) {
            return;
        }
        AtomicReferenceArray<Timer> timers = responses.get(region);
        if (timers == null) {
            timers = responses.computeIfAbsent(region, r -> new AtomicReferenceArray<>(STATUS_CLASSES.length));
        }
        Timer timer = timers.get(index);
        if (timer == null) {
            // Two threads may both get here: the registry hands both the same timer.
            timer = Timer.builder("gateway.responses")
                    .description("answers of the public port as their clients saw them, from request to the answer's end")
                    .tags("region", region, "status", STATUS_CLASSES[index])
                    .serviceLevelObjectives(buckets)
                    .register(registry);
            timers.set(index, timer);
        }
        timer.record(nanos, TimeUnit.NANOSECONDS);
    }

    void answered(String backend, HttpStatus status) {
        counter("gateway.requests", "requests answered by an instance", "backend", backend, "status",
                status.codeClass().name().toLowerCase(java.util.Locale.ROOT)).increment();
    }

    void retried(String backend) {
        counter("gateway.retries", "requests sent again elsewhere after this instance could not take them",
                "backend", backend).increment();
    }

    void failed(String backend) {
        counter("gateway.failures", "requests that failed at this instance and were not retried", "backend",
                backend).increment();
    }

    void transition(HealthTracker.Transition transition) {
        counter("gateway.health.transitions", "health state changes", "backend", transition.backend(), "to",
                transition.to().name().toLowerCase(java.util.Locale.ROOT)).increment();
    }

    void track(Backend backend) {
        inFlightGauges.computeIfAbsent(backend.id(), id -> Gauge.builder("gateway.in.flight", backend, Backend::inFlight)
                .description("requests sent to the instance and not answered yet").tag("backend", id)
                .register(registry));
    }

    void untrack(String backend) {
        Meter gauge = inFlightGauges.remove(backend);
        if (gauge != null) {
            registry.remove(gauge);
        }
    }

    String scrape() {
        return registry.scrape();
    }

    private Counter counter(String name, String description, String... tags) {
        List<String> key = new java.util.ArrayList<>(List.of(tags));
        key.add(0, name);
        return counters.computeIfAbsent(List.copyOf(key),
                k -> Counter.builder(name).description(description).tags(tags).register(registry));
    }

    void close() {
        registry.close();
    }
}
