package com.nextleveltraders.cli;

import com.nextleveltraders.cli.local.LocalPlatform;
import com.nextleveltraders.config.PlatformConfig;
import com.nextleveltraders.data.rebalance.BucketMove;
import com.nextleveltraders.data.rebalance.BucketMover;
import com.nextleveltraders.data.Database;
import com.nextleveltraders.data.DatabaseUnavailableException;
import com.nextleveltraders.data.rebalance.Rebalancer;
import com.nextleveltraders.data.RegisteredShard;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code nlt shards rebalance | add | remove}: changing which shard holds which buckets, online. */
final class ShardsMaintenance {

    /** The options every command on a running platform takes. */
    abstract static class OnPlatform implements Callable<Integer> {

        @Option(names = "--data-dir", paramLabel = "DIR", defaultValue = ".nlt-data",
                description = "the data dir of the running `nlt up` (default: ${DEFAULT-VALUE})")
        Path dataDir;

        @Option(names = "--config", paramLabel = "FILE", description = "the YAML file given to `nlt up --config`, if any")
        Path configFile;

        @Option(names = {"-h", "--help"}, usageHelp = true, description = "show this help and exit")
        boolean help;

        @Override
        public Integer call() {
            Optional<PlatformConfig> loaded = RunningPlatform.config(dataDir, configFile);
            if (loaded.isEmpty()) {
                return Nlt.USAGE;
            }
            PlatformConfig config = loaded.get();
            try (Database database = Database.open(config)) {
                return run(database);
            } catch (BucketMover.MoveInProgressException | IllegalArgumentException e) {
                System.err.println(e.getMessage());
                return Nlt.USAGE;
            } catch (DatabaseUnavailableException e) {
                System.err.println("the platform on " + dataDir.toAbsolutePath().normalize() + " does not answer: " + e.getMessage());
                return Nlt.USAGE;
            }
        }

        abstract int run(Database database);
    }

    @Command(name = "rebalance", description = {
        "Evens the shards out: plans the fewest bucket moves when the skew exceeds the threshold (or a shard is"
                + " draining) and moves those buckets online, one at a time (copy, catch up, a brief write freeze of"
                + " that bucket, verify, flip the directory, clean up). A move interrupted earlier is finished or"
                + " rolled back first.",
        "Exits 2, changing nothing, when another rebalance runs."})
    static final class Rebalance extends OnPlatform {

        @Option(names = "--dry-run", description = "print the plan and move nothing")
        boolean dryRun;

        @Option(names = "--threshold", paramLabel = "SKEW", defaultValue = "0.10",
                description = "rebalance only when the skew exceeds this (default: ${DEFAULT-VALUE})")
        double threshold;

        @Override
        int run(Database database) {
            if (!(threshold >= 0) || Double.isInfinite(threshold)) {
                throw new IllegalArgumentException("--threshold: must be a finite number >= 0 (" + threshold + ")");
            }
            Rebalancer.Plan plan = Rebalancer.analyze(database, threshold);
            System.out.printf(Locale.ROOT, "skew %.3f, threshold %.2f: %s%n", plan.distribution().skew(), threshold,
                    plan.needed() ? plan.moves().size() + " bucket move(s) planned, skew after "
                            + String.format(Locale.ROOT, "%.3f", plan.skewAfter()) : "no rebalancing needed");
            if (dryRun) {
                for (BucketMove move : plan.moves()) {
                    System.out.printf("  bucket %d: shard %d -> shard %d (%d rows)%n", move.bucket(), move.fromShard(),
                            move.toShard(), plan.distribution().rowsOf(move.bucket()));
                }
                return 0;
            }
            return report(Rebalancer.rebalance(database, threshold, ShardsMaintenance::progress));
        }
    }

    @Command(name = "add", description = {
        "Adds a shard owning no bucket yet: `nlt shards rebalance` then moves buckets to it.",
        "Without --port: the running `nlt up` on DIR starts a new primary and streaming replica under"
                + " DIR/shard-N (started again by every later `nlt up`), migrates and registers it.",
        "With --port (and --database): registers a PostgreSQL server that is already running (the catalog's user"
                + " and password) and migrates it.",
        "Exits 2 when no platform runs on DIR or a shard is already being added there."})
    static final class Add extends OnPlatform {

        // Starting a primary (initdb) and its replica (a base backup), then migrating: seconds, not minutes.
        private static final Duration PICKUP_WAIT = Duration.ofSeconds(10);
        private static final Duration ADD_WAIT = Duration.ofSeconds(120);

        @Option(names = "--host", description = "the new shard's primary, with --port (default: 127.0.0.1)")
        String host;

        @Option(names = "--port", description = "the new shard's primary port, for a server already running")
        Integer port;

        @Option(names = "--database", description = "the database on it, with --port")
        String databaseName;

        @Option(names = "--replica-host", description = "its streaming replica, if any, with --port")
        String replicaHost;

        @Option(names = "--replica-port", description = "its streaming replica's port")
        int replicaPort;

