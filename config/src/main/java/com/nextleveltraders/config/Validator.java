package com.nextleveltraders.config;

import java.math.BigDecimal;
import java.time.Duration;
import java.util.function.Function;

/**
 * Checks the rules that relate fields or records of a bound configuration; each record checks the ranges of its
 * own values in its compact constructor ({@link Ranges}). Every rule names the path it checks, so messages read
 * like {@code database.pool.max: must be >= database.pool.min (3 < 5)}.
 */
final class Validator {

    // RFC 9106: memory must be at least 8 KiB per lane.
    private static final long ARGON2_MIN_KIB_PER_LANE = 8;

    private final ConfigProblems problems;

    private Validator(ConfigProblems problems) {
        this.problems = problems;
    }

    static void validate(PlatformConfig config, ConfigProblems problems) {
        new Validator(problems).config(config);
    }

    private void config(PlatformConfig c) {
        scaling(c.scaling());
        loadBalancer(c.loadBalancer());
        database(c.database());
        redis(c.redis());
        autoScaling(c.autoScaling());
        query(c.query());
        platform(c.platform(), c.scaling());
    }

    private void scaling(Scaling s) {
        relate("scaling.maxInstances", s.maxInstances(), Relation.AT_LEAST, "scaling.minInstances", s.minInstances());
    }

    private void loadBalancer(LoadBalancer lb) {
        HealthCheck check = lb.healthCheck();
        relate("loadBalancer.healthCheck.timeout", check.timeout(), Relation.BELOW,
                "loadBalancer.healthCheck.interval", check.interval(), Durations::describe);
        LoadBalancerSsl ssl = lb.ssl();
        if (ssl.enabled() && ssl.certificates().isEmpty()) {
            problems.add("loadBalancer.ssl.certificates", "must not be empty when loadBalancer.ssl.enabled is true");
        }
    }

    private void database(DatabaseSettings db) {
        DbPool pool = db.pool();
        relate("database.pool.max", pool.max(), Relation.AT_LEAST, "database.pool.min", pool.min());
        Sharding sharding = db.sharding();
        relate("database.sharding.shards", sharding.shards(), Relation.AT_MOST,
                "database.sharding.buckets", sharding.buckets());
    }

    private void redis(RedisCluster redis) {
        long masters = redis.nodes().stream().filter(node -> node.role() == RedisRole.MASTER).count();
        if (redis.mode() == RedisMode.CLUSTER) {
            if (redis.nodes().isEmpty()) {
                problems.add("redis.nodes", "must list at least one node of the cluster");
            }
        } else if (masters != 1) {
            problems.add("redis.nodes", "must have exactly one node with role master (found " + masters + ")");
        }
        RedisSentinel sentinel = redis.sentinel();
        if (redis.mode() == RedisMode.SENTINEL) {
            if (sentinel.nodes().isEmpty()) {
                problems.add("redis.sentinel.nodes", "must list at least one Sentinel in sentinel mode");
            } else {
                // A quorum above half stops two halves of a split network from each electing a master.
                between("redis.sentinel.quorum", sentinel.quorum(), sentinel.nodes().size() / 2 + 1,
                        sentinel.nodes().size());
            }
        }
    }

    private void autoScaling(AutoScaling a) {
        ScaleUpRules up = a.scaleUp();
        ScaleDownRules down = a.scaleDown();
        relate("autoScaling.scaleDown.cpu.threshold", down.cpu().threshold(), Relation.BELOW,
                "autoScaling.scaleUp.cpu.threshold", up.cpu().threshold());
        relate("autoScaling.scaleDown.memory.threshold", down.memory().threshold(), Relation.BELOW,
                "autoScaling.scaleUp.memory.threshold", up.memory().threshold());

        // A rule is proven by samples covering its whole duration: one sample cannot cover more than an interval.
        ruleCoversAnInterval("autoScaling.scaleUp.cpu.duration", up.cpu().duration(), a.interval());
        ruleCoversAnInterval("autoScaling.scaleUp.memory.duration", up.memory().duration(), a.interval());
        ruleCoversAnInterval("autoScaling.scaleUp.responseTime.duration", up.responseTime().duration(), a.interval());
        ruleCoversAnInterval("autoScaling.scaleDown.cpu.duration", down.cpu().duration(), a.interval());
        ruleCoversAnInterval("autoScaling.scaleDown.memory.duration", down.memory().duration(), a.interval());
    }

