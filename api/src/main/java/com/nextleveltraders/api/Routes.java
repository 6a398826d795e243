package com.nextleveltraders.api;

import com.linecorp.armeria.common.AggregatedHttpRequest;
import com.linecorp.armeria.common.AggregatedHttpResponse;
import com.linecorp.armeria.common.HttpData;
import com.linecorp.armeria.common.HttpHeaderNames;
import com.linecorp.armeria.common.HttpStatus;
import com.linecorp.armeria.common.MediaType;
import com.linecorp.armeria.common.QueryParams;
import com.linecorp.armeria.common.ResponseHeaders;
import com.linecorp.armeria.server.ServiceRequestContext;
import com.nextleveltraders.cache.RedisConnections;
import com.nextleveltraders.cache.Session;
import com.nextleveltraders.cache.SessionStore;
import com.nextleveltraders.cache.WritePositions;
import com.nextleveltraders.data.Database;
import com.nextleveltraders.edge.HttpProblem;
import com.nextleveltraders.edge.Json;
import com.nextleveltraders.edge.Problems;
import com.nextleveltraders.edge.RateLimiting;
import com.nextleveltraders.edge.SessionToken;
import com.nextleveltraders.trading.MarketSimulator;
import com.nextleveltraders.trading.NewOrder;
import com.nextleveltraders.trading.NewUser;
import com.nextleveltraders.trading.Orders;
import com.nextleveltraders.trading.Page;
import com.nextleveltraders.trading.PlacedOrder;
import com.nextleveltraders.trading.Portfolios;
import com.nextleveltraders.trading.Trades;
import com.nextleveltraders.trading.TradingException;
import com.nextleveltraders.trading.User;
import com.nextleveltraders.trading.Users;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;

/** The handlers of the trading API. Each runs on a virtual thread and may block on JDBC and Redis. */
final class Routes {

    /**
     * Credentials as sent; never logged, never echoed. {@code cookie}: the session goes into an
     * HttpOnly cookie instead of the body, for a browser (absent or null: a bearer token).
     */
    record Credentials(String email, String password, Boolean cookie) {
        @Override
        public String toString() {
            return "Credentials[email=" + email + ", password=***, cookie=" + cookie + "]";
        }
    }

    record SessionView(String token, Instant expiresAt) {
    }

    /** A cookie session as its body shows it: the token is in the cookie only, out of scripts' reach. */
    record CookieSessionView(Instant expiresAt) {
    }

    record UserView(UUID id, String email, String displayName, Instant createdAt) {
    }

    private final Database database;
    private final RedisConnections redis;
    private final SessionStore sessions;
    private final Users users;
    private final Orders orders;
    private final Trades trades;
    private final Portfolios portfolios;
    private final MarketSimulator market;
    private final RateLimiting limiter;
    private final Duration retryAfter;
    private final Duration sessionTtl;

    Routes(Database database, RedisConnections redis, SessionStore sessions, Duration sessionTtl, Users users,
            Orders orders, Trades trades, Portfolios portfolios, MarketSimulator market, RateLimiting limiter,
            Duration retryAfter) {
        this.sessionTtl = sessionTtl;
        this.limiter = limiter;
        this.database = database;
        this.redis = redis;
        this.sessions = sessions;
        this.users = users;
        this.orders = orders;
        this.trades = trades;
        this.portfolios = portfolios;
        this.market = market;
        this.retryAfter = retryAfter;
    }

    AggregatedHttpResponse createUser(ServiceRequestContext ctx, AggregatedHttpRequest request) {
        NewUser body = body(request, NewUser.class);
        User user = users.register(body);
        return json(HttpStatus.CREATED, new UserView(user.id(), user.email(), user.displayName(), user.createdAt()));
    }

    AggregatedHttpResponse createSession(ServiceRequestContext ctx, AggregatedHttpRequest request) {
        Credentials credentials = body(request, Credentials.class);
        UUID userId = users.authenticate(credentials.email(), credentials.password())
                .orElseThrow(() -> new HttpProblem(HttpStatus.UNAUTHORIZED, "invalid-credentials",
                        "email or password is wrong", List.of()));
        Session session = sessions.create(userId);
        if (Boolean.TRUE.equals(credentials.cookie())) {
            // The cookie lives as long as the session in Redis: a browser never holds a dead one for long.
            AggregatedHttpResponse response = json(HttpStatus.CREATED, new CookieSessionView(session.expiresAt()));
            return withCookie(response, session.token(), sessionTtl.toSeconds());
        }
        return json(HttpStatus.CREATED, new SessionView(session.token(), session.expiresAt()));
    }

