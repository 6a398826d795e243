package com.nextleveltraders.api;

import com.nextleveltraders.config.ConfigLoader;
import com.nextleveltraders.config.PlatformConfig;
import com.nextleveltraders.data.Migrations;
import com.nextleveltraders.embedded.EmbeddedPostgres;
import com.nextleveltraders.embedded.EmbeddedRedis;
import com.nextleveltraders.embedded.FreePorts;
import com.nextleveltraders.testkit.MutableClock;
import com.nextleveltraders.testkit.TemporaryServers;
import java.nio.file.Path;
import java.time.Instant;
import javax.sql.DataSource;

/**
 * Real PostgreSQL and Redis processes, started once per test JVM by the same embedded launcher
 * that `nlt up` uses, with one API instance in this JVM on a free port and a hand-moved clock.
 * Tests isolate themselves by registering their own users.
 */
final class TestPlatform {

    private static TestPlatform shared;

    final EmbeddedPostgres postgres;
    final EmbeddedRedis redis;
    final PlatformConfig config;
    final MutableClock clock;
    final ApiInstance api;
    final ApiClient client;

    private final TemporaryServers servers;

    private TestPlatform(TemporaryServers servers, PlatformConfig config, MutableClock clock, ApiInstance api) {
        this.servers = servers;
        this.postgres = servers.postgres();
        this.redis = servers.redis();
        this.config = config;
        this.clock = clock;
        this.api = api;
        this.client = new ApiClient("http://127.0.0.1:" + api.port());
    }

    static synchronized TestPlatform get() {
        if (shared == null) {
            shared = start();
            Runtime.getRuntime().addShutdownHook(Thread.ofPlatform().unstarted(shared::stop));
        }
        return shared;
    }

    /**
     * The configuration of one more API instance on these servers, on a free port; {@code yaml}
     * adds other settings (top-level keys other than platform). Without it, the strategy's
     * rate limit applies.
     */
    PlatformConfig instanceConfig(String instanceId, String yaml) {
        return instanceConfig(instanceId, yaml, "");
    }

    /** As {@link #instanceConfig(String, String)}; {@code platformYaml} adds lines under {@code platform:}. */
    PlatformConfig instanceConfig(String instanceId, String yaml, String platformYaml) {
        return ConfigLoader.loadYaml(yaml + """

                redis: { mode: standalone, nodes: [ { host: 127.0.0.1, port: %d, role: master } ] }
                platform:
                  api: { port: %d, instanceId: %s }
                  postgres: { port: %d, passwordFile: "%s" }
                  redis: { passwordFile: "%s" }
                  %s
                """.formatted(redis.port(), FreePorts.pick(), instanceId,
                postgres.port(), postgres.passwordFile(), redis.passwordFile(), platformYaml));
    }

    /**
     * The configuration of an instance whose catalog is {@code catalog} (a test's own servers), with
     * this platform's Redis and the rate limits far out of the way of a test's load.
     */
    PlatformConfig instanceOf(EmbeddedPostgres catalog, String instanceId) {
        return ConfigLoader.loadYaml("""
                loadBalancer:
                  rateLimit: { requests: 1000000, period: 1m, burst: 100000 }
                redis: { mode: standalone, nodes: [ { host: 127.0.0.1, port: %d, role: master } ] }
                platform:
                  authRateLimit: { requests: 1000000, period: 1m, burst: 100000 }
                  api: { port: %d, instanceId: %s }
                  postgres: { port: %d, database: %s, user: %s, passwordFile: "%s" }
                  redis: { passwordFile: "%s" }
                """.formatted(redis.port(), FreePorts.pick(), instanceId, catalog.port(), catalog.database(),
                catalog.user(), catalog.passwordFile(), redis.passwordFile()));
    }

    DataSource dataSource() {
        return api.database().catalog();
    }

    private static TestPlatform start() {
        TemporaryServers servers = TemporaryServers.start("api-test", 1, true);
        ApiInstance api = null;
        try {
            // Every test here comes from one address and some from one user in bursts: the rate
            // limit has its own test (RateLimitTest) with the strategy's values.
            PlatformConfig config = ConfigLoader.loadYaml("""
                    loadBalancer:
                      rateLimit: { requests: 1000000, period: 1m, burst: 100000 }
                    """ + servers.platformYaml("""
                    authRateLimit: { requests: 1000000, period: 1m, burst: 100000 }
                    api: { port: %d }
                    """.formatted(FreePorts.pick())));
            MutableClock clock = new MutableClock(Instant.now());
            api = ApiInstance.start(config, clock, false);
            Migrations.apply(api.database());
            return new TestPlatform(servers, config, clock, api);
        } catch (RuntimeException e) {
            // A platform that failed to start must not leave its servers running for the next test.
            if (api != null) {
                api.close();
            }
            servers.close();
            throw e;
        }
    }

    private void stop() {
        api.close();
        servers.close();
    }

    /** Removes a test's server directories (PostgreSQL's belong to another user; root may remove them). */
    static void deleteTree(Path root) {
        TemporaryServers.deleteTree(root);
    }
}
