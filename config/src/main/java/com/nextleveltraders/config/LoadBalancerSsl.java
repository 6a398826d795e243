package com.nextleveltraders.config;

import java.util.List;
import java.util.Objects;

/** TLS termination at the load balancer: {@code loadBalancer.ssl}. */
public record LoadBalancerSsl(boolean enabled, List<String> certificates, String minVersion) {
    private static final List<String> TLS_VERSIONS = List.of("TLSv1.2", "TLSv1.3");

    public LoadBalancerSsl {
        certificates = List.copyOf(Objects.requireNonNull(certificates, "certificates"));
        Objects.requireNonNull(minVersion, "minVersion");
        Ranges.of(LoadBalancerSsl.class)
                .names("certificates", certificates)
                .that(TLS_VERSIONS.contains(minVersion), "minVersion", "must be one of " + String.join(", ", TLS_VERSIONS)
                        + " (got " + ConfigProblems.quote(minVersion) + ")")
                .check();
    }
}
