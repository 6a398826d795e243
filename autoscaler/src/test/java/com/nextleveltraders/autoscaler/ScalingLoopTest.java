package com.nextleveltraders.autoscaler;

import static com.nextleveltraders.autoscaler.Fleets.SECOND;
import static com.nextleveltraders.autoscaler.Fleets.SECONDS;
import static com.nextleveltraders.autoscaler.Fleets.T0;
import static com.nextleveltraders.autoscaler.Fleets.fleet;
import static com.nextleveltraders.autoscaler.Fleets.instance;
import static com.nextleveltraders.autoscaler.Fleets.sample;
import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.nextleveltraders.autoscaler.Decision.Kind;
import com.nextleveltraders.testkit.MutableClock;
import java.io.IOException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/** The loop against an in-memory provider and metrics source, with windows of seconds and one tick a second. */
class ScalingLoopTest {

    private final MutableClock clock = new MutableClock(T0);
    private final FakeProvider provider = new FakeProvider(clock);
    private final FakeMetrics metrics = new FakeMetrics(clock);
    private final ScalingLoop loop = new ScalingLoop(SECONDS, provider, metrics, clock);
    private final ListAppender<ILoggingEvent> logged = new ListAppender<>();
    private final Logger logger = (Logger) LoggerFactory.getLogger(ScalingLoop.class);

    @BeforeEach
    void watchTheLog() {
        provider.live.addAll(fleet(3));
        logged.start();
        logger.addAppender(logged);
        logger.setLevel(Level.DEBUG);
    }

    @AfterEach
    void stopWatching() {
        logger.detachAppender(logged);
        logger.setLevel(null);
    }

    private Decision tick() {
        clock.advance(SECOND);
        return loop.tick();
    }

