package com.nextleveltraders.api.faults;

import com.linecorp.armeria.common.AggregatedHttpResponse;
import com.linecorp.armeria.common.HttpData;
import com.linecorp.armeria.common.HttpHeaderNames;
import com.linecorp.armeria.common.HttpRequest;
import com.linecorp.armeria.common.HttpResponse;
import com.linecorp.armeria.common.HttpStatus;
import com.linecorp.armeria.common.MediaType;
import com.linecorp.armeria.common.ResponseHeaders;
import com.linecorp.armeria.server.DecoratingHttpServiceFunction;
import com.linecorp.armeria.server.HttpService;
import com.linecorp.armeria.server.ServerBuilder;
import com.linecorp.armeria.server.ServiceRequestContext;
import com.nextleveltraders.config.PlatformConfig;
import com.nextleveltraders.config.Secrets;
import com.nextleveltraders.data.Database;
import com.nextleveltraders.edge.BearerToken;
import com.nextleveltraders.edge.ErrorMapping;
import com.nextleveltraders.edge.Json;
import com.nextleveltraders.edge.Problems;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Faults an instance injects into itself on request, so that the alert rules can be proven against
 * a live platform: added latency and 500s on {@code /api/**}, connections held busy, slow statements
 * ({@link Faults}). Set through {@code /admin/faults} on the instance's own port with the gateway's
 * admin token as a bearer token; without {@code platform.gateway.adminTokenFile} those routes do not
 * exist (404). The gateway refuses {@code /admin/**} on its public port, so only whoever reaches the
 * instance directly and holds the token can break it.
 */
public final class FaultSwitch implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(FaultSwitch.class);
    static final String PATH = "/admin/faults";

    private final Database database;
    private final Optional<byte[]> token;
    private final FaultParser parser;
    private final Duration statementTimeout;
    private final ErrorMapping errors;
    private volatile Faults faults = Faults.NONE;
    private DatabaseFaults running; // guarded by this
    private boolean closed; // guarded by this

    FaultSwitch(Database database, Optional<byte[]> token, int maxHeld, Duration statementTimeout,
            ErrorMapping errors) {
        this.database = database;
        this.token = token;
        this.parser = new FaultParser(maxHeld, statementTimeout);
        this.statementTimeout = statementTimeout;
        this.errors = errors;
    }

    /** The switch of an instance with {@code config}, off until set; {@code errors} answers refused input. */
    public static FaultSwitch of(PlatformConfig config, Database database, ErrorMapping errors) {
        Path file = config.platform().gateway().adminTokenFile();
        Optional<byte[]> token = file == null ? Optional.empty()
                : Optional.of(Secrets.read(file).getBytes(StandardCharsets.UTF_8));
        var pool = config.database().pool();
        return new FaultSwitch(database, token, pool.max(), pool.statementTimeout(), errors);
    }

    /** The faults in force now. */
    public Faults faults() {
        return faults;
    }

    /** Adds {@code GET}, {@code PUT} and {@code DELETE /admin/faults}, unless no admin token is configured. */
    public void addRoutes(ServerBuilder builder) {
        if (token.isEmpty()) {
            return;
        }
        builder.route().get(PATH).build(guarded((ctx, req) -> show(faults).toHttpResponse()));
        builder.route().put(PATH).build(guarded((ctx, req) -> HttpResponse.of(req.aggregate().thenApply(body -> {
            try {
                Faults requested = parser.parse(body.content().array());
                set(requested);
                return show(requested).toHttpResponse();
            } catch (RuntimeException refused) {
                return errors.toResponse(refused).toHttpResponse();
            }
        }))));
        builder.route().delete(PATH).build(guarded((ctx, req) -> {
            set(Faults.NONE);
            return show(Faults.NONE).toHttpResponse();
        }));
    }

    private static AggregatedHttpResponse show(Faults shown) {
        return AggregatedHttpResponse.of(ResponseHeaders.builder(HttpStatus.OK).contentType(MediaType.JSON_UTF_8)
                .set(HttpHeaderNames.CACHE_CONTROL, "no-store").build(), HttpData.wrap(Json.write(shown.toJson())));
    }

    private HttpService guarded(HttpService service) {
        return (ctx, req) -> {
            Optional<String> presented = BearerToken.of(req.headers());
            // Constant time, so that response timing does not reveal how much of a guess was right.
            if (presented.isEmpty()
                    || !MessageDigest.isEqual(token.orElseThrow(), presented.get().getBytes(StandardCharsets.UTF_8))) {
                AggregatedHttpResponse problem = Problems.of(HttpStatus.UNAUTHORIZED, "unauthorized",
                        "the gateway's admin token is missing or wrong", List.of());
                return HttpResponse.of(problem.headers().toBuilder()
                        .set(HttpHeaderNames.WWW_AUTHENTICATE, "Bearer realm=\"nlt-instance-admin\"").build(),
                        problem.content());
            }
            return service.serve(ctx, req);
        };
    }

    /** Puts {@code requested} in force in place of whatever was: the database faults start over. */
    synchronized void set(Faults requested) {
        if (closed) {
            return;
        }
        if (running != null) {
            running.stop(false);
            running = null;
        }
        // One identity for "none", which the injector compares with on every request.
        faults = requested.equals(Faults.NONE) ? Faults.NONE : requested;
        if (requested.holdConnections() > 0 || !requested.slowStatement().isZero()) {
            running = DatabaseFaults.start(database, requested, statementTimeout);
        }
        LOG.warn("fault switch: {}", requested.equals(Faults.NONE) ? "cleared" : requested);
    }

    /**
     * Adds the latency and the 500s in force to every {@code /api/**} request but the health check;
     * {@code /metrics} and the admin routes are never touched. Meant as the innermost decorator, so
     * that the request metrics count what it does.
     */
    public DecoratingHttpServiceFunction injector() {
        return (delegate, ctx, req) -> {
            Faults now = faults;
            if (now == Faults.NONE || !affected(ctx.path())) {
                return delegate.serve(ctx, req);
            }
            if (now.latency().isZero()) {
                return failOrServe(now, delegate, ctx, req);
            }
            CompletableFuture<HttpResponse> later = new CompletableFuture<>();
            ctx.eventLoop().schedule(() -> {
                try {
                    later.complete(failOrServe(now, delegate, ctx, req));
                } catch (Throwable e) {
                    later.completeExceptionally(e);
                }
            }, now.latency().toNanos(), TimeUnit.NANOSECONDS);
            return HttpResponse.of(later);
        };
    }

    private static boolean affected(String path) {
        return path.startsWith("/api/") && !path.equals("/api/health");
    }

    private static HttpResponse failOrServe(Faults now, HttpService delegate, ServiceRequestContext ctx,
            HttpRequest req) throws Exception {
        if (now.errorPercent() > 0 && ThreadLocalRandom.current().nextInt(100) < now.errorPercent()) {
            return Problems.of(HttpStatus.INTERNAL_SERVER_ERROR, "injected-fault",
                    "an error injected by the fault switch (" + PATH + ")", List.of()).toHttpResponse();
        }
        return delegate.serve(ctx, req);
    }

    /** Clears every fault for good: the instance is closing. */
    @Override
    public synchronized void close() {
        closed = true;
        faults = Faults.NONE;
        if (running != null) {
            running.close();
            running = null;
        }
    }
}
