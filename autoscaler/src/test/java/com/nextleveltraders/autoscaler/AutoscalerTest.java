package com.nextleveltraders.autoscaler;

import static com.nextleveltraders.autoscaler.Fleets.SECOND;
import static com.nextleveltraders.autoscaler.Fleets.SECONDS;
import static com.nextleveltraders.autoscaler.Fleets.SECONDS_YAML;
import static com.nextleveltraders.autoscaler.Fleets.T0;
import static com.nextleveltraders.autoscaler.Fleets.fleet;
import static com.nextleveltraders.autoscaler.Fleets.instance;
import static com.nextleveltraders.autoscaler.Fleets.requestsIn;
import static com.nextleveltraders.autoscaler.Fleets.sample;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.nextleveltraders.autoscaler.Decision.Kind;
import com.nextleveltraders.config.ConfigLoader;
import com.nextleveltraders.config.PlatformConfig;
import com.nextleveltraders.monitor.LatencyHistogram;
import com.nextleveltraders.testkit.MutableClock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalDouble;
import org.junit.jupiter.api.Test;

/**
 * The rules with windows of seconds: scale up over 70 % CPU, over 80 % memory (+1 each) or over 500 ms p99 (+2)
 * for 5 s; scale down under 30 % CPU and under 40 % memory for 15 s; 3..10 instances; one sample a second.
 */
class AutoscalerTest {

    private static final double BUSY_CPU = 85;
    private static final double IDLE_CPU = 20;
    private static final double CALM_MEMORY = 50;
    private static final double LOW_MEMORY = 30;

    private final MutableClock clock = new MutableClock(T0);
    private Autoscaler autoscaler = autoscaler(SECONDS);

    private Autoscaler autoscaler(PlatformConfig config) {
        return new Autoscaler(config.autoScaling(), config.scaling(), clock);
    }

    /** Moves one second on and records a sample of every instance in {@code reporting}. */
    private void second(List<Instance> reporting, double cpu, double memory) {
        clock.advance(SECOND);
        reporting.forEach(i -> autoscaler.record(sample(i, clock.instant(), cpu, memory)));
    }

    private void seconds(int n, List<Instance> reporting, double cpu, double memory) {
        for (int i = 0; i < n; i++) {
            second(reporting, cpu, memory);
        }
    }

    /** Moves one second on; every instance reports requests in {@code (lowerBound, next bound]}. */
    private void secondWithRequests(List<Instance> reporting, double cpu, double memory, double lowerBound) {
        clock.advance(SECOND);
        for (Instance i : reporting) {
            autoscaler.record(sample(i, clock.instant(), cpu, memory,
                    requestsIn(clock.instant().minus(SECOND), clock.instant(), lowerBound, 100)));
        }
    }

    @Test
    void cpuOverTheThresholdForTheWholeWindowAddsOneInstance() {
        List<Instance> fleet = fleet(3);
        // The first scrape only opens the window: its CPU figure covers the time since an unknown earlier read.
        seconds(6, fleet, BUSY_CPU, CALM_MEMORY);

        Decision early = autoscaler.evaluate(fleet);
        assertThat(early.kind()).isEqualTo(Kind.HOLD);
        assertThat(early.figures()).containsEntry("cpuAboveSeconds", 4.0).containsEntry("cpuPercent", BUSY_CPU);

        second(fleet, BUSY_CPU, CALM_MEMORY);
        Decision up = autoscaler.evaluate(fleet);
        assertThat(up.kind()).isEqualTo(Kind.SCALE_UP);
        assertThat(up.from()).isEqualTo(3);
        assertThat(up.to()).isEqualTo(4);
        assertThat(up.at()).isEqualTo(clock.instant());
        assertThat(up.reason()).isEqualTo("cpu above 70 % for 5s (now 85.0 %): +1");
        assertThat(up.figures()).containsEntry("cpuAboveSeconds", 5.0).containsEntry("instances", 3.0);
    }

