package com.nextleveltraders.config;

import java.util.Objects;

/** Load balancing in front of the API instances: {@code loadBalancer}. */
public record LoadBalancer(
        BalancingAlgorithm algorithm, HealthCheck healthCheck, LoadBalancerSsl ssl, RateLimit rateLimit) {

    public LoadBalancer {
        Objects.requireNonNull(algorithm, "algorithm");
        Objects.requireNonNull(healthCheck, "healthCheck");
        Objects.requireNonNull(ssl, "ssl");
        Objects.requireNonNull(rateLimit, "rateLimit");
    }
}
