package com.nextleveltraders.data;

import javax.sql.DataSource;
import org.flywaydb.core.Flyway;

/** Flyway migrations of the trading schema, applied to a server before the API serves from it. */
public final class Migrations {

    private Migrations() {
    }

    /** Brings the schema up to date; returns how many migrations were applied now. */
    public static int apply(DataSource dataSource) {
        return Flyway.configure()
                .dataSource(dataSource)
                .locations("classpath:db/migration")
                .loggers("slf4j")
                .load()
                .migrate()
                .migrationsExecuted;
    }
}
