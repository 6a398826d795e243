package com.nextleveltraders.edge;

import com.linecorp.armeria.common.HttpHeaderNames;
import com.linecorp.armeria.common.RequestHeaders;
import java.util.Optional;

/** The session token of {@code Authorization: Bearer <token>}, read the same way by the rate limit and the routes. */
public final class BearerToken {

    private static final String BEARER = "bearer ";

    private BearerToken() {
    }

    /** The token, or empty when the header is missing, of another scheme, or has no token. */
    public static Optional<String> of(RequestHeaders headers) {
        String header = headers.get(HttpHeaderNames.AUTHORIZATION);
        if (header == null || header.length() <= BEARER.length()
                || !header.regionMatches(true, 0, BEARER, 0, BEARER.length())) {
            return Optional.empty();
        }
        return Optional.of(header.substring(BEARER.length()).strip());
    }
}
