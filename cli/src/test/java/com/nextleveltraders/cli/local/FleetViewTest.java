package com.nextleveltraders.cli.local;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.nextleveltraders.cli.local.FleetView.Backend;
import com.nextleveltraders.cli.local.FleetView.Fleet;
import com.nextleveltraders.cli.local.FleetView.InstanceView;
import com.nextleveltraders.cli.local.FleetView.LiveInstance;
import com.nextleveltraders.monitor.Expr;
import com.nextleveltraders.monitor.Monitor;
import com.nextleveltraders.testkit.MutableClock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The fleet's view from given sources, with the time moved by hand: no platform runs. */
class FleetViewTest {

    private static final Instant START = Instant.parse("2026-03-01T10:00:00Z");

    private final MutableClock clock = new MutableClock(START);
    private final FleetView view = new FleetView(clock);

    private static final LiveInstance FRA = new LiveInstance("api-1", "fra1", 101, "http://127.0.0.1:5001", START);
    private static final LiveInstance LHR = new LiveInstance("api-2", "lhr1", 102, "http://127.0.0.1:5002",
            START.plusMillis(1));

    @Test
    void figuresComeFromTheMonitorsRecordingsAndTheGatewaysBackends() {
        Monitor.Recorded recorded = recorded(START, Map.of(
                FleetView.REQUESTS, List.of(element(9.0, "instance", "api-1", "status", "200"),
                        element(1.0, "instance", "api-1", "status", "503")),
                FleetView.P50, List.of(element(0.004, "instance", "api-1")),
                FleetView.P99, List.of(element(0.120, "instance", "api-1"), element(Double.NaN, "instance", "api-2")),
                FleetView.CPU_SHARE, List.of(element(0.25, "instance", "api-1")),
                FleetView.CPU_COUNT, List.of(element(2, "instance", "api-1")),
                FleetView.HEAP_USED, List.of(element(100e6, "instance", "api-1")),
                FleetView.HEAP_MAX, List.of(element(256e6, "instance", "api-1")),
                FleetView.PG_CONNECTIONS, List.of(element(12, "server", "127.0.0.1:5432")),
                FleetView.PG_MAX_CONNECTIONS, List.of(element(100, "server", "127.0.0.1:5432"))));

        Fleet fleet = view.assemble(sources(List.of(FRA, LHR),
                List.of(new Backend("api-1", "UP", false, 3), new Backend("api-2", "DOWN", false, 0)), recorded));

        InstanceView fra = fleet.instances().get(0);
        assertThat(fra.state()).isEqualTo("UP");
        assertThat(fra.since()).isEqualTo(START.toString());
        assertThat(fra.inFlight()).isEqualTo(3);
        assertThat(fra.requestsPerSecond()).isEqualTo(10.0);
        assertThat(fra.errorRate()).isEqualTo(0.1);
        assertThat(fra.p50Seconds()).isEqualTo(0.004);
        assertThat(fra.p99Seconds()).isEqualTo(0.120);
        assertThat(fra.cpu()).isEqualTo(0.5);
        assertThat(fra.memoryBytes()).isEqualTo(100_000_000L);
        assertThat(fra.memoryMaxBytes()).isEqualTo(256_000_000L);
        assertThat(fra.history()).containsExactly(
                new FleetView.HistoryPoint(START.toString(), 10.0, 0.5, 100_000_000L, 0.120));

        // Never UP at the gateway yet: still starting. The monitor knows nothing of it: every figure null.
        InstanceView lhr = fleet.instances().get(1);
        assertThat(lhr.state()).isEqualTo("STARTING");
        assertThat(lhr.inFlight()).isZero();
        assertThat(lhr.requestsPerSecond()).isNull();
        assertThat(lhr.errorRate()).isNull();
        assertThat(lhr.p99Seconds()).as("NaN, a quantile of nothing, is no figure").isNull();
        assertThat(lhr.cpu()).isNull();
        assertThat(lhr.memoryBytes()).isNull();
        assertThat(lhr.history()).isEmpty();

        assertThat(fleet.postgres()).singleElement().satisfies(pg -> {
            assertThat(pg.connections()).isEqualTo(12);
            assertThat(pg.maxConnections()).isEqualTo(100);
            assertThat(pg.replicaLagSeconds()).isNull();
        });
    }

