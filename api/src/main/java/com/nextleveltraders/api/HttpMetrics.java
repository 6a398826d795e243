package com.nextleveltraders.api;

import com.linecorp.armeria.common.HttpRequest;
import com.linecorp.armeria.common.HttpResponse;
import com.linecorp.armeria.server.DecoratingHttpServiceFunction;
import com.linecorp.armeria.server.HttpService;
import com.linecorp.armeria.server.ServiceRequestContext;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Times every request into {@code http.server.requests} with histogram buckets at the strategy's
 * alert thresholds (response time and query time), so that Prometheus can count requests slower
 * than each threshold exactly instead of estimating from quantiles. Between them, fixed buckets from
 * 5 ms to 5 s let the autoscaler estimate the response time p99 from the bucket counts' increase.
 */
final class HttpMetrics implements DecoratingHttpServiceFunction {

    private final MeterRegistry registry;
    private final Duration[] buckets;
    // Built once per (method, route, status): building and registering a Timer on every request
    // showed up as a few per cent of the instance's CPU under load.
    private final Map<List<String>, Timer> timers = new ConcurrentHashMap<>();

    static final List<Duration> STANDARD_BUCKETS = Stream.of(5, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000)
            .map(Duration::ofMillis).toList();

    HttpMetrics(MeterRegistry registry, Duration... thresholds) {
        this.registry = registry;
        this.buckets = Stream.concat(STANDARD_BUCKETS.stream(), Stream.of(thresholds)).distinct().sorted()
                .toArray(Duration[]::new);
    }

    @Override
    public HttpResponse serve(HttpService delegate, ServiceRequestContext ctx, HttpRequest req) throws Exception {
        ctx.log().whenComplete().thenAccept(log -> {
            List<String> key = List.of(ctx.method().name(), ctx.config().route().patternString(),
                    Integer.toString(log.responseHeaders().status().code()));
            timers.computeIfAbsent(key, this::timer).record(log.totalDurationNanos(), TimeUnit.NANOSECONDS);
        });
        return delegate.serve(ctx, req);
    }

    private Timer timer(List<String> key) {
        return Timer.builder("http.server.requests")
                .description("HTTP requests served by this API instance")
                .tag("method", key.get(0))
                .tag("route", key.get(1))
                .tag("status", key.get(2))
                .serviceLevelObjectives(buckets)
                .register(registry);
    }
}
