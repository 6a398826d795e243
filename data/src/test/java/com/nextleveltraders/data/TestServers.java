package com.nextleveltraders.data;

import com.nextleveltraders.config.ConfigLoader;
import com.nextleveltraders.config.PlatformConfig;
import com.nextleveltraders.embedded.EmbeddedPostgres;
import com.nextleveltraders.embedded.PostgresOptions;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * Real PostgreSQL servers for one test class, in a temporary directory, all with the first one's
 * password (one set of credentials reaches them all, as under `nlt up`). The first holds the
 * catalog. Closing stops them, the last first, and removes the directory.
 */
public final class TestServers implements AutoCloseable {

    private final Path base;
    private final List<EmbeddedPostgres> servers;
    private final PlatformConfig config;

    private TestServers(Path base, List<EmbeddedPostgres> servers, PlatformConfig config) {
        this.base = base;
        this.servers = servers;
        this.config = config;
    }

    /** {@code count} servers; the configuration names the first as the catalog and {@code instance} as the instance. */
    public static TestServers start(String instance, int count) throws IOException {
        // PostgreSQL runs as user postgres when the tests run as root, and must reach its data dir.
        Path base = Files.createTempDirectory(Path.of("/tmp"), "nlt-" + instance + "-",
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwxr-xr-x")));
        List<EmbeddedPostgres> servers = new ArrayList<>();
        try {
            EmbeddedPostgres first = EmbeddedPostgres.start(PostgresOptions.defaults(base.resolve("server-1")));
            servers.add(first);
            for (int n = 2; n <= count; n++) {
                Path dir = Files.createDirectories(base.resolve("server-" + n));
                Files.copy(first.passwordFile(), dir.resolve("password"));
                servers.add(EmbeddedPostgres.start(PostgresOptions.defaults(dir)));
            }
            PlatformConfig config = ConfigLoader.loadYaml("""
                    platform:
                      api: { instanceId: %s }
                      postgres: { port: %d, database: %s, user: %s, passwordFile: "%s" }
                    """.formatted(instance, first.port(), first.database(), first.user(), first.passwordFile()));
            return new TestServers(base, servers, config);
        } catch (IOException | RuntimeException e) {
            new TestServers(base, servers, null).close();
            throw e;
        }
    }

    /** Server {@code n}, from 1. */
    public EmbeddedPostgres server(int n) {
        return servers.get(n - 1);
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
        for (EmbeddedPostgres server : servers.reversed()) {
            server.close();
        }
        try (Stream<Path> files = Files.walk(base)) {
            files.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
        } catch (IOException e) {
            // a temporary directory: what is left is only disk space
        }
    }
}
