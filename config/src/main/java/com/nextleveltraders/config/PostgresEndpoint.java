package com.nextleveltraders.config;

import java.nio.file.Path;
import java.util.Objects;

/**
 * Where PostgreSQL runs: {@code platform.postgres}.
 *
 * @param passwordFile file holding the password, or {@code null} when none is needed
 */
public record PostgresEndpoint(String host, int port, String database, String user, Path passwordFile) {

    public PostgresEndpoint {
        Objects.requireNonNull(host, "host");
        Objects.requireNonNull(database, "database");
        Objects.requireNonNull(user, "user");
        Ranges.of(PostgresEndpoint.class)
                .notBlank("host", host)
                .port("port", port)
                .notBlank("database", database)
                .notBlank("user", user)
                .check();
    }
}
