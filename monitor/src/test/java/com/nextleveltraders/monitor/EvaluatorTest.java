package com.nextleveltraders.monitor;

import static com.nextleveltraders.monitor.Samples.at;
import static com.nextleveltraders.monitor.Samples.labels;
import static com.nextleveltraders.monitor.Samples.sample;
import static org.assertj.core.api.Assertions.assertThat;

import com.nextleveltraders.config.AlertAction;
import com.nextleveltraders.monitor.Evaluator.Alert;
import com.nextleveltraders.monitor.Evaluator.Evaluation;
import com.nextleveltraders.monitor.Evaluator.State;
import com.nextleveltraders.monitor.PrometheusText.Sample;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Evaluations every 15 s of "load > 10" held for 30 s. */
class EvaluatorTest {

    static AlertRule loadRule(Duration holdFor, Duration keepFiringFor) {
        return new AlertRule("LoadHigh", "test.load", new Expr.Above(Expr.Select.of("load"), 10), 10, "%", holdFor,
                keepFiringFor, Map.of("severity", "warning", "team", "ops"),
                "{{ $labels.instance }} is at {{ $value | printf \"%.1f\" }} %", AlertAction.ALERT);
    }

    private final SeriesStore store = new SeriesStore(Duration.ofMinutes(10));

    private Evaluation evaluate(Evaluator evaluator, double seconds, Sample... samples) {
        store.add("t", labels("instance", "i1"), at(seconds), List.of(samples));
        return evaluator.evaluate(store, at(seconds));
    }

    private static List<State> states(Evaluation e) {
        return e.active().stream().map(Alert::state).toList();
    }

    @Test
    void aBreachIsPendingAtOnceAndFiresExactlyWhenForHasElapsed() {
        Evaluator evaluator = new Evaluator(List.of(loadRule(Duration.ofSeconds(30), Duration.ZERO)));
        Evaluation first = evaluate(evaluator, 0, sample("load", 20));
        assertThat(states(first)).containsExactly(State.PENDING);
        assertThat(first.changed()).isEmpty();
        assertThat(first.active().getFirst().activeAt()).isEqualTo(at(0));
        assertThat(first.active().getFirst().firedAt()).isNull();

        Evaluation second = evaluate(evaluator, 15, sample("load", 20));
        assertThat(states(second)).as("15 s of 30").containsExactly(State.PENDING);
        assertThat(second.changed()).isEmpty();
        // Just short of 30 s: still pending.
        Evaluation almost = evaluate(evaluator, 29.999, sample("load", 20));
        assertThat(states(almost)).containsExactly(State.PENDING);

        Evaluation third = evaluate(evaluator, 30, sample("load", 20));
        assertThat(states(third)).containsExactly(State.FIRING);
        assertThat(third.changed()).extracting(Alert::state).containsExactly(State.FIRING);
        assertThat(third.changed().getFirst().firedAt()).isEqualTo(at(30));
        assertThat(third.changed().getFirst().activeAt()).isEqualTo(at(0));
    }

    @Test
    void aRuleWithoutForFiresAtTheFirstBreach() {
        Evaluator evaluator = new Evaluator(List.of(loadRule(Duration.ZERO, Duration.ZERO)));
        assertThat(evaluate(evaluator, 0, sample("load", 20)).changed()).extracting(Alert::state)
                .containsExactly(State.FIRING);
    }

    @Test
    void aPendingAlertWhoseConditionClearsIsDroppedWithoutBeingResolved() {
        Evaluator evaluator = new Evaluator(List.of(loadRule(Duration.ofSeconds(30), Duration.ofMinutes(5))));
        evaluate(evaluator, 0, sample("load", 20));
        Evaluation cleared = evaluate(evaluator, 15, sample("load", 5));
        assertThat(cleared.active()).isEmpty();
        assertThat(cleared.changed()).isEmpty();
        // A new breach starts over: pending from its own start.
        Evaluation again = evaluate(evaluator, 30, sample("load", 20));
        assertThat(states(again)).containsExactly(State.PENDING);
        assertThat(again.active().getFirst().activeAt()).isEqualTo(at(30));
    }

    @Test
    void aFiringAlertKeepsFiringWhileFalseForLessThanKeepFiringForAndResolvesAfter() {
        Evaluator evaluator = new Evaluator(List.of(loadRule(Duration.ZERO, Duration.ofSeconds(30))));
        evaluate(evaluator, 0, sample("load", 20));
        Evaluation falseOnce = evaluate(evaluator, 15, sample("load", 5));
        assertThat(states(falseOnce)).containsExactly(State.FIRING);
        assertThat(falseOnce.changed()).isEmpty();
        assertThat(states(evaluate(evaluator, 30, sample("load", 5)))).as("false for 15 s of 30")
                .containsExactly(State.FIRING);
        Evaluation resolved = evaluate(evaluator, 45, sample("load", 5));
        assertThat(resolved.active()).isEmpty();
        assertThat(resolved.changed()).singleElement().satisfies(a -> {
            assertThat(a.state()).isEqualTo(State.RESOLVED);
            assertThat(a.resolvedAt()).isEqualTo(at(45));
            assertThat(a.firedAt()).isEqualTo(at(0));
            assertThat(a.value()).as("the last value that breached").isEqualTo(20);
        });
    }

    @Test
    void aBreachWithinKeepFiringForStartsItsCountAgain() {
        Evaluator evaluator = new Evaluator(List.of(loadRule(Duration.ZERO, Duration.ofSeconds(30))));
        evaluate(evaluator, 0, sample("load", 20));
        evaluate(evaluator, 15, sample("load", 5));
        evaluate(evaluator, 30, sample("load", 20));
        evaluate(evaluator, 45, sample("load", 5));
        assertThat(states(evaluate(evaluator, 60, sample("load", 5)))).as("false since 45 s only")
                .containsExactly(State.FIRING);
        assertThat(evaluate(evaluator, 75, sample("load", 5)).changed()).extracting(Alert::state)
                .containsExactly(State.RESOLVED);
    }