    @Test
    void anInstanceThatIsGoneStaysListedAsDownForTwoMinutesThenLeaves() {
        List<Backend> bothUp = List.of(new Backend("api-1", "UP", false, 0), new Backend("api-2", "UP", false, 0));
        view.assemble(sources(List.of(FRA, LHR), bothUp, recorded(null, Map.of())));

        clock.advance(Duration.ofSeconds(2));
        Instant lost = clock.instant();
        Fleet afterLoss = view.assemble(sources(List.of(LHR), List.of(new Backend("api-1", "DOWN", false, 0),
                new Backend("api-2", "UP", false, 0)), recorded(null, Map.of())));
        assertThat(afterLoss.instances()).extracting(InstanceView::id).containsExactly("api-1", "api-2");
        InstanceView down = afterLoss.instances().getFirst();
        assertThat(down.state()).isEqualTo("DOWN");
        assertThat(down.since()).isEqualTo(lost.toString());
        assertThat(down.region()).isEqualTo("fra1");
        assertThat(down.pid()).isEqualTo(101);
        assertThat(down.inFlight()).isNull();
        assertThat(down.requestsPerSecond()).isNull();

        clock.advance(FleetView.GONE_KEPT.minusMillis(1));
        Fleet justBefore = view.assemble(sources(List.of(LHR), List.of(new Backend("api-2", "UP", false, 0)),
                recorded(null, Map.of())));
        assertThat(justBefore.instances()).extracting(InstanceView::id).containsExactly("api-1", "api-2");
        assertThat(justBefore.instances().getFirst().since()).as("since the loss, not since each round")
                .isEqualTo(lost.toString());

        clock.advance(Duration.ofMillis(1));
        Fleet after = view.assemble(sources(List.of(LHR), List.of(new Backend("api-2", "UP", false, 0)),
                recorded(null, Map.of())));
        assertThat(after.instances()).extracting(InstanceView::id).containsExactly("api-2");
    }

