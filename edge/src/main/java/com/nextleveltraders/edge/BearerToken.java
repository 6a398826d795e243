package com.nextleveltraders.edge;

import com.linecorp.armeria.common.HttpHeaderNames;
import com.linecorp.armeria.common.RequestHeaders;
import java.util.Optional;

/**
 * The token of {@code Authorization: Bearer <token>}. Sessions are read through {@link SessionToken}
 * (bearer or cookie); admin tokens only ever come this way, never from a cookie.
 */
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
