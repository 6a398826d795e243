package com.nextleveltraders.api;

import com.linecorp.armeria.common.AggregatedHttpRequest;
import com.linecorp.armeria.common.AggregatedHttpResponse;
import com.linecorp.armeria.common.HttpData;
import com.linecorp.armeria.common.HttpHeaderNames;
import com.linecorp.armeria.common.HttpResponse;
import com.linecorp.armeria.common.HttpStatus;
import com.linecorp.armeria.common.ResponseHeaders;
import com.linecorp.armeria.server.HttpService;
import com.linecorp.armeria.server.Server;
import com.linecorp.armeria.server.ServerBuilder;
import com.linecorp.armeria.server.ServiceRequestContext;
import com.nextleveltraders.api.HttpCaching.Kind;
import com.nextleveltraders.api.faults.FaultSwitch;
import com.nextleveltraders.cache.RedisConnections;
import com.nextleveltraders.cache.RedisWritePositions;
import com.nextleveltraders.cache.SessionStore;
import com.nextleveltraders.cache.TieredCache;
import com.nextleveltraders.config.PlatformConfig;
import com.nextleveltraders.config.Secrets;
import com.nextleveltraders.data.Database;
import com.nextleveltraders.edge.ErrorMapping;
import com.nextleveltraders.edge.RateLimiting;
import com.nextleveltraders.edge.SameOriginCookieWrites;
import com.nextleveltraders.trading.FillEngine;
import com.nextleveltraders.trading.MarketSimulator;
import com.nextleveltraders.trading.Orders;
import com.nextleveltraders.trading.PortfolioCache;
import com.nextleveltraders.trading.Portfolios;
import com.nextleveltraders.trading.Trades;
import com.nextleveltraders.trading.Users;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.config.MeterFilter;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One API instance: its connections, services, HTTP server and fill engine. Starting it does not
 * migrate the database; the launcher (or a deployment step) does that first.
 */
public final class ApiInstance implements AutoCloseable {

    // Routers find a moved bucket on their own (the ownership checks); this only bounds how long a
    // new shard waits for the fill engine, and how long a quiet router keeps an old directory.
    private static final Duration DIRECTORY_REFRESH = Duration.ofSeconds(10);

    private static final Logger LOG = LoggerFactory.getLogger(ApiInstance.class);

    @FunctionalInterface
    interface Handler {
        AggregatedHttpResponse handle(ServiceRequestContext ctx, AggregatedHttpRequest request) throws Exception;
    }

    private final Database database;
    private final RedisConnections redis;
    private final FillEngine fillEngine;
    private final PortfolioCache portfolioCache;
    private final Server server;
    private final ExecutorService requestThreads;
    private final ScheduledExecutorService engineThread;
    private final PrometheusMeterRegistry registry;
    private final Duration requestTimeout;
    private final FaultSwitch faults;

    private ApiInstance(Database database, RedisConnections redis, FillEngine fillEngine, Server server,
            ExecutorService requestThreads, ScheduledExecutorService engineThread, PrometheusMeterRegistry registry,
            Duration requestTimeout, PortfolioCache portfolioCache, FaultSwitch faults) {
        this.faults = faults;
        this.portfolioCache = portfolioCache;
        this.requestTimeout = requestTimeout;
        this.database = database;
        this.redis = redis;
        this.fillEngine = fillEngine;
        this.server = server;
        this.requestThreads = requestThreads;
        this.engineThread = engineThread;
        this.registry = registry;
    }

    /**
     * Connects to PostgreSQL and Redis, binds the HTTP port ({@code platform.api.port}; 0 picks a
     * free one) and, when {@code runFillEngine}, schedules the fill engine every
     * {@code platform.engine.interval}.
     */
    public static ApiInstance start(PlatformConfig config, Clock clock, boolean runFillEngine) {
        // Before the pools: each server's pool registers its metrics as it opens.
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        List<String> disabledMetrics = config.monitoring().disabledMetrics();
        // monitoring.disabledMetrics: a denied meter is a no-op, missing from /metrics.
        disabledMetrics.forEach(prefix -> registry.config().meterFilter(MeterFilter.denyNameStartsWith(prefix)));
        RedisMetrics.configure(registry);
        Database database;
        try {
            database = Database.open(config,
                    new DatabaseMetrics(registry, config.monitoring().database().queryTime().threshold()));
        } catch (RuntimeException e) {
            registry.close();
            throw e;
        }
        RedisConnections redis = null;
        try {
            redis = RedisConnections.open(config, RedisMetrics.recorder(registry, disabledMetrics));
            return start(config, clock, runFillEngine, database, redis, registry);
        } catch (RuntimeException e) {
            if (redis != null) {
                redis.close();
            }
            database.close();
            registry.close();
            throw e;
        }
    }