        @Override
        public Integer call() {
            if (port != null) {
                if (databaseName == null) {
                    System.err.println("--port needs --database: the database on that server");
                    return Nlt.USAGE;
                }
                return super.call();
            }
            if (host != null || databaseName != null || replicaHost != null || replicaPort != 0) {
                System.err.println("--host, --database, --replica-host and --replica-port name a running server:"
                        + " give --port too, or none of them to start a new local shard");
                return Nlt.USAGE;
            }
            Path dir = dataDir.toAbsolutePath().normalize();
            Path runDir = dir.resolve("run");
            if (!Files.isRegularFile(runDir.resolve(LocalPlatform.SERVERS_FILE))) {
                System.err.println("no platform runs on " + dir + ": " + runDir.resolve(LocalPlatform.SERVERS_FILE)
                        + " is missing; start one with `nlt up --data-dir " + dataDir + "`, then add a"
                        + " shard while it runs");
                return Nlt.USAGE;
            }
            System.out.println("asking the platform on " + dir + " to start a new shard...");
            AddShardRequest.Outcome outcome;
            try {
                outcome = AddShardRequest.submit(runDir, PICKUP_WAIT, ADD_WAIT);
            } catch (IOException e) {
                System.err.println("could not ask the platform on " + dir + ": " + e.getMessage());
                return Nlt.USAGE;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return 1;
            }
            return switch (outcome) {
                case AddShardRequest.Added added -> {
                    System.out.println("shard " + added.id() + " added (primary " + added.primary() + ", replica "
                            + added.replica() + "); it owns no bucket yet: run `nlt shards rebalance`");
                    yield 0;
                }
                case AddShardRequest.NotTaken notTaken -> {
                    System.err.println("no shard added: " + notTaken.reason() + ". `nlt up --data-dir " + dataDir
                            + "` must be running to add a local shard.");
                    yield Nlt.USAGE;
                }
                case AddShardRequest.Failed failed -> {
                    System.err.println("the platform could not add a shard: " + failed.reason());
                    yield 1;
                }
            };
        }

        @Override
        int run(Database database) {
            String primaryHost = host != null ? host : "127.0.0.1";
            if (port < 1 || port > 65535 || (replicaHost != null && (replicaPort < 1 || replicaPort > 65535))) {
                throw new IllegalArgumentException("ports are between 1 and 65535");
            }
            RegisteredShard shard = Rebalancer.addShard(database, primaryHost, port, databaseName, replicaHost,
                    replicaPort);
            System.out.println("added shard " + shard.id() + " (" + primaryHost + ":" + port + "/" + databaseName
                    + "), owning no bucket yet; run `nlt shards rebalance` to give it some");
            return 0;
        }
    }

    @Command(name = "remove", description = {
        "Drains shard ID: marks it DRAINING, moves each of its buckets online to the active shards, then marks it"
                + " RETIRED.",
        "Exits 2, changing nothing, for an unknown or retired shard, the last active shard, or while a rebalance runs."})
    static final class Remove extends OnPlatform {

        @Parameters(paramLabel = "ID", description = "the shard to remove")
        int id;

        @Override
        int run(Database database) {
            List<BucketMover.Result> results = Rebalancer.removeShard(database, id, ShardsMaintenance::progress);
            int code = report(results);
            if (code == 0) {
                System.out.println("shard " + id + " is drained and retired");
            }
            return code;
        }
    }

    private static void progress(Rebalancer.Progress progress) {
        int width = 30;
        int filled = progress.total() == 0 ? width : progress.done() * width / progress.total();
        BucketMover.Result last = progress.last();
        System.out.printf(Locale.ROOT, "\r[%s%s] %d/%d  bucket %d: shard %d -> %d, %d rows, freeze %.1f ms   ",
                "#".repeat(filled), " ".repeat(width - filled), progress.done(), progress.total(), last.bucket(),
                last.fromShard(), last.toShard(), last.rowsCopied(), last.freezeMillis());
        if (progress.done() == progress.total() || !last.moved()) {
            System.out.println();
        }
        System.out.flush();
    }

    /** Prints the moves' outcome and freeze figures; 1 when a move had to be rolled back. */
    private static int report(List<BucketMover.Result> results) {
        double[] freezes = results.stream().filter(BucketMover.Result::moved).mapToDouble(BucketMover.Result::freezeMillis)
                .sorted().toArray();
        long rows = results.stream().mapToLong(BucketMover.Result::rowsCopied).sum();
        if (freezes.length > 0) {
            System.out.printf(Locale.ROOT, "%d bucket(s) moved, %d rows; write freeze per bucket: p50 %.1f ms, p99 %.1f ms,"
                    + " max %.1f ms%n", freezes.length, rows, percentile(freezes, 0.50), percentile(freezes, 0.99),
                    freezes[freezes.length - 1]);
        }
        for (BucketMover.Result result : results) {
            if (!result.moved()) {
                System.err.println("bucket " + result.bucket() + " was not moved: " + result.note());
                return 1;
            }
        }
        return 0;
    }

    static double percentile(double[] sorted, double p) {
        return sorted[Math.max(0, (int) Math.ceil(sorted.length * p) - 1)];
    }

    private ShardsMaintenance() {
    }
}
