package com.nextleveltraders.cli.local;

import com.nextleveltraders.monitor.Expr;
import com.nextleveltraders.monitor.Monitor;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;
import java.util.stream.Collectors;

/**
 * Assembles {@code run/fleet.json}, the launcher's view of the fleet that the gateway's {@code GET /admin/fleet}
 * serves to the operations dashboard, from what each source gave this round. It remembers what a single round cannot
 * know: when each instance entered its state, an instance that is gone (listed for {@link #GONE_KEPT}, so the
 * dashboard shows the loss rather than a silent disappearance: DOWN when it was lost, STOPPED when the launcher
 * stopped it), and each instance's recent history.
 *
 * <p>A figure its source did not give is {@code null}, never a guess. Not thread-safe: one loop calls it.
 */
final class FleetView {

    /** How long an instance that is gone stays listed, as DOWN or STOPPED. */
    static final Duration GONE_KEPT = Duration.ofMinutes(2);
    /** How far back each instance's history goes. */
    static final Duration HISTORY = Duration.ofMinutes(15);
    /** At most one history point per step: the monitor's default interval, so 60 points over the history. */
    static final Duration HISTORY_STEP = Duration.ofSeconds(15);

    // The monitor's recordings this view reads (see LocalFleet#RECORDINGS), by instance or by server.
    static final String REQUESTS = "fleet:requests_per_second";
    static final String P50 = "fleet:p50_seconds";
    static final String P99 = "fleet:p99_seconds";
    static final String CPU_SHARE = "fleet:process_cpu_usage";
    static final String CPU_COUNT = "fleet:system_cpu_count";
    static final String HEAP_USED = "fleet:heap_used_bytes";
    static final String HEAP_MAX = "fleet:heap_max_bytes";
    static final String PG_CONNECTIONS = "fleet:pg_connections";
    static final String PG_MAX_CONNECTIONS = "fleet:pg_max_connections";

    /** A live instance as the launcher knows it. */
    record LiveInstance(String id, String region, long pid, String url, Instant startedAt) {
    }

    /** A backend as the gateway reports it: {@code state} UP or DOWN, and whether it is draining. */
    record Backend(String id, String state, boolean draining, int inFlight) {
    }

    /**
     * A PostgreSQL server the registry names, with what the launcher read from it this round.
     *
     * @param up                whether it answered this round's connection; {@code null} when not tried
     * @param replicaLagSeconds {@code null} for a primary, or when the replica could not say
     */
    record Server(String name, String role, Integer shard, String address, Boolean up, Double replicaLagSeconds) {
    }

    /**
     * What the sources gave this round; a source that failed gives {@code null}.
     *
     * @param live       the launcher's live instances, oldest first (never null: the launcher always knows them)
     * @param backends   the gateway's backends, or {@code null} when its admin API did not answer
     * @param recorded   the monitor's recordings after its last evaluation
     * @param servers    the PostgreSQL servers, or {@code null} when the catalog's registry could not be read
     * @param shards     buckets and rows per shard, or {@code null}
     * @param moves      the bucket moves not finished, or {@code null}
     * @param redis      the Redis tier, or {@code null}
     * @param stopped    whether an instance that is gone was stopped by the launcher (a scale-down) rather than lost
     */
    record Sources(List<LiveInstance> live, List<Backend> backends, Monitor.Recorded recorded, Autoscaler autoscaler,
            List<Server> servers, List<Shard> shards, List<Move> moves, Redis redis, Predicate<String> stopped) {
    }

    /** The whole view, in the order of {@code fleet.json}'s fields after {@code updatedAt} and {@code launcherPid}. */
    record Fleet(List<InstanceView> instances, Autoscaler autoscaler, List<PostgresView> postgres, List<Shard> shards,
            List<Move> moves, Redis redis) {

        Map<String, Object> fields() {
            Map<String, Object> fields = new LinkedHashMap<>();
            fields.put("instances", instances);
            fields.put("autoscaler", autoscaler);
            fields.put("postgres", postgres);
            fields.put("shards", shards);
            fields.put("moves", moves);
            fields.put("redis", redis);
            return fields;
        }
    }

    /**
     * One instance.
     *
     * @param cpu         cores used by the process: Micrometer's {@code process_cpu_usage} (a share of all the
     *                    machine's cores) times {@code system_cpu_count}
     * @param errorRate   the share of 5xx among its answers over the last minute; {@code null} without answers
     */
    record InstanceView(String id, String region, long pid, String url, String state, String since, Integer inFlight,
            Double requestsPerSecond, Double cpu, Long memoryBytes, Long memoryMaxBytes, Double p50Seconds,
            Double p99Seconds, Double errorRate, List<HistoryPoint> history) {
    }

