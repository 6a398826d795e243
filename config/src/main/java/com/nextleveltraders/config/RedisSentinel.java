package com.nextleveltraders.config;

import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * The Sentinels watching the master in sentinel mode: {@code redis.sentinel}.
 *
 * @param masterName      the name the Sentinels monitor the master under
 * @param quorum          how many Sentinels must agree the master is down before a failover starts
 * @param downAfter       how long the master must be unreachable to be considered down
 * @param failoverTimeout how long one failover attempt may take before another is tried
 * @param nodes           where the Sentinels listen
 */
public record RedisSentinel(String masterName, int quorum, Duration downAfter, Duration failoverTimeout,
        List<RedisAddress> nodes) {

    // What Redis accepts as a monitored master's name without quoting.
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_-]{1,64}");

    public RedisSentinel {
        Objects.requireNonNull(masterName, "masterName");
        Objects.requireNonNull(downAfter, "downAfter");
        Objects.requireNonNull(failoverTimeout, "failoverTimeout");
        nodes = List.copyOf(Objects.requireNonNull(nodes, "nodes"));
        Ranges.of(RedisSentinel.class)
                .matches("masterName", masterName, NAME, "letters, digits, '-' and '_'")
                .positive("downAfter", downAfter)
                .positive("failoverTimeout", failoverTimeout)
                .check();
    }
}
