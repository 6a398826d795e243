package com.nextleveltraders.cli.local;

import com.nextleveltraders.config.PlatformConfig;
import com.nextleveltraders.config.Replication;
import com.nextleveltraders.config.Secrets;
import com.nextleveltraders.data.RegisteredShard;
import com.nextleveltraders.data.ServerProbe;
import com.nextleveltraders.data.ShardRegistry;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.postgresql.ds.PGSimpleDataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code database.replication.aloneAfter}: every shard's primary commits only once its replica has
 * the commit (synchronous_standby_names, written at each start), so while the replica is gone its
 * writes wait. Once a primary's replica has been seen gone for {@code aloneAfter}, this lets the
 * primary commit alone (ALTER SYSTEM SET synchronous_standby_names = '' and a reload, which also
 * releases the commits waiting), and once the replica streams again (caught up: state
 * {@code streaming}, not {@code catchup}) it restores the requirement (ALTER SYSTEM RESET). Runs
 * nothing when commits do not wait for the replica, or when {@code aloneAfter} is never.
 */
final class ReplicationGuard implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(ReplicationGuard.class);
    /** Short next to any sensible aloneAfter; each check is one query per primary. */
    static final Duration EVERY = Duration.ofSeconds(1);

    private final PlatformConfig config;
    private final Replication replication;
    private final Supplier<List<RegisteredShard>> shards;
    private final Clock clock;
    private final Map<Integer, Instant> goneSince = new HashMap<>();
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().name("replication-guard").daemon().factory());

    /** Guards every shard the catalog's registry lists at each check: shards added meanwhile too. */
    ReplicationGuard(PlatformConfig config, Clock clock) {
        this(config, () -> registered(config), clock);
    }

    ReplicationGuard(PlatformConfig config, Supplier<List<RegisteredShard>> shards, Clock clock) {
        this.config = config;
        this.shards = shards;
        this.replication = config.database().replication();
        this.clock = clock;
    }

    /** True when there is anything to do: commits wait for the replica, and not forever. */
    boolean active() {
        return replication.synchronous().waitsForReplica() && replication.aloneAfter() != null;
    }

    void start() {
        if (active()) {
            timer.scheduleWithFixedDelay(this::checkQuietly, EVERY.toMillis(), EVERY.toMillis(),
                    TimeUnit.MILLISECONDS);
        }
    }

    private void checkQuietly() {
        try {
            check();
        } catch (RuntimeException e) {
            log.warn("Replication check failed: {}", ServerProbe.reason(e));
        }
    }

    /** One round over every shard with a replica. */
    synchronized void check() {
        if (!active()) {
            return;
        }
        for (RegisteredShard shard : shards.get()) {
            if (shard.hasReplica()) {
                check(shard);
            }
        }
    }

    private static List<RegisteredShard> registered(PlatformConfig config) {
        var catalog = config.platform().postgres();
        PGSimpleDataSource source = new PGSimpleDataSource();
        source.setServerNames(new String[] {catalog.host()});
        source.setPortNumbers(new int[] {catalog.port()});
        source.setDatabaseName(catalog.database());
        source.setUser(catalog.user());
        source.setPassword(Secrets.read(catalog.passwordFile()));
        return ShardRegistry.listIfMigrated(source);
    }

    private void check(RegisteredShard shard) {
        Instant now = clock.instant();
        try (Connection primary = ServerProbe.open(config, shard.primaryHost(), shard.primaryPort(),
                shard.database()); Statement statement = primary.createStatement()) {
            boolean lifted;
            boolean streaming;
            try (ResultSet rs = statement.executeQuery("SELECT current_setting('synchronous_standby_names') = '',"
                    + " EXISTS (SELECT 1 FROM pg_stat_replication WHERE state = 'streaming')")) {
                rs.next();
                lifted = rs.getBoolean(1);
                streaming = rs.getBoolean(2);
            }
            if (streaming) {
                goneSince.remove(shard.id());
                if (lifted) {
                    set(statement, "ALTER SYSTEM RESET synchronous_standby_names");
                    log.info("Shard {}: its replica streams again; commits wait for it again", shard.id());
                }
                return;
            }
            Instant since = goneSince.computeIfAbsent(shard.id(), id -> now);
            if (!lifted && !now.isBefore(since.plus(replication.aloneAfter()))) {
                set(statement, "ALTER SYSTEM SET synchronous_standby_names = ''");
                log.warn("Shard {}: its replica has been gone since {} (database.replication.aloneAfter {}); its"
                        + " primary commits alone, unprotected, until the replica streams again", shard.id(), since,
                        replication.aloneAfter());
            }
        } catch (SQLException e) {
            // A primary that does not answer has no commits to release; the replica's absence is timed from
            // when it was first seen, not from when the primary answered again.
            log.debug("Shard {}: primary {} does not answer: {}", shard.id(),
                    ServerProbe.address(shard.primaryHost(), shard.primaryPort()), ServerProbe.reason(e));
        }
    }

    private static void set(Statement statement, String alterSystem) throws SQLException {
        statement.execute(alterSystem);
        statement.execute("SELECT pg_reload_conf()");
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }
}
