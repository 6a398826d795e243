package com.nextleveltraders.monitor;

import java.time.Instant;
import java.util.Map;
import java.util.Objects;

/**
 * One notification of a group of alerts: what goes to the log and, as its Alertmanager webhook payload, to
 * every receiver.
 *
 * @param id       increasing within one monitor, to match deliveries with it
 * @param groupKey Alertmanager's key of the group, e.g. {@code {}:{alertname="ErrorRateHigh"}}
 * @param status   {@code firing} while any alert of the group fires, else {@code resolved}
 * @param reason   why it was sent: {@code change} (an alert started firing or resolved) or {@code repeat}
 * @param payload  the Alertmanager webhook payload, version 4, ready to be written as JSON
 */
public record Notification(long id, Instant at, String groupKey, String status, String reason, int alerts,
        Map<String, Object> payload) {

    public Notification {
        Objects.requireNonNull(at, "at");
        Objects.requireNonNull(groupKey, "groupKey");
        Objects.requireNonNull(status, "status");
        Objects.requireNonNull(reason, "reason");
        payload = java.util.Collections.unmodifiableMap(payload);
    }
}
