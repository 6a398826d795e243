package com.nextleveltraders.monitor;

import static com.nextleveltraders.monitor.Samples.at;
import static com.nextleveltraders.monitor.Samples.labels;
import static com.nextleveltraders.monitor.Samples.sample;
import static org.assertj.core.api.Assertions.assertThat;

import com.nextleveltraders.config.AlertAction;
import com.nextleveltraders.monitor.PrometheusText.Sample;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** "load > 10" firing at once and resolving at the first false evaluation, notified every hour while firing. */
class NotifierTest {

    private static final String URL = "http://gateway.example:9090/admin/alerts";

    private final SeriesStore store = new SeriesStore(Duration.ofHours(3));
    private final List<Notification> sent = new ArrayList<>();
    private final Notifier notifier = new Notifier(Duration.ofHours(1), URL, sent::add);

    private static AlertRule rule(String name, AlertAction action) {
        return new AlertRule(name, "test." + name, new Expr.Above(Expr.Select.of("load"), 10), 10, "%",
                Duration.ZERO, Duration.ZERO, Map.of("severity", "warning"),
                "{{ $labels.cpu }} at {{ $value | printf \"%.0f\" }} %", action);
    }

    private void evaluate(Evaluator evaluator, double seconds, Sample... samples) {
        store.add("t", labels("instance", "i1"), at(seconds), List.of(samples));
        notifier.after(evaluator.evaluate(store, at(seconds)));
    }

    @SuppressWarnings("unchecked")
    private static List<Map<String, Object>> alerts(Notification n) {
        return (List<Map<String, Object>>) n.payload().get("alerts");
    }

    @Test
    void aGroupStartingToFireIsNotifiedOnceThenRepeatedThenResolved() {
        Evaluator evaluator = new Evaluator(List.of(rule("LoadHigh", AlertAction.ALERT)));
        // Two alerts of the group start firing in the same evaluation: one notification.
        evaluate(evaluator, 0, sample("load", 20, "cpu", "0"), sample("load", 30, "cpu", "1"));
        assertThat(sent).singleElement().satisfies(n -> {
            assertThat(n.status()).isEqualTo("firing");
            assertThat(n.reason()).isEqualTo("change");
            assertThat(n.alerts()).isEqualTo(2);
            assertThat(n.groupKey()).isEqualTo("{}:{alertname=\"LoadHigh\"}");
            assertThat(alerts(n)).hasSize(2);
        });
        // Nothing changes for less than the repeat interval: nothing is sent.
        for (int s = 15; s < 3600; s += 15) {
            evaluate(evaluator, s, sample("load", 20, "cpu", "0"), sample("load", 30, "cpu", "1"));
        }
        assertThat(sent).hasSize(1);
        evaluate(evaluator, 3600, sample("load", 20, "cpu", "0"), sample("load", 30, "cpu", "1"));
        assertThat(sent).hasSize(2);
        assertThat(sent.get(1).reason()).isEqualTo("repeat");
        assertThat(sent.get(1).status()).isEqualTo("firing");
        // One of the two resolves: a change, still firing, with the resolved one in it.
        evaluate(evaluator, 3615, sample("load", 20, "cpu", "0"), sample("load", 5, "cpu", "1"));
        assertThat(sent).hasSize(3);
        assertThat(sent.get(2).reason()).isEqualTo("change");
        assertThat(sent.get(2).status()).isEqualTo("firing");
        assertThat(alerts(sent.get(2))).extracting(a -> a.get("status")).containsExactly("firing", "resolved");
        // The last one resolves: resolved, with its end.
        evaluate(evaluator, 3630, sample("load", 5, "cpu", "0"), sample("load", 5, "cpu", "1"));
        assertThat(sent).hasSize(4);
        Notification resolved = sent.get(3);
        assertThat(resolved.status()).isEqualTo("resolved");
        assertThat(resolved.payload().get("status")).isEqualTo("resolved");
        assertThat(alerts(resolved)).singleElement().satisfies(a -> {
            assertThat(a.get("status")).isEqualTo("resolved");
            assertThat(a.get("endsAt")).isEqualTo(at(3630).toString());
            assertThat(a.get("startsAt")).isEqualTo(at(0).toString());
            assertThat(a.get("labels")).isEqualTo(new java.util.TreeMap<>(Map.of("alertname", "LoadHigh",
                    "instance", "i1", "severity", "warning", "cpu", "0")));
        });
        // Nothing fires any more: nothing more is sent, even after the repeat interval.
        evaluate(evaluator, 3630 + 7200, sample("load", 5, "cpu", "0"));
        assertThat(sent).hasSize(4);
        assertThat(notifier.recent()).extracting(Notification::id).containsExactly(1L, 2L, 3L, 4L);
    }