    record HistoryPoint(String at, Double requestsPerSecond, Double cpu, Long memoryBytes, Double p99Seconds) {
    }

    record Autoscaler(int min, int max, int current, int target, List<Decision> decisions) {
    }

    record Decision(String at, String action, int from, int to, String reason) {
    }

    record PostgresView(String name, String role, Integer shard, String address, Boolean up, Long connections,
            Long maxConnections, Double replicaLagSeconds) {
    }

    /** @param rows estimated live rows per table ({@code pg_stat_user_tables.n_live_tup}); {@code null} unread */
    record Shard(int id, Integer buckets, Map<String, Long> rows) {
    }

    record Move(int bucket, int from, int to, String state, String startedAt) {
    }

    record Redis(String mode, List<RedisNode> nodes) {
    }

    record RedisNode(String address, String role, boolean up) {
    }

    /** What is remembered of an instance between rounds. */
    private static final class Known {
        LiveInstance instance;
        String state;
        Instant since;
        Instant goneAt;
        final Deque<HistoryPoint> history = new ArrayDeque<>();
        Instant lastPoint;
        boolean everUp;
    }

    private final Clock clock;
    private final Map<String, Known> known = new LinkedHashMap<>();

    FleetView(Clock clock) {
        this.clock = clock;
    }

    /** The view after this round's {@code sources}. */
    Fleet assemble(Sources sources) {
        Instant now = clock.instant();
        Map<String, Backend> backends = sources.backends() == null ? null
                : sources.backends().stream().collect(Collectors.toMap(Backend::id, b -> b, (a, b) -> a));
        Figures figures = new Figures(sources.recorded());
        Set<String> live = sources.live().stream().map(LiveInstance::id).collect(Collectors.toSet());

        List<InstanceView> views = new ArrayList<>();
        for (LiveInstance instance : sources.live()) {
            Known k = known.computeIfAbsent(instance.id(), id -> new Known());
            Backend backend = backends == null ? null : backends.get(instance.id());
            k.instance = instance;
            k.goneAt = null;
            String state = state(k, backend, backends == null);
            if (!state.equals(k.state)) {
                k.since = k.state == null ? instance.startedAt() : now;
                k.state = state;
            }
            InstanceFigures f = figures.of(instance.id());
            record(k, sources.recorded(), f, now);
            views.add(new InstanceView(instance.id(), instance.region(), instance.pid(), instance.url(), state,
                    k.since.toString(), backend == null ? null : backend.inFlight(), f.requestsPerSecond, f.cpu,
                    f.memoryBytes, f.memoryMaxBytes, f.p50Seconds, f.p99Seconds, f.errorRate,
                    List.copyOf(k.history)));
        }
        var it = known.entrySet().iterator();
        while (it.hasNext()) {
            Known k = it.next().getValue();
            if (live.contains(k.instance.id())) {
                continue;
            }
            if (k.goneAt == null) {
                k.goneAt = now;
                // An operator reads DOWN as a fault; a scale-down is not one.
                k.state = sources.stopped().test(k.instance.id()) ? "STOPPED" : "DOWN";
                k.since = now;
            }
            if (!now.isBefore(k.goneAt.plus(GONE_KEPT))) {
                it.remove();
                continue;
            }
            prune(k, now);
            LiveInstance gone = k.instance;
            views.add(new InstanceView(gone.id(), gone.region(), gone.pid(), gone.url(), k.state, k.since.toString(),
                    null, null, null, null, null, null, null, null, List.copyOf(k.history)));
        }
        // Where each was: a lost instance keeps its place among the others while it is listed.
        views.sort(Comparator.comparing((InstanceView v) -> known.get(v.id()).instance.startedAt())
                .thenComparing(InstanceView::id));
        return new Fleet(List.copyOf(views), sources.autoscaler(), postgres(sources.servers(), figures),
                sources.shards(), sources.moves(), sources.redis());
    }