    @Test
    void oneSampleUnderTheThresholdRestartsTheWindow() {
        List<Instance> fleet = fleet(3);
        seconds(5, fleet, BUSY_CPU, CALM_MEMORY);
        second(fleet, 60, CALM_MEMORY);
        seconds(5, fleet, BUSY_CPU, CALM_MEMORY);
        assertThat(autoscaler.evaluate(fleet).kind()).isEqualTo(Kind.HOLD);

        second(fleet, BUSY_CPU, CALM_MEMORY);
        assertThat(autoscaler.evaluate(fleet).kind()).isEqualTo(Kind.SCALE_UP);
    }

    @Test
    void theFleetAverageMustBeOverTheThresholdNotOneInstance() {
        List<Instance> fleet = fleet(3);
        for (int s = 0; s < 10; s++) {
            clock.advance(SECOND);
            autoscaler.record(sample(fleet.get(0), clock.instant(), 100, CALM_MEMORY));
            autoscaler.record(sample(fleet.get(1), clock.instant(), 50, CALM_MEMORY));
            autoscaler.record(sample(fleet.get(2), clock.instant(), 50, CALM_MEMORY));
        }
        Decision hold = autoscaler.evaluate(fleet);

        assertThat(hold.kind()).isEqualTo(Kind.HOLD);
        assertThat(hold.figures().get("cpuPercent")).isCloseTo(66.67, within(0.01));
    }

    @Test
    void exactlyTheThresholdIsNotOverIt() {
        List<Instance> fleet = fleet(3);
        seconds(10, fleet, 70, 80);

        assertThat(autoscaler.evaluate(fleet).kind()).isEqualTo(Kind.HOLD);
    }

    @Test
    void memoryOverTheThresholdAddsOneInstance() {
        List<Instance> fleet = fleet(4);
        seconds(7, fleet, 40, 85);

        Decision up = autoscaler.evaluate(fleet);
        assertThat(up.kind()).isEqualTo(Kind.SCALE_UP);
        assertThat(up.to()).isEqualTo(5);
        assertThat(up.reason()).isEqualTo("memory above 80 % for 5s (now 85.0 %): +1");
    }

    @Test
    void slowResponsesForTheWholeWindowAddTwoInstances() {
        List<Instance> fleet = fleet(3);
        for (int s = 0; s < 6; s++) {
            secondWithRequests(fleet, 40, CALM_MEMORY, 0.5);
        }
        assertThat(autoscaler.evaluate(fleet).kind()).isEqualTo(Kind.HOLD);

        secondWithRequests(fleet, 40, CALM_MEMORY, 0.5);
        Decision up = autoscaler.evaluate(fleet);
        assertThat(up.kind()).isEqualTo(Kind.SCALE_UP);
        assertThat(up.to()).isEqualTo(5);
        // All requests between 0.5 s and 1 s: the 99th percentile is interpolated at 0.5 + 0.99 * 0.5 s.
        assertThat(up.figures().get("p99Millis")).isCloseTo(995.0, within(1e-6));
        assertThat(up.reason()).isEqualTo("response time p99 above 500ms for 5s (now 995 ms): +2");
    }

    @Test
    void theFleetP99MergesTheInstancesRequestsInsteadOfAveragingTheirPercentiles() {
        List<Instance> fleet = fleet(3);
        seconds(1, fleet, 40, CALM_MEMORY);
        clock.advance(SECOND);
        var from = clock.instant().minus(SECOND);
        autoscaler.record(sample(fleet.get(0), clock.instant(), 40, CALM_MEMORY,
                requestsIn(from, clock.instant(), 0.025, 100)));
        autoscaler.record(sample(fleet.get(1), clock.instant(), 40, CALM_MEMORY,
                requestsIn(from, clock.instant(), 1, 20)));
        autoscaler.record(sample(fleet.get(2), clock.instant(), 40, CALM_MEMORY,
                LatencyHistogram.empty(from, clock.instant())));

        // 120 requests, rank 118.8: the 18.8th of the 20 between 1 s and 2.5 s.
        assertThat(autoscaler.evaluate(fleet).figures().get("p99Millis")).isCloseTo(2410.0, within(1e-6));
    }

