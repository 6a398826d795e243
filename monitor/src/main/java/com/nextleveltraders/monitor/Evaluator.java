package com.nextleveltraders.monitor;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.SortedMap;

/**
 * Prometheus's alerting state machine over a list of rules. At each evaluation an element of a rule's expression
 * that breaches makes an alert PENDING; one that has breached for the rule's {@code for} makes it FIRING; a firing
 * alert whose condition has been false for {@code keep_firing_for} is RESOLVED, and a pending one whose condition
 * is false is dropped without a word. Time is whatever the caller passes: nothing here reads a clock.
 *
 * <p>Not thread-safe: one evaluation thread calls it.
 */
public final class Evaluator {

    /** The state of one alert. */
    public enum State { PENDING, FIRING, RESOLVED }

    /**
     * One alert: a rule and the labels of one element of its expression.
     *
     * @param value      the element's value at the last evaluation that saw it
     * @param activeAt   when its condition started to hold
     * @param firedAt    when it started firing; {@code null} while pending
     * @param resolvedAt when it resolved; {@code null} unless resolved
     */
    public record Alert(AlertRule rule, SortedMap<String, String> labels, State state, double value, Instant activeAt,
            Instant firedAt, Instant resolvedAt, String summary) {

        public Alert {
            Objects.requireNonNull(rule, "rule");
            Objects.requireNonNull(labels, "labels");
            Objects.requireNonNull(state, "state");
            Objects.requireNonNull(activeAt, "activeAt");
        }
    }

    /** A reading of one rule's measure: its value for a set of labels and the state of its alert, if any. */
    public record Reading(SortedMap<String, String> labels, double value, boolean breaching) {
    }

    /**
     * The result of one evaluation.
     *
     * @param changed  the alerts that started firing or resolved at this evaluation
     * @param active   every pending or firing alert after it
     * @param readings each rule's measure, by the rule's position in the list
     */
    public record Evaluation(Instant at, List<Alert> changed, List<Alert> active, List<List<Reading>> readings) {
    }

    private record Key(int rule, SortedMap<String, String> labels) {
    }

    private static final class Active {
        State state = State.PENDING;
        double value;
        String summary;
        Instant activeAt;
        Instant firedAt;
        Instant falseSince;
    }

    private final List<AlertRule> rules;
    private final Map<Key, Active> active = new LinkedHashMap<>();

    public Evaluator(List<AlertRule> rules) {
        this.rules = List.copyOf(rules);
    }

    public List<AlertRule> rules() {
        return rules;
    }

    /** Evaluates every rule over {@code store} at {@code at}. */
    public Evaluation evaluate(SeriesStore store, Instant at) {
        List<Alert> changed = new ArrayList<>();
        List<List<Reading>> readings = new ArrayList<>();
        for (int i = 0; i < rules.size(); i++) {
            AlertRule rule = rules.get(i);
            List<Reading> ruleReadings = new ArrayList<>();
            Set<Key> breaching = new HashSet<>();
            for (Expr.Element element : rule.measure().evaluate(store, at)) {
                boolean breaches = rule.breaches(element.value());
                ruleReadings.add(new Reading(element.labels(), element.value(), breaches));
                if (!breaches) {
                    continue;
                }
                SortedMap<String, String> labels = rule.alertLabels(element.labels());
                Key key = new Key(i, labels);
                breaching.add(key);
                Active alert = active.computeIfAbsent(key, k -> {
                    Active fresh = new Active();
                    fresh.activeAt = at;
                    return fresh;
                });
                alert.value = element.value();
                // As in Prometheus, $labels are the element's own: the rule's labels are not in them.
                alert.summary = Template.render(rule.summary(), element.labels(), element.value());
                alert.falseSince = null;
                if (alert.state == State.PENDING && !at.isBefore(alert.activeAt.plus(rule.holdFor()))) {
                    alert.state = State.FIRING;
                    alert.firedAt = at;
                    changed.add(view(key, alert));
                }
            }
            readings.add(List.copyOf(ruleReadings));
            var it = active.entrySet().iterator();
            while (it.hasNext()) {
                var entry = it.next();
                Key key = entry.getKey();
                if (key.rule() != i || breaching.contains(key)) {
                    continue;
                }
                Active alert = entry.getValue();
                if (alert.state == State.PENDING) {
                    it.remove();
                    continue;
                }
                if (alert.falseSince == null) {
                    alert.falseSince = at;
                }
                if (Duration.between(alert.falseSince, at).compareTo(rule.keepFiringFor()) >= 0) {
                    it.remove();
                    changed.add(new Alert(rule, key.labels(), State.RESOLVED, alert.value, alert.activeAt,
                            alert.firedAt, at, alert.summary));
                }
            }
        }
        List<Alert> current = new ArrayList<>();
        active.forEach((key, alert) -> current.add(view(key, alert)));
        return new Evaluation(at, List.copyOf(changed), List.copyOf(current), List.copyOf(readings));
    }

    private Alert view(Key key, Active alert) {
        return new Alert(rules.get(key.rule()), key.labels(), alert.state, alert.value, alert.activeAt, alert.firedAt,
                null, alert.summary);
    }
}
