package com.nextleveltraders.api;

import com.linecorp.armeria.common.HttpRequest;
import com.linecorp.armeria.common.HttpResponse;
import com.linecorp.armeria.server.DecoratingHttpServiceFunction;
import com.linecorp.armeria.server.HttpService;
import com.linecorp.armeria.server.ServiceRequestContext;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * Times every request into {@code http.server.requests} with histogram buckets at the strategy's
 * alert thresholds (response time and query time), so that Prometheus can count requests slower
 * than each threshold exactly instead of estimating from quantiles.
 */
final class HttpMetrics implements DecoratingHttpServiceFunction {

    private final MeterRegistry registry;
    private final Duration[] buckets;

    HttpMetrics(MeterRegistry registry, Duration... buckets) {
        this.registry = registry;
        this.buckets = buckets.clone();
    }

    @Override
    public HttpResponse serve(HttpService delegate, ServiceRequestContext ctx, HttpRequest req) throws Exception {
        ctx.log().whenComplete().thenAccept(log -> {
            String route = ctx.config().route().patternString();
            Timer.builder("http.server.requests")
                    .description("HTTP requests served by this API instance")
                    .tag("method", ctx.method().name())
                    .tag("route", route)
                    .tag("status", Integer.toString(log.responseHeaders().status().code()))
                    .serviceLevelObjectives(buckets)
                    .register(registry)
                    .record(log.totalDurationNanos(), TimeUnit.NANOSECONDS);
        });
        return delegate.serve(ctx, req);
    }
}
