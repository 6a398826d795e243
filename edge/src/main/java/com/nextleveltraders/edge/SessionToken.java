package com.nextleveltraders.edge;

import com.linecorp.armeria.common.HttpHeaderNames;
import com.linecorp.armeria.common.RequestHeaders;
import java.util.List;
import java.util.Optional;

/**
 * A request's session token, read the same way by the rate limit, the routes and the Origin check:
 * {@code Authorization: Bearer <token>} (API clients) first, else the {@value #COOKIE} cookie
 * (browsers, which keep it where scripts cannot read it).
 *
 * @param value      the token as presented (not yet checked against the session store)
 * @param fromCookie true when it came from the cookie: the request may be a browser's, sent on
 *                   behalf of another site, so a state-changing one must prove its origin
 */
public record SessionToken(String value, boolean fromCookie) {

    /** The cookie's name. */
    public static final String COOKIE = "nlt_session";

    // A session token is 76 characters; a longer value is not one, and is not worth parsing further.
    private static final int MAX_VALUE_LENGTH = 128;

    @Override
    public String toString() {
        return "SessionToken[value=***, fromCookie=" + fromCookie + "]";
    }

    /** The bearer token when there is one, else the cookie's; empty when neither holds a usable value. */
    public static Optional<SessionToken> of(RequestHeaders headers) {
        Optional<String> bearer = BearerToken.of(headers);
        if (bearer.isPresent()) {
            return bearer.map(token -> new SessionToken(token, false));
        }
        return cookie(headers.getAll(HttpHeaderNames.COOKIE)).map(token -> new SessionToken(token, true));
    }

    /**
     * The {@value #COOKIE} value of a request's Cookie headers (HTTP/2 clients may send one per
     * cookie). Empty when absent, empty, oversized, or present with two different values: a second
     * cookie of the same name can only have been planted (ours is host-only, on one path), and
     * guessing which one the user meant could log them into someone else's session.
     */
    static Optional<String> cookie(List<String> headers) {
        String found = null;
        for (String header : headers) {
            for (String pair : header.split(";", -1)) {
                int equals = pair.indexOf('=');
                if (equals < 0 || !pair.substring(0, equals).strip().equals(COOKIE)) {
                    continue;
                }
                String value = unquoted(pair.substring(equals + 1).strip());
                if (value.isEmpty() || value.length() > MAX_VALUE_LENGTH || (found != null && !found.equals(value))) {
                    return Optional.empty();
                }
                found = value;
            }
        }
        return Optional.ofNullable(found);
    }

    /** RFC 6265 allows a value in double quotes; the quotes are not part of it. */
    private static String unquoted(String value) {
        return value.length() >= 2 && value.startsWith("\"") && value.endsWith("\"")
                ? value.substring(1, value.length() - 1) : value;
    }
}
