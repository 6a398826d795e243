package com.nextleveltraders.api;

import com.linecorp.armeria.common.AggregatedHttpResponse;
import com.linecorp.armeria.common.HttpData;
import com.linecorp.armeria.common.HttpHeaderNames;
import com.linecorp.armeria.common.HttpMethod;
import com.linecorp.armeria.common.HttpStatus;
import com.linecorp.armeria.common.RequestHeaders;
import com.linecorp.armeria.common.ResponseHeadersBuilder;
import com.nextleveltraders.config.PlatformConfig;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.Arrays;
import java.util.Base64;

/**
 * The strategy's browser and CDN cache lifetimes as HTTP headers, per class of response, with a
 * strong ETag on every cacheable response and 304 for a matching {@code If-None-Match}.
 * Anything else (writes, errors) is {@code no-store}.
 */
final class HttpCaching {

    /** What a response holds, which decides who may keep it and for how long. */
    enum Kind {
        /** Versioned static files: kept for the configured static lifetime, never revalidated. */
        STATIC,
        /** Data that is the same for every user (quotes): browsers and CDNs may keep it. */
        SHARED,
        /** Images: their own browser and CDN lifetimes. */
        IMAGE,
        /** A user's own data: no shared cache may keep it; browsers revalidate with the ETag. */
        PRIVATE,
        /** Writes and anything not to be kept. */
        NONE
    }

    private static final String NO_STORE = "no-store";
    // 128 bits of SHA-256: collisions are out of reach, and the header stays short.
    private static final int ETAG_BYTES = 16;

    private final String staticControl;
    private final String sharedControl;
    private final String imageControl;

    HttpCaching(PlatformConfig config) {
        var browser = config.caching().browser();
        var cdn = config.caching().cdn();
        this.staticControl = "public, max-age=" + seconds(browser.staticAssets()) + ", immutable";
        this.sharedControl = "public, max-age=" + seconds(browser.api()) + ", s-maxage=" + seconds(cdn.api());
        this.imageControl = "public, max-age=" + seconds(browser.images()) + ", s-maxage=" + seconds(cdn.images());
    }

    /** The Cache-Control value of a kind of response. */
    String cacheControl(Kind kind) {
        return switch (kind) {
            case STATIC -> staticControl;
            case SHARED -> sharedControl;
            case IMAGE -> imageControl;
            case PRIVATE -> "private, no-cache";
            case NONE -> NO_STORE;
        };
    }

    AggregatedHttpResponse apply(RequestHeaders request, AggregatedHttpResponse response, Kind kind) {
        boolean cacheable = kind != Kind.NONE && response.status().equals(HttpStatus.OK)
                && (request.method() == HttpMethod.GET || request.method() == HttpMethod.HEAD);
        ResponseHeadersBuilder headers = response.headers().toBuilder();
        if (!cacheable) {
            headers.set(HttpHeaderNames.CACHE_CONTROL, NO_STORE);
            return AggregatedHttpResponse.of(headers.build(), response.content());
        }
        String etag = etag(response.content());
        headers.set(HttpHeaderNames.CACHE_CONTROL, cacheControl(kind));
        headers.set(HttpHeaderNames.ETAG, etag);
        if (kind == Kind.PRIVATE) {
            headers.add(HttpHeaderNames.VARY, "Authorization");
        }
        if (matches(request.get(HttpHeaderNames.IF_NONE_MATCH), etag)) {
            headers.status(HttpStatus.NOT_MODIFIED);
            headers.remove(HttpHeaderNames.CONTENT_TYPE);
            headers.remove(HttpHeaderNames.CONTENT_LENGTH);
            return AggregatedHttpResponse.of(headers.build(), HttpData.empty());
        }
        return AggregatedHttpResponse.of(headers.build(), response.content());
    }

    /** RFC 9110 If-None-Match: "*" or a list of entity tags, compared weakly (W/ prefix ignored). */
    static boolean matches(String ifNoneMatch, String etag) {
        if (ifNoneMatch == null) {
            return false;
        }
        String trimmed = ifNoneMatch.strip();
        if (trimmed.equals("*")) {
            return true;
        }
        return Arrays.stream(trimmed.split(","))
                .map(String::strip)
                .map(tag -> tag.startsWith("W/") ? tag.substring(2) : tag)
                .anyMatch(etag::equals);
    }

    static String etag(HttpData content) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(content.array());
            return "\"" + Base64.getUrlEncoder().withoutPadding().encodeToString(Arrays.copyOf(digest, ETAG_BYTES)) + "\"";
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }

    private static long seconds(Duration duration) {
        return duration.toSeconds();
    }
}
