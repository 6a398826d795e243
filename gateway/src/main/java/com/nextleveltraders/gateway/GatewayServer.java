package com.nextleveltraders.gateway;

import com.linecorp.armeria.client.ClientFactory;
import com.linecorp.armeria.common.HttpData;
import com.linecorp.armeria.common.HttpResponse;
import com.linecorp.armeria.common.HttpStatus;
import com.linecorp.armeria.common.MediaType;
import com.linecorp.armeria.common.SessionProtocol;
import com.linecorp.armeria.common.encoding.StreamEncoderFactories;
import com.linecorp.armeria.common.encoding.StreamEncoderFactory;
import com.linecorp.armeria.server.HttpService;
import com.linecorp.armeria.server.Server;
import com.linecorp.armeria.server.ServerBuilder;
import com.linecorp.armeria.server.ServerPort;
import com.linecorp.armeria.server.encoding.EncodingService;
import com.nextleveltraders.cache.RedisConnections;
import com.nextleveltraders.cache.SessionStore;
import com.nextleveltraders.config.Compression;
import com.nextleveltraders.config.ConfigException;
import com.nextleveltraders.config.Gateway;
import com.nextleveltraders.config.LoadBalancerSsl;
import com.nextleveltraders.config.PlatformConfig;
import com.nextleveltraders.config.Secrets;
import com.nextleveltraders.edge.ErrorMapping;
import com.nextleveltraders.edge.Problems;
import com.nextleveltraders.edge.RateLimiting;
import com.nextleveltraders.gateway.web.StaticFiles;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.random.RandomGenerator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The gateway: the public port in front of the API instances, and the loopback admin port.
 *
 * <p>Public port: HTTPS (TLS 1.2 and 1.3 only, or 1.3 only if {@code loadBalancer.ssl.minVersion}
 * says so; HTTP/2 by ALPN) and, on the same port, plain HTTP for loopback clients (others are
 * redirected). Each request passes, outermost first: metrics (so that they see every answer as its
 * client got it), the plain-HTTP check, the web app's files when {@code platform.gateway.webRoot} is set
 * ({@link StaticFiles}: every path but {@code /api}, {@code /admin} and {@code /metrics}), compression
 * (brotli or gzip as the client accepts), the shared rate limit, the refusal of {@code /admin} paths, and
 * the proxy to the least loaded healthy instance.
 *
 * <p>Admin port (loopback only): {@code /metrics}, {@code /health}; the operations dashboard's page at
 * {@code /ops} and its assets under {@code /assets}, from the same bundle and with the same headers as the
 * public port's; and behind the admin token or a dashboard session ({@link AdminAccess}) {@code /admin/backends},
 * {@code /admin/alerts} (the monitor's file) and {@code /admin/fleet} (the launcher's file). The public port
 * never serves the dashboard's page ({@code /ops} there is a route of the trader app) nor any {@code /admin}.
 */
