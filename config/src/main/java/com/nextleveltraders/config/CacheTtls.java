package com.nextleveltraders.config;

import java.time.Duration;
import java.util.Objects;

/**
 * HTTP cache lifetimes per kind of content: {@code caching.browser} and {@code caching.cdn}.
 *
 * @param staticAssets the YAML key {@code static}, which is a reserved word in Java
 */
public record CacheTtls(@YamlKey("static") Duration staticAssets, Duration api, Duration images) {

    public CacheTtls {
        Objects.requireNonNull(staticAssets, "staticAssets");
        Objects.requireNonNull(api, "api");
        Objects.requireNonNull(images, "images");
        Ranges.of(CacheTtls.class)
                .positive("staticAssets", staticAssets)
                .positive("api", api)
                .positive("images", images)
                .check();
    }
}
