package com.nextleveltraders.cli.local;

import com.nextleveltraders.data.ShardRegistry;
import com.nextleveltraders.embedded.EmbeddedPostgres;
import com.nextleveltraders.embedded.EmbeddedPostgresReplica;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import javax.sql.DataSource;

/**
 * One shard's primary under `nlt up` and what replaces it when it is lost: its replica, promoted.
 * The {@link Supervisor} calls {@link #run} when the postmaster exits, the {@link FailoverDecider}
 * calls {@link #failOver} when probes fail; whichever comes first fails the shard over, once:
 * <ol>
 * <li>fence: every process of the old primary is killed (SIGKILL, which also ends a stopped one) and
 *     gone before anything else, so that it cannot acknowledge another write;</li>
 * <li>promote the replica ({@link ShardReplica#promote});</li>
 * <li>register it in the catalog as the shard's primary, with no replica and the next epoch, in
 *     one transaction;</li>
 * <li>the instances' routers find it on their own: a request whose primary does not answer reads
 *     the registry again and runs there.</li>
 * </ol>
 * Only while this launcher holds the catalog's failover lock. The promoted server is then watched as
 * the shard's primary; losing it too is fatal, as the shard has no replica left.
 */
final class ShardFailover implements Supervisor.Restart {

    // A killed process is gone within milliseconds; this only bounds a kernel stuck on I/O.
    private static final Duration FENCE_WAIT = Duration.ofSeconds(30);

    private final int id;
    private final String database;
    private final EmbeddedPostgres primary;
    private final ShardReplica replica;
    private final FailoverDecider decider;
    private final DataSource catalog;
    private final ShardPrimaries primaries;
    private final BooleanSupplier stopping;
    private volatile EmbeddedPostgresReplica promoted; // written under this

    ShardFailover(int id, String database, EmbeddedPostgres primary, ShardReplica replica, FailoverDecider decider,
            DataSource catalog, ShardPrimaries primaries, BooleanSupplier stopping) {
        this.id = id;
        this.database = database;
        this.primary = primary;
        this.replica = replica;
        this.decider = decider;
        this.catalog = catalog;
        this.primaries = primaries;
        this.stopping = stopping;
        primaries.set(id, primary.port(), primary.pid(), 0);
    }

    int id() {
        return id;
    }

    String database() {
        return database;
    }

    String primaryHost() {
        return primary.host();
    }

    int primaryPort() {
        return primary.port();
    }

    boolean failedOver() {
        return promoted != null;
    }

    /** The postmaster exited: fail over at once (or, once failed over, the promoted server died: fatal). */
    @Override
    public ProcessHandle run() {
        return failOver("its postmaster exited");
    }

    @Override
    public boolean reportsItself() {
        return true;
    }

    /**
     * Fails the shard over to its replica, unless done already; returns the process now serving as
     * the shard's primary.
     *
     * @throws IllegalStateException when it cannot: the platform is stopping, this launcher does not
     *     hold the failover lock, the promoted server itself died, or a step failed
     */
    synchronized ProcessHandle failOver(String why) {
        EmbeddedPostgresReplica done = promoted;
        if (done != null) {
            return ProcessHandle.of(done.pid()).filter(ProcessHandle::isAlive)
                    .orElseThrow(() -> new IllegalStateException("shard " + id + "'s primary " + done.host() + ":"
                            + done.port() + " (its replica until a failover) is gone too, and the shard has no"
                            + " replica left: the platform stops"));
        }
        if (stopping.getAsBoolean()) {
            throw new IllegalStateException("the platform is stopping");
        }
        if (!decider.holdsLock()) {
            throw new IllegalStateException("shard " + id + "'s primary is lost (" + why + ") but this launcher does"
                    + " not hold the catalog's failover lock: it does not fail it over");
        }
        EmbeddedPostgresReplica standby = replica.current();
        String from = primary.host() + ":" + primary.port();
        String to = standby.host() + ":" + standby.port();
        long began = System.nanoTime();
        System.err.println("shard " + id + " failover: primary " + from + " (pid " + primary.pid() + ") is lost: "
                + why + "; failing over to its replica " + to);

        List<Long> killed = fence();
        long fenced = System.nanoTime();
        System.out.println("shard " + id + " failover: 1/3 fenced the old primary: " + killed.size()
                + " process(es) killed and gone in " + millis(began, fenced) + " ms");

        EmbeddedPostgresReplica server;
        try {
            server = replica.promote();
        } catch (SQLException e) {
            throw new IllegalStateException("shard " + id + " failover: promoting the replica " + to + " failed: "
                    + e.getMessage(), e);
        }
        long promotedAt = System.nanoTime();
        System.out.println("shard " + id + " failover: 2/3 promoted the replica " + to + " (pid " + server.pid()
                + ") in " + millis(fenced, promotedAt) + " ms");

        OptionalLong epoch = ShardRegistry.failOver(catalog, id, primary.host(), primary.port(), server.host(),
                server.port());
        if (epoch.isEmpty()) {
            throw new IllegalStateException("shard " + id + " failover: the catalog's registry no longer names " + from
                    + " the primary; the registry is left as it is");
        }
        long registered = System.nanoTime();
        System.out.println("shard " + id + " failover: 3/3 registered " + to + " as the primary, no replica, epoch "
                + epoch.getAsLong() + " in " + millis(promotedAt, registered) + " ms");
        primaries.set(id, server.port(), server.pid(), epoch.getAsLong());
        promoted = server;
        System.out.println("shard " + id + " failed over to " + to + " in " + millis(began, registered) + " ms; the"
                + " instances route its writes there at their next request; it has no replica until the old primary"
                + " rejoins (not automatic yet: the next `nlt up` copies a new one)");
        primary.close(); // reaps its watchdog; the server is gone already
        return ProcessHandle.of(server.pid()).orElseThrow();
    }

    /**
     * SIGKILL to the postmaster and every process working in its data directory (its backends
     * outlive a killed postmaster for a moment, and a stopped postmaster's backends go on serving
     * the connections they have), then waits until all are gone. Found by their working directory,
     * which every PostgreSQL process sets to its data directory.
     */
    private List<Long> fence() {
        Path dataDir;
        try {
            dataDir = primary.dataDir().toRealPath();
        } catch (IOException e) {
            dataDir = primary.dataDir().toAbsolutePath().normalize();
        }
        Path where = dataDir;
        List<ProcessHandle> targets = new ArrayList<>();
        ProcessHandle.of(primary.pid()).ifPresent(targets::add);
        ProcessHandle.allProcesses()
                .filter(process -> process.pid() != primary.pid() && worksIn(process.pid(), where))
                .forEach(targets::add);
        targets.forEach(ProcessHandle::destroyForcibly);
        long deadline = System.nanoTime() + FENCE_WAIT.toNanos();
        for (ProcessHandle target : targets) {
            try {
                target.onExit().get(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            } catch (Exception e) {
                throw new IllegalStateException("shard " + id + " failover: process " + target.pid() + " of the old"
                        + " primary did not die within " + FENCE_WAIT.toSeconds() + " s of SIGKILL; not promoting");
            }
        }
        return targets.stream().map(ProcessHandle::pid).toList();
    }

    private static boolean worksIn(long pid, Path dataDir) {
        try {
            return Files.readSymbolicLink(Path.of("/proc", Long.toString(pid), "cwd")).equals(dataDir);
        } catch (IOException | UnsupportedOperationException | SecurityException e) {
            return false; // gone, or not ours to look at (then not one of the server's)
        }
    }

    private static long millis(long from, long to) {
        return (to - from) / 1_000_000;
    }
}