    AggregatedHttpResponse deleteSession(ServiceRequestContext ctx, AggregatedHttpRequest request) {
        SessionToken token = SessionToken.of(request.headers()).orElseThrow(HttpProblem::unauthorized);
        if (!sessions.delete(token.value())) {
            if (token.fromCookie()) {
                // The browser's cookie names no session: clear it, so that it stops sending it.
                HttpProblem refusal = HttpProblem.unauthorized();
                return withCookie(Problems.of(HttpStatus.UNAUTHORIZED, "unauthorized", refusal.getMessage(),
                        List.of()), "", 0);
            }
            throw HttpProblem.unauthorized();
        }
        AggregatedHttpResponse done = AggregatedHttpResponse.of(HttpStatus.NO_CONTENT);
        return token.fromCookie() ? withCookie(done, "", 0) : done;
    }

    /** The caller's own user: how a browser, which cannot read its HttpOnly cookie, knows it is signed in. */
    AggregatedHttpResponse me(ServiceRequestContext ctx, AggregatedHttpRequest request) {
        UUID userId = authenticate(ctx, request);
        // A session outliving its user (none are removed today) is as good as no session.
        User user = users.find(userId).orElseThrow(HttpProblem::unauthorized);
        return json(HttpStatus.OK, new UserView(user.id(), user.email(), user.displayName(), user.createdAt()));
    }

    /**
     * The response with the session cookie set ({@code maxAgeSeconds} 0 and an empty value: cleared).
     * Path=/api: only the API ever reads it. Secure: browsers keep it on HTTPS and on loopback only.
     */
    private static AggregatedHttpResponse withCookie(AggregatedHttpResponse response, String token, long maxAgeSeconds) {
        String cookie = SessionToken.COOKIE + "=" + token + "; Path=/api; Max-Age=" + maxAgeSeconds
                + "; HttpOnly; Secure; SameSite=Strict";
        return AggregatedHttpResponse.of(response.headers().toBuilder().add(HttpHeaderNames.SET_COOKIE, cookie).build(),
                response.content());
    }

    AggregatedHttpResponse quotes(ServiceRequestContext ctx, AggregatedHttpRequest request) {
        return json(HttpStatus.OK, Map.of("quotes", market.quotes()));
    }

    AggregatedHttpResponse quote(ServiceRequestContext ctx, AggregatedHttpRequest request) {
        String symbol = ctx.pathParam("symbol");
        return json(HttpStatus.OK, market.quote(symbol == null ? "" : symbol.toUpperCase(Locale.ROOT))
                .orElseThrow(() -> TradingException.notFound("symbol")));
    }

    AggregatedHttpResponse placeOrder(ServiceRequestContext ctx, AggregatedHttpRequest request) {
        UUID userId = authenticate(ctx, request);
        NewOrder body = body(request, NewOrder.class);
        PlacedOrder placed = orders.place(userId, body);
        AggregatedHttpResponse response = json(HttpStatus.CREATED, placed.order());
        if (placed.replayed()) {
            // As with idempotency keys elsewhere: the original answer again, marked as a replay.
            return AggregatedHttpResponse.of(response.headers().toBuilder().set("idempotent-replayed", "true").build(),
                    response.content());
        }
        return response;
    }

    AggregatedHttpResponse listOrders(ServiceRequestContext ctx, AggregatedHttpRequest request) {
        SessionStore.Lookup session = session(ctx, request);
        return json(HttpStatus.OK, page(knowingPosition(session, () -> orders.list(session.userId(), parameters(ctx)))));
    }

    AggregatedHttpResponse getOrder(ServiceRequestContext ctx, AggregatedHttpRequest request) {
        SessionStore.Lookup session = session(ctx, request);
        return json(HttpStatus.OK, knowingPosition(session, () -> orders.get(session.userId(), pathId(ctx))));
    }

    AggregatedHttpResponse cancelOrder(ServiceRequestContext ctx, AggregatedHttpRequest request) {
        UUID userId = authenticate(ctx, request);
        return json(HttpStatus.OK, orders.cancel(userId, pathId(ctx)));
    }

    AggregatedHttpResponse listTrades(ServiceRequestContext ctx, AggregatedHttpRequest request) {
        SessionStore.Lookup session = session(ctx, request);
        return json(HttpStatus.OK, page(knowingPosition(session, () -> trades.list(session.userId(), parameters(ctx)))));
    }

