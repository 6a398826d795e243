package com.nextleveltraders.config;

import java.math.BigDecimal;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * Checks a bound configuration for values out of range and for fields that contradict each other. Every rule
 * names the path it checks, so messages read like {@code database.pool.max: must be >= database.pool.min (3 < 5)}.
 */
final class Validator {

    private static final int MIN_PORT = 1;
    private static final int MAX_PORT = 65_535;
    private static final int MAX_PERCENT = 100;
    private static final int MAX_IMAGE_QUALITY = 100;
    // A spread of 100 % would leave no price to trade at.
    private static final int MAX_SPREAD_BASIS_POINTS = 9_999;
    // HikariCP refuses anything shorter.
    private static final Duration MIN_CONNECTION_TIMEOUT = Duration.ofMillis(250);
    private static final List<String> TLS_VERSIONS = List.of("TLSv1.2", "TLSv1.3");
    private static final int MAX_CASH_SCALE = 2;
    // RFC 9106: memory must be at least 8 KiB per lane.
    private static final long ARGON2_MIN_KIB_PER_LANE = 8;
    private static final Pattern SYMBOL = Pattern.compile("[A-Z][A-Z0-9.]{0,9}");
    private static final Pattern CURRENCY = Pattern.compile("[A-Z]{3}");
    // Index names end up in DDL, so only plain, unquoted PostgreSQL identifiers are allowed.
    private static final Pattern REDIS_NAME = Pattern.compile("[A-Za-z0-9_-]{1,64}");
    private static final int MAX_CLUSTER_MASTERS = 100;
    private static final int MAX_REPLICAS = 5;
    private static final Pattern SQL_IDENTIFIER = Pattern.compile("[a-z_][a-z0-9_]{0,62}");

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
        caching(c.caching());
        redis(c.redis());
        monitoring(c.monitoring());
        autoScaling(c.autoScaling());
        query(c.query());
        assets(c.assets());
        capacity(c.capacity());
        platform(c.platform(), c.scaling());
    }

    private void scaling(Scaling s) {
        atLeast("scaling.minInstances", s.minInstances(), 1);
        relate("scaling.maxInstances", s.maxInstances(), Relation.AT_LEAST, "scaling.minInstances", s.minInstances());
        names("scaling.regions", s.regions(), true);
        trigger("scaling.triggers.cpu", s.triggers().cpu());
        trigger("scaling.triggers.memory", s.triggers().memory());
    }

    private void trigger(String path, ScalingTrigger trigger) {
        between(path + ".target", trigger.target(), 1, MAX_PERCENT);
        positive(path + ".window", trigger.window());
    }

    private void loadBalancer(LoadBalancer lb) {
        HealthCheck check = lb.healthCheck();
        if (!check.path().startsWith("/")) {
            problems.add("loadBalancer.healthCheck.path", "must start with \"/\" (got " + ConfigProblems.quote(check.path()) + ")");
        }
        positive("loadBalancer.healthCheck.interval", check.interval());
        positive("loadBalancer.healthCheck.timeout", check.timeout());
        relate("loadBalancer.healthCheck.timeout", check.timeout(), Relation.BELOW,
                "loadBalancer.healthCheck.interval", check.interval(), Durations::format);
        atLeast("loadBalancer.healthCheck.unhealthyThreshold", check.unhealthyThreshold(), 1);
        atLeast("loadBalancer.healthCheck.healthyThreshold", check.healthyThreshold(), 1);

        LoadBalancerSsl ssl = lb.ssl();
        names("loadBalancer.ssl.certificates", ssl.certificates(), false);
        if (ssl.enabled() && ssl.certificates().isEmpty()) {
            problems.add("loadBalancer.ssl.certificates", "must not be empty when loadBalancer.ssl.enabled is true");
        }
        if (!TLS_VERSIONS.contains(ssl.minVersion())) {
            problems.add("loadBalancer.ssl.minVersion", "must be one of " + String.join(", ", TLS_VERSIONS)
                    + " (got " + ConfigProblems.quote(ssl.minVersion()) + ")");
        }

        RateLimit limit = lb.rateLimit();
        atLeast("loadBalancer.rateLimit.requests", limit.requests(), 1);
        positive("loadBalancer.rateLimit.period", limit.period());
        atLeast("loadBalancer.rateLimit.burst", limit.burst(), 1);
    }

    private void database(DatabaseSettings db) {
        DbPool pool = db.pool();
        atLeast("database.pool.min", pool.min(), 0);
        atLeast("database.pool.max", pool.max(), 1);
        relate("database.pool.max", pool.max(), Relation.AT_LEAST, "database.pool.min", pool.min());
        positive("database.pool.idleTimeout", pool.idleTimeout());
        if (pool.connectionTimeout().compareTo(MIN_CONNECTION_TIMEOUT) < 0) {
            problems.add("database.pool.connectionTimeout", "must be >= " + Durations.format(MIN_CONNECTION_TIMEOUT)
                    + " (got " + Durations.format(pool.connectionTimeout()) + ")");
        }
        positive("database.pool.statementTimeout", pool.statementTimeout());
        positive("database.pool.idleInTransactionSessionTimeout", pool.idleInTransactionSessionTimeout());

        Sharding sharding = db.sharding();
        atLeast("database.sharding.buckets", sharding.buckets(), 1);
        atLeast("database.sharding.shards", sharding.shards(), 1);
        relate("database.sharding.shards", sharding.shards(), Relation.AT_MOST,
                "database.sharding.buckets", sharding.buckets());
    }

    private void caching(Caching caching) {
        cacheTtls("caching.browser", caching.browser());
        cacheTtls("caching.cdn", caching.cdn());
        positive("caching.redis.session", caching.redis().session());
        positive("caching.redis.api", caching.redis().api());
        positive("caching.redis.rateLimit", caching.redis().rateLimit());
    }

    private void cacheTtls(String path, CacheTtls ttls) {
        positive(path + ".static", ttls.staticAssets());
        positive(path + ".api", ttls.api());
        positive(path + ".images", ttls.images());
    }

    private void redis(RedisCluster redis) {
        List<RedisNode> nodes = redis.nodes();
        Map<String, Integer> seen = new HashMap<>();
        for (int i = 0; i < nodes.size(); i++) {
            String path = ConfigProblems.index("redis.nodes", i);
            RedisNode node = nodes.get(i);
            notBlank(path + ".host", node.host());
            port(path + ".port", node.port());
            Integer first = seen.putIfAbsent(node.host() + ":" + node.port(), i);
            if (first != null) {
                problems.add(path, "same host and port as " + ConfigProblems.index("redis.nodes", first)
                        + " (" + ConfigProblems.quote(node.host() + ":" + node.port()) + ")");
            }
        }
        long masters = nodes.stream().filter(node -> node.role() == RedisRole.MASTER).count();
        if (redis.mode() == RedisMode.CLUSTER) {
            if (nodes.isEmpty()) {
                problems.add("redis.nodes", "must list at least one node of the cluster");
            }
        } else if (masters != 1) {
            problems.add("redis.nodes", "must have exactly one node with role master (found " + masters + ")");
        }
        atLeast("redis.options.maxRedirections", redis.options().maxRedirections(), 0);
        positive("redis.options.retryDelayOnFailover", redis.options().retryDelayOnFailover());

        RedisSentinel sentinel = redis.sentinel();
        matches("redis.sentinel.masterName", sentinel.masterName(), REDIS_NAME, "letters, digits, '-' and '_'");
        positive("redis.sentinel.downAfter", sentinel.downAfter());
        positive("redis.sentinel.failoverTimeout", sentinel.failoverTimeout());
        for (int i = 0; i < sentinel.nodes().size(); i++) {
            String path = ConfigProblems.index("redis.sentinel.nodes", i);
            notBlank(path + ".host", sentinel.nodes().get(i).host());
            port(path + ".port", sentinel.nodes().get(i).port());
        }
        if (redis.mode() == RedisMode.SENTINEL) {
            if (sentinel.nodes().isEmpty()) {
                problems.add("redis.sentinel.nodes", "must list at least one Sentinel in sentinel mode");
            } else {
                // A quorum above half stops two halves of a split network from each electing a master.
                between("redis.sentinel.quorum", sentinel.quorum(), sentinel.nodes().size() / 2 + 1,
                        sentinel.nodes().size());
            }
        }

        RedisClusterShape cluster = redis.cluster();
        // With fewer than three masters no majority survives losing one, so no failover could happen.
        between("redis.cluster.masters", cluster.masters(), 3, MAX_CLUSTER_MASTERS);
        between("redis.cluster.replicasPerMaster", cluster.replicasPerMaster(), 0, MAX_REPLICAS);
        positive("redis.cluster.nodeTimeout", cluster.nodeTimeout());

        // Capped at run time by the replicas there are (none in standalone mode), so one default fits every shape.
        between("redis.durability.replicaAcks", redis.durability().replicaAcks(), 0, MAX_REPLICAS);
        positive("redis.durability.timeout", redis.durability().timeout());
    }

    private void monitoring(Monitoring m) {
        percentAlert("monitoring.system.cpu", m.system().cpu());
        percentAlert("monitoring.system.memory", m.system().memory());
        latencyAlert("monitoring.application.responseTime", m.application().responseTime());
        ErrorRateAlert errors = m.application().errorRate();
        if (!(errors.threshold() >= 0 && errors.threshold() <= MAX_PERCENT)) {
            problems.add("monitoring.application.errorRate.threshold",
                    "must be between 0 and " + MAX_PERCENT + " (got " + errors.threshold() + ")");
        }
        positive("monitoring.application.errorRate.window", errors.window());
        percentAlert("monitoring.database.connections", m.database().connections());
        latencyAlert("monitoring.database.queryTime", m.database().queryTime());
    }

    private void percentAlert(String path, PercentAlert alert) {
        between(path + ".threshold", alert.threshold(), 0, MAX_PERCENT);
        positive(path + ".window", alert.window());
    }

    private void latencyAlert(String path, LatencyAlert alert) {
        positive(path + ".threshold", alert.threshold());
        positive(path + ".window", alert.window());
    }

    private void autoScaling(AutoScaling a) {
        ScaleUpRules up = a.scaleUp();
        scaleUp("autoScaling.scaleUp.cpu", up.cpu());
        scaleUp("autoScaling.scaleUp.memory", up.memory());
        positive("autoScaling.scaleUp.responseTime.threshold", up.responseTime().threshold());
        positive("autoScaling.scaleUp.responseTime.duration", up.responseTime().duration());
        atLeast("autoScaling.scaleUp.responseTime.increment", up.responseTime().increment(), 1);

        ScaleDownRules down = a.scaleDown();
        scaleDown("autoScaling.scaleDown.cpu", down.cpu());
        scaleDown("autoScaling.scaleDown.memory", down.memory());
        relate("autoScaling.scaleDown.cpu.threshold", down.cpu().threshold(), Relation.BELOW,
                "autoScaling.scaleUp.cpu.threshold", up.cpu().threshold());
        relate("autoScaling.scaleDown.memory.threshold", down.memory().threshold(), Relation.BELOW,
                "autoScaling.scaleUp.memory.threshold", up.memory().threshold());

        // Negative cooldowns and warm-ups cannot be written (durations are never negative); zero turns them off.
        positive("autoScaling.interval", a.interval());
        // A rule is proven by samples covering its whole duration: one sample cannot cover more than an interval.
        ruleCoversAnInterval("autoScaling.scaleUp.cpu.duration", up.cpu().duration(), a.interval());
        ruleCoversAnInterval("autoScaling.scaleUp.memory.duration", up.memory().duration(), a.interval());
        ruleCoversAnInterval("autoScaling.scaleUp.responseTime.duration", up.responseTime().duration(), a.interval());
        ruleCoversAnInterval("autoScaling.scaleDown.cpu.duration", down.cpu().duration(), a.interval());
        ruleCoversAnInterval("autoScaling.scaleDown.memory.duration", down.memory().duration(), a.interval());
    }

    private void ruleCoversAnInterval(String path, Duration duration, Duration interval) {
        if (duration.isPositive() && interval.isPositive()) {
            relate(path, duration, Relation.AT_LEAST, "autoScaling.interval", interval, Durations::format);
        }
    }

    private void scaleUp(String path, ScaleUpRule rule) {
        between(path + ".threshold", rule.threshold(), 0, MAX_PERCENT);
        positive(path + ".duration", rule.duration());
        atLeast(path + ".increment", rule.increment(), 1);
    }

    private void scaleDown(String path, ScaleDownRule rule) {
        between(path + ".threshold", rule.threshold(), 0, MAX_PERCENT);
        positive(path + ".duration", rule.duration());
        atLeast(path + ".decrement", rule.decrement(), 1);
    }

    private void query(Query q) {
        for (int i = 0; i < q.indexes().size(); i++) {
            String path = ConfigProblems.index("query.indexes", i);
            IndexDefinition index = q.indexes().get(i);
            identifier(path + ".table", index.table());
            if (index.columns().isEmpty()) {
                problems.add(path + ".columns", "must not be empty");
            }
            for (int c = 0; c < index.columns().size(); c++) {
                identifier(ConfigProblems.index(path + ".columns", c), index.columns().get(c));
            }
            distinct(path + ".columns", index.columns(), ConfigProblems::quote);
        }
        Pagination pagination = q.patterns().pagination();
        atLeast("query.patterns.pagination.maxLimit", pagination.maxLimit(), 1);
        atLeast("query.patterns.pagination.defaultLimit", pagination.defaultLimit(), 1);
        relate("query.patterns.pagination.defaultLimit", pagination.defaultLimit(), Relation.AT_MOST,
                "query.patterns.pagination.maxLimit", pagination.maxLimit());
        atLeast("query.patterns.sorting.maxFields", q.patterns().sorting().maxFields(), 1);
        atLeast("query.patterns.filtering.maxConditions", q.patterns().filtering().maxConditions(), 1);
    }

    private void assets(Assets assets) {
        Images images = assets.images();
        if (images.formats().isEmpty()) {
            problems.add("assets.images.formats", "must not be empty");
        }
        distinct("assets.images.formats", images.formats(), Binder::spelling);
        if (images.sizes().isEmpty()) {
            problems.add("assets.images.sizes", "must not be empty");
        }
        for (int i = 0; i < images.sizes().size(); i++) {
            String path = ConfigProblems.index("assets.images.sizes", i);
            atLeast(path + ".width", images.sizes().get(i).width(), 1);
            atLeast(path + ".height", images.sizes().get(i).height(), 1);
        }
        distinct("assets.images.sizes", images.sizes(), size -> size.width() + "x" + size.height());
        between("assets.images.quality", images.quality(), 1, MAX_IMAGE_QUALITY);
    }

    private void capacity(Capacity c) {
        positive("capacity.perUser.cpu", c.perUser().cpu());
        positive("capacity.perUser.memory", c.perUser().memory());
        positive("capacity.perUser.storage", c.perUser().storage());
        atLeast("capacity.growth.users.current", c.growth().users().current(), 0);
        positive("capacity.growth.users.yearly", c.growth().users().yearly());
        positive("capacity.growth.data.current", c.growth().data().current());
        positive("capacity.growth.data.yearly", c.growth().data().yearly());
        stage("capacity.infrastructure.current", c.infrastructure().current());
        stage("capacity.infrastructure.sixMonths", c.infrastructure().sixMonths());
        stage("capacity.infrastructure.oneYear", c.infrastructure().oneYear());
    }

    private void stage(String path, InfrastructureStage stage) {
        atLeast(path + ".webServers", stage.webServers(), 1);
        atLeast(path + ".dbServers", stage.dbServers(), 1);
        atLeast(path + ".cacheNodes", stage.cacheNodes(), 1);
        positive(path + ".storage", stage.storage());
    }

    private void platform(Platform p, Scaling scaling) {
        ApiServer api = p.api();
        notBlank("platform.api.host", api.host());
        // 0: any free port, which the instance reports (how `nlt up` starts several on one machine).
        between("platform.api.port", api.port(), 0, 65535);
        positive("platform.api.maxRequestBody", api.maxRequestBody());
        if (!scaling.regions().contains(api.region())) {
            problems.add("platform.api.region", "must be one of scaling.regions (got " + ConfigProblems.quote(api.region()) + ")");
        }
        notBlank("platform.api.instanceId", api.instanceId());

        PostgresEndpoint postgres = p.postgres();
        notBlank("platform.postgres.host", postgres.host());
        port("platform.postgres.port", postgres.port());
        notBlank("platform.postgres.database", postgres.database());
        notBlank("platform.postgres.user", postgres.user());

        market(p.market());

        Account account = p.account();
        if (account.startingCash().signum() < 0) {
            problems.add("platform.account.startingCash",
                    "must be >= 0 (got " + account.startingCash().toPlainString() + ")");
        }
        if (account.startingCash().scale() > MAX_CASH_SCALE) {
            problems.add("platform.account.startingCash", "must have at most " + MAX_CASH_SCALE
                    + " decimal places (got " + account.startingCash().toPlainString() + ")");
        }
        matches("platform.account.currency", account.currency(), CURRENCY, "three upper-case letters");

        positive("platform.engine.interval", p.engine().interval());
        atLeast("platform.engine.batchSize", p.engine().batchSize(), 1);
        atLeast("platform.localCache.maxEntries", p.localCache().maxEntries(), 1);
        positive("platform.localCache.ttl", p.localCache().ttl());
        positive("platform.replicaReads.maxLag", p.replicaReads().maxLag());
        positive("platform.replicaReads.pollInterval", p.replicaReads().pollInterval());
        relate("platform.replicaReads.pollInterval", p.replicaReads().pollInterval(), Relation.BELOW,
                "platform.replicaReads.maxLag", p.replicaReads().maxLag(), Durations::format);
        gateway(p.gateway());
        atLeast("platform.authRateLimit.requests", p.authRateLimit().requests(), 1);
        positive("platform.authRateLimit.period", p.authRateLimit().period());
        atLeast("platform.authRateLimit.burst", p.authRateLimit().burst(), 1);

        Argon2 argon2 = p.security().argon2();
        atLeast("platform.security.argon2.iterations", argon2.iterations(), 1);
        atLeast("platform.security.argon2.parallelism", argon2.parallelism(), 1);
        long minimumMemory = ARGON2_MIN_KIB_PER_LANE * argon2.parallelism();
        if (argon2.memoryKiB() < minimumMemory) {
            problems.add("platform.security.argon2.memoryKiB", "must be >= " + ARGON2_MIN_KIB_PER_LANE
                    + " * platform.security.argon2.parallelism (" + argon2.memoryKiB() + " < " + minimumMemory + ")");
        }
    }

    private static final BigDecimal MIN_QUOTE_PRICE = new BigDecimal("0.02");

    private void market(Market m) {
        positive("platform.market.tick", m.tick());
        // Quotes are in cents with at least a cent of spread each side: below 0.02 a bid would be <= 0.
        if (m.minPrice().compareTo(MIN_QUOTE_PRICE) < 0 || m.minPrice().stripTrailingZeros().scale() > 2) {
            problems.add("platform.market.minPrice", "must be >= " + MIN_QUOTE_PRICE.toPlainString()
                    + " with at most 2 decimal places (got " + m.minPrice().toPlainString() + ")");
        }
        relate("platform.market.maxPrice", m.maxPrice(), Relation.ABOVE, "platform.market.minPrice", m.minPrice(),
                BigDecimal::toPlainString);
        between("platform.market.spreadBasisPoints", m.spreadBasisPoints(), 0, MAX_SPREAD_BASIS_POINTS);
        if (m.symbols().isEmpty()) {
            problems.add("platform.market.symbols", "must not be empty");
        }
        for (int i = 0; i < m.symbols().size(); i++) {
            matches(ConfigProblems.index("platform.market.symbols", i), m.symbols().get(i), SYMBOL,
                    "an upper-case ticker such as AAPL or BRK.B");
        }
        distinct("platform.market.symbols", m.symbols(), ConfigProblems::quote);
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

    private void gateway(Gateway g) {
        notBlank("platform.gateway.host", g.host());
        between("platform.gateway.port", g.port(), 0, 65535);
        between("platform.gateway.adminPort", g.adminPort(), 0, 65535);
        if (g.port() != 0 && g.port() == g.adminPort()) {
            problems.add("platform.gateway.adminPort", "must differ from platform.gateway.port (both " + g.port() + ")");
        }
        if ((g.certificate() == null) != (g.privateKey() == null)) {
            problems.add(g.certificate() == null ? "platform.gateway.certificate" : "platform.gateway.privateKey",
                    "certificate and privateKey go together: give both or neither");
        }
        positive("platform.gateway.fastCheckInterval", g.fastCheckInterval());
        positive("platform.gateway.drainTimeout", g.drainTimeout());
        positive("platform.gateway.responseTimeout", g.responseTimeout());
        between("platform.gateway.retries", g.retries(), 0, 9);
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

    private void atLeast(String path, int value, int min) {
        if (value < min) {
            problems.add(path, "must be >= " + min + " (got " + value + ")");
        }
    }

    private void between(String path, int value, int min, int max) {
        if (value < min || value > max) {
            problems.add(path, "must be between " + min + " and " + max + " (got " + value + ")");
        }
    }

    private void port(String path, int value) {
        between(path, value, MIN_PORT, MAX_PORT);
    }

    private void positive(String path, Duration value) {
        if (value.isNegative() || value.isZero()) {
            problems.add(path, "must be > 0 (got " + Durations.describe(value) + ")");
        }
    }

    private void positive(String path, DataSize value) {
        if (value.bytes() <= 0) {
            problems.add(path, "must be > 0 (got " + value + ")");
        }
    }

    private void positive(String path, double value) {
        if (!(value > 0)) {
            problems.add(path, "must be > 0 (got " + value + ")");
        }
    }

    private void notBlank(String path, String value) {
        if (value.isBlank()) {
            problems.add(path, "must not be blank");
        }
    }

    private void matches(String path, String value, Pattern pattern, String description) {
        if (!pattern.matcher(value).matches()) {
            problems.add(path, "must be " + description + " (got " + ConfigProblems.quote(value) + ")");
        }
    }

    private void identifier(String path, String value) {
        matches(path, value, SQL_IDENTIFIER, "a lower-case SQL identifier");
    }

    /** Non-blank, unique names; {@code required} also refuses an empty list. */
    private void names(String path, List<String> values, boolean required) {
        if (required && values.isEmpty()) {
            problems.add(path, "must not be empty");
        }
        for (int i = 0; i < values.size(); i++) {
            notBlank(ConfigProblems.index(path, i), values.get(i));
        }
        distinct(path, values, ConfigProblems::quote);
    }

    private <T> void distinct(String path, List<T> values, Function<? super T, String> show) {
        Map<T, Integer> seen = new HashMap<>();
        for (int i = 0; i < values.size(); i++) {
            Integer first = seen.putIfAbsent(values.get(i), i);
            if (first != null) {
                problems.add(ConfigProblems.index(path, i), "duplicate of " + ConfigProblems.index(path, first)
                        + " (" + show.apply(values.get(i)) + ")");
            }
        }
    }
}
