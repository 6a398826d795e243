package com.nextleveltraders.edge;

import com.linecorp.armeria.common.AggregatedHttpResponse;
import com.linecorp.armeria.common.HttpHeaderNames;
import com.linecorp.armeria.common.HttpMethod;
import com.linecorp.armeria.common.HttpRequest;
import com.linecorp.armeria.common.HttpResponse;
import com.linecorp.armeria.common.HttpStatus;
import com.linecorp.armeria.common.RequestContext;
import com.linecorp.armeria.common.ResponseHeaders;
import com.linecorp.armeria.common.ResponseHeadersBuilder;
import com.linecorp.armeria.server.DecoratingHttpServiceFunction;
import com.linecorp.armeria.server.HttpService;
import com.linecorp.armeria.server.ServiceRequestContext;
import com.nextleveltraders.cache.RateDecision;
import com.nextleveltraders.cache.RateLimiters;
import com.nextleveltraders.cache.RatePolicy;
import com.nextleveltraders.cache.RedisConnections;
import com.nextleveltraders.cache.RedisTierException;
import com.nextleveltraders.cache.SessionStore;
import com.nextleveltraders.config.PlatformConfig;
import io.netty.channel.EventLoop;
import io.netty.util.AttributeKey;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;

/**
 * The strategy's rate limit on every API request: per authenticated user (per client address
 * without a valid token), shared by every instance through Redis. Every answer carries the IETF
 * {@code RateLimit-Policy} and {@code RateLimit} headers; a refused request is a 429 problem with
 * {@code Retry-After}. Health checks and metrics scrapes are not limited.
 *
 * <p>The gateway applies this same decorator in front of every instance. A request it forwards
 * carries the gateway's secret ({@link #GATEWAY_SECRET_HEADER}); an instance that knows the secret
 * does not count such a request again, so each request costs one unit of its user's budget.
 */
public final class RateLimiting implements DecoratingHttpServiceFunction {

    /** Set by the gateway on every request it forwards; clients' own values are replaced. */
    public static final String GATEWAY_SECRET_HEADER = "x-nlt-gateway-secret";

    /** The request's session, when the limiter has looked it up already. */
    public static final AttributeKey<SessionStore.Lookup> SESSION = AttributeKey.valueOf(RateLimiting.class, "SESSION");

    private static final List<String> UNLIMITED = List.of("/api/health", "/metrics");
    // Each costs an Argon2 hash: on top of the general limit, a small budget per client address.
    private static final List<String> AUTH_ROUTES = List.of("/api/users", "/api/sessions");
    private static final String POLICY_NAME = "\"burst\"";
    private static final String AUTH_POLICY_NAME = "\"auth\"";
    // Clients rotating through the addresses of one IPv6 network count as that network.
    private static final int IPV6_PREFIX_BYTES = 8;

    private final RateLimiters limiter;
    private final RateLimiters authLimiter;
    private final SessionStore sessions;
    private final String policyHeader;
    private final String authPolicyHeader;
    private final byte[] gatewaySecret; // empty: every request is limited here

    /**
     * The strategy's limit ({@code loadBalancer.rateLimit}) and the login/registration limit
     * ({@code platform.authRateLimit}), both in Redis.
     *
     * @param gatewaySecret requests carrying this secret were limited by the gateway; empty: none were
     */
    public static RateLimiting of(PlatformConfig config, RedisConnections redis, SessionStore sessions, Clock clock,
            Optional<String> gatewaySecret) {
        var rateLimit = config.loadBalancer().rateLimit();
        RatePolicy policy = new RatePolicy(rateLimit.requests(), rateLimit.period(), rateLimit.burst(),
                config.caching().redis().rateLimit());
        var auth = config.platform().authRateLimit();
        RatePolicy authPolicy = new RatePolicy(auth.requests(), auth.period(), auth.burst(),
                config.caching().redis().rateLimit());
        return new RateLimiting(RateLimiters.create(redis, policy, clock), policy,
                RateLimiters.create(redis, authPolicy, clock), authPolicy, sessions, gatewaySecret);
    }

    RateLimiting(RateLimiters limiter, RatePolicy policy, RateLimiters authLimiter, RatePolicy authPolicy,
            SessionStore sessions, Optional<String> gatewaySecret) {
        this.gatewaySecret = gatewaySecret.map(secret -> secret.getBytes(StandardCharsets.UTF_8))
                .orElse(new byte[0]);
        this.limiter = limiter;
        this.authLimiter = authLimiter;
        this.sessions = sessions;
        // draft-ietf-httpapi-ratelimit-headers, quota q per window w seconds. What GCRA enforces is
        // the burst (q requests, refilled over w = burst × interval); the sustained rate it implies
        // is listed too. RateLimit reports the burst policy, the one that binds.
        this.policyHeader = POLICY_NAME + ";q=" + policy.burst() + ";w="
                + ceilSeconds(policy.interval().multipliedBy(policy.burst()))
                + ", \"sustained\";q=" + policy.requests() + ";w=" + policy.period().toSeconds();
        this.authPolicyHeader = policyHeader + ", " + AUTH_POLICY_NAME + ";q=" + authPolicy.burst() + ";w="
                + ceilSeconds(authPolicy.interval().multipliedBy(authPolicy.burst()));
    }