    @Test
    void whenSeveralScaleUpRulesHoldTheLargestIncrementIsAddedNotTheSum() {
        List<Instance> fleet = fleet(3);
        seconds(7, fleet, BUSY_CPU, 90);
        Decision cpuAndMemory = autoscaler.evaluate(fleet);
        assertThat(cpuAndMemory.to()).isEqualTo(4);
        assertThat(cpuAndMemory.reason()).startsWith("cpu above 70 % for 5s (now 85.0 %), memory above 80 %")
                .endsWith(": +1, the largest increment of the rules that hold");

        for (int s = 0; s < 6; s++) {
            secondWithRequests(fleet, BUSY_CPU, 90, 0.5);
        }
        Decision all = autoscaler.evaluate(fleet);
        assertThat(all.kind()).isEqualTo(Kind.SCALE_UP);
        assertThat(all.to()).isEqualTo(5);
        assertThat(all.reason()).endsWith(": +2, the largest increment of the rules that hold");
    }

    @Test
    void aScaleDownNeedsEveryScaleDownRuleForTheWholeWindow() {
        List<Instance> fleet = fleet(5);
        seconds(20, fleet, IDLE_CPU, CALM_MEMORY);
        Decision cpuOnly = autoscaler.evaluate(fleet);
        assertThat(cpuOnly.kind()).isEqualTo(Kind.HOLD);
        assertThat(cpuOnly.figures()).containsEntry("cpuBelowSeconds", 15.0).containsEntry("memoryBelowSeconds", 0.0);

        seconds(15, fleet, IDLE_CPU, LOW_MEMORY);
        assertThat(autoscaler.evaluate(fleet).kind()).isEqualTo(Kind.HOLD);

        second(fleet, IDLE_CPU, LOW_MEMORY);
        Decision down = autoscaler.evaluate(fleet);
        assertThat(down.kind()).isEqualTo(Kind.SCALE_DOWN);
        assertThat(down.to()).isEqualTo(4);
        assertThat(down.reason()).isEqualTo(
                "cpu below 30 % for 15s (now 20.0 %) and memory below 40 % for 15s (now 30.0 %): -1");
    }

    @Test
    void scalingUpWinsWhenTheRulesDisagree() {
        List<Instance> fleet = fleet(5);
        seconds(11, fleet, IDLE_CPU, LOW_MEMORY);
        for (int s = 0; s < 6; s++) {
            secondWithRequests(fleet, IDLE_CPU, LOW_MEMORY, 0.5);
        }
        Decision decision = autoscaler.evaluate(fleet);

        assertThat(decision.figures()).containsEntry("cpuBelowSeconds", 15.0).containsEntry("memoryBelowSeconds", 15.0);
        assertThat(decision.kind()).isEqualTo(Kind.SCALE_UP);
        assertThat(decision.to()).isEqualTo(7);
    }

    @Test
    void noScaleDownWhileAScaleUpThresholdIsCrossedNow() {
        List<Instance> fleet = fleet(5);
        seconds(16, fleet, IDLE_CPU, LOW_MEMORY);
        secondWithRequests(fleet, IDLE_CPU, LOW_MEMORY, 0.5);
        Decision decision = autoscaler.evaluate(fleet);

        assertThat(decision.kind()).isEqualTo(Kind.HOLD);
        assertThat(decision.reason()).endsWith(", but response time p99 995 ms is above 500ms now");
    }

    @Test
    void theInstanceCountStaysWithinMinAndMax() {
        List<Instance> ten = fleet(10);
        seconds(7, ten, BUSY_CPU, CALM_MEMORY);
        Decision atMax = autoscaler.evaluate(ten);
        assertThat(atMax.kind()).isEqualTo(Kind.HOLD);
        assertThat(atMax.reason()).endsWith(", but 10 running is scaling.maxInstances");

        List<Instance> nine = ten.subList(0, 9);
        autoscaler = autoscaler(SECONDS);
        for (int s = 0; s < 7; s++) {
            secondWithRequests(nine, BUSY_CPU, CALM_MEMORY, 0.5);
        }
        Decision capped = autoscaler.evaluate(nine);
        assertThat(capped.kind()).isEqualTo(Kind.SCALE_UP);
        assertThat(capped.to()).isEqualTo(10);
        assertThat(capped.reason()).endsWith(", up to scaling.maxInstances");

        List<Instance> three = fleet(3);
        autoscaler = autoscaler(SECONDS);
        seconds(20, three, IDLE_CPU, LOW_MEMORY);
        Decision atMin = autoscaler.evaluate(three);
        assertThat(atMin.kind()).isEqualTo(Kind.HOLD);
        assertThat(atMin.reason()).endsWith(", but 3 running is scaling.minInstances");

        Decision tooMany = autoscaler(SECONDS).evaluate(fleet(12));
        assertThat(tooMany.kind()).isEqualTo(Kind.SCALE_DOWN);
        assertThat(tooMany.to()).isEqualTo(10);
        assertThat(tooMany.reason()).isEqualTo("12 running, more than scaling.maxInstances (10)");
    }

