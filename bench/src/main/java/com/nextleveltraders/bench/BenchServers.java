package com.nextleveltraders.bench;

import com.nextleveltraders.config.ConfigLoader;
import com.nextleveltraders.config.PlatformConfig;
import com.nextleveltraders.embedded.EmbeddedPostgres;
import com.nextleveltraders.embedded.EmbeddedRedis;

/** The configuration that points the platform's code at a benchmark's own servers. */
final class BenchServers {

    private BenchServers() {
    }

    /** One PostgreSQL server (catalog and shard 1) and one standalone Redis. */
    static PlatformConfig config(EmbeddedPostgres postgres, EmbeddedRedis redis) {
        return ConfigLoader.loadYaml("""
                redis: { mode: standalone, nodes: [ { host: 127.0.0.1, port: %d, role: master } ] }
                platform:
                  postgres: { port: %d, database: %s, user: %s, passwordFile: "%s" }
                  redis: { passwordFile: "%s" }
                """.formatted(redis.port(), postgres.port(), postgres.database(), postgres.user(),
                postgres.passwordFile(), redis.passwordFile()));
    }
}
