package com.nextleveltraders.data;

import com.nextleveltraders.config.ConfigLoader;
import com.nextleveltraders.config.PlatformConfig;
import com.nextleveltraders.embedded.EmbeddedPostgres;
import com.nextleveltraders.testkit.TemporaryServers;
import java.util.ArrayList;
import java.util.List;

/**
 * Real PostgreSQL servers for one test class ({@link TemporaryServers}), with the configuration of
 * an instance whose catalog is the first, and the catalog's migrations.
 */
public final class TestServers implements AutoCloseable {

    private final TemporaryServers servers;
    private final PlatformConfig config;

    private TestServers(TemporaryServers servers, PlatformConfig config) {
        this.servers = servers;
        this.config = config;
    }

    /** {@code count} servers; the configuration names the first as the catalog and {@code instance} as the instance. */
    public static TestServers start(String instance, int count) {
        TemporaryServers servers = TemporaryServers.start(instance, count, false);
        try {
            return new TestServers(servers, ConfigLoader.loadYaml(servers.platformYaml("api: { instanceId: " + instance + " }")));
        } catch (RuntimeException e) {
            servers.close();
            throw e;
        }
    }

    /** Server {@code n}, from 1. */
    public EmbeddedPostgres server(int n) {
        return servers.postgres(n);
    }

    public PlatformConfig config() {
        return config;
    }

    /** Migrates the catalog and registers servers 1 to {@code shards} as shards of those ids, without replicas. */
    public void migrateWithShards(int shards) {
        List<RegisteredShard> registered = new ArrayList<>();
        for (int n = 1; n <= shards; n++) {
            EmbeddedPostgres server = server(n);
            registered.add(RegisteredShard.primaryOnly(n, server.host(), server.port(), server.database()));
        }
        migrate(registered);
    }

    public void migrate(List<RegisteredShard> shards) {
        try (Database database = Database.open(config)) {
            Migrations.apply(database, shards);
        }
    }

    @Override
    public void close() {
        servers.close();
    }
}