public final class GatewayServer implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(GatewayServer.class);
    // Compressing a few hundred bytes costs more than it saves; Armeria sends smaller bodies as they are.
    private static final int MIN_BYTES_TO_COMPRESS = 1024;

    private final Server server;
    private final Server admin;
    private final BackendPool pool;
    private final GatewayMetrics metrics;
    private final ClientFactory clients;
    private final ScheduledExecutorService scheduler;
    private final RedisConnections redis;
    private final Duration drainTimeout;

    private GatewayServer(Server server, Server admin, BackendPool pool, GatewayMetrics metrics, ClientFactory clients,
            ScheduledExecutorService scheduler, RedisConnections redis, Duration drainTimeout) {
        this.server = server;
        this.admin = admin;
        this.pool = pool;
        this.metrics = metrics;
        this.clients = clients;
        this.scheduler = scheduler;
        this.redis = redis;
        this.drainTimeout = drainTimeout;
    }

    /**
     * Starts both ports with no backend yet; backends come through {@link #addBackend} or the admin API.
     *
     * @throws ConfigException if TLS is enabled and no certificate is configured
     */
    public static GatewayServer start(PlatformConfig config, Clock clock) {
        Gateway gateway = config.platform().gateway();
        LoadBalancerSsl ssl = config.loadBalancer().ssl();
        if (ssl.enabled() && gateway.certificate() == null) {
            throw new ConfigException(List.of("platform.gateway.certificate: needed while loadBalancer.ssl.enabled"
                    + " is true (nlt up makes a self-signed one)"));
        }
        GatewayMetrics metrics = new GatewayMetrics(config.monitoring().application().responseTime().threshold(),
                config.monitoring().disabledMetrics());
        ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor(
                Thread.ofPlatform().name("gateway-checks").daemon().factory());
        ClientFactory clients = ClientFactory.builder().build();
        LeastConnections balancer = new LeastConnections(clock, gateway.slowStart());
        BackendPool pool = new BackendPool(balancer, config.loadBalancer().healthCheck(), gateway.fastCheckInterval(),
                gateway.responseTimeout(), clock, RandomGenerator.getDefault(), clients, scheduler, metrics::transition);
        RedisConnections redis = null;
        try {
            redis = RedisConnections.open(config);
            SessionStore sessions = new SessionStore(redis, config.caching().redis().session(), clock);
            RateLimiting rateLimiting = RateLimiting.of(config, redis, sessions, clock, Optional.empty());
            Duration retryAfter = config.loadBalancer().healthCheck().interval();
            Optional<String> secret = Optional.ofNullable(gateway.secretFile()).map(Secrets::read);
            ProxyService proxy = new ProxyService(pool, secret, gateway.retries(), retryAfter, metrics);

            ServerBuilder builder = Server.builder();
            InetSocketAddress address = new InetSocketAddress(gateway.host(), gateway.port());
            if (ssl.enabled()) {
                builder.port(new ServerPort(address, SessionProtocol.HTTP, SessionProtocol.HTTPS))
                        .tls(gateway.certificate().toFile(), gateway.privateKey().toFile())
                        .tlsCustomizer(tls -> tls.protocols(protocols(ssl.minVersion())));
            } else {
                builder.port(new ServerPort(address, SessionProtocol.HTTP));
            }
            // Each attempt may take the response timeout; the request as a whole all of its attempts.
            Duration requestTimeout = gateway.responseTimeout().multipliedBy(gateway.retries() + 1L);
            builder.maxRequestLength(config.platform().api().maxRequestBody().bytes())
                    .errorHandler(new ErrorMapping(retryAfter, ErrorMapping.DomainProblems.NONE))
                    .requestTimeout(requestTimeout)
                    .gracefulShutdownTimeout(Duration.ZERO, requestTimeout)
                    .serviceUnder("/", proxy)
                    // The instances' metrics are for the autoscaler and Prometheus on the inside only.
                    .service("/metrics", (ctx, req) -> Problems.of(HttpStatus.NOT_FOUND, "not-found",
                            "no such resource", List.of(), null).toHttpResponse())
                    // The last decorator added is the outermost.
                    .decorator(new NoAdminOnPublicPort())
                    .decorator(rateLimiting)
                    .decorator(EncodingService.builder()
                            .encoderFactories(encoders(config.assets().bundling().compression()))
                            .encodableContentTypes(GatewayServer::compressible)
                            .minBytesToForceChunkedEncoding(MIN_BYTES_TO_COMPRESS)
                            .newDecorator());
            // Read once for both ports; without a webRoot, the admin port's /ops says that the web app is not built.
            StaticFiles files = StaticFiles.load(gateway.webRoot(), config.caching().browser().staticAssets(),
                    config.caching().cdn().staticAssets());
            if (gateway.webRoot() != null) {
                // Outside compression and the rate limit: the app's files are precompressed, and not API calls.
                builder.decorator(files);
            }
            if (ssl.enabled()) {
                builder.decorator(new LoopbackOrHttps());
            }
            Server server = builder.decorator(metrics).build();

            Optional<String> adminToken = Optional.ofNullable(gateway.adminTokenFile()).map(Secrets::read);
            AdminService adminService = new AdminService(pool, metrics, config.scaling().regions(),
                    gateway.drainTimeout());
            AdminAccess access = new AdminAccess(adminToken, new AdminSessions(clock, AdminSessions.TTL));
            // Loopback only: the admin API, the dashboard and the metrics never face the network.
            ServerBuilder adminBuilder = Server.builder()
                    .http(new InetSocketAddress(InetAddress.getLoopbackAddress(), gateway.adminPort()))
                    .errorHandler(new ErrorMapping(retryAfter, ErrorMapping.DomainProblems.NONE));
            adminBuilder.route().get("/admin/backends").build(adminService::list);
            adminBuilder.route().put("/admin/backends/{id}").build(adminService::put);
            adminBuilder.route().delete("/admin/backends/{id}").build(adminService::delete);
            adminBuilder.route().get("/admin/alerts")
                    .build(new StatusFileService(gateway.alertsFile(), StatusFileService.ALERTS));
            adminBuilder.route().get("/admin/fleet")
                    .build(new StatusFileService(gateway.fleetFile(), StatusFileService.FLEET));
            adminBuilder.route().post(AdminAccess.SESSION_PATH).maxRequestLength(AdminAccess.MAX_LOGIN_BYTES)
                    .build(access::login);
            adminBuilder.route().get(AdminAccess.SESSION_PATH).build(access::check);
            adminBuilder.route().delete(AdminAccess.SESSION_PATH).build(access::logout);
            adminBuilder.decoratorUnder("/admin", access.authorization());
            HttpService dashboard = files.forAdminPort();
            // "/assets" itself too: a 404 here rather than the router's redirect to "/assets/".
            adminBuilder.service("/ops", dashboard).service("/ops/", dashboard)
                    .service("/assets", dashboard).serviceUnder("/assets/", dashboard);
            adminBuilder.service("/metrics", (ctx, req) -> HttpResponse.of(HttpStatus.OK,
                    MediaType.parse("text/plain; version=0.0.4; charset=utf-8"), HttpData.ofUtf8(metrics.scrape())));
            adminBuilder.service("/health", (ctx, req) -> HttpResponse.of(HttpStatus.OK, MediaType.JSON_UTF_8,
                    "{\"status\":\"UP\",\"backendsUp\":%d}", pool.members().stream()
                            .filter(m -> m.backend().isUp()).count()));
            Server adminServer = adminBuilder.build();

            server.start().join();
            try {
                adminServer.start().join();
            } catch (RuntimeException e) {
                server.stop().join();
                throw e;
            }
            LOG.info("gateway listening on {}:{} ({}), admin on loopback:{}", gateway.host(), server.activeLocalPort(),
                    ssl.enabled() ? "HTTPS " + List.of(protocols(ssl.minVersion())) + " and loopback HTTP" : "HTTP",
                    adminServer.activeLocalPort());
            return new GatewayServer(server, adminServer, pool, metrics, clients, scheduler, redis,
                    gateway.drainTimeout());
        } catch (RuntimeException e) {
            scheduler.shutdownNow();
            clients.close();
            if (redis != null) {
                redis.close();
            }
            metrics.close();
            throw e;
        }
    }

    /** TLS 1.2 and 1.3, or 1.3 alone: nothing older is offered or accepted. */
    static String[] protocols(String minVersion) {
        return "TLSv1.3".equals(minVersion) ? new String[] {"TLSv1.3"} : new String[] {"TLSv1.3", "TLSv1.2"};
    }

    private static List<StreamEncoderFactory> encoders(Compression compression) {
        List<StreamEncoderFactory> encoders = new ArrayList<>();
        if (compression.brotli()) {
            encoders.add(StreamEncoderFactories.BROTLI);
        }
        if (compression.gzip()) {
            encoders.add(StreamEncoderFactories.GZIP);
        }
        return encoders;
    }

    /** Text-like answers only: images and archives are compressed already, and squeezing them wastes CPU. */
    static boolean compressible(MediaType type) {
        return type.is(MediaType.ANY_TEXT_TYPE) || type.isJson() || type.is(MediaType.JAVASCRIPT_UTF_8.withoutParameters())
                || type.subtype().endsWith("+xml") || type.is(MediaType.XML_UTF_8.withoutParameters());
    }

    public int port() {
        return server.activeLocalPort();
    }

    public int adminPort() {
        return admin.activeLocalPort();
    }

    /** Adds an instance (DOWN until its checks pass); false if the id is taken by another address. */
    public boolean addBackend(String id, String host, int port, String region) {
        boolean added = pool.add(id, host, port, region);
        pool.member(id).ifPresent(member -> metrics.track(member.backend()));
        return added;
    }

    /** Takes an instance out of rotation and completes once its in-flight requests are done (or the drain timed out). */
    public CompletableFuture<Boolean> drainBackend(String id) {
        return pool.drain(id, drainTimeout).whenComplete((drained, failure) -> metrics.untrack(id));
    }

    /** Each backend's id, state and in-flight requests, in no particular order. */
    public List<BackendView> backends() {
        return pool.members().stream().map(m -> new BackendView(m.id(), m.host(), m.port(), m.region(),
                m.tracker().state(), m.backend().isDraining(), m.backend().inFlight(), m.requests().get())).toList();
    }

    /** A backend as the gateway sees it. */
    public record BackendView(String id, String host, int port, String region, HealthTracker.State state,
            boolean draining, int inFlight, long requests) {
    }

    @Override
    public void close() {
        // Public port first, letting in-flight requests finish; then what they needed.
        server.stop().join();
        admin.stop().join();
        pool.close();
        scheduler.shutdownNow();
        clients.close();
        redis.close();
        metrics.close();
    }
}