    @Test
    void keepFiringForZeroResolvesAtTheFirstFalseEvaluation() {
        Evaluator evaluator = new Evaluator(List.of(loadRule(Duration.ZERO, Duration.ZERO)));
        evaluate(evaluator, 0, sample("load", 20));
        Evaluation resolved = evaluate(evaluator, 15, sample("load", 5));
        assertThat(resolved.active()).isEmpty();
        assertThat(resolved.changed()).extracting(Alert::state).containsExactly(State.RESOLVED);
    }

    @Test
    void aSeriesThatDisappearsCountsAsFalse() {
        Evaluator evaluator = new Evaluator(List.of(loadRule(Duration.ZERO, Duration.ZERO)));
        evaluate(evaluator, 0, sample("load", 20));
        store.failed("t");
        Evaluation resolved = evaluator.evaluate(store, at(15));
        assertThat(resolved.changed()).extracting(Alert::state).containsExactly(State.RESOLVED);
        assertThat(resolved.readings().getFirst()).isEmpty();
    }

    @Test
    void changedListsEachTransitionOnce() {
        Evaluator evaluator = new Evaluator(List.of(loadRule(Duration.ofSeconds(15), Duration.ZERO)));
        List<Alert> changes = new ArrayList<>();
        double[] loads = {20, 20, 20, 20, 5, 5, 20, 20, 20};
        for (int i = 0; i < loads.length; i++) {
            changes.addAll(evaluate(evaluator, 15 * i, sample("load", loads[i], "cpu", "0"),
                    sample("load", 30, "cpu", "1")).changed());
        }
        // cpu 0 fires at 15 s, resolves at 60 s, is pending at 90 s and fires at 105 s; cpu 1 fires at 15 s.
        assertThat(changes).extracting(a -> a.labels().get("cpu") + " " + a.state())
                .containsExactly("0 FIRING", "1 FIRING", "0 RESOLVED", "0 FIRING");
    }

    @Test
    void anAlertsLabelsAreTheElementsWithTheRulesAndItsAlertname() {
        Evaluator evaluator = new Evaluator(List.of(loadRule(Duration.ZERO, Duration.ZERO)));
        Alert alert = evaluate(evaluator, 0, sample("load", 20, "cpu", "3")).active().getFirst();
        assertThat(alert.labels()).containsExactlyInAnyOrderEntriesOf(Map.of("alertname", "LoadHigh",
                "instance", "i1", "cpu", "3", "severity", "warning", "team", "ops"));
    }

    @Test
    void theSummaryRendersTheValueAndLabels() {
        Evaluator evaluator = new Evaluator(List.of(loadRule(Duration.ZERO, Duration.ZERO)));
        assertThat(evaluate(evaluator, 0, sample("load", 87.26)).active().getFirst().summary())
                .isEqualTo("i1 is at 87.3 %");
        assertThat(Template.render("{{ $labels.missing }}|{{ $value | printf \"%.0f\" }}|{{ $other }}",
                Map.of(), 7)).isEqualTo("|7|{{ $other }}");
    }

    @Test
    void theSummarysLabelsAreTheElementsOwnNotTheRulesAsInPrometheus() {
        AlertRule rule = new AlertRule("LoadHigh", "test.load", new Expr.Above(Expr.Select.of("load"), 10), 10, "%",
                Duration.ZERO, Duration.ZERO, Map.of("severity", "warning"),
                "[{{ $labels.instance }}][{{ $labels.severity }}][{{ $labels.alertname }}]", AlertAction.ALERT);
        Alert alert = evaluate(new Evaluator(List.of(rule)), 0, sample("load", 20)).active().getFirst();
        assertThat(alert.summary()).isEqualTo("[i1][][]");
        assertThat(alert.labels()).containsEntry("severity", "warning").containsEntry("alertname", "LoadHigh");
    }

    @Test
    void theValueIsRoundedAsGosPrintfRoundsIt() {
        // Ties (exact in binary) go to the even digit; anything else to the nearest of its exact binary value.
        assertThat(Template.printf(2.5, 0)).isEqualTo("2");
        assertThat(Template.printf(3.5, 0)).isEqualTo("4");
        assertThat(Template.printf(87.25, 1)).isEqualTo("87.2");
        assertThat(Template.printf(0.125, 2)).isEqualTo("0.12");
        assertThat(Template.printf(1.005, 2)).as("1.005 is 1.00499999... in binary").isEqualTo("1.00");
        assertThat(Template.printf(-0.01, 1)).isEqualTo("-0.0");
        assertThat(Template.printf(1234.5678, 2)).isEqualTo("1234.57");
        assertThat(Template.printf(Double.NaN, 2)).isEqualTo("NaN");
        assertThat(Template.printf(Double.POSITIVE_INFINITY, 0)).isEqualTo("+Inf");
    }

    @Test
    void readingsShowEveryElementOfTheMeasureBreachingOrNot() {
        Evaluator evaluator = new Evaluator(List.of(loadRule(Duration.ofMinutes(1), Duration.ZERO)));
        Evaluation e = evaluate(evaluator, 0, sample("load", 20, "cpu", "0"), sample("load", 5, "cpu", "1"));
        assertThat(e.readings()).singleElement().satisfies(readings -> assertThat(readings)
                .extracting(r -> r.labels().get("cpu") + "=" + r.value() + (r.breaching() ? " breaching" : ""))
                .containsExactlyInAnyOrder("0=20.0 breaching", "1=5.0"));
    }
}
