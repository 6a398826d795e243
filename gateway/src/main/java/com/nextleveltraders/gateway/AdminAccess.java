package com.nextleveltraders.gateway;

import com.linecorp.armeria.common.AggregatedHttpRequest;
import com.linecorp.armeria.common.AggregatedHttpResponse;
import com.linecorp.armeria.common.Cookie;
import com.linecorp.armeria.common.CookieBuilder;
import com.linecorp.armeria.common.HttpHeaderNames;
import com.linecorp.armeria.common.HttpMethod;
import com.linecorp.armeria.common.HttpRequest;
import com.linecorp.armeria.common.HttpResponse;
import com.linecorp.armeria.common.HttpStatus;
import com.linecorp.armeria.common.MediaType;
import com.linecorp.armeria.common.RequestHeaders;
import com.linecorp.armeria.common.ResponseHeaders;
import com.linecorp.armeria.server.DecoratingHttpServiceFunction;
import com.linecorp.armeria.server.HttpService;
import com.linecorp.armeria.server.ServiceRequestContext;
import com.nextleveltraders.edge.BearerToken;
import com.nextleveltraders.edge.FieldProblem;
import com.nextleveltraders.edge.HttpProblem;
import com.nextleveltraders.edge.Json;
import com.nextleveltraders.edge.Problems;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Who may use the admin port's {@code /admin} routes: a caller with the admin token as a bearer token
 * (scripts, {@code nlt scale}), or a browser holding an operations dashboard session in the
 * {@code nlt_admin} cookie. The admin token is a credential of its own that no user session stands in
 * for; without one configured, every {@code /admin} route is refused.
 *
 * <ul>
 *   <li>{@code POST /admin/session} with {@code {"token": "<admin token>"}}: 204 and the cookie
 *       {@code nlt_admin=<session id>; Path=/admin; Max-Age=<12 h>; HttpOnly; Secure; SameSite=Strict}.
 *       The cookie holds a random session id, never the token. A missing or wrong token is a 401 problem
 *       naming the field {@code token}.
 *   <li>{@code GET /admin/session}: 204 while the cookie names a live session, else 401.
 *   <li>{@code DELETE /admin/session}: ends the session; 204 and the cookie cleared.
 * </ul>
 *
 * <p>The cookie is {@code Secure} although the admin port speaks plain HTTP: browsers count loopback
 * ({@code http://127.0.0.1}, {@code http://localhost}) as a secure context and keep such a cookie there
 * (Chromium does), and it then never travels over a network link. A request the cookie authenticates that
 * changes state (POST, PUT, PATCH, DELETE) must come from the dashboard itself: its {@code Origin} must be
 * this port's own, {@code http://127.0.0.1:<port>} or {@code http://localhost:<port>}, matching the
 * request's {@code Host}; else 403 {@code origin-mismatch}. {@code SameSite=Strict} keeps the cookie off
 * other sites' requests already; the check stands in for browsers and paths where it would not. A login
 * carrying a foreign {@code Origin} is refused the same way, so that no other page can sign a browser in.
 */
final class AdminAccess {

    static final String COOKIE = "nlt_admin";
    static final String SESSION_PATH = "/admin/session";
    /** A login body is one short token; anything bigger is refused before it is parsed. */
    static final int MAX_LOGIN_BYTES = 4096;

    private static final Set<HttpMethod> SAFE = Set.of(HttpMethod.GET, HttpMethod.HEAD, HttpMethod.OPTIONS);
    private static final Set<String> LOOPBACK_NAMES = Set.of("127.0.0.1", "localhost");

    private final Optional<byte[]> token;
    private final AdminSessions sessions;

    AdminAccess(Optional<String> token, AdminSessions sessions) {
        this.token = token.map(value -> value.getBytes(StandardCharsets.UTF_8));
        this.sessions = sessions;
    }

    /** The login body. */
    record Login(String token) {
    }

    /**
     * Refuses {@code /admin} calls with neither the admin token nor a live session (and all of them when
     * no token is set). The bearer token is tried first; without an {@code Authorization: Bearer} header,
     * the cookie. {@link #SESSION_PATH} passes: its routes authenticate by themselves.
     */
    DecoratingHttpServiceFunction authorization() {
        return (HttpService delegate, ServiceRequestContext ctx, HttpRequest req) -> {
            if (ctx.path().equals(SESSION_PATH)) {
                return delegate.serve(ctx, req);
            }
            if (token.isEmpty()) {
                return disabled();
            }
            Optional<String> bearer = BearerToken.of(req.headers());
            if (bearer.isPresent()) {
                return isToken(bearer.get()) ? delegate.serve(ctx, req) : unauthorized("the admin token is wrong");
            }
            if (session(req.headers()).isEmpty()) {
                return unauthorized("the admin token or an operations session is required");
            }
            if (!SAFE.contains(req.method()) && !ownOrigin(ctx, req.headers())) {
                return originMismatch();
            }
            return delegate.serve(ctx, req);
        };
    }

    /** {@code POST /admin/session}. The body (a few bytes at most) is read before any answer, even a refusal. */
    HttpResponse login(ServiceRequestContext ctx, HttpRequest req) {
        return HttpResponse.of(req.aggregate().thenApply(request -> {
            if (token.isEmpty()) {
                return disabled();
            }
            if (request.headers().contains(HttpHeaderNames.ORIGIN) && !ownOrigin(ctx, request.headers())) {
                return originMismatch();
            }
            Login login = body(request);
            if (login.token() == null || login.token().isEmpty()) {
                return tokenRefused("is required");
            }
            if (!isToken(login.token())) {
                return tokenRefused("is not the admin token");
            }
            String id = sessions.open();
            Cookie cookie = cookie(id).maxAge(sessions.ttl().toSeconds()).build();
            return HttpResponse.of(ResponseHeaders.builder(HttpStatus.NO_CONTENT)
                    .set(HttpHeaderNames.CACHE_CONTROL, "no-store").cookie(cookie).build());
        }));
    }

    /** {@code GET /admin/session}: whether this browser is signed in, which a script cannot read from the cookie. */
    HttpResponse check(ServiceRequestContext ctx, HttpRequest req) {
        if (token.isEmpty()) {
            return disabled();
        }
        if (session(req.headers()).isEmpty()) {
            return unauthorized("no operations session: POST /admin/session with the admin token");
        }
        return HttpResponse.of(ResponseHeaders.builder(HttpStatus.NO_CONTENT)
                .set(HttpHeaderNames.CACHE_CONTROL, "no-store").build());
    }

    /** {@code DELETE /admin/session}: ends the session if there is one; the cookie is cleared either way. */
    HttpResponse logout(ServiceRequestContext ctx, HttpRequest req) {
        Optional<String> id = session(req.headers());
        if (id.isPresent()) {
            if (!ownOrigin(ctx, req.headers())) {
                return originMismatch();
            }
            sessions.close(id.get());
        }
        Cookie cleared = cookie("").maxAge(0).build();
        return HttpResponse.of(ResponseHeaders.builder(HttpStatus.NO_CONTENT)
                .set(HttpHeaderNames.CACHE_CONTROL, "no-store").cookie(cleared).build());
    }

    private static CookieBuilder cookie(String value) {
        return Cookie.secureBuilder(COOKIE, value).path("/admin").httpOnly(true).sameSite("Strict");
    }

    private Optional<String> session(RequestHeaders headers) {
        return sessions.firstValid(headers.cookies().stream()
                .filter(cookie -> cookie.name().equals(COOKIE)).map(Cookie::value).toList());
    }

    // Constant time, so that response timing does not reveal how much of a guess was right.
    private boolean isToken(String presented) {
        return MessageDigest.isEqual(token.orElseThrow(), presented.getBytes(StandardCharsets.UTF_8));
    }

    /**
     * Whether the request comes from a page of this port: its {@code Origin} is {@code http://} and its own
     * {@code Host}, which names a loopback host and this port. A page of another site, or one that reached
     * this port through a DNS name rebound to loopback, has another origin.
     */
    static boolean ownOrigin(ServiceRequestContext ctx, RequestHeaders headers) {
        String origin = headers.get(HttpHeaderNames.ORIGIN);
        String authority = headers.authority();
        if (origin == null || authority == null || !origin.equals("http://" + authority)) {
            return false;
        }
        int port = ((InetSocketAddress) ctx.localAddress()).getPort();
        return LOOPBACK_NAMES.stream().anyMatch(host -> authority.equals(host + ":" + port));
    }

    private static Login body(AggregatedHttpRequest request) {
        MediaType type = request.contentType();
        if (type == null || !type.isJson()) {
            throw new HttpProblem(HttpStatus.UNSUPPORTED_MEDIA_TYPE, "unsupported-media-type",
                    "the body must be application/json", List.of());
        }
        Login login;
        try {
            login = request.content().isEmpty() ? null : Json.MAPPER.readValue(request.content().array(), Login.class);
        } catch (IOException e) {
            // The mapping turns Jackson's failures into 400 problems naming the field.
            throw new UncheckedIOException(e);
        }
        if (login == null) {
            throw HttpProblem.badRequest("malformed-json", "the body must be a JSON object with the token", null);
        }
        return login;
    }

    private static HttpResponse tokenRefused(String message) {
        return Problems.of(HttpStatus.UNAUTHORIZED, "unauthorized", "token " + message,
                List.of(new FieldProblem("token", message)), null).toHttpResponse();
    }

    private static HttpResponse unauthorized(String detail) {
        AggregatedHttpResponse problem = Problems.of(HttpStatus.UNAUTHORIZED, "unauthorized", detail, List.of(), null);
        return HttpResponse.of(problem.headers().toBuilder()
                .set(HttpHeaderNames.WWW_AUTHENTICATE, "Bearer realm=\"nlt-gateway-admin\"").build(), problem.content());
    }

    private static HttpResponse disabled() {
        return Problems.of(HttpStatus.FORBIDDEN, "admin-disabled",
                "the admin API is off: set platform.gateway.adminTokenFile", List.of(), null).toHttpResponse();
    }

    private static HttpResponse originMismatch() {
        return Problems.of(HttpStatus.FORBIDDEN, "origin-mismatch",
                "a request authenticated by the operations cookie must come from this port's own page (Origin)",
                List.of(), null).toHttpResponse();
    }
}
