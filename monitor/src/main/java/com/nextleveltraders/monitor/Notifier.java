package com.nextleveltraders.monitor;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns evaluations into notifications, Alertmanager's way with alerts grouped by {@code alertname}: one when an
 * alert of the group starts firing or resolves (all changes of one evaluation in one notification), and again
 * every {@code repeatInterval} while any of them fires. Each goes to the log and to {@code sink} (the webhooks).
 * Rules whose action is not {@code alert} are left to the autoscaler and never notify.
 *
 * <p>Not thread-safe: the evaluation thread calls it; {@link #recent()} may be read from any thread.
 */
public final class Notifier {

    private static final Logger LOG = LoggerFactory.getLogger(Notifier.class);
    private static final int KEPT = 50;

    private final Duration repeatInterval;
    private final String externalUrl;
    private final Consumer<Notification> sink;
    private final Map<String, Instant> lastSent = new HashMap<>();
    private final Deque<Notification> recent = new ArrayDeque<>();
    private long nextId = 1;

    /**
     * @param externalUrl where an operator sees the alerts (the gateway's {@code /admin/alerts}); Alertmanager's
     *                    {@code externalURL} and each alert's {@code generatorURL}
     */
    public Notifier(Duration repeatInterval, String externalUrl, Consumer<Notification> sink) {
        this.repeatInterval = repeatInterval;
        this.externalUrl = externalUrl;
        this.sink = sink;
    }

    /** Notifies what {@code evaluation} changed, and repeats what is due. */
    public void after(Evaluator.Evaluation evaluation) {
        Map<String, List<Evaluator.Alert>> changed = byGroup(evaluation.changed());
        Map<String, List<Evaluator.Alert>> firing = byGroup(evaluation.active().stream()
                .filter(a -> a.state() == Evaluator.State.FIRING).toList());
        for (String group : union(changed.keySet(), firing.keySet())) {
            List<Evaluator.Alert> alerts = new ArrayList<>(firing.getOrDefault(group, List.of()));
            List<Evaluator.Alert> resolved = changed.getOrDefault(group, List.of()).stream()
                    .filter(a -> a.state() == Evaluator.State.RESOLVED).toList();
            alerts.addAll(resolved);
            String reason;
            // A firing group never sent (its notification failed to be handed over) counts as changed.
            if (changed.containsKey(group) || !lastSent.containsKey(group)) {
                reason = "change";
            } else if (!evaluation.at().isBefore(lastSent.get(group).plus(repeatInterval))) {
                reason = "repeat";
            } else {
                continue;
            }
            send(group, alerts, reason, evaluation.at());
            if (firing.containsKey(group)) {
                lastSent.put(group, evaluation.at());
            } else {
                lastSent.remove(group);
            }
        }
    }

    private void send(String group, List<Evaluator.Alert> alerts, String reason, Instant at) {
        Map<String, Object> payload = AlertmanagerPayload.of(group, alerts, externalUrl);
        Notification n = new Notification(nextId++, at, AlertmanagerPayload.groupKey(group),
                (String) payload.get("status"), reason, alerts.size(), payload);
        for (Evaluator.Alert a : alerts) {
            if (a.state() == Evaluator.State.RESOLVED) {
                LOG.info("alert RESOLVED {}{}: {}", group, Expr.describe(a.labels()), a.summary());
            } else if (!"repeat".equals(reason)) {
                LOG.warn("alert FIRING {}{}: {}", group, Expr.describe(a.labels()), a.summary());
            }
        }
        synchronized (recent) {
            recent.addLast(n);
            while (recent.size() > KEPT) {
                recent.removeFirst();
            }
        }
        sink.accept(n);
    }

    /** The last notifications, oldest first. */
    public List<Notification> recent() {
        synchronized (recent) {
            return List.copyOf(recent);
        }
    }

    private static Map<String, List<Evaluator.Alert>> byGroup(List<Evaluator.Alert> alerts) {
        Map<String, List<Evaluator.Alert>> groups = new LinkedHashMap<>();
        for (Evaluator.Alert a : alerts) {
            if (a.rule().notifies()) {
                groups.computeIfAbsent(a.rule().name(), k -> new ArrayList<>()).add(a);
            }
        }
        return groups;
    }

    private static List<String> union(java.util.Set<String> a, java.util.Set<String> b) {
        List<String> all = new ArrayList<>(a);
        b.stream().filter(x -> !a.contains(x)).forEach(all::add);
        return all;
    }
}