    @Override
    public HttpResponse serve(HttpService delegate, ServiceRequestContext ctx, HttpRequest req) throws Exception {
        if (UNLIMITED.contains(ctx.path()) || fromGateway(req)) {
            return delegate.serve(ctx, req);
        }
        boolean authRoute = req.method() == HttpMethod.POST && AUTH_ROUTES.contains(ctx.path());
        // Nothing here blocks: the session lookup and the decisions are Lettuce futures, completed on
        // Lettuce's I/O thread, and the request goes on from its own event loop once they are in.
        CompletableFuture<HttpResponse> decided = client(ctx, req)
                .thenCompose(limiter::acquireAsync)
                .thenCompose(general -> !general.allowed() || !authRoute
                        ? CompletableFuture.completedFuture(new Binding(general, POLICY_NAME, policyHeader))
                        : authLimiter.acquireAsync("auth:" + clientAddress(ctx.clientAddress()))
                                .thenApply(auth -> new Binding(auth, AUTH_POLICY_NAME, authPolicyHeader)))
                .thenApplyAsync(binding -> binding.decision().allowed() ? forward(delegate, ctx, req, binding)
                        : refuse(binding.decision(), binding.name(), binding.header()), onEventLoop(ctx))
                .toCompletableFuture();
        return HttpResponse.of(decided);
    }

    /** The decision that binds the request, and the policy it comes from (named in the RateLimit header). */
    private record Binding(RateDecision decision, String name, String header) {
    }

    private static HttpResponse forward(HttpService delegate, ServiceRequestContext ctx, HttpRequest req,
            Binding binding) {
        try {
            // Not on responses shared caches may keep: a CDN would replay one client's budget to all.
            return delegate.serve(ctx, req).mapHeaders(headers -> isPublic(headers) ? headers
                    : withRateHeaders(headers.toBuilder(), binding.decision(), binding.name(), binding.header())
                            .build());
        } catch (Exception e) {
            return HttpResponse.ofFailure(e);
        }
    }

    /**
     * Runs on the request's event loop, in its context: at once when already there (the decision
     * was ready when asked for, e.g. made locally while Redis is away), else queued to it from
     * Lettuce's thread. Services expect to be called from their event loop, as without a limiter.
     */
    private static Executor onEventLoop(ServiceRequestContext ctx) {
        EventLoop loop = ctx.eventLoop();
        return task -> {
            if (loop.inEventLoop() && RequestContext.currentOrNull() == ctx) {
                task.run();
            } else {
                loop.execute(task);
            }
        };
    }

    /** The limiter of this instance's RateLimiters, for the health endpoint. */
    public boolean isDegraded() {
        return limiter.isDegraded();
    }

    private boolean fromGateway(HttpRequest req) {
        String presented = req.headers().get(GATEWAY_SECRET_HEADER);
        // Constant time: the comparison must not tell a prober how much of a guess was right.
        return gatewaySecret.length > 0 && presented != null
                && MessageDigest.isEqual(gatewaySecret, presented.getBytes(StandardCharsets.UTF_8));
    }

    /** "user:&lt;id&gt;" for a valid session, else "ip:&lt;address&gt;"; the handler still answers 401 to a bad token. */
    private CompletionStage<String> client(ServiceRequestContext ctx, HttpRequest req) {
        // The cookie's session too: a browser's requests count against its user, as an API client's do.
        Optional<String> token = SessionToken.of(req.headers()).map(SessionToken::value);
        if (token.isEmpty()) {
            return CompletableFuture.completedFuture(clientAddress(ctx.clientAddress()));
        }
        return sessions.lookupAsync(token.get()).handle((session, failure) -> {
            if (failure == null) {
                if (session.isPresent()) {
                    // Handlers reuse it instead of looking the session up again.
                    ctx.setAttr(SESSION, session.get());
                    return "user:" + session.get().userId();
                }
                return clientAddress(ctx.clientAddress());
            }
            Throwable cause = failure instanceof CompletionException && failure.getCause() != null
                    ? failure.getCause() : failure;
            if (cause instanceof RedisTierException) {
                // No session store: the handler will answer 503; limit by address meanwhile.
                return clientAddress(ctx.clientAddress());
            }
            throw failure instanceof CompletionException completion ? completion : new CompletionException(cause);
        });
    }

    static String clientAddress(InetAddress address) {
        if (address instanceof Inet6Address) {
            byte[] network = Arrays.copyOf(address.getAddress(), 16);
            Arrays.fill(network, IPV6_PREFIX_BYTES, 16, (byte) 0);
            try {
                return "ip6:" + InetAddress.getByAddress(network).getHostAddress() + "/64";
            } catch (UnknownHostException impossible) {
                throw new IllegalStateException(impossible);
            }
        }
        return "ip:" + address.getHostAddress();
    }

    private static boolean isPublic(ResponseHeaders headers) {
        String control = headers.get(HttpHeaderNames.CACHE_CONTROL);
        return control != null && control.startsWith("public");
    }

    private HttpResponse refuse(RateDecision decision, String name, String header) {
        AggregatedHttpResponse problem = Problems.of(HttpStatus.TOO_MANY_REQUESTS, "rate-limited",
                "too many requests; retry after " + seconds(decision.retryAfter()) + " s", List.of(),
                decision.retryAfter());
        return HttpResponse.of(withRateHeaders(problem.headers().toBuilder(), decision, name, header).build(),
                problem.content());
    }

    private static ResponseHeadersBuilder withRateHeaders(ResponseHeadersBuilder headers, RateDecision decision,
            String name, String policyHeader) {
        headers.set("ratelimit-policy", policyHeader);
        headers.set("ratelimit", name + ";r=" + decision.remaining() + ";t=" + seconds(decision.reset()));
        if (!decision.allowed()) {
            headers.set(HttpHeaderNames.RETRY_AFTER, Long.toString(seconds(decision.retryAfter())));
        }
        return headers;
    }

    /** Whole seconds, rounded up: a client that waits this long is never early. */
    private static long seconds(Duration duration) {
        return ceilSeconds(duration);
    }

    private static long ceilSeconds(Duration duration) {
        long seconds = duration.getSeconds();
        return duration.getNano() > 0 ? seconds + 1 : seconds;
    }
}
