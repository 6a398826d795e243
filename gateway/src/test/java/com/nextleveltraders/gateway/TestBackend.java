package com.nextleveltraders.gateway;

import com.linecorp.armeria.common.HttpResponse;
import com.linecorp.armeria.common.HttpStatus;
import com.linecorp.armeria.common.MediaType;
import com.linecorp.armeria.server.Server;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A real HTTP server standing behind the gateway as an instance would: {@code /api/health} answers
 * 200 or 503 as the test says (when held, once the test releases it), {@code /echo} answers after a
 * configurable delay and counts requests, {@code /big} answers 4 KiB of JSON, {@code /image} 4 KiB
 * of PNG bytes. Every path it is asked for but {@code /api/health} is kept in {@link #pathsSeen}.
 */
final class TestBackend implements AutoCloseable {

    final String id;
    final AtomicInteger served = new AtomicInteger();
    final AtomicInteger healthChecks = new AtomicInteger();
    final AtomicReference<HttpStatus> health = new AtomicReference<>(HttpStatus.OK);
    final AtomicReference<Duration> delay = new AtomicReference<>(Duration.ZERO);
    final List<Map<String, String>> headersSeen = new CopyOnWriteArrayList<>();
    final List<String> pathsSeen = new CopyOnWriteArrayList<>();
    private final Map<Integer, CompletableFuture<Void>> heldHealthChecks = new ConcurrentHashMap<>();
    private volatile boolean holdingHealthChecks;
    private final Server server;

    TestBackend(String id) {
        this.id = id;
        String big = "{\"rows\":[" + "{\"symbol\":\"AAPL\",\"price\":\"123.45\"},".repeat(120) + "{}]}";
        byte[] png = new byte[4096];
        new java.util.Random(7).nextBytes(png);
        server = Server.builder().http(0)
                .service("/api/health", (ctx, req) -> {
                    HttpStatus status = health.get();
                    int number = healthChecks.incrementAndGet();
                    if (!holdingHealthChecks) {
                        return HttpResponse.of(status);
                    }
                    CompletableFuture<Void> release = heldHealthChecks.computeIfAbsent(number,
                            n -> new CompletableFuture<>());
                    return HttpResponse.of(release.thenApply(released -> HttpResponse.of(status)));
                })
                .service("/echo", (ctx, req) -> {
                    served.incrementAndGet();
                    Map<String, String> seen = new ConcurrentHashMap<>();
                    req.headers().forEach((name, value) -> seen.put(name.toString(), value));
                    headersSeen.add(seen);
                    HttpResponse answer = HttpResponse.of(HttpStatus.OK, MediaType.PLAIN_TEXT_UTF_8, id);
                    long millis = delay.get().toMillis();
                    return millis == 0 ? answer
                            : HttpResponse.delayed(answer, Duration.ofMillis(millis), ctx.eventLoop());
                })
                .service("/big", (ctx, req) -> HttpResponse.of(HttpStatus.OK, MediaType.JSON_UTF_8, big))
                .service("/image", (ctx, req) -> HttpResponse.of(HttpStatus.OK, MediaType.PNG,
                        com.linecorp.armeria.common.HttpData.wrap(png)))
                .decorator((delegate, ctx, req) -> {
                    if (!req.path().equals("/api/health")) {
                        pathsSeen.add(req.path());
                    }
                    return delegate.serve(ctx, req);
                })
                .requestTimeout(Duration.ofSeconds(30))
                .build();
        server.start().join();
    }

    /**
     * From now on each health check is answered (with the status it arrived to) only once
     * {@link #releaseHealthChecks} lets it: the gateway schedules a check only after it has applied
     * the one before, so while check n is held, exactly the checks before it have been applied.
     */
    void holdHealthChecks() {
        holdingHealthChecks = true;
    }

    /** Answers every held health check numbered up to {@code number} (counted by {@link #healthChecks}). */
    void releaseHealthChecks(int number) {
        for (int n = 1; n <= number; n++) {
            heldHealthChecks.computeIfAbsent(n, k -> new CompletableFuture<>()).complete(null);
        }
    }

    int port() {
        return server.activeLocalPort();
    }

    /** Stops listening at once: connections are refused from now on. */
    void stop() {
        server.stop().join();
    }

    @Override
    public void close() {
        holdingHealthChecks = false;
        heldHealthChecks.values().forEach(held -> held.complete(null));
        server.closeAsync().orTimeout(10, TimeUnit.SECONDS).join();
    }
}