    @Test
    void theWindowsRestartAfterAChangeSoOneSpikeAddsOneInstance() {
        List<Instance> fleet = new ArrayList<>(fleet(3));
        seconds(7, fleet, BUSY_CPU, CALM_MEMORY);
        Decision up = autoscaler.evaluate(fleet);
        assertThat(up.kind()).isEqualTo(Kind.SCALE_UP);
        autoscaler.applied(up);
        fleet.add(instance("api-4", "fra1", T0));

        // The load stays high; the samples from before the change describe three instances, not four, and the first
        // scrape after it covers time before it: the window opens one second after the change and lasts 5 s.
        for (int s = 0; s < 6; s++) {
            assertThat(autoscaler.evaluate(fleet).kind()).isEqualTo(Kind.HOLD);
            second(fleet, BUSY_CPU, CALM_MEMORY);
        }
        assertThat(autoscaler.evaluate(fleet).kind()).isEqualTo(Kind.HOLD);
        second(fleet, BUSY_CPU, CALM_MEMORY);
        assertThat(autoscaler.evaluate(fleet).kind()).isEqualTo(Kind.SCALE_UP);
    }

    @Test
    void noScaleUpOrDownDuringTheCooldownAfterAChange() {
        autoscaler = autoscaler(Fleets.withCooldown(Duration.ofSeconds(10)));
        List<Instance> fleet = new ArrayList<>(fleet(3));
        seconds(7, fleet, BUSY_CPU, CALM_MEMORY);
        Decision up = autoscaler.evaluate(fleet);
        autoscaler.applied(up);
        fleet.add(instance("api-4", "fra1", T0));

        seconds(9, fleet, BUSY_CPU, CALM_MEMORY);
        Decision cooling = autoscaler.evaluate(fleet);
        assertThat(cooling.kind()).isEqualTo(Kind.HOLD);
        assertThat(cooling.reason()).isEqualTo(
                "cpu above 70 % for 5s (now 85.0 %), but the cooldown after the last change has 1s left");
        assertThat(cooling.figures()).containsEntry("cooldownSeconds", 1.0);

        second(fleet, BUSY_CPU, CALM_MEMORY);
        Decision next = autoscaler.evaluate(fleet);
        assertThat(next.kind()).isEqualTo(Kind.SCALE_UP);
        assertThat(next.to()).isEqualTo(5);
    }

    @Test
    void aNewInstancesSamplesAreIgnoredDuringItsWarmUp() {
        List<Instance> warm = fleet(3);
        Instance cold = instance("api-4", "lhr1", T0);
        List<Instance> fleet = new ArrayList<>(warm);
        fleet.add(cold);
        // Without the new instance the fleet is at 65 %; with its start-up CPU it would be at 73.75 %.
        for (int s = 1; s <= 15; s++) {
            clock.advance(SECOND);
            warm.forEach(i -> autoscaler.record(sample(i, clock.instant(), 65, CALM_MEMORY)));
            autoscaler.record(sample(cold, clock.instant(), 100, CALM_MEMORY));
            Decision decision = autoscaler.evaluate(fleet);
            assertThat(decision.kind()).as("second %d", s).isEqualTo(Kind.HOLD);
            assertThat(decision.figures()).containsEntry("usable", s < 10 ? 3.0 : 4.0);
        }
        // Its warm-up ends at 10 s, its scrape of 10 s opens its window, from 11 s its samples count: 5 s later the
        // window is full.
        clock.advance(SECOND);
        warm.forEach(i -> autoscaler.record(sample(i, clock.instant(), 65, CALM_MEMORY)));
        autoscaler.record(sample(cold, clock.instant(), 100, CALM_MEMORY));
        assertThat(autoscaler.evaluate(fleet).kind()).isEqualTo(Kind.SCALE_UP);
    }

