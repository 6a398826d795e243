package com.nextleveltraders.cli.local;

import com.nextleveltraders.config.PlatformConfig;
import com.nextleveltraders.data.ConnectionBudget;
import com.nextleveltraders.data.Database;
import com.nextleveltraders.data.DatabaseUnavailableException;
import com.nextleveltraders.data.Migrations;
import com.nextleveltraders.data.RegisteredShard;
import com.nextleveltraders.data.rebalance.BucketMover;
import java.io.IOException;
import java.time.Duration;
import java.util.List;

/**
 * Brings the databases of a platform being started up to date before any instance runs: applies
 * the migrations (registering where each shard listens this time), checks that every server has
 * room for the instances' pools, and finishes or rolls back bucket moves a crash interrupted.
 */
final class LocalMigrations {

    private static final int ATTEMPTS = 5;
    private static final Duration RETRY_PAUSE = Duration.ofSeconds(2);

    private LocalMigrations() {
    }

    static void apply(PlatformConfig effective, List<RegisteredShard> shards) throws IOException, InterruptedException {
        System.out.println("applying migrations...");
        // Servers that just started may be slow to take their first connections on a busy machine:
        // a refused first try is not a failed start.
        for (int attempt = 1; ; attempt++) {
            try (Database database = Database.open(effective)) {
                int applied = Migrations.apply(database, shards); // registers where each shard listens this time
                System.out.println("  " + applied + " migration(s) applied");
                checkConnectionBudget(database, effective);
                resumeMoves(database);
                return;
            } catch (DatabaseUnavailableException e) {
                if (attempt == ATTEMPTS) {
                    throw e;
                }
                System.out.println("  the servers are not taking connections yet (" + e.getMessage() + "); trying again");
                Thread.sleep(RETRY_PAUSE.toMillis());
            }
        }
    }

    /**
     * Fails the start when a server could not take a full pool from every instance the autoscaler may
     * run: better now, with the numbers, than as refused connections under load.
     */
    private static void checkConnectionBudget(Database database, PlatformConfig config) throws IOException {
        int instances = config.scaling().maxInstances();
        List<String> problems = ConnectionBudget.check(database, instances);
        if (!problems.isEmpty()) {
            throw new IOException("the PostgreSQL servers have no room for " + instances + " instance(s) with "
                    + config.database().pool().max() + " connections each:\n  " + String.join("\n  ", problems));
        }
        System.out.println("  connections: every server has room for " + instances + " instances (scaling.maxInstances)"
                + " x " + config.database().pool().max() + " (database.pool.max)");
    }

    /**
     * A bucket move interrupted by a crash (of `nlt shards rebalance`, or of the platform) is
     * finished or rolled back now: until then its bucket may have no owner and refuse writes.
     */
    private static void resumeMoves(Database database) {
        try (BucketMover mover = BucketMover.open(database)) {
            List<BucketMover.Result> resumed = mover.resume();
            if (!resumed.isEmpty()) {
                System.out.println("  " + resumed.size() + " interrupted bucket move(s) finished or rolled back");
            }
        } catch (BucketMover.MoveInProgressException running) {
            System.out.println("  a bucket move is running elsewhere; it will finish it");
        }
    }
}