    @Test
    void anInstanceTheLauncherStoppedIsListedAsStoppedNotDown() {
        List<Backend> bothUp = List.of(new Backend("api-1", "UP", false, 0), new Backend("api-2", "UP", false, 0));
        view.assemble(sources(List.of(FRA, LHR), bothUp, recorded(null, Map.of())));

        clock.advance(Duration.ofSeconds(2));
        Fleet afterScaleDown = view.assemble(sources(List.of(LHR), List.of(new Backend("api-2", "UP", false, 0)),
                recorded(null, Map.of()), "api-1"::equals));
        assertThat(afterScaleDown.instances()).extracting(InstanceView::id, InstanceView::state)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("api-1", "STOPPED"),
                        org.assertj.core.groups.Tuple.tuple("api-2", "UP"));
    }

    @Test
    void stateChangesMoveSinceAndAnUnansweredGatewayKeepsTheLastState() {
        view.assemble(sources(List.of(FRA), List.of(new Backend("api-1", "UP", false, 0)), recorded(null, Map.of())));

        clock.advance(Duration.ofSeconds(10));
        Fleet draining = view.assemble(sources(List.of(FRA), List.of(new Backend("api-1", "UP", true, 2)),
                recorded(null, Map.of())));
        assertThat(draining.instances().getFirst().state()).isEqualTo("DRAINING");
        assertThat(draining.instances().getFirst().since()).isEqualTo(START.plusSeconds(10).toString());

        clock.advance(Duration.ofSeconds(2));
        Fleet unknown = view.assemble(sources(List.of(FRA), null, recorded(null, Map.of())));
        assertThat(unknown.instances().getFirst().state()).isEqualTo("DRAINING");
        assertThat(unknown.instances().getFirst().inFlight()).isNull();
        assertThat(unknown.instances().getFirst().since()).isEqualTo(START.plusSeconds(10).toString());

        clock.advance(Duration.ofSeconds(2));
        Fleet down = view.assemble(sources(List.of(FRA), List.of(new Backend("api-1", "DOWN", false, 0)),
                recorded(null, Map.of())));
        assertThat(down.instances().getFirst().state()).as("it was UP once: DOWN now, not STARTING")
                .isEqualTo("DOWN");
    }

    @Test
    void historyKeepsOnePointPerStepForFifteenMinutes() {
        List<Backend> up = List.of(new Backend("api-1", "UP", false, 0));
        // A monitor evaluating every 5 s, the fleet written every 2 s: one point per 15 s is kept.
        for (int second = 0; second <= 20 * 60; second += 2) {
            Instant at = START.plusSeconds(second - second % 5);
            view.assemble(sources(List.of(FRA), up, recorded(at,
                    Map.of(FleetView.HEAP_USED, List.of(element(second, "instance", "api-1"))))));
            clock.advance(Duration.ofSeconds(2));
        }
        List<FleetView.HistoryPoint> history = view.assemble(sources(List.of(FRA), up, recorded(null, Map.of())))
                .instances().getFirst().history();
        assertThat(history).hasSizeBetween(59, 61);
        Instant first = Instant.parse(history.getFirst().at());
        assertThat(first).isAfterOrEqualTo(clock.instant().minus(FleetView.HISTORY));
        for (int i = 1; i < history.size(); i++) {
            assertThat(Duration.between(Instant.parse(history.get(i - 1).at()), Instant.parse(history.get(i).at())))
                    .isGreaterThanOrEqualTo(FleetView.HISTORY_STEP);
        }
        assertThat(history.getLast().requestsPerSecond()).isNull();
        assertThat(history.getLast().memoryBytes()).isNotNull();
    }

    @Test
    void theFileHoldsTheFieldsOfTheContractWithNullsForUnknownSources(@TempDir Path dir) throws Exception {
        Fleet fleet = view.assemble(new FleetView.Sources(List.of(FRA), null, recorded(null, Map.of()),
                new FleetView.Autoscaler(3, 12, 1, 3, List.of(new FleetView.Decision(START.toString(), "SCALE_UP", 1,
                        3, "below the minimum"))), null, null, null, null, id -> false));
        Path file = dir.resolve("fleet.json");
        StatusFile.write(file, fleet.fields());

        JsonNode json = new ObjectMapper().readTree(file.toFile());
        assertThat(iterable(json.fieldNames())).containsExactly("updatedAt", "launcherPid", "instances",
                "autoscaler", "postgres", "shards", "moves", "redis");
        assertThat(iterable(json.at("/instances/0").fieldNames())).containsExactly("id", "region", "pid", "url",
                "state", "since", "inFlight", "requestsPerSecond", "cpu", "memoryBytes", "memoryMaxBytes",
                "p50Seconds", "p99Seconds", "errorRate", "history");
        assertThat(json.at("/instances/0/cpu").isNull()).isTrue();
        assertThat(iterable(json.at("/autoscaler").fieldNames())).containsExactly("min", "max", "current", "target",
                "decisions");
        assertThat(iterable(json.at("/autoscaler/decisions/0").fieldNames())).containsExactly("at", "action", "from",
                "to", "reason");
        for (String unknown : List.of("postgres", "shards", "moves", "redis")) {
            assertThat(json.get(unknown).isNull()).as(unknown).isTrue();
        }
    }

    private static List<String> iterable(java.util.Iterator<String> names) {
        List<String> list = new ArrayList<>();
        names.forEachRemaining(list::add);
        return list;
    }

    private static FleetView.Sources sources(List<LiveInstance> live, List<Backend> backends,
            Monitor.Recorded recorded) {
        return sources(live, backends, recorded, id -> false);
    }

    private static FleetView.Sources sources(List<LiveInstance> live, List<Backend> backends,
            Monitor.Recorded recorded, java.util.function.Predicate<String> stopped) {
        return new FleetView.Sources(live, backends, recorded, new FleetView.Autoscaler(3, 12, live.size(), 3,
                List.of()), List.of(new FleetView.Server("catalog", "catalog", null, "127.0.0.1:5432", true, null)),
                List.of(), List.of(), new FleetView.Redis("sentinel", List.of()), stopped);
    }

    private static Monitor.Recorded recorded(Instant at, Map<String, List<Expr.Element>> values) {
        return new Monitor.Recorded(at, values);
    }

    private static Expr.Element element(double value, String... labels) {
        Map<String, String> map = new LinkedHashMap<>();
        for (int i = 0; i < labels.length; i += 2) {
            map.put(labels[i], labels[i + 1]);
        }
        return new Expr.Element(new TreeMap<>(map), value);
    }
}