    @Test
    void withoutAWarmUpTheSameSamplesWouldScaleUpAtOnce() {
        autoscaler = autoscaler(ConfigLoader.loadYaml(SECONDS_YAML.replace("warmup: 10s", "warmup: 0s")));
        List<Instance> warm = fleet(3);
        Instance cold = instance("api-4", "lhr1", T0);
        List<Instance> fleet = new ArrayList<>(warm);
        fleet.add(cold);
        for (int s = 1; s <= 7; s++) {
            clock.advance(SECOND);
            warm.forEach(i -> autoscaler.record(sample(i, clock.instant(), 65, CALM_MEMORY)));
            autoscaler.record(sample(cold, clock.instant(), 100, CALM_MEMORY));
        }
        assertThat(autoscaler.evaluate(fleet).kind()).isEqualTo(Kind.SCALE_UP);
    }

    @Test
    void aMissedScrapeInTheWindowMeansTheScaleDownIsNotProven() {
        List<Instance> fleet = fleet(4);
        List<Instance> withoutApi2 = List.of(fleet.get(0), fleet.get(2), fleet.get(3));
        seconds(19, fleet, IDLE_CPU, LOW_MEMORY);
        second(withoutApi2, IDLE_CPU, LOW_MEMORY);
        seconds(15, fleet, IDLE_CPU, LOW_MEMORY);
        Decision decision = autoscaler.evaluate(fleet);
        assertThat(decision.kind()).isEqualTo(Kind.HOLD);
        // api-2's sample of second 19 stood until 20.5 s; from then to its next one at 21 s nothing was known.
        assertThat(decision.figures()).containsEntry("cpuBelowSeconds", 14.0);

        second(fleet, IDLE_CPU, LOW_MEMORY);
        assertThat(autoscaler.evaluate(fleet).kind()).isEqualTo(Kind.SCALE_DOWN);
    }

    @Test
    void anInstanceThatNeverAnswersPreventsEveryScaleDown() {
        List<Instance> fleet = fleet(4);
        seconds(60, fleet.subList(0, 3), IDLE_CPU, LOW_MEMORY);
        Decision decision = autoscaler.evaluate(fleet);

        assertThat(decision.kind()).isEqualTo(Kind.HOLD);
        assertThat(decision.figures()).containsEntry("reporting", 3.0).containsEntry("usable", 4.0)
                .containsEntry("cpuBelowSeconds", 0.0);
        assertThat(decision.reason()).endsWith("3 of 4 usable instances reporting");
    }

    @Test
    void anInstanceThatDoesNotAnswerNeitherProvesNorPreventsAScaleUp() {
        List<Instance> fleet = fleet(4);
        seconds(7, fleet.subList(0, 3), BUSY_CPU, CALM_MEMORY);

        assertThat(autoscaler.evaluate(fleet).kind()).isEqualTo(Kind.SCALE_UP);
    }

    @Test
    void aFigureMissingFromTheSamplesIsAGapToo() {
        List<Instance> fleet = fleet(4);
        for (int s = 0; s < 20; s++) {
            clock.advance(SECOND);
            for (Instance i : fleet) {
                OptionalDouble memory = i.id().equals("api-3") ? OptionalDouble.empty() : OptionalDouble.of(LOW_MEMORY);
                autoscaler.record(InstanceMetrics.of(i.id(), clock.instant(), OptionalDouble.of(IDLE_CPU), memory,
                        Optional.empty()));
            }
        }
        Decision decision = autoscaler.evaluate(fleet);

        assertThat(decision.kind()).isEqualTo(Kind.HOLD);
        assertThat(decision.figures()).containsEntry("cpuBelowSeconds", 15.0).containsEntry("memoryBelowSeconds", 0.0);
    }

