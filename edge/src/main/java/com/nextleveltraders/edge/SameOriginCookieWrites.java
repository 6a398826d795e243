package com.nextleveltraders.edge;

import com.linecorp.armeria.common.HttpHeaderNames;
import com.linecorp.armeria.common.HttpMethod;
import com.linecorp.armeria.common.HttpRequest;
import com.linecorp.armeria.common.HttpResponse;
import com.linecorp.armeria.common.HttpStatus;
import com.linecorp.armeria.common.RequestHeaders;
import com.linecorp.armeria.server.DecoratingHttpServiceFunction;
import com.linecorp.armeria.server.HttpService;
import com.linecorp.armeria.server.ServiceRequestContext;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * Refuses a state-changing request (POST, PUT, PATCH, DELETE) authenticated by the session cookie
 * unless its {@code Origin} is this site's own: a browser attaches the cookie to requests another
 * site makes it send, and {@code Origin} is the one header such a page can neither drop nor forge.
 * {@code SameSite=Strict} already keeps the cookie off cross-site requests in current browsers;
 * this check does not depend on it. Requests with a bearer token are not checked: only the client
 * that holds the token can send it. Requests without any token pass on to be answered 401.
 *
 * <p>The site's origin is the scheme and authority the client used: behind the gateway its
 * {@code X-Forwarded-Proto} and {@code X-Forwarded-Host} (it overwrites any a client sent), else
 * the request's own. Trusting those headers here gives a cross-site page nothing: it cannot set
 * them without a CORS preflight, which the API never grants; a client that can set any header
 * needs no cookie at all to send its own requests.
 */
public final class SameOriginCookieWrites implements DecoratingHttpServiceFunction {

    private static final Set<HttpMethod> STATE_CHANGING = Set.of(HttpMethod.POST, HttpMethod.PUT, HttpMethod.PATCH,
            HttpMethod.DELETE);

    @Override
    public HttpResponse serve(HttpService delegate, ServiceRequestContext ctx, HttpRequest req) throws Exception {
        RequestHeaders headers = req.headers();
        if (!STATE_CHANGING.contains(headers.method())
                || !SessionToken.of(headers).map(SessionToken::fromCookie).orElse(false)) {
            return delegate.serve(ctx, req);
        }
        Optional<String> expected = ownOrigin(headers, ctx.sessionProtocol().isTls());
        String origin = headers.get(HttpHeaderNames.ORIGIN);
        if (expected.isPresent() && origin != null && normalised(origin).equals(expected)) {
            return delegate.serve(ctx, req);
        }
        return Problems.of(HttpStatus.FORBIDDEN, "origin-mismatch",
                "a " + headers.method() + " authenticated by the " + SessionToken.COOKIE
                        + " cookie must carry an Origin header equal to this site's origin", List.of())
                .toHttpResponse();
    }

    /** The origin the client addressed, normalised; empty when the request does not say. */
    static Optional<String> ownOrigin(RequestHeaders headers, boolean tls) {
        String proto = firstValue(headers.get("x-forwarded-proto"));
        String host = firstValue(headers.get("x-forwarded-host"));
        String scheme = proto != null ? proto : tls ? "https" : "http";
        String authority = host != null ? host : headers.authority();
        if (authority == null || authority.isEmpty()) {
            return Optional.empty();
        }
        return normalised(scheme + "://" + authority);
    }

    /**
     * {@code scheme://host[:port]} in lower case, without the scheme's default port; empty for
     * anything else ({@code null}, a path, user information, another scheme).
     */
    static Optional<String> normalised(String origin) {
        String text = origin.strip().toLowerCase(Locale.ROOT);
        String scheme;
        if (text.startsWith("https://")) {
            scheme = "https";
        } else if (text.startsWith("http://")) {
            scheme = "http";
        } else {
            return Optional.empty();
        }
        String authority = text.substring(scheme.length() + 3);
        if (authority.isEmpty() || authority.chars().anyMatch(c -> c == '/' || c == '@' || c == '?' || c == '#'
                || c == ' ' || c == ',')) {
            return Optional.empty();
        }
        String defaultPort = scheme.equals("https") ? ":443" : ":80";
        if (authority.endsWith(defaultPort)) {
            authority = authority.substring(0, authority.length() - defaultPort.length());
        }
        return Optional.of(scheme + "://" + authority);
    }

    /** The first of a comma-separated list (a chain of proxies appends), or null. */
    private static String firstValue(String header) {
        if (header == null) {
            return null;
        }
        int comma = header.indexOf(',');
        String first = (comma < 0 ? header : header.substring(0, comma)).strip();
        return first.isEmpty() ? null : first;
    }
}
