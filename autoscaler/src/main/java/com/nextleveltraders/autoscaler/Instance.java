package com.nextleveltraders.autoscaler;

import java.net.URI;
import java.time.Instant;
import java.util.Objects;

/**
 * One API instance.
 *
 * @param id unique among the instances ever started, so that metrics are never attributed to another instance
 * @param region one of {@code scaling.regions}
 * @param startedAt when its process started: its samples are ignored until {@code autoScaling.warmup} later
 * @param metrics where it serves its metrics in the Prometheus text format
 */
public record Instance(String id, String region, Instant startedAt, URI metrics) {

    public Instance {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(region, "region");
        Objects.requireNonNull(startedAt, "startedAt");
        Objects.requireNonNull(metrics, "metrics");
        if (id.isBlank()) {
            throw new IllegalArgumentException("id must not be blank");
        }
    }
}