    AggregatedHttpResponse portfolio(ServiceRequestContext ctx, AggregatedHttpRequest request) {
        SessionStore.Lookup session = session(ctx, request);
        return json(HttpStatus.OK, knowingPosition(session,
                () -> portfolios.of(session.userId(), session.generation())));
    }

    /** Reads in {@code work} use the write position the session lookup brought, instead of asking Redis again. */
    private static <T> T knowingPosition(SessionStore.Lookup session, java.util.function.Supplier<T> work) {
        return WritePositions.withKnown(session.userId(), session.writePosition(), work);
    }

    AggregatedHttpResponse health(ServiceRequestContext ctx, AggregatedHttpRequest request) {
        boolean postgres = database.isUp();
        boolean redisUp = redis.isUp();
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("status", postgres && redisUp ? "UP" : "DOWN");
        body.put("postgres", postgres ? "UP" : "DOWN");
        body.put("redis", redisUp ? "UP" : "DOWN");
        // LOCAL: Redis was unreachable at the last decision, so each instance limits on its own.
        body.put("rateLimit", limiter.isDegraded() ? "LOCAL" : "SHARED");
        List<RedisConnections.NodeStatus> nodes = redis.nodes();
        body.put("redisMode", redis.mode());
        // One master in sentinel and standalone mode; one per slot range in a cluster.
        body.put("redisMasters", nodes.stream().filter(node -> node.up() && node.role().equals("master"))
                .map(RedisConnections.NodeStatus::address).toList());
        body.put("redisNodes", nodes);
        if (postgres && redisUp) {
            return json(HttpStatus.OK, body);
        }
        ResponseHeaders headers = ResponseHeaders.builder(HttpStatus.SERVICE_UNAVAILABLE)
                .contentType(MediaType.JSON_UTF_8)
                .set(HttpHeaderNames.RETRY_AFTER, Long.toString(retryAfter.toSeconds()))
                .build();
        return AggregatedHttpResponse.of(headers, HttpData.wrap(Json.write(body)));
    }

    private static Map<String, Object> page(Page<?> page) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("items", page.items());
        if (page.nextCursor() != null) {
            body.put("nextCursor", page.nextCursor());
        }
        return body;
    }

    /** The session's user. */
    private UUID authenticate(ServiceRequestContext ctx, AggregatedHttpRequest request) {
        return session(ctx, request).userId();
    }

    /** The session: looked up already by the rate limiter when it ran, else now. */
    private SessionStore.Lookup session(ServiceRequestContext ctx, AggregatedHttpRequest request) {
        SessionStore.Lookup known = ctx.attr(RateLimiting.SESSION);
        if (known != null) {
            return known;
        }
        String token = SessionToken.of(request.headers()).orElseThrow(HttpProblem::unauthorized).value();
        return sessions.lookup(token).orElseThrow(HttpProblem::unauthorized);
    }

    private static UUID pathId(ServiceRequestContext ctx) {
        String id = ctx.pathParam("id");
        try {
            return UUID.fromString(id);
        } catch (IllegalArgumentException | NullPointerException e) {
            throw TradingException.badParameter("id", "must be an order id (a UUID)");
        }
    }

    private static Map<String, List<String>> parameters(ServiceRequestContext ctx) {
        QueryParams query = ctx.queryParams();
        Map<String, List<String>> parameters = new LinkedHashMap<>();
        for (String name : query.names()) {
            parameters.put(name, new ArrayList<>(query.getAll(name)));
        }
        return parameters;
    }

    private static <T> T body(AggregatedHttpRequest request, Class<T> type) {
        MediaType contentType = request.contentType();
        if (contentType == null || !contentType.isJson()) {
            throw new HttpProblem(HttpStatus.UNSUPPORTED_MEDIA_TYPE, "unsupported-media-type",
                    "the body must be application/json", List.of());
        }
        if (request.content().isEmpty()) {
            throw HttpProblem.badRequest("malformed-json", "a JSON object body is required", null);
        }
        T value;
        try {
            value = Json.MAPPER.readValue(request.content().array(), type);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        if (value == null) {
            throw HttpProblem.badRequest("malformed-json", "a JSON object body is required", null);
        }
        return value;
    }

    /** A JSON answer; its Cache-Control and ETag are added by {@link HttpCaching} per route. */
    static AggregatedHttpResponse json(HttpStatus status, Object body) {
        return AggregatedHttpResponse.of(ResponseHeaders.builder(status).contentType(MediaType.JSON_UTF_8).build(),
                HttpData.wrap(Json.write(body)));
    }
}
