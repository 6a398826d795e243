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
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The gateway's own Prometheus metrics: answers per instance and status class, requests in flight
 * per instance, health transitions, retries, requests that failed at an instance, and requests
 * refused by the rate limit before reaching any instance.
 */
final class GatewayMetrics implements DecoratingHttpServiceFunction {

    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    // Built once per tag set: registering a meter on every request costs measurable CPU.
    private final Map<List<String>, Counter> counters = new ConcurrentHashMap<>();
    private final Map<String, Meter> inFlightGauges = new ConcurrentHashMap<>();
    private final Counter rateLimited;

    GatewayMetrics() {
        rateLimited = Counter.builder("gateway.rate.limited")
                .description("requests refused by the shared rate limit at the gateway").register(registry);
    }

    /** Counts what reaches no instance: the rate limiter's refusals. */
    @Override
    public HttpResponse serve(HttpService delegate, ServiceRequestContext ctx, HttpRequest req) throws Exception {
        ctx.log().whenComplete().thenAccept(log -> {
            if (log.responseHeaders().status().equals(HttpStatus.TOO_MANY_REQUESTS)
                    && ctx.attr(ProxyService.BACKEND) == null) {
                rateLimited.increment();
            }
        });
        return delegate.serve(ctx, req);
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
