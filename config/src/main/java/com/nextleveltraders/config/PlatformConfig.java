package com.nextleveltraders.config;

import java.util.Objects;

/**
 * The platform's effective configuration: the bundled defaults with any user overrides merged on top.
 * Every component name is the key of the same name in {@code nlt-defaults.yaml}; obtain instances from
 * {@link ConfigLoader}.
 */
public record PlatformConfig(
        Scaling scaling,
        LoadBalancer loadBalancer,
        DatabaseSettings database,
        Caching caching,
        RedisCluster redis,
        Monitoring monitoring,
        AutoScaling autoScaling,
        Query query,
        Assets assets,
        Capacity capacity,
        Platform platform) {

    public PlatformConfig {
        Objects.requireNonNull(scaling, "scaling");
        Objects.requireNonNull(loadBalancer, "loadBalancer");
        Objects.requireNonNull(database, "database");
        Objects.requireNonNull(caching, "caching");
        Objects.requireNonNull(redis, "redis");
        Objects.requireNonNull(monitoring, "monitoring");
        Objects.requireNonNull(autoScaling, "autoScaling");
        Objects.requireNonNull(query, "query");
        Objects.requireNonNull(assets, "assets");
        Objects.requireNonNull(capacity, "capacity");
        Objects.requireNonNull(platform, "platform");
    }
}
