package com.nextleveltraders.testkit;

import com.nextleveltraders.embedded.EmbeddedPostgres;
import com.nextleveltraders.embedded.EmbeddedRedis;
import com.nextleveltraders.embedded.PostgresOptions;
import com.nextleveltraders.embedded.RedisServerOptions;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * Real PostgreSQL servers (and, when asked for, one Redis server) for tests, started by the same
 * embedded launcher that {@code nlt up} uses, in one temporary directory. Every PostgreSQL server
 * has the first one's password, so one set of credentials reaches them all, as under
 * {@code nlt up}. The servers watch this JVM: whatever happens to it, they do not outlive it.
 * Closing stops them, the last started first, and removes the directory.
 */
public final class TemporaryServers implements AutoCloseable {

    private final Path base;
    private final List<EmbeddedPostgres> postgres;
    private final EmbeddedRedis redis;

    private TemporaryServers(Path base, List<EmbeddedPostgres> postgres, EmbeddedRedis redis) {
        this.base = base;
        this.postgres = postgres;
        this.redis = redis;
    }

    /**
     * {@code postgresCount} PostgreSQL servers (database and user {@code nlt}) in
     * {@code /tmp/nlt-<name>-*}, under {@code server-1}, {@code server-2}, ..., and a Redis server
     * under {@code redis} when {@code withRedis}.
     */
    public static TemporaryServers start(String name, int postgresCount, boolean withRedis) {
        Path base = createDirectory(name);
        long self = ProcessHandle.current().pid();
        List<EmbeddedPostgres> postgres = new ArrayList<>();
        EmbeddedRedis redis = null;
        try {
            for (int n = 1; n <= postgresCount; n++) {
                Path dir = Files.createDirectories(base.resolve("server-" + n));
                if (n > 1) {
                    Files.copy(postgres.getFirst().passwordFile(), dir.resolve("password"));
                }
                postgres.add(EmbeddedPostgres.start(PostgresOptions.defaults(dir).withWatchPid(self)));
            }
            if (withRedis) {
                redis = EmbeddedRedis.start(RedisServerOptions.defaults(base.resolve("redis")).withWatchPid(self));
            }
            return new TemporaryServers(base, postgres, redis);
        } catch (IOException | RuntimeException e) {
            // Servers that failed to start as a set must not stay running for the next test.
            new TemporaryServers(base, postgres, redis).close();
            if (e instanceof IOException io) {
                throw new UncheckedIOException(io);
            }
            throw (RuntimeException) e;
        }
    }

    /** PostgreSQL server {@code n}, from 1. */
    public EmbeddedPostgres postgres(int n) {
        return postgres.get(n - 1);
    }

    /** The first PostgreSQL server (the catalog, where a test has one). */
    public EmbeddedPostgres postgres() {
        return postgres(1);
    }

    /** The Redis server; only when started {@code withRedis}. */
    public EmbeddedRedis redis() {
        if (redis == null) {
            throw new IllegalStateException("started without Redis");
        }
        return redis;
    }

    /** The temporary directory that holds every server's files. */
    public Path base() {
        return base;
    }

    /**
     * The configuration lines that point a platform at these servers (the first PostgreSQL server,
     * if any, as the catalog), with {@code platformLines} (indented YAML, or empty) added under
     * {@code platform:}. Settings of other sections go before it, in the caller's YAML.
     */
    public String platformYaml(String platformLines) {
        StringBuilder yaml = new StringBuilder();
        if (redis != null) {
            yaml.append("redis: { mode: standalone, nodes: [ { host: 127.0.0.1, port: %d, role: master } ] }\n"
                    .formatted(redis.port()));
        }
        yaml.append("platform:\n");
        if (!postgres.isEmpty()) {
            EmbeddedPostgres catalog = postgres();
            yaml.append("  postgres: { host: 127.0.0.1, port: %d, database: %s, user: %s, passwordFile: \"%s\" }\n"
                    .formatted(catalog.port(), catalog.database(), catalog.user(), catalog.passwordFile()));
        }
        if (redis != null) {
            yaml.append("  redis: { passwordFile: \"%s\" }\n".formatted(redis.passwordFile()));
        }
        yaml.append(platformLines.indent(2));
        return yaml.toString();
    }

    @Override
    public void close() {
        if (redis != null) {
            redis.close();
        }
        for (EmbeddedPostgres server : postgres.reversed()) {
            server.close();
        }
        deleteTree(base);
    }

    /** A directory under /tmp that a PostgreSQL server running as another user (when tests run as root) can reach. */
    static Path createDirectory(String name) {
        try {
            return Files.createTempDirectory(Path.of("/tmp"), "nlt-" + name + "-",
                    PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwxr-xr-x")));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Removes a test's server directories (PostgreSQL's belong to another user; root may remove them). */
    public static void deleteTree(Path root) {
        try (Stream<Path> paths = Files.walk(root)) {
            paths.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
        } catch (IOException e) {
            // a temporary directory: what is left is only disk space
        }
    }
}