    private void ruleCoversAnInterval(String path, Duration duration, Duration interval) {
        if (duration.isPositive() && interval.isPositive()) {
            relate(path, duration, Relation.AT_LEAST, "autoScaling.interval", interval, Durations::describe);
        }
    }

    private void query(Query q) {
        Pagination pagination = q.patterns().pagination();
        relate("query.patterns.pagination.defaultLimit", pagination.defaultLimit(), Relation.AT_MOST,
                "query.patterns.pagination.maxLimit", pagination.maxLimit());
    }

    private void platform(Platform p, Scaling scaling) {
        if (!scaling.regions().contains(p.api().region())) {
            problems.add("platform.api.region",
                    "must be one of scaling.regions (got " + ConfigProblems.quote(p.api().region()) + ")");
        }
        market(p.market());
        relate("platform.replicaReads.pollInterval", p.replicaReads().pollInterval(), Relation.BELOW,
                "platform.replicaReads.maxLag", p.replicaReads().maxLag(), Durations::describe);
        gateway(p.gateway());

        Argon2 argon2 = p.security().argon2();
        long minimumMemory = ARGON2_MIN_KIB_PER_LANE * argon2.parallelism();
        if (argon2.memoryKiB() < minimumMemory) {
            problems.add("platform.security.argon2.memoryKiB", "must be >= " + ARGON2_MIN_KIB_PER_LANE
                    + " * platform.security.argon2.parallelism (" + argon2.memoryKiB() + " < " + minimumMemory + ")");
        }
    }

    private void market(Market m) {
        relate("platform.market.maxPrice", m.maxPrice(), Relation.ABOVE, "platform.market.minPrice", m.minPrice(),
                BigDecimal::toPlainString);
    }

    private void gateway(Gateway g) {
        if (g.port() != 0 && g.port() == g.adminPort()) {
            problems.add("platform.gateway.adminPort", "must differ from platform.gateway.port (both " + g.port() + ")");
        }
        if ((g.certificate() == null) != (g.privateKey() == null)) {
            problems.add(g.certificate() == null ? "platform.gateway.certificate" : "platform.gateway.privateKey",
                    "certificate and privateKey go together: give both or neither");
        }
    }

    private enum Relation {
        BELOW("<", ">="), AT_MOST("<=", ">"), ABOVE(">", "<="), AT_LEAST(">=", "<");

        private final String symbol;
        private final String violated;

        Relation(String symbol, String violated) {
            this.symbol = symbol;
            this.violated = violated;
        }

        boolean holds(int comparison) {
            return switch (this) {
                case BELOW -> comparison < 0;
                case AT_MOST -> comparison <= 0;
                case ABOVE -> comparison > 0;
                case AT_LEAST -> comparison >= 0;
            };
        }
    }

    private void relate(String path, int value, Relation relation, String otherPath, int other) {
        relate(path, value, relation, otherPath, other, String::valueOf);
    }

    private <T extends Comparable<? super T>> void relate(
            String path, T value, Relation relation, String otherPath, T other, Function<? super T, String> show) {
        if (!relation.holds(value.compareTo(other))) {
            problems.add(path, "must be " + relation.symbol + " " + otherPath
                    + " (" + show.apply(value) + " " + relation.violated + " " + show.apply(other) + ")");
        }
    }

    private void between(String path, int value, int min, int max) {
        if (value < min || value > max) {
            problems.add(path, "must be between " + min + " and " + max + " (got " + value + ")");
        }
    }
}
