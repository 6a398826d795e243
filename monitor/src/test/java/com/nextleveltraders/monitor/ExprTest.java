package com.nextleveltraders.monitor;

import static com.nextleveltraders.monitor.Samples.at;
import static com.nextleveltraders.monitor.Samples.sample;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.nextleveltraders.config.ConfigLoader;
import com.nextleveltraders.monitor.Expr.Element;
import com.nextleveltraders.monitor.PrometheusText.Sample;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class ExprTest {

    private final SeriesStore store = new SeriesStore(Duration.ofMinutes(10));

    private void scrape(double seconds, Sample... samples) {
        store.add("t", Map.of(), at(seconds), List.of(samples));
    }

    private static Map<Map<String, String>, Double> byLabels(List<Element> elements) {
        return elements.stream().collect(Collectors.toMap(e -> Map.copyOf(e.labels()), Element::value));
    }

    @Test
    void rateOfASteadilyGrowingCounterIsItsSlope() {
        for (int i = 0; i <= 8; i++) {
            scrape(15 * i, sample("requests_total", 500 + 3 * 15 * i, "route", "/a"));
        }
        List<Element> rate = new Expr.Rate(Expr.Select.of("requests_total"), Duration.ofMinutes(1))
                .evaluate(store, at(120));
        assertThat(rate).hasSize(1);
        assertThat(rate.getFirst().labels()).containsExactly(Map.entry("route", "/a"));
        assertThat(rate.getFirst().value()).isCloseTo(3, within(1e-9));
    }

    @Test
    void rateOfASeriesWithOneSampleInRangeHasNoElement() {
        scrape(0, sample("requests_total", 5));
        scrape(100, sample("requests_total", 9));
        assertThat(new Expr.Rate(Expr.Select.of("requests_total"), Duration.ofMinutes(1)).evaluate(store, at(100)))
                .isEmpty();
    }

    @Test
    void histogramQuantileInterpolatesWithinTheBucketHoldingTheRank() {
        double[] bounds = {0.1, 0.5, 1, Double.POSITIVE_INFINITY};
        double[] counts = {10, 60, 90, 100};
        // Rank 50 of 100 is in (0.1, 0.5], which holds 50 of them from 10 on: 0.1 + 0.4 * 40 / 50.
        assertThat(Quantiles.of(0.5, bounds, counts)).isCloseTo(0.42, within(1e-12));
        // Rank 5 is in the first bucket, which starts at 0: 0.1 * 5 / 10.
        assertThat(Quantiles.of(0.05, bounds, counts)).isCloseTo(0.05, within(1e-12));
        // Rank 99 is in +Inf: the highest finite bound.
        assertThat(Quantiles.of(0.99, bounds, counts)).isEqualTo(1);
        // A bucket lagging the one before it is lifted to it: as if (0.1, 0.5] held 0 observations.
        assertThat(Quantiles.of(0.5, bounds, new double[] {60, 50, 90, 100})).isCloseTo(0.1 * 50 / 60, within(1e-12));
        assertThat(Quantiles.of(0.5, new double[] {0.1, 0.5}, new double[] {1, 2})).as("no +Inf").isNaN();
        assertThat(Quantiles.of(0.5, bounds, new double[4])).as("no observation").isNaN();
        // q = 0 is the first bucket's start, or NaN (0/0) when that bucket is empty.
        assertThat(Quantiles.of(0, bounds, counts)).isZero();
        assertThat(Quantiles.of(0, bounds, new double[] {0, 60, 90, 100})).isNaN();
    }

    @Test
    void histogramQuantileGroupsBucketsByTheirOtherLabels() {
        for (String region : List.of("fra1", "nyc1")) {
            double scale = region.equals("fra1") ? 1 : 2;
            scrape(0, sample("latency_bucket", 10 * scale, "region", region, "le", "0.1"),
                    sample("latency_bucket", 60 * scale, "region", region, "le", "0.5"),
                    sample("latency_bucket", 100 * scale, "region", region, "le", "+Inf"));
        }
        Map<Map<String, String>, Double> q = byLabels(
                new Expr.Quantile(0.5, Expr.Select.of("latency_bucket")).evaluate(store, at(0)));
        assertThat(q).containsOnlyKeys(Map.of("region", "fra1"), Map.of("region", "nyc1"));
        assertThat(q.get(Map.of("region", "fra1"))).isCloseTo(0.42, within(1e-12));
        assertThat(q.get(Map.of("region", "nyc1"))).isCloseTo(0.42, within(1e-12));
    }

    @Test
    void sumByAddsTheElementsSharingTheGivenLabelsAndDropsTheOthers() {
        scrape(0, sample("busy", 1, "region", "fra1", "instance", "a"),
                sample("busy", 2, "region", "fra1", "instance", "b"),
                sample("busy", 4, "region", "nyc1", "instance", "c"),
                sample("busy", 8, "instance", "d"));
        assertThat(byLabels(new Expr.SumBy(List.of("region"), Expr.Select.of("busy")).evaluate(store, at(0))))
                .containsExactlyInAnyOrderEntriesOf(Map.of(Map.of("region", "fra1"), 3.0,
                        Map.of("region", "nyc1"), 4.0, Map.of(), 8.0));
        assertThat(byLabels(new Expr.SumBy(List.of(), Expr.Select.of("busy")).evaluate(store, at(0))))
                .containsExactly(Map.entry(Map.of(), 15.0));
    }

    @Test
    void divideMatchesOnlyElementsWithIdenticalLabelsAndZeroByZeroNeverBreaches() {
        scrape(0, sample("used", 5, "pool", "a"), sample("used", 0, "pool", "b"), sample("used", 3, "pool", "c"),
                sample("used", 7, "pool", "d", "extra", "x"),
                sample("max", 10, "pool", "a"), sample("max", 0, "pool", "b"), sample("max", 4, "pool", "d"));
        Expr.Divide ratio = new Expr.Divide(Expr.Select.of("used"), Expr.Select.of("max"));
        Map<Map<String, String>, Double> values = byLabels(ratio.evaluate(store, at(0)));
        // c has no divisor and d's labels differ: neither is in the result.
        assertThat(values).containsOnlyKeys(Map.of("pool", "a"), Map.of("pool", "b"));
        assertThat(values.get(Map.of("pool", "a"))).isEqualTo(0.5);
        assertThat(values.get(Map.of("pool", "b"))).isNaN();
        assertThat(new Expr.Above(ratio, 0).evaluate(store, at(0))).extracting(Element::labels)
                .containsExactly(new TreeMap<>(Map.of("pool", "a")));
    }

    @Test
    void aboveKeepsOnlyTheElementsStrictlyAboveTheThresholdWithTheirValues() {
        scrape(0, sample("load", 1, "i", "1"), sample("load", 5, "i", "2"), sample("load", 10, "i", "3"));
        assertThat(byLabels(new Expr.Above(Expr.Select.of("load"), 5).evaluate(store, at(0))))
                .containsExactly(Map.entry(Map.of("i", "3"), 10.0));
        assertThat(byLabels(new Expr.Above(new Expr.Scale(Expr.Select.of("load"), 100), 400).evaluate(store, at(0))))
                .containsExactlyInAnyOrderEntriesOf(Map.of(Map.of("i", "2"), 500.0, Map.of("i", "3"), 1000.0));
    }

    @Test
    void selectMatchesEqualAndNotEqualLabelsAMissingLabelBeingEmpty() {
        scrape(0, sample("up", 1, "job", "api", "region", "fra1"), sample("up", 2, "job", "api"),
                sample("up", 3, "job", "gateway", "region", "none"));
        assertThat(byLabels(Expr.Select.of("up").where("job", "api").whereNot("region", "fra1")
                .evaluate(store, at(0)))).containsExactly(Map.entry(Map.of("job", "api"), 2.0));
        assertThat(byLabels(Expr.Select.of("up").where("region", "").evaluate(store, at(0))))
                .containsOnlyKeys(Map.of("job", "api"));
    }

    @Test
    void theDefaultRulesRenderAsThisPromql() {
        Map<String, List<String>> promql = Rules.of(ConfigLoader.defaults().monitoring()).stream()
                .collect(Collectors.groupingBy(AlertRule::name, java.util.LinkedHashMap::new,
                        Collectors.mapping(r -> r.expr().promql(), Collectors.toList())));
        assertThat(promql.get("ResponseTimeHigh")).containsExactly(
                "(histogram_quantile(0.99, sum by (le, region) (rate(gateway_responses_seconds_bucket"
                        + "{region!=\"none\"}[1m]))) * 1000) > 500",
                "(histogram_quantile(0.99, sum by (le) (rate(gateway_responses_seconds_bucket[1m]))) * 1000) > 500");
        assertThat(promql.get("ErrorRateHigh")).containsExactly(
                "(((sum(rate(gateway_responses_seconds_count{status=\"5xx\"}[5m])) or vector(0))"
                        + " / sum(rate(gateway_responses_seconds_count[5m]))) * 100) > 1");
        assertThat(promql.get("DatabaseConnectionsHigh")).containsExactly(
                "((sum by (server) (pg_stat_activity_count) / sum by (server) (pg_settings_max_connections)) * 100)"
                        + " > 80");
        assertThat(promql.get("ConnectionPoolBusy")).containsExactly(
                "((hikaricp_connections_active / hikaricp_connections_max) * 100) > 80");
        assertThat(promql.get("QueryTimeHigh")).containsExactly(
                "(histogram_quantile(0.99, sum by (le, operation) (rate(db_operations_seconds_bucket[5m]))) * 1000)"
                        + " > 1000");
        assertThat(promql.get("CpuHigh")).containsExactly("(process_cpu_usage{job=\"api\"} * 100) > 70");
        assertThat(promql.get("MemoryHigh")).containsExactly(
                "((sum by (instance, region) (jvm_memory_used_bytes{job=\"api\",area=\"heap\"})"
                        + " / sum by (instance, region) (jvm_memory_max_bytes{job=\"api\",area=\"heap\"} > 0)) * 100)"
                        + " > 80");
    }

    @Test
    void durationsAndNumbersAreWrittenInPrometheusNotation() {
        assertThat(Expr.duration(Duration.ofSeconds(90))).isEqualTo("1m30s");
        assertThat(Expr.duration(Duration.ofMillis(250))).isEqualTo("250ms");
        assertThat(Expr.duration(Duration.ofHours(4))).isEqualTo("4h");
        assertThat(Expr.duration(Duration.ZERO)).isEqualTo("0s");
        assertThat(Expr.number(0.99)).isEqualTo("0.99");
        assertThat(Expr.number(500.0)).isEqualTo("500");
    }

    @Test
    void aLabelValueIsQuotedSoThatPromqlReadsItBack() {
        assertThat(Expr.Select.of("m").where("a", "x\"y\\z\nw").promql()).isEqualTo("m{a=\"x\\\"y\\\\z\\nw\"}");
    }
}
