package com.nextleveltraders.monitor;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * Alertmanager's webhook payload, version 4, built as Alertmanager builds it for a group of alerts grouped by
 * {@code alertname}: the group's labels, the labels and annotations all its alerts share, and each alert with
 * its own status, times and fingerprint.
 */
final class AlertmanagerPayload {

    /** Alertmanager's "no end yet" for a firing alert. */
    static final String NO_END = "0001-01-01T00:00:00Z";
    static final String RECEIVER = "nlt-webhooks";
    private static final long FNV_OFFSET = 0xcbf29ce484222325L;
    private static final long FNV_PRIME = 0x100000001b3L;
    private static final byte SEPARATOR = (byte) 0xff;

    private AlertmanagerPayload() {
    }

    static String groupKey(String alertname) {
        return "{}:{alertname=\"" + alertname + "\"}";
    }

    /** The payload for the alerts of one group, firing or just resolved. */
    static Map<String, Object> of(String alertname, List<Evaluator.Alert> alerts, String externalUrl) {
        boolean firing = alerts.stream().anyMatch(a -> a.state() == Evaluator.State.FIRING);
        List<Map<String, Object>> items = new ArrayList<>();
        Map<String, String> commonLabels = null;
        Map<String, String> commonAnnotations = null;
        for (Evaluator.Alert a : alerts) {
            Map<String, String> annotations = annotations(a);
            commonLabels = intersect(commonLabels, a.labels());
            commonAnnotations = intersect(commonAnnotations, annotations);
            Map<String, Object> item = new LinkedHashMap<>();
            item.put("status", a.state() == Evaluator.State.RESOLVED ? "resolved" : "firing");
            item.put("labels", a.labels());
            item.put("annotations", annotations);
            item.put("startsAt", (a.firedAt() == null ? a.activeAt() : a.firedAt()).toString());
            item.put("endsAt", a.resolvedAt() == null ? NO_END : a.resolvedAt().toString());
            item.put("generatorURL", externalUrl);
            item.put("fingerprint", fingerprint(a.labels()));
            items.add(item);
        }
        Map<String, Object> payload = new LinkedHashMap<>();
        payload.put("version", "4");
        payload.put("groupKey", groupKey(alertname));
        payload.put("truncatedAlerts", 0);
        payload.put("status", firing ? "firing" : "resolved");
        payload.put("receiver", RECEIVER);
        payload.put("groupLabels", Map.of("alertname", alertname));
        payload.put("commonLabels", commonLabels == null ? Map.of() : commonLabels);
        payload.put("commonAnnotations", commonAnnotations == null ? Map.of() : commonAnnotations);
        payload.put("externalURL", externalUrl);
        payload.put("alerts", items);
        return payload;
    }

    private static Map<String, String> annotations(Evaluator.Alert a) {
        Map<String, String> annotations = new TreeMap<>();
        annotations.put("summary", a.summary());
        annotations.put("setting", a.rule().seedKey());
        return annotations;
    }

    private static Map<String, String> intersect(Map<String, String> common, Map<String, String> next) {
        if (common == null) {
            return new TreeMap<>(next);
        }
        common.entrySet().removeIf(e -> !e.getValue().equals(next.get(e.getKey())));
        return common;
    }

    /** Prometheus's fingerprint of a label set: FNV-1a 64 over the sorted names and values, 16 hex digits. */
    static String fingerprint(SortedMap<String, String> labels) {
        long hash = FNV_OFFSET;
        for (Map.Entry<String, String> e : labels.entrySet()) {
            hash = fnv(hash, e.getKey());
            hash = fnv(hash, SEPARATOR);
            hash = fnv(hash, e.getValue());
            hash = fnv(hash, SEPARATOR);
        }
        return String.format("%016x", hash);
    }

    private static long fnv(long hash, String text) {
        for (byte b : text.getBytes(StandardCharsets.UTF_8)) {
            hash = fnv(hash, b);
        }
        return hash;
    }

    private static long fnv(long hash, byte b) {
        return (hash ^ (b & 0xff)) * FNV_PRIME;
    }
}