    @Test
    void aGroupThatFiresAgainIsNotifiedAgainAtOnce() {
        Evaluator evaluator = new Evaluator(List.of(rule("LoadHigh", AlertAction.ALERT)));
        evaluate(evaluator, 0, sample("load", 20));
        evaluate(evaluator, 15, sample("load", 5));
        evaluate(evaluator, 30, sample("load", 20));
        assertThat(sent).extracting(Notification::status).containsExactly("firing", "resolved", "firing");
        assertThat(sent).extracting(Notification::reason).containsOnly("change");
    }

    @Test
    void groupsAreByAlertname() {
        Evaluator evaluator = new Evaluator(List.of(rule("LoadHigh", AlertAction.ALERT),
                rule("LoadVeryHigh", AlertAction.ALERT)));
        evaluate(evaluator, 0, sample("load", 20));
        assertThat(sent).extracting(Notification::groupKey)
                .containsExactly("{}:{alertname=\"LoadHigh\"}", "{}:{alertname=\"LoadVeryHigh\"}");
    }

    @Test
    void scaleUpRulesNeverNotify() {
        Evaluator evaluator = new Evaluator(List.of(rule("CpuHigh", AlertAction.SCALE_UP)));
        evaluate(evaluator, 0, sample("load", 20));
        evaluate(evaluator, 7200, sample("load", 20));
        evaluate(evaluator, 7215, sample("load", 5));
        assertThat(sent).isEmpty();
        assertThat(notifier.recent()).isEmpty();
    }

    @Test
    @SuppressWarnings("unchecked")
    void thePayloadHasEveryFieldOfAlertmanagersWebhookVersion4() {
        Evaluator evaluator = new Evaluator(List.of(rule("LoadHigh", AlertAction.ALERT)));
        evaluate(evaluator, 0, sample("load", 20, "cpu", "0"), sample("load", 30, "cpu", "1"));
        Map<String, Object> payload = sent.getFirst().payload();
        assertThat(payload).containsOnlyKeys("version", "groupKey", "truncatedAlerts", "status", "receiver",
                "groupLabels", "commonLabels", "commonAnnotations", "externalURL", "alerts");
        assertThat(payload).containsEntry("version", "4")
                .containsEntry("groupKey", "{}:{alertname=\"LoadHigh\"}")
                .containsEntry("truncatedAlerts", 0)
                .containsEntry("status", "firing")
                .containsEntry("receiver", AlertmanagerPayload.RECEIVER)
                .containsEntry("groupLabels", Map.of("alertname", "LoadHigh"))
                .containsEntry("externalURL", URL);
        assertThat((Map<String, String>) payload.get("commonLabels")).containsExactlyInAnyOrderEntriesOf(
                Map.of("alertname", "LoadHigh", "instance", "i1", "severity", "warning"));
        assertThat((Map<String, String>) payload.get("commonAnnotations"))
                .containsExactlyInAnyOrderEntriesOf(Map.of("setting", "test.LoadHigh"));
        List<Map<String, Object>> alerts = alerts(sent.getFirst());
        assertThat(alerts).hasSize(2).allSatisfy(a -> {
            assertThat(a).containsOnlyKeys("status", "labels", "annotations", "startsAt", "endsAt", "generatorURL",
                    "fingerprint");
            assertThat(a).containsEntry("status", "firing").containsEntry("startsAt", at(0).toString())
                    .containsEntry("endsAt", "0001-01-01T00:00:00Z").containsEntry("generatorURL", URL);
            assertThat((String) a.get("fingerprint")).matches("[0-9a-f]{16}");
        });
        assertThat((Map<String, String>) alerts.getFirst().get("annotations"))
                .containsExactlyInAnyOrderEntriesOf(Map.of("summary", "0 at 20 %", "setting", "test.LoadHigh"));
        assertThat((Map<String, String>) alerts.getFirst().get("labels")).containsExactlyInAnyOrderEntriesOf(
                Map.of("alertname", "LoadHigh", "instance", "i1", "severity", "warning", "cpu", "0"));
        assertThat(alerts.get(0).get("fingerprint")).isNotEqualTo(alerts.get(1).get("fingerprint"));
    }

    @Test
    void theFingerprintIsStableAndDiffersForDifferentLabels() {
        String a = AlertmanagerPayload.fingerprint(labels("alertname", "LoadHigh", "cpu", "0"));
        assertThat(AlertmanagerPayload.fingerprint(labels("cpu", "0", "alertname", "LoadHigh"))).isEqualTo(a);
        assertThat(AlertmanagerPayload.fingerprint(labels("alertname", "LoadHigh", "cpu", "1"))).isNotEqualTo(a);
        assertThat(AlertmanagerPayload.fingerprint(labels("alertname", "LoadHigh", "cpu0", ""))).isNotEqualTo(a);
        // FNV-1a 64 of nothing is its offset basis: the hash is the standard one, not merely some stable one.
        assertThat(AlertmanagerPayload.fingerprint(labels())).isEqualTo("cbf29ce484222325");
    }
}
