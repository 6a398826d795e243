package com.nextleveltraders.monitor;

import static com.nextleveltraders.monitor.Samples.at;
import static com.nextleveltraders.monitor.Samples.labels;
import static com.nextleveltraders.monitor.Samples.sample;
import static org.assertj.core.api.Assertions.assertThat;

import com.nextleveltraders.monitor.Expr.Element;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SeriesStoreTest {

    private final SeriesStore store = new SeriesStore(Duration.ofMinutes(2));
    private final Expr.Select load = Expr.Select.of("load");

    @Test
    void aFailedScrapeMakesItsTargetsSeriesDisappearFromInstantQueriesAtOnce() {
        store.add("a", labels("instance", "a"), at(0), List.of(sample("load", 1)));
        store.add("b", labels("instance", "b"), at(0), List.of(sample("load", 2)));
        store.failed("a");
        assertThat(store.latest(load, at(0))).extracting(Element::labels)
                .containsExactly(new java.util.TreeMap<>(labels("instance", "b")));
        assertThat(store.latest(load, at(15))).hasSize(1);
        store.add("a", labels("instance", "a"), at(30), List.of(sample("load", 3)));
        assertThat(store.latest(load, at(30))).as("back with its next scrape").hasSize(2);
    }

    @Test
    void aSeriesMissingFromItsTargetsLatestScrapeDisappears() {
        store.add("a", Map.of(), at(0), List.of(sample("load", 1, "cpu", "0"), sample("load", 2, "cpu", "1")));
        store.add("a", Map.of(), at(15), List.of(sample("load", 3, "cpu", "0")));
        assertThat(store.latest(load, at(15))).containsExactly(new Element(labels("cpu", "0"), 3));
    }

    @Test
    void anotherTargetsScrapeDoesNotMakeASeriesStale() {
        store.add("a", labels("instance", "a"), at(0), List.of(sample("load", 1)));
        store.add("b", labels("instance", "b"), at(15), List.of(sample("load", 2)));
        assertThat(store.latest(load, at(15))).hasSize(2);
    }

    @Test
    void retentionPrunesPointsOlderThanItAndSeriesLeftWithoutPoints() {
        store.add("a", Map.of(), at(0), List.of(sample("load", 1), sample("gone", 1)));
        store.add("a", Map.of(), at(60), List.of(sample("load", 2)));
        store.add("a", Map.of(), at(121), List.of(sample("load", 3)));
        // 121 s - 2 min = 1 s: the points at 0 s are pruned, and "gone" with them.
        assertThat(store.size()).isEqualTo(1);
        assertThat(store.range(load, at(121), Duration.ofMinutes(10)).values().iterator().next())
                .extracting(SeriesStore.Point::value).containsExactly(2.0, 3.0);
    }

    @Test
    void rangeQueriesSeeTheLeftOpenRange() {
        for (int i = 0; i <= 4; i++) {
            store.add("a", Map.of(), at(15 * i), List.of(sample("load", i)));
        }
        // (0 s, 60 s]: the sample exactly one range back is out.
        assertThat(store.range(load, at(60), Duration.ofMinutes(1)).values().iterator().next())
                .extracting(SeriesStore.Point::value).containsExactly(1.0, 2.0, 3.0, 4.0);
    }

    @Test
    void aSamplesOwnLabelWinsOverATargetLabel() {
        store.add("gateway", labels("job", "gateway", "region", "none"), at(0),
                List.of(sample("load", 1, "region", "fra1")));
        assertThat(store.latest(load, at(0)))
                .containsExactly(new Element(labels("job", "gateway", "region", "fra1"), 1));
    }
}
