package com.nextleveltraders.monitor;

import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * The part of PromQL the alert rules need, as a tree that can both be evaluated over the monitor's own samples and
 * be written out as PromQL for a real Prometheus: the two cannot drift apart, because they are one object.
 * Evaluation follows Prometheus: {@code rate} extrapolates like Prometheus's {@code extrapolatedRate},
 * {@code histogram_quantile} interpolates within a bucket, a binary operation matches elements with the same
 * labels, and a comparison keeps the elements for which it holds (so NaN, from 0/0, never breaches).
 */
public sealed interface Expr {

    /** The instant vector at {@code at}. */
    List<Element> evaluate(SeriesStore store, Instant at);

    /** The same expression in PromQL. */
    String promql();

    /** One element of an instant vector: its labels (without the metric name) and its value. */
    record Element(SortedMap<String, String> labels, double value) {

        public Element {
            labels = java.util.Collections.unmodifiableSortedMap(new TreeMap<>(labels));
        }
    }

    /** {@code metric{label="value", label!="value"}}: the latest sample of each matching series. */
    record Select(String metric, Map<String, String> equal, Map<String, String> notEqual) implements Expr {

        public Select {
            Objects.requireNonNull(metric, "metric");
            equal = new LinkedHashMap<>(equal);
            notEqual = new LinkedHashMap<>(notEqual);
        }

        public static Select of(String metric) {
            return new Select(metric, Map.of(), Map.of());
        }

        public Select where(String label, String value) {
            Map<String, String> more = new LinkedHashMap<>(equal);
            more.put(label, value);
            return new Select(metric, more, notEqual);
        }

        public Select whereNot(String label, String value) {
            Map<String, String> more = new LinkedHashMap<>(notEqual);
            more.put(label, value);
            return new Select(metric, equal, more);
        }

        boolean matches(SeriesStore.Series series) {
            if (!series.name().equals(metric)) {
                return false;
            }
            for (Map.Entry<String, String> e : equal.entrySet()) {
                if (!e.getValue().equals(series.labels().getOrDefault(e.getKey(), ""))) {
                    return false;
                }
            }
            for (Map.Entry<String, String> e : notEqual.entrySet()) {
                if (e.getValue().equals(series.labels().getOrDefault(e.getKey(), ""))) {
                    return false;
                }
            }
            return true;
        }

        @Override
        public List<Element> evaluate(SeriesStore store, Instant at) {
            return store.latest(this, at);
        }

        @Override
        public String promql() {
            List<String> matchers = new ArrayList<>();
            equal.forEach((k, v) -> matchers.add(k + "=" + quote(v)));
            notEqual.forEach((k, v) -> matchers.add(k + "!=" + quote(v)));
            return matchers.isEmpty() ? metric : metric + "{" + String.join(",", matchers) + "}";
        }
    }

    /** {@code rate(selector[range])}: per-second increase of counters over the range, as Prometheus computes it. */
    record Rate(Select selector, Duration range) implements Expr {

        public Rate {
            Objects.requireNonNull(selector, "selector");
            if (!range.isPositive()) {
                throw new IllegalArgumentException("range must be > 0: " + range);
            }
        }

        @Override
        public List<Element> evaluate(SeriesStore store, Instant at) {
            List<Element> out = new ArrayList<>();
            for (Map.Entry<SeriesStore.Series, List<SeriesStore.Point>> series : store.range(selector, at, range)
                    .entrySet()) {
                double rate = Counters.extrapolatedRate(series.getValue(), at.minus(range), at);
                if (!Double.isNaN(rate)) {
                    out.add(new Element(series.getKey().labels(), rate));
                }
            }
            return out;
        }

        @Override
        public String promql() {
            return "rate(" + selector.promql() + "[" + duration(range) + "])";
        }
    }

    /** {@code sum by (labels) (inner)}, or {@code sum(inner)} with no labels. */
    record SumBy(List<String> by, Expr inner) implements Expr {

        public SumBy {
            by = List.copyOf(by);
            Objects.requireNonNull(inner, "inner");
        }

        @Override
        public List<Element> evaluate(SeriesStore store, Instant at) {
            Map<SortedMap<String, String>, Double> sums = new LinkedHashMap<>();
            for (Element e : inner.evaluate(store, at)) {
                SortedMap<String, String> key = new TreeMap<>();
                for (String label : by) {
                    String value = e.labels().get(label);
                    if (value != null) {
                        key.put(label, value);
                    }
                }
                sums.merge(key, e.value(), Double::sum);
            }
            return sums.entrySet().stream().map(s -> new Element(s.getKey(), s.getValue())).toList();
        }

        @Override
        public String promql() {
            return by.isEmpty() ? "sum(" + inner.promql() + ")"
                    : "sum by (" + String.join(", ", by) + ") (" + inner.promql() + ")";
        }
    }

    /** {@code histogram_quantile(q, inner)}: inner holds cumulative buckets labelled {@code le}. */
    record Quantile(double q, Expr inner) implements Expr {

        public Quantile {
            if (!(q >= 0 && q <= 1)) {
                throw new IllegalArgumentException("q must be between 0 and 1: " + q);
            }
            Objects.requireNonNull(inner, "inner");
        }