    private static ApiInstance start(PlatformConfig config, Clock clock, boolean runFillEngine, Database database,
            RedisConnections redis, PrometheusMeterRegistry registry) {
        MarketSimulator market = new MarketSimulator(config.platform().market(), clock);
        database.useWritePositions(new RedisWritePositions(redis, config.platform().replicaReads().maxLag()));
        database.refreshDirectoryEvery(DIRECTORY_REFRESH);
        Users users = new Users(database, config, clock);
        PortfolioCache portfolioCache = new PortfolioCache(redis, config);
        SessionStore sessions = new SessionStore(redis, config.caching().redis().session(), clock,
                portfolioCache.tiered(), true);
        Orders orders = new Orders(database, market, config.query().patterns(), clock, portfolioCache);
        Trades trades = new Trades(database, config.query().patterns());
        Portfolios portfolios = new Portfolios(database, market, clock, portfolioCache);
        FillEngine fillEngine = new FillEngine(database, market, config.platform().engine(), clock, portfolioCache);
        // A failed health check is retried by the balancer after one interval: a fair hint for clients too.
        Duration retryAfter = config.loadBalancer().healthCheck().interval();
        // Blocking JDBC and Redis calls run on virtual threads: since JDK 24 they no longer pin
        // their carrier inside synchronized blocks (JEP 491), so pgjdbc and HikariCP are safe here.
        ExecutorService requestThreads = Executors.newVirtualThreadPerTaskExecutor();
        RateLimiting rateLimiting = RateLimiting.of(config, redis, sessions, clock, gatewaySecret(config));
        Routes routes = new Routes(database, redis, sessions, config.caching().redis().session(), users, orders, trades,
                portfolios, market, rateLimiting, retryAfter);
        ErrorMapping errors = new ErrorMapping(retryAfter, new TradingProblems());

        new ProcessorMetrics().bindTo(registry);
        new JvmMemoryMetrics().bindTo(registry);
        new JvmGcMetrics().bindTo(registry);
        new JvmThreadMetrics().bindTo(registry);
        Gauge.builder("db.connections.active", database, Database::activeConnections).register(registry);
        Gauge.builder("db.connections.max", database, Database::maxConnections).register(registry);
        FunctionCounter.builder("db.reads", database, Database::replicaReads).tag("server", "replica")
                .description("reads that may be slightly stale, by the server that answered").register(registry);
        FunctionCounter.builder("db.reads", database, Database::primaryReads).tag("server", "primary")
                .description("reads that may be slightly stale, by the server that answered").register(registry);
        for (String tier : new String[] {"l1", "l2", "miss", "bypass"}) {
            FunctionCounter.builder("portfolio.cache.reads", portfolioCache, cache -> switch (tier) {
                case "l1" -> cache.stats().l1Hits();
                case "l2" -> cache.stats().l2Hits();
                case "miss" -> cache.stats().misses();
                default -> cache.stats().bypasses();
            }).tag("result", tier).description("portfolio reads by the tier that answered").register(registry);
        }

        var api = config.platform().api();
        // A request may wait for a connection and then run one statement to its timeout.
        Duration requestTimeout = config.database().pool().requestTimeout();
        FaultSwitch faults = FaultSwitch.of(config, database, errors);
        ServerBuilder builder = Server.builder()
                .http(new InetSocketAddress(api.host(), api.port()))
                .maxRequestLength(api.maxRequestBody().bytes())
                .requestTimeout(requestTimeout)
                // On stop, refuse new requests at once and give in-flight ones up to their timeout.
                .gracefulShutdownTimeout(Duration.ZERO, requestTimeout)
                .errorHandler(errors)
                // The last decorator added is the outermost: metrics see every answer, 429s and the
                // fault switch's 500s and latency included. A cross-site write is refused inside the
                // rate limit: it still costs its sender.
                .decorator(new SameOriginCookieWrites())
                .decorator(faults.injector())
                .decorator(rateLimiting)
                .decorator(new HttpMetrics(registry, config.monitoring().application().responseTime().threshold(),
                        config.monitoring().database().queryTime().threshold()));
        Blocking blocking = new Blocking(requestThreads, errors, new HttpCaching(config));
        builder.route().post("/api/users").build(blocking.of(routes::createUser, Kind.NONE));
        builder.route().post("/api/sessions").build(blocking.of(routes::createSession, Kind.NONE));
        builder.route().delete("/api/sessions").build(blocking.of(routes::deleteSession, Kind.NONE));
        builder.route().get("/api/users/me").build(blocking.of(routes::me, Kind.PRIVATE));
        builder.route().get("/api/quotes").build(blocking.of(routes::quotes, Kind.SHARED));
        builder.route().get("/api/quotes/{symbol}").build(blocking.of(routes::quote, Kind.SHARED));
        builder.route().post("/api/orders").build(blocking.of(routes::placeOrder, Kind.NONE));
        builder.route().get("/api/orders").build(blocking.of(routes::listOrders, Kind.PRIVATE));
        builder.route().get("/api/orders/{id}").build(blocking.of(routes::getOrder, Kind.PRIVATE));
        builder.route().delete("/api/orders/{id}").build(blocking.of(routes::cancelOrder, Kind.NONE));
        builder.route().get("/api/trades").build(blocking.of(routes::listTrades, Kind.PRIVATE));
        builder.route().get("/api/portfolio").build(blocking.of(routes::portfolio, Kind.PRIVATE));
        builder.route().get("/api/health").build(blocking.of(routes::health, Kind.NONE));
        faults.addRoutes(builder);
        builder.route().get("/metrics").build(blocking.of((ctx, request) -> AggregatedHttpResponse.of(
                ResponseHeaders.of(HttpStatus.OK, HttpHeaderNames.CONTENT_TYPE,
                        "text/plain; version=0.0.4; charset=utf-8"),
                HttpData.ofUtf8(registry.scrape())), Kind.NONE));
        Server server = builder.build();
        try {
            server.start().join();
        } catch (RuntimeException e) {
            requestThreads.shutdownNow();
            faults.close();
            throw e;
        }
        ScheduledExecutorService engineThread = null;
        if (runFillEngine) {
            engineThread = Executors.newSingleThreadScheduledExecutor(Thread.ofPlatform().name("fill-engine").daemon().factory());
            long every = config.platform().engine().interval().toMillis();
            engineThread.scheduleWithFixedDelay(new EngineTick(fillEngine), every, every, TimeUnit.MILLISECONDS);
        }
        LOG.info("API instance {} ({}) listening on {}:{}", api.instanceId(), api.region(), api.host(),
                server.activeLocalPort());
        return new ApiInstance(database, redis, fillEngine, server, requestThreads, engineThread, registry,
                requestTimeout, portfolioCache, faults);
    }

