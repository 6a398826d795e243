package com.nextleveltraders.monitor;

import com.nextleveltraders.monitor.PrometheusText.Sample;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Samples and instants for the tests: times as seconds after a fixed start, labels as name/value pairs. */
final class Samples {

    static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

    private Samples() {
    }

    static Instant at(double seconds) {
        return T0.plusNanos(Math.round(seconds * 1e9));
    }

    static Sample sample(String name, double value, String... labels) {
        return new Sample(name, labels(labels), value);
    }

    static java.util.SortedMap<String, String> labels(String... pairs) {
        if (pairs.length % 2 != 0) {
            throw new IllegalArgumentException("labels come in name/value pairs");
        }
        java.util.SortedMap<String, String> labels = new java.util.TreeMap<>();
        for (int i = 0; i < pairs.length; i += 2) {
            labels.put(pairs[i], pairs[i + 1]);
        }
        return labels;
    }

    static SeriesStore.Point point(double seconds, double value) {
        return new SeriesStore.Point(at(seconds), value);
    }

    /** Points of one series, {@code seconds, value} pairs. */
    static List<SeriesStore.Point> points(double... pairs) {
        List<SeriesStore.Point> points = new java.util.ArrayList<>();
        for (int i = 0; i < pairs.length; i += 2) {
            points.add(point(pairs[i], pairs[i + 1]));
        }
        return points;
    }
}
