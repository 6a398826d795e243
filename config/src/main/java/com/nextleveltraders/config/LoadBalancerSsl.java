package com.nextleveltraders.config;

import java.util.List;
import java.util.Objects;

/** TLS termination at the load balancer: {@code loadBalancer.ssl}. */
public record LoadBalancerSsl(boolean enabled, List<String> certificates, String minVersion) {

    public LoadBalancerSsl {
        certificates = List.copyOf(Objects.requireNonNull(certificates, "certificates"));
        Objects.requireNonNull(minVersion, "minVersion");
    }
}