    @Test
    void theMinimumIsRestoredAtOnceDespiteTheCooldown() {
        autoscaler = autoscaler(Fleets.withCooldown(Duration.ofMinutes(10)));
        List<Instance> fleet = new ArrayList<>(fleet(3));
        seconds(7, fleet, BUSY_CPU, CALM_MEMORY);
        autoscaler.applied(autoscaler.evaluate(fleet));
        fleet.add(instance("api-4", "fra1", T0));
        second(fleet, BUSY_CPU, CALM_MEMORY);

        List<Instance> survivors = List.of(fleet.get(0), fleet.get(3));
        Decision restore = autoscaler.evaluate(survivors);

        assertThat(restore.kind()).isEqualTo(Kind.RESTORE);
        assertThat(restore.from()).isEqualTo(2);
        assertThat(restore.to()).isEqualTo(3);
        assertThat(restore.reason())
                .isEqualTo("2 running, fewer than scaling.minInstances (3) (no longer running: api-2, api-3)");
        assertThat(restore.figures().get("cooldownSeconds")).isGreaterThan(0);
    }

    @Test
    void anInstanceThatDisappearsRestartsTheWindowsFromItsLastSample() {
        List<Instance> five = fleet(5);
        List<Instance> four = five.subList(0, 4);
        seconds(4, five, BUSY_CPU, CALM_MEMORY);
        seconds(6, four, BUSY_CPU, CALM_MEMORY);
        // api-5 was last seen at 4 s: the four samples of that instant saw five instances, those of 5 s cover time
        // with it, so the window starts at 6 s.
        Decision hold = autoscaler.evaluate(four);
        assertThat(hold.kind()).isEqualTo(Kind.HOLD);
        assertThat(hold.figures()).containsEntry("cpuAboveSeconds", 4.0).containsEntry("windowSeconds", 6.0);

        second(four, BUSY_CPU, CALM_MEMORY);
        assertThat(autoscaler.evaluate(four).kind()).isEqualTo(Kind.SCALE_UP);
    }

    @Test
    void withoutSamplesNothingHoldsAndTheReasonSaysWhy() {
        Decision cold = autoscaler.evaluate(List.of(instance("api-1", "fra1", T0), instance("api-2", "lhr1", T0),
                instance("api-3", "iad1", T0)));
        assertThat(cold.kind()).isEqualTo(Kind.HOLD);
        assertThat(cold.reason()).isEqualTo("no rule holds: no instance is out of its warm-up yet");

        Decision silent = autoscaler.evaluate(fleet(3));
        assertThat(silent.reason()).isEqualTo("no rule holds: cpu unknown (above 70 % for 0s, below 30 % for 0s),"
                + " memory unknown (above 80 % for 0s, below 40 % for 0s), p99 unknown (above 500ms for 0s),"
                + " 0 of 3 usable instances reporting");
    }

    @Test
    void everyDecisionCarriesItsFiguresInAStableOrder() {
        List<Instance> fleet = fleet(3);
        seconds(3, fleet, 50, 60);
        Decision decision = autoscaler.evaluate(fleet);

        assertThat(decision.figures().keySet()).containsExactly("instances", "usable", "reporting", "cpuPercent",
                "memoryPercent", "cpuAboveSeconds", "memoryAboveSeconds", "p99AboveSeconds", "cpuBelowSeconds",
                "memoryBelowSeconds", "windowSeconds", "cooldownSeconds");
        assertThat(decision.reason()).isEqualTo("no rule holds: cpu 50.0 % (above 70 % for 0s, below 30 % for 0s),"
                + " memory 60.0 % (above 80 % for 0s, below 40 % for 0s), p99 unknown (above 500ms for 0s),"
                + " 3 of 3 usable instances reporting");
    }

    @Test
    void evaluatingChangesNothing() {
        List<Instance> fleet = fleet(3);
        seconds(7, fleet, BUSY_CPU, CALM_MEMORY);

        assertThat(autoscaler.evaluate(fleet).kind()).isEqualTo(Kind.SCALE_UP);
        assertThat(autoscaler.evaluate(fleet)).isEqualTo(autoscaler.evaluate(fleet));
    }
}
