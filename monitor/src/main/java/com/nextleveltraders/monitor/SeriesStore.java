package com.nextleveltraders.monitor;

import com.nextleveltraders.monitor.PrometheusText.Sample;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * The samples of the last {@code retention}, by series, as a Prometheus server keeps them. A series belongs to the
 * target whose scrape wrote it; like Prometheus's staleness handling, an instant query sees only series that were
 * in their target's latest successful scrape, so a target that went away or a series it stopped exposing leaves
 * the answer at once instead of lingering with its last value.
 *
 * <p>Not thread-safe: the monitor's single evaluation thread writes and reads it.
 */
public final class SeriesStore {

    /** A series: the metric name and its labels, the target's labels included. */
    public record Series(String name, SortedMap<String, String> labels) {

        public Series {
            Objects.requireNonNull(name, "name");
            labels = java.util.Collections.unmodifiableSortedMap(new TreeMap<>(labels));
        }
    }

    /** One sample of a series. */
    public record Point(Instant at, double value) {
    }

    private static final Duration LOOKBACK = Duration.ofMinutes(5);

    private final Duration retention;
    private final Map<Series, Deque<Point>> points = new LinkedHashMap<>();
    private final Map<Series, String> targetOf = new HashMap<>();
    private final Map<String, Instant> lastScrape = new HashMap<>();

    /** @param retention how far back range queries may look; the longest rule window and then some */
    public SeriesStore(Duration retention) {
        if (!retention.isPositive()) {
            throw new IllegalArgumentException("retention must be > 0: " + retention);
        }
        this.retention = retention;
    }

    /**
     * Adds the samples of one successful scrape of {@code target} at {@code at}, each labelled with
     * {@code targetLabels} too (a sample's own label of the same name wins, as with Prometheus's
     * {@code honor_labels}), and forgets samples older than the retention.
     */
    public void add(String target, Map<String, String> targetLabels, Instant at, List<Sample> samples) {
        for (Sample s : samples) {
            SortedMap<String, String> labels = new TreeMap<>(targetLabels);
            labels.putAll(s.labels());
            Series series = new Series(s.name(), labels);
            Deque<Point> deque = points.computeIfAbsent(series, k -> new ArrayDeque<>());
            if (deque.isEmpty() || deque.getLast().at().isBefore(at)) {
                deque.addLast(new Point(at, s.value()));
            }
            targetOf.put(series, target);
        }
        lastScrape.put(target, at);
        prune(at);
    }

    /** Records that {@code target} could not be scraped: its series are stale from now on. */
    public void failed(String target) {
        lastScrape.remove(target);
    }

    private void prune(Instant now) {
        Instant oldest = now.minus(retention);
        var it = points.entrySet().iterator();
        while (it.hasNext()) {
            var entry = it.next();
            Deque<Point> deque = entry.getValue();
            while (!deque.isEmpty() && deque.getFirst().at().isBefore(oldest)) {
                deque.removeFirst();
            }
            if (deque.isEmpty()) {
                targetOf.remove(entry.getKey());
                it.remove();
            }
        }
    }

    /** The latest value of each matching series that was in its target's latest scrape, within five minutes. */
    List<Expr.Element> latest(Expr.Select selector, Instant at) {
        List<Expr.Element> out = new ArrayList<>();
        for (Map.Entry<Series, Deque<Point>> e : points.entrySet()) {
            if (!selector.matches(e.getKey())) {
                continue;
            }
            Point last = latestAtOrBefore(e.getValue(), at);
            Instant scraped = lastScrape.get(targetOf.get(e.getKey()));
            if (last != null && last.at().equals(scraped) && !last.at().isBefore(at.minus(LOOKBACK))
                    && !Double.isNaN(last.value())) {
                out.add(new Expr.Element(e.getKey().labels(), last.value()));
            }
        }
        return out;
    }

    private static Point latestAtOrBefore(Deque<Point> deque, Instant at) {
        var it = deque.descendingIterator();
        while (it.hasNext()) {
            Point p = it.next();
            if (!p.at().isAfter(at)) {
                return p;
            }
        }
        return null;
    }

    /** The samples of each matching series within {@code (at - range, at]}, oldest first. */
    Map<Series, List<Point>> range(Expr.Select selector, Instant at, Duration range) {
        Instant from = at.minus(range);
        Map<Series, List<Point>> out = new LinkedHashMap<>();
        for (Map.Entry<Series, Deque<Point>> e : points.entrySet()) {
            if (!selector.matches(e.getKey())) {
                continue;
            }
            List<Point> within = new ArrayList<>();
            for (Point p : e.getValue()) {
                if (p.at().isAfter(from) && !p.at().isAfter(at) && !Double.isNaN(p.value())) {
                    within.add(p);
                }
            }
            if (!within.isEmpty()) {
                out.put(e.getKey(), within);
            }
        }
        return out;
    }

    /** How many series are kept. */
    public int size() {
        return points.size();
    }
}
