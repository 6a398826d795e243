package com.nextleveltraders.config;

import java.time.Duration;
import java.util.Objects;

/** The order-matching engine's cadence: {@code platform.engine}. */
public record Engine(Duration interval, int batchSize) {

    public Engine {
        Objects.requireNonNull(interval, "interval");
        Ranges.of(Engine.class)
                .positive("interval", interval)
                .atLeast("batchSize", batchSize, 1)
                .check();
    }
}
