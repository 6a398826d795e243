package com.nextleveltraders.config;

import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * Metric thresholds and what to do when they are crossed: {@code monitoring}. The strategy gives the
 * thresholds; the rest says how they are evaluated, Prometheus's way.
 *
 * @param interval       how often every rule is evaluated (Prometheus's {@code evaluation_interval})
 * @param keepFiringFor  how long a firing rule's condition must have been false before it resolves, so that
 *                       a value hovering at its threshold does not flap (Prometheus's {@code keep_firing_for})
 * @param repeatInterval how often a notification is sent again while its alerts keep firing
 * @param webhooks       where notifications go besides the log, as Alertmanager webhook payloads (version 4)
 * @param disabledMetrics Micrometer meter-name prefixes the gateway and the instances do not record (as Spring
 *                       Boot's {@code management.metrics.enable.<name>: false}): a denied meter is a no-op and is
 *                       missing from {@code /metrics}, so an alert reading it has no data
 */
public record Monitoring(Duration interval, Duration keepFiringFor, Duration repeatInterval, List<String> webhooks,
        List<String> disabledMetrics, SystemAlerts system, ApplicationAlerts application, DatabaseAlerts database) {

    public Monitoring {
        Objects.requireNonNull(interval, "interval");
        Objects.requireNonNull(keepFiringFor, "keepFiringFor");
        Objects.requireNonNull(repeatInterval, "repeatInterval");
        webhooks = List.copyOf(Objects.requireNonNull(webhooks, "webhooks"));
        disabledMetrics = List.copyOf(Objects.requireNonNull(disabledMetrics, "disabledMetrics"));
        Objects.requireNonNull(system, "system");
        Objects.requireNonNull(application, "application");
        Objects.requireNonNull(database, "database");
        Ranges.of(Monitoring.class)
                .positive("interval", interval)
                .that(!keepFiringFor.isNegative(), "keepFiringFor", "must be >= 0 (got "
                        + Durations.describe(keepFiringFor) + ")")
                .positive("repeatInterval", repeatInterval)
                .webUrls("webhooks", webhooks)
                .that(disabledMetrics.stream().noneMatch(String::isBlank), "disabledMetrics",
                        "must not hold a blank prefix (it would deny every meter)")
                .check();
    }
}
