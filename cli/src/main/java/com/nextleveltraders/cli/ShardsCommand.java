package com.nextleveltraders.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.nextleveltraders.config.PlatformConfig;
import com.nextleveltraders.data.DatabaseUnavailableException;
import com.nextleveltraders.data.rebalance.ShardReport;
import com.nextleveltraders.data.rebalance.ShardStatus;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Optional;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "shards", description = "Inspect the shards of a running platform, add, rebalance and remove them.",
        subcommands = {ShardsCommand.Status.class, ShardsMaintenance.Rebalance.class,
            ShardsMaintenance.Add.class, ShardsMaintenance.Remove.class})
final class ShardsCommand {

    @Command(name = "status", description = {
        "Each shard of the platform that `nlt up --data-dir DIR` runs: state, servers, buckets, users, rows, size,"
                + " whether its primary answers, its replica's state (streaming; not streaming: it answers but does"
                + " not receive the primary's WAL; restarting: `nlt up` is starting it again after it died; down),"
                + " the replica's lag, and whether its commits wait for the replica (sync), wait with none in sync"
                + " (WAITING) or are acknowledged by the primary alone (UNPROTECTED); then how uneven the shards are"
                + " (skew).",
        "Exits 2 when no platform runs on DIR. A shard whose server is down is shown as down, with what it could"
                + " not read as ?, and the exit is still 0."})
    static final class Status implements Callable<Integer> {

        @Option(names = "--data-dir", paramLabel = "DIR", defaultValue = ".nlt-data",
                description = "the data dir of the running `nlt up` (default: ${DEFAULT-VALUE})")
        Path dataDir;

        @Option(names = "--config", paramLabel = "FILE",
                description = "the YAML file given to `nlt up --config`, if any")
        Path configFile;

        @Option(names = "--threshold", paramLabel = "SKEW", defaultValue = "0.10",
                description = "the skew above which rebalancing is advised (default: ${DEFAULT-VALUE}); skew is"
                        + " (fullest - emptiest shard) / fair share, in rows")
        double threshold;

        @Option(names = "--json", description = "print one JSON object instead of a table")
        boolean json;

        @Option(names = {"-h", "--help"}, usageHelp = true, description = "show this help and exit")
        boolean help;

        @Override
        public Integer call() throws JsonProcessingException {
            if (!(threshold >= 0) || Double.isInfinite(threshold)) {
                System.err.println("--threshold: must be a finite number >= 0 (" + threshold + ")");
                return Nlt.USAGE;
            }
            Optional<PlatformConfig> loaded = RunningPlatform.config(dataDir, configFile);
            if (loaded.isEmpty()) {
                return Nlt.USAGE;
            }
            PlatformConfig config = loaded.get();
            ShardReport report;
            try {
                report = ShardReport.read(config, threshold);
            } catch (DatabaseUnavailableException e) {
                System.err.println("the platform on " + dataDir.toAbsolutePath().normalize() + " is not running: " + e.getMessage());
                System.err.println("start it with `nlt up --data-dir " + dataDir + "`");
                return Nlt.USAGE;
            }
            Map<Integer, String> launcher = RunningPlatform.replicaStates(dataDir);
            System.out.print(json ? toJson(report, launcher) : toTable(report, launcher));
            return 0;
        }
    }

    /**
     * The replica's state: {@code restarting} while the launcher starts it again after it died (its
     * word, from {@code DIR/run/replicas.json}), else what the servers say: {@code streaming},
     * {@code not streaming} (it answers, but its WAL receiver does not stream) or {@code down};
     * {@code null} for a shard without a replica.
     */
    static String replicaState(ShardStatus shard, Map<Integer, String> launcher) {
        if (shard.replicaUp() == null) {
            return null;
        }
        if ("restarting".equals(launcher.get(shard.id()))) {
            return "restarting";
        }
        if (!shard.replicaUp()) {
            return "down";
        }
        return Boolean.TRUE.equals(shard.replicaStreaming()) ? "streaming" : "not streaming";
    }

    static String toJson(ShardReport report, Map<Integer, String> launcher) throws JsonProcessingException {
        Map<String, Object> root = new LinkedHashMap<>();
        List<Map<String, Object>> shards = new ArrayList<>();
        for (ShardStatus shard : report.shards()) {
            Map<String, Object> entry = new LinkedHashMap<>();
            entry.put("id", shard.id());
            entry.put("state", shard.state().name());
            entry.put("primary", shard.primary());
            entry.put("replica", shard.replica());
            entry.put("buckets", shard.buckets());
            entry.put("users", shard.users());
            entry.put("rows", shard.rows());
            entry.put("bytes", shard.bytes());
            entry.put("primaryUp", shard.primaryUp());
            entry.put("replicaUp", shard.replicaUp());
            entry.put("replicaState", replicaState(shard, launcher));
            entry.put("replicaLagBytes", shard.replicaLagBytes());
            entry.put("replicaLagSeconds", shard.replicaLagSeconds());
            entry.put("replication", shard.replication());
            entry.put("problems", shard.problems());
            shards.add(entry);
        }
        root.put("shards", shards);
        root.put("buckets", report.buckets());
        root.put("unassignedBuckets", report.unassignedBuckets());
        root.put("users", report.users());
        root.put("rows", report.rows());
        root.put("skew", report.skew());
        root.put("skewMeasure", report.skew() == null ? null : report.skewInRows() ? "rows" : "buckets");
        root.put("skewThreshold", report.skewThreshold());
        root.put("rebalancingAdvised", report.rebalancingAdvised());
        root.put("skewNote", report.skewNote());
        return new ObjectMapper().writerWithDefaultPrettyPrinter().writeValueAsString(root) + "\n";
    }

