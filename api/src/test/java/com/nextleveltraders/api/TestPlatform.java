package com.nextleveltraders.api;

import com.nextleveltraders.config.ConfigLoader;
import com.nextleveltraders.config.PlatformConfig;
import com.nextleveltraders.data.Migrations;
import com.nextleveltraders.embedded.EmbeddedPostgres;
import com.nextleveltraders.embedded.EmbeddedRedis;
import com.nextleveltraders.embedded.PostgresOptions;
import com.nextleveltraders.embedded.RedisServerOptions;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.Map;
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

    private final Path base;

    private TestPlatform(Path base, EmbeddedPostgres postgres, EmbeddedRedis redis, PlatformConfig config,
            MutableClock clock, ApiInstance api) {
        this.base = base;
        this.postgres = postgres;
        this.redis = redis;
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
                """.formatted(redis.port(), com.nextleveltraders.embedded.FreePorts.pick(), instanceId,
                postgres.port(), postgres.passwordFile(), redis.passwordFile(), platformYaml));
    }

    DataSource dataSource() {
        return api.database().catalog();
    }

    private static TestPlatform start() {
        Path base;
        try {
            base = Files.createTempDirectory(Path.of("/tmp"), "nlt-api-test-",
                    PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwxr-xr-x")));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        // The servers watch this JVM: whatever happens to it, they do not outlive it.
        long self = ProcessHandle.current().pid();
        EmbeddedPostgres postgres = null;
        EmbeddedRedis redis = null;
        ApiInstance api = null;
        try {
            postgres = EmbeddedPostgres.start(new PostgresOptions(base.resolve("postgres"),
                    base.resolve("postgres.log"), 0, "nlt", "nlt", self, Map.of()));
            redis = EmbeddedRedis.start(new RedisServerOptions(base.resolve("redis"), base.resolve("redis.log"),
                    0, self, Map.of()));
            // Every test here comes from one address and some from one user in bursts: the rate
            // limit has its own test (RateLimitTest) with the strategy's values.
            PlatformConfig config = ConfigLoader.loadYaml("""
                    loadBalancer:
                      rateLimit: { requests: 1000000, period: 1m, burst: 100000 }
                    redis: { mode: standalone, nodes: [ { host: 127.0.0.1, port: %d, role: master } ] }
                    platform:
                      authRateLimit: { requests: 1000000, period: 1m, burst: 100000 }
                      api: { port: %d }
                      postgres: { host: 127.0.0.1, port: %d, database: nlt, user: nlt, passwordFile: "%s" }
                      redis: { passwordFile: "%s" }
                    """.formatted(redis.port(), com.nextleveltraders.embedded.FreePorts.pick(), postgres.port(),
                    postgres.passwordFile(), redis.passwordFile()));
            MutableClock clock = new MutableClock(Instant.now());
            api = ApiInstance.start(config, clock, false);
            Migrations.apply(api.database());
            return new TestPlatform(base, postgres, redis, config, clock, api);
        } catch (RuntimeException e) {
            // A platform that failed to start must not leave its servers running for the next test.
            for (AutoCloseable started : new AutoCloseable[] {api, redis, postgres}) {
                if (started != null) {
                    try {
                        started.close();
                    } catch (Exception suppressed) {
                        e.addSuppressed(suppressed);
                    }
                }
            }
            deleteTree(base);
            throw e;
        }
    }

    private void stop() {
        api.close();
        redis.close();
        postgres.close();
        deleteTree(base);
    }

    /** Removes a test's server directories (PostgreSQL's belong to another user; root may remove them). */
    static void deleteTree(Path root) {
        try (var paths = Files.walk(root)) {
            paths.sorted(java.util.Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
        } catch (IOException e) {
            System.err.println("cannot remove " + root + ": " + e.getMessage());
        }
    }
}