    /**
     * The gateway says UP or DOWN; one it has not seen UP yet is still STARTING (its first checks, its slow start
     * not begun), and one it drains is DRAINING. Unknown when the gateway did not answer: the last state stands.
     */
    private static String state(Known k, Backend backend, boolean gatewayUnknown) {
        if (gatewayUnknown) {
            return k.state == null ? "STARTING" : k.state;
        }
        if (backend == null) {
            return k.everUp ? "DOWN" : "STARTING";
        }
        if (backend.draining()) {
            return "DRAINING";
        }
        if ("UP".equals(backend.state())) {
            k.everUp = true;
            return "UP";
        }
        return k.everUp ? "DOWN" : "STARTING";
    }

    /** A history point per monitor evaluation, at most one per {@link #HISTORY_STEP}, for {@link #HISTORY}. */
    private static void record(Known k, Monitor.Recorded recorded, InstanceFigures f, Instant now) {
        Instant at = recorded.at();
        if (at != null && f.any() && (k.lastPoint == null || !at.isBefore(k.lastPoint.plus(HISTORY_STEP)))) {
            k.history.addLast(new HistoryPoint(at.toString(), f.requestsPerSecond, f.cpu, f.memoryBytes,
                    f.p99Seconds));
            k.lastPoint = at;
        }
        prune(k, now);
    }

    private static void prune(Known k, Instant now) {
        Instant oldest = now.minus(HISTORY);
        while (!k.history.isEmpty() && Instant.parse(k.history.getFirst().at()).isBefore(oldest)) {
            k.history.removeFirst();
        }
    }

    private static List<PostgresView> postgres(List<Server> servers, Figures figures) {
        if (servers == null) {
            return null;
        }
        List<PostgresView> views = new ArrayList<>();
        for (Server s : servers) {
            views.add(new PostgresView(s.name(), s.role(), s.shard(), s.address(), s.up(),
                    figures.whole(PG_CONNECTIONS, "server", s.address()),
                    figures.whole(PG_MAX_CONNECTIONS, "server", s.address()), s.replicaLagSeconds()));
        }
        return List.copyOf(views);
    }

    /** One instance's figures from the recordings; each {@code null} when the monitor has no value for it. */
    private static final class InstanceFigures {
        Double requestsPerSecond;
        Double errorRate;
        Double p50Seconds;
        Double p99Seconds;
        Double cpu;
        Long memoryBytes;
        Long memoryMaxBytes;

        boolean any() {
            return requestsPerSecond != null || cpu != null || memoryBytes != null || p99Seconds != null;
        }
    }

    /** The recordings, indexed by the label that names whose figure each element is. */
    private static final class Figures {

        private final Monitor.Recorded recorded;
        private final Map<String, Map<String, Double>> byLabel = new HashMap<>();

        Figures(Monitor.Recorded recorded) {
            this.recorded = recorded;
        }

        InstanceFigures of(String instance) {
            InstanceFigures f = new InstanceFigures();
            double total = 0;
            double errors = 0;
            boolean counted = false;
            for (Expr.Element e : recorded.get(REQUESTS)) {
                if (instance.equals(e.labels().get("instance"))) {
                    counted = true;
                    total += e.value();
                    if (e.labels().getOrDefault("status", "").startsWith("5")) {
                        errors += e.value();
                    }
                }
            }
            if (counted) {
                f.requestsPerSecond = total;
                f.errorRate = total > 0 ? errors / total : null;
            }
            f.p50Seconds = value(P50, "instance", instance);
            f.p99Seconds = value(P99, "instance", instance);
            Double share = value(CPU_SHARE, "instance", instance);
            Double cores = value(CPU_COUNT, "instance", instance);
            f.cpu = share == null || cores == null ? null : share * cores;
            f.memoryBytes = whole(HEAP_USED, "instance", instance);
            f.memoryMaxBytes = whole(HEAP_MAX, "instance", instance);
            return f;
        }

        /** The finite value of the recording's element whose {@code label} is {@code value}; null otherwise. */
        Double value(String recording, String label, String value) {
            Double v = byLabel.computeIfAbsent(recording + "\0" + label, key -> {
                Map<String, Double> index = new HashMap<>();
                for (Expr.Element e : recorded.get(recording)) {
                    String owner = e.labels().get(label);
                    if (owner != null) {
                        index.put(owner, e.value());
                    }
                }
                return index;
            }).get(value);
            // NaN (a quantile of no requests) and infinities are no figure.
            return v == null || !Double.isFinite(v) ? null : v;
        }

        Long whole(String recording, String label, String value) {
            Double v = value(recording, label, value);
            return v == null ? null : Math.round(v);
        }
    }
}
