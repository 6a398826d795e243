package com.nextleveltraders.autoscaler;

import java.util.Optional;

/** Where an instance's metrics come from. */
public interface MetricsSource {

    /**
     * The instance's metrics now; empty when it cannot be reached or its answer cannot be read. Never throws:
     * a missing sample is information (it must never lead to a scale-down), not an error.
     */
    Optional<InstanceMetrics> scrape(Instance instance);
}