        @Override
        public List<Element> evaluate(SeriesStore store, Instant at) {
            Map<SortedMap<String, String>, SortedMap<Double, Double>> histograms = new LinkedHashMap<>();
            for (Element e : inner.evaluate(store, at)) {
                String le = e.labels().get("le");
                Double bound = le == null ? null : PrometheusText.number(le);
                if (bound == null || Double.isNaN(bound)) {
                    continue;
                }
                SortedMap<String, String> key = new TreeMap<>(e.labels());
                key.remove("le");
                histograms.computeIfAbsent(key, k -> new TreeMap<>()).merge(bound, e.value(), Double::sum);
            }
            List<Element> out = new ArrayList<>();
            histograms.forEach((labels, buckets) -> {
                double[] bounds = buckets.keySet().stream().mapToDouble(Double::doubleValue).toArray();
                double[] counts = buckets.values().stream().mapToDouble(Double::doubleValue).toArray();
                out.add(new Element(labels, Quantiles.of(q, bounds, counts)));
            });
            return out;
        }

        @Override
        public String promql() {
            return "histogram_quantile(" + number(q) + ", " + inner.promql() + ")";
        }
    }

    /** {@code left / right}, matching elements with the same labels; 0/0 is NaN and x/0 infinite, as in PromQL. */
    record Divide(Expr left, Expr right) implements Expr {

        public Divide {
            Objects.requireNonNull(left, "left");
            Objects.requireNonNull(right, "right");
        }

        @Override
        public List<Element> evaluate(SeriesStore store, Instant at) {
            Map<SortedMap<String, String>, Double> divisors = new LinkedHashMap<>();
            right.evaluate(store, at).forEach(e -> divisors.put(e.labels(), e.value()));
            List<Element> out = new ArrayList<>();
            for (Element e : left.evaluate(store, at)) {
                Double divisor = divisors.get(e.labels());
                if (divisor != null) {
                    out.add(new Element(e.labels(), e.value() / divisor));
                }
            }
            return out;
        }

        @Override
        public String promql() {
            return operand(left) + " / " + operand(right);
        }
    }

    /**
     * {@code (inner or vector(0))}: zero when {@code inner}, a sum without labels, has no element at all, e.g. a
     * count of 5xx answers before the first one was ever counted, so that a share of them reads 0 and not nothing.
     */
    record OrZero(Expr inner) implements Expr {

        public OrZero {
            Objects.requireNonNull(inner, "inner");
        }

        @Override
        public List<Element> evaluate(SeriesStore store, Instant at) {
            List<Element> elements = inner.evaluate(store, at);
            return elements.isEmpty() ? List.of(new Element(new TreeMap<>(), 0)) : elements;
        }

        @Override
        public String promql() {
            return "(" + inner.promql() + " or vector(0))";
        }
    }

    /** {@code inner * factor}: a change of unit (seconds to milliseconds, a fraction to percent). */
    record Scale(Expr inner, double factor) implements Expr {

        public Scale {
            Objects.requireNonNull(inner, "inner");
        }

        @Override
        public List<Element> evaluate(SeriesStore store, Instant at) {
            return inner.evaluate(store, at).stream().map(e -> new Element(e.labels(), e.value() * factor)).toList();
        }

        @Override
        public String promql() {
            return operand(inner) + " * " + number(factor);
        }
    }

    /** {@code inner > threshold}: the elements above the threshold, with their values. */
    record Above(Expr inner, double threshold) implements Expr {

        public Above {
            Objects.requireNonNull(inner, "inner");
        }

        @Override
        public List<Element> evaluate(SeriesStore store, Instant at) {
            return inner.evaluate(store, at).stream().filter(e -> e.value() > threshold).toList();
        }

        @Override
        public String promql() {
            return operand(inner) + " > " + number(threshold);
        }
    }

    /** The longest range any {@code rate} in {@code e} looks back over; zero when it reads instants only. */
    static Duration longestRange(Expr e) {
        return switch (e) {
            case Select s -> Duration.ZERO;
            case Rate r -> r.range();
            case SumBy s -> longestRange(s.inner());
            case Quantile q -> longestRange(q.inner());
            case Divide d -> longer(longestRange(d.left()), longestRange(d.right()));
            case OrZero o -> longestRange(o.inner());
            case Scale s -> longestRange(s.inner());
            case Above a -> longestRange(a.inner());
        };
    }

    private static Duration longer(Duration a, Duration b) {
        return a.compareTo(b) >= 0 ? a : b;
    }

    private static String operand(Expr e) {
        return e instanceof Divide || e instanceof Scale || e instanceof Above ? "(" + e.promql() + ")" : e.promql();
    }

    /** A label value as a PromQL string: double-quoted, with backslash, quote and newline escaped. */
    static String quote(String value) {
        return "\"" + value.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n") + "\"";
    }

    /** A number as PromQL and YAML read it back exactly: {@code 0.99}, {@code 500}, {@code 0.5}. */
    static String number(double value) {
        return BigDecimal.valueOf(value).stripTrailingZeros().toPlainString();
    }

    /** A duration in Prometheus's notation: {@code 1m}, {@code 90s}, {@code 1h30m}, {@code 250ms}. */
    static String duration(Duration d) {
        if (d.isZero()) {
            return "0s";
        }
        StringBuilder out = new StringBuilder();
        long hours = d.toHours();
        int minutes = d.toMinutesPart();
        int seconds = d.toSecondsPart();
        int millis = d.toMillisPart();
        if (hours > 0) {
            out.append(hours).append('h');
        }
        if (minutes > 0) {
            out.append(minutes).append('m');
        }
        if (seconds > 0) {
            out.append(seconds).append('s');
        }
        if (millis > 0) {
            out.append(millis).append("ms");
        }
        return out.toString();
    }

    /** Labels as Prometheus prints them, for logs: {@code {region="fra1"}}. */
    static String describe(Map<String, String> labels) {
        return labels.entrySet().stream().map(e -> e.getKey() + "=\"" + e.getValue() + "\"")
                .collect(Collectors.joining(", ", "{", "}"));
    }
}
