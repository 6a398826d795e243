package com.nextleveltraders.config;

import java.util.Locale;

/** How the load balancer picks an instance; written in YAML in lower case ({@code least_connections}). */
public enum BalancingAlgorithm {
    LEAST_CONNECTIONS;

    /** The YAML spelling. */
    @Override
    public String toString() {
        return name().toLowerCase(Locale.ROOT);
    }
}