    static String toTable(ShardReport report, Map<Integer, String> launcher) {
        List<String[]> rows = new ArrayList<>();
        rows.add(new String[] {"shard", "state", "primary", "replica", "buckets", "users", "rows", "size", "primary",
            "replica", "replica lag", "commits"});
        for (ShardStatus shard : report.shards()) {
            rows.add(new String[] {Integer.toString(shard.id()), shard.state().name(), shard.primary(),
                shard.replica() == null ? "none" : shard.replica(), Integer.toString(shard.buckets()), Long.toString(shard.users()),
                shard.rows() == null ? "?" : Long.toString(shard.rows()), shard.bytes() == null ? "?" : size(shard.bytes()),
                shard.primaryUp() ? "up" : "DOWN", replicaTableState(shard, launcher),
                lag(shard), commits(shard)});
        }
        int[] widths = new int[rows.get(0).length];
        for (String[] row : rows) {
            for (int i = 0; i < row.length; i++) {
                widths[i] = Math.max(widths[i], row[i].length());
            }
        }
        // Numbers right-aligned, words left-aligned.
        boolean[] numeric = {true, false, false, false, true, true, true, true, false, false, false, false};
        StringBuilder out = new StringBuilder();
        for (String[] row : rows) {
            StringBuilder line = new StringBuilder();
            for (int i = 0; i < row.length; i++) {
                String format = "%" + (numeric[i] ? "" : "-") + widths[i] + "s";
                line.append(i == 0 ? "" : "  ").append(String.format(Locale.ROOT, format, row[i]));
            }
            out.append(line.toString().stripTrailing()).append('\n');
        }
        for (ShardStatus shard : report.shards()) {
            shard.problems().forEach(problem -> out.append("shard ").append(shard.id()).append(": ").append(problem)
                    .append('\n'));
        }
        for (ShardStatus shard : report.shards()) {
            if (ShardStatus.UNPROTECTED.equals(shard.replication())) {
                out.append("shard ").append(shard.id()).append(": unprotected: its primary acknowledges commits no"
                        + " replica has (database.replication); losing its host loses them\n");
            } else if (ShardStatus.WAITING.equals(shard.replication())) {
                out.append("shard ").append(shard.id()).append(": its writes wait: no replica is in sync"
                        + " (database.replication.aloneAfter)\n");
            }
        }
        out.append(summary(report)).append('\n');
        return out.toString();
    }

    private static String summary(ShardReport report) {
        long primariesUp = report.shards().stream().filter(ShardStatus::primaryUp).count();
        long replicas = report.shards().stream().filter(shard -> shard.replicaUp() != null).count();
        long replicasUp = report.shards().stream().filter(shard -> Boolean.TRUE.equals(shard.replicaUp())).count();
        StringBuilder line = new StringBuilder();
        line.append(report.shards().size()).append(" shard(s), ").append(primariesUp).append(" primar")
                .append(primariesUp == 1 ? "y" : "ies").append(" and ").append(replicasUp).append(" of ")
                .append(replicas).append(" replica(s) up; ").append(report.buckets()).append(" buckets");
        if (report.unassignedBuckets() > 0) {
            line.append(" (").append(report.unassignedBuckets()).append(" unassigned)");
        }
        line.append(", ").append(report.users()).append(" users, ")
                .append(report.rows() == null ? "?" : Long.toString(report.rows())).append(" rows; ");
        String threshold = String.format(Locale.ROOT, "%.2f", report.skewThreshold());
        if (report.skew() == null) {
            line.append("skew unknown (").append(report.skewNote()).append(")");
        } else {
            line.append(String.format(Locale.ROOT, "skew %.3f in %s, threshold %s: ", report.skew(),
                    report.skewInRows() ? "rows" : "buckets", threshold))
                    .append(report.rebalancingAdvised() ? "rebalancing advised" : "no rebalancing needed");
        }
        return line.toString();
    }

    /** As {@link #replicaState}, a replica that does not answer in capitals as a primary is. */
    private static String replicaTableState(ShardStatus shard, Map<Integer, String> launcher) {
        String state = replicaState(shard, launcher);
        return state == null ? "-" : state.equals("down") ? "DOWN" : state;
    }

    private static String lag(ShardStatus shard) {
        if (shard.replica() == null) {
            return "-";
        }
        if (shard.replicaLagBytes() == null) {
            return "?";
        }
        return size(shard.replicaLagBytes()) + (shard.replicaLagSeconds() == null ? ""
                : String.format(Locale.ROOT, ", %.1f s", shard.replicaLagSeconds()));
    }

    /** Whether a replica has each commit: sync, WAITING for one, UNPROTECTED, or ? when unread. */
    private static String commits(ShardStatus shard) {
        if (shard.replication() == null) {
            return "?";
        }
        return switch (shard.replication()) {
            case ShardStatus.PROTECTED -> "sync";
            case ShardStatus.WAITING -> "WAITING";
            default -> "UNPROTECTED";
        };
    }

    /** Bytes in binary units (1 KiB = 1024 B). */
    static String size(long bytes) {
        String[] units = {"B", "KiB", "MiB", "GiB", "TiB"};
        double value = bytes;
        int unit = 0;
        while (value >= 1024 && unit < units.length - 1) {
            value /= 1024;
            unit++;
        }
        return unit == 0 ? bytes + " B" : String.format(Locale.ROOT, "%.1f %s", value, units[unit]);
    }


    private ShardsCommand() {
    }
}