    private List<Decision> ticks(int n) {
        List<Decision> decisions = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            decisions.add(tick());
        }
        return decisions;
    }

    @Test
    void aTickScrapesDecidesAndLaunchesIntoTheEmptiestRegion() {
        metrics.cpu = 85;
        assertThat(loop.target()).isEqualTo(3);
        assertThat(ticks(6)).extracting(Decision::kind).containsOnly(Kind.HOLD);

        Decision up = tick();
        assertThat(up.kind()).isEqualTo(Kind.SCALE_UP);
        assertThat(up.from()).isEqualTo(3);
        assertThat(up.to()).isEqualTo(4);
        assertThat(up.figures()).containsEntry("wanted", 4.0).doesNotContainKey("failures");
        assertThat(provider.launches).containsExactly("fra1");
        assertThat(provider.instances()).hasSize(4);
        assertThat(loop.target()).isEqualTo(4);

        // The windows restart with the new fleet: the next instance needs another full window of high CPU.
        assertThat(ticks(6)).extracting(Decision::kind).containsOnly(Kind.HOLD);
        assertThat(tick().kind()).isEqualTo(Kind.SCALE_UP);
        assertThat(provider.launches).containsExactly("fra1", "lhr1");
    }

    @Test
    void aScaleDownStopsTheNewestInstanceOfTheFullestRegion() {
        provider.live.add(instance("api-4", "fra1", T0.minusSeconds(60)));
        metrics.cpu = 20;
        metrics.memory = 30;
        assertThat(ticks(16)).extracting(Decision::kind).containsOnly(Kind.HOLD);

        Decision down = tick();
        assertThat(down.kind()).isEqualTo(Kind.SCALE_DOWN);
        assertThat(down.to()).isEqualTo(3);
        assertThat(provider.stops).containsExactly("api-4");
    }

    @Test
    void deadInstancesAreReplacedAtOnceInTheirRegion() {
        ticks(3);
        provider.live.removeIf(i -> i.region().equals("lhr1"));

        Decision restore = tick();
        assertThat(restore.kind()).isEqualTo(Kind.RESTORE);
        assertThat(restore.from()).isEqualTo(2);
        assertThat(restore.to()).isEqualTo(3);
        assertThat(provider.launches).containsExactly("lhr1");
    }

    @Test
    void aFailingLaunchIsLoggedAndReportedNotThrown() {
        metrics.cpu = 85;
        ticks(6);
        provider.failing = new IOException("no capacity in fra1");

        Decision failed = tick();
        assertThat(failed.kind()).isEqualTo(Kind.SCALE_UP);
        assertThat(failed.to()).isEqualTo(3);
        assertThat(failed.reason())
                .isEqualTo("cpu above 70 % for 5s (now 85.0 %): +1; launch in fra1 failed: java.io.IOException: no capacity in fra1");
        assertThat(failed.figures()).containsEntry("wanted", 4.0).containsEntry("failures", 1.0);
        assertThat(loop.target()).isEqualTo(4);
        assertThat(logged.list).anySatisfy(event -> {
            assertThat(event.getLevel()).isEqualTo(Level.WARN);
            assertThat(event.getFormattedMessage()).startsWith("SCALE_UP 3 -> 3 (wanted 4): cpu above 70 %");
        });
    }

    @Test
    void aFailedRestoreIsRetriedAtTheNextTick() {
        ticks(2);
        provider.live.removeFirst();
        provider.failing = new IOException("image pull failed");
        Decision failed = tick();
        assertThat(failed.kind()).isEqualTo(Kind.RESTORE);
        assertThat(failed.to()).isEqualTo(2);

        provider.failing = null;
        Decision retried = tick();
        assertThat(retried.kind()).isEqualTo(Kind.RESTORE);
        assertThat(retried.to()).isEqualTo(3);
        assertThat(provider.instances()).hasSize(3);
    }

    @Test
    void aProviderThatThrowsMakesAHoldNotAnException() {
        ticks(2);
        provider.broken = true;

        Decision decision = tick();

        assertThat(decision.kind()).isEqualTo(Kind.HOLD);
        assertThat(decision.from()).isEqualTo(3);
        assertThat(decision.reason()).isEqualTo("the round failed: java.lang.IllegalStateException: api unreachable");
        assertThat(loop.recent()).last().isEqualTo(decision);
    }

    @Test
    void aMetricsSourceThatThrowsCountsAsMissingMetrics() {
        metrics.throwing = true;

        Decision decision = tick();

        assertThat(decision.kind()).isEqualTo(Kind.HOLD);
        assertThat(decision.figures()).containsEntry("reporting", 0.0);
    }

    @Test
    void silentInstancesAreScrapedAgainEveryTick() {
        metrics.silent.add("api-2");
        ticks(3);
        metrics.silent.clear();

        // api-2's first scrape opens its window; its second one reports.
        assertThat(tick().figures()).containsEntry("reporting", 2.0);
        assertThat(tick().figures()).containsEntry("reporting", 3.0);
    }

    @Test
    void theLastFiftyDecisionsAreKeptOldestFirst() {
        List<Decision> all = ticks(60);

        assertThat(loop.recent()).hasSize(ScalingLoop.RECENT).isEqualTo(all.subList(10, 60));
        assertThat(loop.recent().getFirst().at()).isEqualTo(T0.plusSeconds(11));
    }

    @Test
    void everyDecisionIsLoggedWithItsReasonAndFigures() {
        metrics.cpu = 85;
        ticks(7);

        List<ILoggingEvent> decisions = logged.list.stream()
                .filter(e -> !e.getFormattedMessage().startsWith("launched")).toList();
        assertThat(decisions).hasSize(7);
        assertThat(decisions.subList(0, 6)).allSatisfy(e -> {
            assertThat(e.getLevel()).isEqualTo(Level.DEBUG);
            assertThat(e.getFormattedMessage()).startsWith("HOLD 3: no rule holds: cpu ").contains("{instances=3.0,");
        });
        assertThat(decisions.get(0).getFormattedMessage()).contains("cpu unknown", "reporting=0.0");
        assertThat(decisions.get(5).getFormattedMessage()).contains("cpu 85.0 % (above 70 % for 4s,",
                "cpuPercent=85.0", "cpuAboveSeconds=4.0");
        assertThat(decisions.get(6).getLevel()).isEqualTo(Level.INFO);
        assertThat(decisions.get(6).getFormattedMessage())
                .startsWith("SCALE_UP 3 -> 4: cpu above 70 % for 5s (now 85.0 %): +1 {instances=3.0, usable=3.0,")
                .contains("cpuAboveSeconds=5.0", "wanted=4.0");
        assertThat(logged.list).anySatisfy(e -> assertThat(e.getFormattedMessage()).isEqualTo("launched api-4 in fra1"));
    }

    /** Instances in a list; a launch starts one at once, named api-N after the ones there. */
    private static final class FakeProvider implements InstanceProvider {

        final List<Instance> live = new CopyOnWriteArrayList<>();
        final List<String> launches = new ArrayList<>();
        final List<String> stops = new ArrayList<>();
        private final Clock clock;
        volatile IOException failing;
        volatile boolean broken;

        FakeProvider(Clock clock) {
            this.clock = clock;
        }

        @Override
        public List<Instance> instances() {
            if (broken) {
                throw new IllegalStateException("api unreachable");
            }
            return List.copyOf(live);
        }

        @Override
        public Instance launch(String region) throws IOException {
            if (failing != null) {
                throw failing;
            }
            Instance started = instance("api-" + (live.size() + stops.size() + launches.size() + 1), region,
                    clock.instant());
            launches.add(region);
            live.add(started);
            return started;
        }

        @Override
        public void stop(Instance instance) {
            stops.add(instance.id());
            live.remove(instance);
        }
    }

    /** Every instance reports the same figures, except the silent ones. */
    private static final class FakeMetrics implements MetricsSource {

        private final Clock clock;
        final Set<String> silent = ConcurrentHashMap.newKeySet();
        volatile double cpu = 50;
        volatile double memory = 50;
        volatile boolean throwing;

        FakeMetrics(Clock clock) {
            this.clock = clock;
        }

        @Override
        public Optional<InstanceMetrics> scrape(Instance instance) {
            if (throwing) {
                throw new IllegalStateException("a bug in the source");
            }
            return silent.contains(instance.id()) ? Optional.empty()
                    : Optional.of(sample(instance, clock.instant(), cpu, memory));
        }
    }
}
