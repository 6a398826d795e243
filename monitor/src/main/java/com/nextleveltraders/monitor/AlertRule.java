package com.nextleveltraders.monitor;

import com.nextleveltraders.config.AlertAction;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * One alerting rule, as Prometheus has it: an expression whose elements are the breaches, how long a breach must
 * hold ({@code for}), how long a firing alert stays firing after its condition stopped ({@code keep_firing_for}),
 * its own labels and a summary template.
 *
 * @param name      the {@code alertname}
 * @param seedKey   the setting it comes from, e.g. {@code monitoring.application.responseTime}
 * @param expr      the condition, ending in a comparison with the threshold
 * @param threshold the threshold, in {@code unit}, for display
 * @param unit      the unit of the expression's value and of the threshold ({@code ms}, {@code %})
 * @param holdFor   the rule's window: a breach held this long fires
 * @param labels    labels every alert of the rule carries: {@code severity}, and static ones such as
 *                  {@code region="all"} for a fleet-wide reading
 * @param summary   a Prometheus template over {@code $labels} and {@code $value}, see {@link Template}
 * @param action    {@code alert}: notify; {@code scale_up}: the autoscaler acts on it, the monitor only shows it
 */
public record AlertRule(String name, String seedKey, Expr expr, double threshold, String unit, Duration holdFor,
        Duration keepFiringFor, Map<String, String> labels, String summary, AlertAction action) {

    public AlertRule {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(seedKey, "seedKey");
        Objects.requireNonNull(expr, "expr");
        Objects.requireNonNull(unit, "unit");
        Objects.requireNonNull(holdFor, "holdFor");
        Objects.requireNonNull(keepFiringFor, "keepFiringFor");
        labels = java.util.Collections.unmodifiableSortedMap(new TreeMap<>(labels));
        Objects.requireNonNull(summary, "summary");
        Objects.requireNonNull(action, "action");
        if (!(expr instanceof Expr.Above)) {
            throw new IllegalArgumentException("a rule's expression must end in a comparison: " + expr.promql());
        }
    }

    /** The expression without its comparison: the value of every element, breaching or not. */
    public Expr measure() {
        return ((Expr.Above) expr).inner();
    }

    /** Whether a value of {@link #measure()} breaches, as the expression's comparison decides. */
    boolean breaches(double value) {
        return value > ((Expr.Above) expr).threshold();
    }

    /** Whether a firing alert of this rule is sent to the log and the webhooks. */
    public boolean notifies() {
        return action == AlertAction.ALERT;
    }

    /** The labels of an alert of this rule for one element of its expression: the element's, then the rule's. */
    SortedMap<String, String> alertLabels(Map<String, String> elementLabels) {
        SortedMap<String, String> all = new TreeMap<>(elementLabels);
        all.putAll(labels);
        all.put("alertname", name);
        return all;
    }
}
