package com.nextleveltraders.monitor;

import static org.assertj.core.api.Assertions.assertThat;

import com.nextleveltraders.monitor.PrometheusText.Parsed;
import com.nextleveltraders.monitor.PrometheusText.Sample;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PrometheusTextTest {

    private static Sample only(String line) {
        Parsed parsed = PrometheusText.parse(line);
        assertThat(parsed.skipped()).as("skipped").isZero();
        assertThat(parsed.samples()).hasSize(1);
        return parsed.samples().getFirst();
    }

    private static void malformed(String line) {
        Parsed parsed = PrometheusText.parse(line);
        assertThat(parsed.samples()).as(line).isEmpty();
        assertThat(parsed.skipped()).as(line).isEqualTo(1);
    }

    @Test
    void readsNamesLabelsAndValues() {
        assertThat(only("process_cpu_usage 0.4213")).isEqualTo(new Sample("process_cpu_usage", Map.of(), 0.4213));
        assertThat(only("jvm_memory_max_bytes{area=\"heap\",id=\"G1 Eden Space\"} -1.0"))
                .isEqualTo(new Sample("jvm_memory_max_bytes", Map.of("area", "heap", "id", "G1 Eden Space"), -1));
        assertThat(only("a:b_c{le=\"+Inf\",} 1.2E7 1700000000000").value()).isEqualTo(1.2e7);
        assertThat(only("  x { a = \"1\" , b=\"2\" }\t3  ").labels()).containsExactly(Map.entry("a", "1"),
                Map.entry("b", "2"));
        assertThat(only("x{} 1").labels()).isEmpty();
    }

    @Test
    void readsTheSpecialValues() {
        assertThat(only("x +Inf").value()).isEqualTo(Double.POSITIVE_INFINITY);
        assertThat(only("x -Inf").value()).isEqualTo(Double.NEGATIVE_INFINITY);
        assertThat(only("x NaN").value()).isNaN();
        assertThat(only("x .5").value()).isEqualTo(0.5);
        assertThat(only("x -3e-2").value()).isEqualTo(-0.03);
    }

    @Test
    void unescapesLabelValues() {
        assertThat(only("x{path=\"C:\\\\dir\",q=\"say \\\"hi\\\"\",m=\"a\\nb\"} 1").labels())
                .containsEntry("path", "C:\\dir").containsEntry("q", "say \"hi\"").containsEntry("m", "a\nb");
        assertThat(only("x{route=\"/api/orders/{id}\"} 1").labels()).containsEntry("route", "/api/orders/{id}");
    }

    @Test
    void skipsCommentsAndBlankLines() {
        Parsed parsed = PrometheusText.parse("# HELP x help text\n# TYPE x gauge\n\n   \nx 1\r\n# EOF\n");

        assertThat(parsed.samples()).containsExactly(new Sample("x", Map.of(), 1));
        assertThat(parsed.skipped()).isZero();
    }

    @Test
    void skipsMalformedLinesWhole() {
        malformed("x");
        malformed("x{a=\"1\"}");
        malformed("x{a=\"1\"}1");
        malformed("x{a=\"1\" 1");
        malformed("x{a=\"1} 1");
        malformed("x{a=1} 1");
        malformed("x{a=\"1\",a=\"2\"} 1");
        malformed("x{a=\"\\t\"} 1");
        malformed("x{1a=\"1\"} 1");
        malformed("x{a:b=\"1\"} 1");
        malformed("x{,} 1");
        malformed("1x 1");
        malformed("x 1 2 3");
        malformed("x 1 soon");
        malformed("x one");
        malformed("x 0x1p3");
        malformed("x 1d");
        malformed("x Infinity");
        malformed("x 1,5");
        malformed("x 1 1.5");
        malformed("x" + "y".repeat(20_000) + " 1");
    }

    @Test
    void aMalformedLineDoesNotCostTheOthers() {
        Parsed parsed = PrometheusText.parse("a 1\nb{c=\"unclosed} 2\nd 3\n");

        assertThat(parsed.samples()).extracting(Sample::name).containsExactly("a", "d");
        assertThat(parsed.skipped()).isEqualTo(1);
    }
}
