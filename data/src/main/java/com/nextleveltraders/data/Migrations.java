package com.nextleveltraders.data;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.configuration.FluentConfiguration;
import org.flywaydb.database.postgresql.PostgreSQLConfigurationExtension;

/**
 * Flyway migrations: the catalog schema on the catalog, the shard schema on every registered
 * shard's primary (replicas follow by replication). Also the first layout: with no shard
 * registered, the catalog's own database becomes shard 1; with no bucket assigned, the buckets
 * are spread over the active shards.
 */
public final class Migrations {

    private static final String CATALOG_HISTORY = "catalog_schema_history";
    private static final String SHARD_HISTORY = "shard_schema_history";

    private Migrations() {
    }

    /** Brings every schema up to date; returns how many migrations were applied now. */
    public static int apply(Database database) {
        return apply(database, List.of());
    }

    /**
     * As {@link #apply(Database)}, registering {@code shards} (or their new addresses) in the
     * catalog first: what a launcher that started the servers itself does at every start.
     */
    public static int apply(Database database, List<RegisteredShard> shards) {
        DataSource catalog = database.catalog();
        refuseOldLayout(catalog);
        int applied = migrate(catalog, "classpath:db/catalog", CATALOG_HISTORY);
        shards.forEach(shard -> ShardRegistry.register(catalog, shard));
        if (ShardRegistry.list(catalog).isEmpty()) {
            var endpoint = database.config().platform().postgres();
            ShardRegistry.register(catalog, RegisteredShard.primaryOnly(1, endpoint.host(), endpoint.port(),
                    endpoint.database()));
        }
        database.refreshDirectory();
        Map<Integer, DataSource> primaries = new LinkedHashMap<>();
        List<Integer> active = new ArrayList<>();
        for (RegisteredShard shard : ShardRegistry.list(catalog)) {
            if (shard.state() == ShardState.RETIRED) {
                continue;
            }
            DataSource primary = database.router().shards().stream().filter(s -> s.id() == shard.id()).findFirst()
                    .orElseThrow().primary();
            applied += migrate(primary, "classpath:db/shard", SHARD_HISTORY);
            primaries.put(shard.id(), primary);
            if (shard.state() == ShardState.ACTIVE) {
                active.add(shard.id());
            }
        }
        int buckets = database.config().database().sharding().buckets();
        ShardRegistry.assignIfEmpty(catalog, primaries, active, buckets);
        ShardRegistry.requireBucketCount(catalog, buckets);
        database.refreshDirectory();
        return applied;
    }

    /** Migrates one newly added shard (it owns nothing yet). */
    public static int applyToShard(DataSource primary) {
        return migrate(primary, "classpath:db/shard", SHARD_HISTORY);
    }

    private static int migrate(DataSource dataSource, String location, String historyTable) {
        FluentConfiguration configuration = Flyway.configure();
        // Flyway's own lock as a session advisory lock, not inside a transaction that stays open
        // during the migration: CREATE INDEX CONCURRENTLY waits for every open transaction.
        configuration.getConfigurationExtension(PostgreSQLConfigurationExtension.class).setTransactionalLock(false);
        return configuration
                .dataSource(dataSource)
                .locations(location)
                .table(historyTable)
                // The catalog and a shard may share one database (a single server): each schema keeps
                // its own history table, and the other's tables are not a reason to refuse.
                .baselineOnMigrate(true)
                .baselineVersion("0")
                .loggers("slf4j")
                .load()
                .migrate()
                .migrationsExecuted;
    }

    /** Data written before the catalog existed (one schema in one database) is not converted. */
    private static void refuseOldLayout(DataSource catalog) {
        boolean old = Transactions.read(catalog, connection -> ShardRegistry.hasTable(connection, "flyway_schema_history")
                && !ShardRegistry.hasTable(connection, CATALOG_HISTORY));
        if (old) {
            throw new IllegalStateException("this database was created by an earlier, unsharded layout of the"
                    + " platform; start with a new data directory (nlt up --data-dir DIR)");
        }
    }
}