    private static Optional<String> gatewaySecret(PlatformConfig config) {
        Path file = config.platform().gateway().secretFile();
        return file == null ? Optional.empty() : Optional.of(Secrets.read(file));
    }

    public int port() {
        return server.activeLocalPort();
    }

    public FillEngine fillEngine() {
        return fillEngine;
    }

    /** Reads of portfolios by the tier that answered them, since start. */
    public TieredCache.Stats portfolioCacheStats() {
        return portfolioCache.stats();
    }

    public Database database() {
        return database;
    }

    /** The faults this instance injects into itself ({@code /admin/faults}). */
    public FaultSwitch faults() {
        return faults;
    }

    /**
     * Stops accepting requests and lets in-flight ones finish (up to the request timeout), lets a
     * running fill engine pass end, then closes the connections.
     */
    @Override
    public void close() {
        if (engineThread != null) {
            engineThread.shutdown();
        }
        server.stop().join();
        faults.close();
        requestThreads.shutdown();
        awaitQuietly(requestThreads);
        if (engineThread != null) {
            awaitQuietly(engineThread);
        }
        redis.close();
        database.close();
        registry.close();
    }

    private void awaitQuietly(ExecutorService executor) {
        try {
            if (!executor.awaitTermination(requestTimeout.toMillis(), TimeUnit.MILLISECONDS)) {
                LOG.warn("work still running at shutdown: {}", executor);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * Adapts a blocking handler: aggregate the body, run on a virtual thread, map failures to
     * problems, and add the cache headers of the route's kind of response.
     */
    private record Blocking(ExecutorService executor, ErrorMapping errors, HttpCaching caching) {
        HttpService of(Handler handler, Kind kind) {
            return (ctx, req) -> HttpResponse.of(req.aggregate().thenApplyAsync(aggregated -> {
                AggregatedHttpResponse response;
                try {
                    response = handler.handle(ctx, aggregated);
                } catch (Throwable failure) {
                    response = errors.toResponse(failure);
                }
                return caching.apply(aggregated.headers(), response, kind).toHttpResponse();
            }, ctx.makeContextAware(executor)));
        }
    }

    /** One scheduled pass; a failure is logged and the next tick tries again. */
    private static final class EngineTick implements Runnable {
        private final FillEngine engine;
        private String lastFailure;

        EngineTick(FillEngine engine) {
            this.engine = engine;
        }

        @Override
        public void run() {
            try {
                engine.runOnce();
                if (lastFailure != null) {
                    LOG.info("fill engine recovered");
                    lastFailure = null;
                }
            } catch (Throwable e) {
                // Anything escaping run() would cancel every later pass without a word: log and go on.
                String failure = e.getClass().getName() + ": " + e.getMessage();
                if (!failure.equals(lastFailure)) {
                    LOG.warn("fill engine pass failed: {}", failure, e);
                    lastFailure = failure;
                }
            }
        }
    }
}
