package com.nextleveltraders.config;

import java.time.Duration;
import java.util.Objects;

/**
 * When to add and remove instances: {@code autoScaling}. The rules are the strategy's; {@code interval}
 * (how often metrics are scraped and the rules evaluated), {@code cooldown} (after a scale-up or
 * scale-down, no further one for this long) and {@code warmup} (a new instance's samples are ignored for
 * this long after it starts) are ours.
 */
public record AutoScaling(ScaleUpRules scaleUp, ScaleDownRules scaleDown, Duration interval, Duration cooldown,
        Duration warmup) {

    public AutoScaling {
        Objects.requireNonNull(scaleUp, "scaleUp");
        Objects.requireNonNull(scaleDown, "scaleDown");
        Objects.requireNonNull(interval, "interval");
        Objects.requireNonNull(cooldown, "cooldown");
        Objects.requireNonNull(warmup, "warmup");
        // Negative cooldowns and warm-ups cannot be written (durations are never negative); zero turns them off.
        Ranges.of(AutoScaling.class)
                .positive("interval", interval)
                .check();
    }
}
