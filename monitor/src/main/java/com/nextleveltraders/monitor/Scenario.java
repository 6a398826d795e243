package com.nextleveltraders.monitor;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * A test of one alert's rules: input series growing by a fixed step each interval, evaluated for a while, and
 * the alerts of that name firing at the end. The monitor's own evaluator computes what fires, and
 * {@code nlt monitoring export} writes the same series and that outcome as a {@code promtool test rules} case, so
 * that Prometheus checks the exported PromQL against the monitor's evaluation, value and summary included.
 *
 * @param alertname the alert under test
 * @param breaching whether the input crosses the threshold (a case that must fire) or stays below it
 * @param series    the input, each with its labels (the metric name under {@code __name__})
 * @param steps     how many intervals the input runs; rules are evaluated at each
 */
public record Scenario(String alertname, boolean breaching, List<Input> series, int steps) {

    /** A series whose value is {@code start + step * i} at the {@code i}-th interval. */
    public record Input(Map<String, String> labels, double start, double step) {

        public Input {
            labels = java.util.Collections.unmodifiableSortedMap(new TreeMap<>(labels));
            if (!labels.containsKey("__name__")) {
                throw new IllegalArgumentException("a series needs a name: " + labels);
            }
        }

        /** The series in PromQL's notation, as promtool reads it. */
        String selector() {
            List<String> matchers = new ArrayList<>();
            labels.forEach((k, v) -> {
                if (!k.equals("__name__")) {
                    matchers.add(k + "=" + Expr.quote(v));
                }
            });
            return labels.get("__name__") + "{" + String.join(",", matchers) + "}";
        }

        /** promtool's expanding notation: {@code start+stepxN}. */
        String values(int steps) {
            return Expr.number(start) + (step < 0 ? "" : "+") + Expr.number(step) + "x" + steps;
        }
    }

    public Scenario {
        Objects.requireNonNull(alertname, "alertname");
        series = List.copyOf(series);
    }

    /** When the last evaluation happens, from time zero. */
    public Duration end(Duration interval) {
        return interval.multipliedBy(steps);
    }

    /** The alerts named {@code alertname} firing after the last evaluation, by the monitor's own evaluator. */
    public List<Evaluator.Alert> firing(List<AlertRule> rules, Duration interval) {
        SeriesStore store = new SeriesStore(interval.multipliedBy(steps + 1L));
        Evaluator evaluator = new Evaluator(rules);
        Evaluator.Evaluation last = null;
        for (int i = 0; i <= steps; i++) {
            Instant at = Instant.EPOCH.plus(interval.multipliedBy(i));
            List<PrometheusText.Sample> samples = new ArrayList<>();
            for (Input s : series) {
                Map<String, String> labels = new LinkedHashMap<>(s.labels());
                String name = labels.remove("__name__");
                samples.add(new PrometheusText.Sample(name, labels, s.start() + s.step() * i));
            }
            store.add("scenario", Map.of(), at, samples);
            last = evaluator.evaluate(store, at);
        }
        return last.active().stream()
                .filter(a -> a.state() == Evaluator.State.FIRING && a.rule().name().equals(alertname)).toList();
    }
}
