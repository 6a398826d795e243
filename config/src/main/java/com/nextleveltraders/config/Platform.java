package com.nextleveltraders.config;

import java.util.Objects;

/**
 * How this platform itself runs: endpoints, the simulated market, accounts, engine, security, local cache, the
 * rate limit of registration and login, replica reads, gateway, the Kubernetes pod size: {@code platform}.
 */
public record Platform(
        ApiServer api,
        PostgresEndpoint postgres,
        RedisEndpoint redis,
        Market market,
        Account account,
        Engine engine,
        Security security,
        LocalCache localCache,
        RateLimit authRateLimit,
        ReplicaReads replicaReads,
        Gateway gateway,
        KubernetesPod kubernetes) {

    public Platform {
        Objects.requireNonNull(api, "api");
        Objects.requireNonNull(postgres, "postgres");
        Objects.requireNonNull(redis, "redis");
        Objects.requireNonNull(market, "market");
        Objects.requireNonNull(account, "account");
        Objects.requireNonNull(engine, "engine");
        Objects.requireNonNull(security, "security");
        Objects.requireNonNull(localCache, "localCache");
        Objects.requireNonNull(authRateLimit, "authRateLimit");
        Objects.requireNonNull(replicaReads, "replicaReads");
        Objects.requireNonNull(gateway, "gateway");
        Objects.requireNonNull(kubernetes, "kubernetes");
    }
}
