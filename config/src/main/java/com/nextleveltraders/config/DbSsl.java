package com.nextleveltraders.config;

import java.nio.file.Path;

/**
 * TLS towards the database: {@code database.pool.ssl}.
 *
 * @param ca the root certificate to trust, or {@code null} to use the JVM's trust store
 */
public record DbSsl(boolean rejectUnauthorized, Path ca) {
}
