package com.nextleveltraders.monitor;

import com.nextleveltraders.config.Monitoring;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;

/** The monitor's state as JSON-ready maps: rules with their readings, active alerts, notifications, targets. */
final class StatusView {

    private StatusView() {
    }

    static Map<String, Object> of(Monitoring config, List<AlertRule> rules, Evaluator.Evaluation evaluation,
            List<Notification> notifications, Webhooks webhooks, List<Monitor.TargetHealth> targets) {
        Map<SortedMap<String, String>, Evaluator.Alert> alertsByLabels = new LinkedHashMap<>();
        evaluation.active().forEach(a -> alertsByLabels.put(a.labels(), a));
        Map<String, Object> view = new LinkedHashMap<>();
        view.put("evaluatedAt", evaluation.at().toString());
        view.put("interval", Expr.duration(config.interval()));
        List<Map<String, Object>> ruleViews = new ArrayList<>();
        for (int i = 0; i < rules.size(); i++) {
            AlertRule rule = rules.get(i);
            Map<String, Object> r = new LinkedHashMap<>();
            r.put("name", rule.name());
            r.put("setting", rule.seedKey());
            r.put("action", rule.action().toString());
            r.put("labels", rule.labels());
            r.put("expr", rule.expr().promql());
            r.put("threshold", rule.threshold());
            r.put("unit", rule.unit());
            r.put("for", Expr.duration(rule.holdFor()));
            List<Map<String, Object>> readings = new ArrayList<>();
            for (Evaluator.Reading reading : evaluation.readings().get(i)) {
                Map<String, Object> v = new LinkedHashMap<>();
                v.put("labels", reading.labels());
                v.put("value", finite(reading.value()));
                Evaluator.Alert alert = alertsByLabels.get(rule.alertLabels(reading.labels()));
                v.put("state", alert == null ? "OK" : alert.state().name());
                if (alert != null) {
                    v.put("since", (alert.firedAt() == null ? alert.activeAt() : alert.firedAt()).toString());
                }
                readings.add(v);
            }
            r.put("readings", readings);
            ruleViews.add(r);
        }
        view.put("rules", ruleViews);
        List<Map<String, Object>> alerts = new ArrayList<>();
        for (Evaluator.Alert a : evaluation.active()) {
            Map<String, Object> v = new LinkedHashMap<>();
            v.put("alertname", a.rule().name());
            v.put("state", a.state().name());
            v.put("labels", a.labels());
            v.put("value", finite(a.value()));
            v.put("activeAt", a.activeAt().toString());
            if (a.firedAt() != null) {
                v.put("firedAt", a.firedAt().toString());
            }
            v.put("notifies", a.rule().notifies());
            v.put("summary", a.summary());
            alerts.add(v);
        }
        view.put("alerts", alerts);
        List<Webhooks.Delivery> deliveries = webhooks.recent();
        List<Map<String, Object>> sent = new ArrayList<>();
        for (Notification n : notifications) {
            Map<String, Object> v = new LinkedHashMap<>();
            v.put("id", n.id());
            v.put("at", n.at().toString());
            v.put("groupKey", n.groupKey());
            v.put("status", n.status());
            v.put("reason", n.reason());
            v.put("alerts", n.alerts());
            v.put("deliveries", deliveries.stream().filter(d -> d.notification() == n.id()).map(d -> {
                Map<String, Object> dv = new LinkedHashMap<>();
                dv.put("url", d.url());
                dv.put("result", d.result());
                dv.put("attempts", d.attempts());
                dv.put("at", d.at().toString());
                if (d.error() != null) {
                    dv.put("error", d.error());
                }
                return dv;
            }).toList());
            sent.add(v);
        }
        view.put("notifications", sent);
        view.put("deliveries", Map.of("delivered", webhooks.delivered(), "failed", webhooks.failed(),
                "dropped", webhooks.dropped()));
        List<Map<String, Object>> targetViews = new ArrayList<>();
        for (Monitor.TargetHealth t : targets) {
            Map<String, Object> v = new LinkedHashMap<>();
            v.put("id", t.id());
            v.put("up", t.up());
            if (t.error() != null) {
                v.put("error", t.error());
            }
            targetViews.add(v);
        }
        view.put("targets", targetViews);
        return view;
    }

    /** JSON has no NaN or infinity: such a value is shown as null. */
    private static Double finite(double value) {
        return Double.isFinite(value) ? value : null;
    }
}
