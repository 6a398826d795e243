package com.nextleveltraders.cli;

import static com.nextleveltraders.cli.KubernetesManifests.document;
import static com.nextleveltraders.cli.KubernetesManifests.map;
import static com.nextleveltraders.cli.KubernetesManifests.metadata;
import static com.nextleveltraders.cli.KubernetesManifests.seconds;

import com.nextleveltraders.config.AutoScaling;
import com.nextleveltraders.config.PlatformConfig;
import com.nextleveltraders.config.Scaling;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * The HorizontalPodAutoscaler of the API pods ({@code hpa.yaml}): the {@code autoScaling} rules as far as an
 * HPA can express them, and in its header comments where and why it differs from them. Its length is the text
 * of those comments.
 */
final class HpaManifest {

    // The period over which an HPA policy allows one increment or decrement.
    private static final Duration POLICY_PERIOD = Duration.ofSeconds(60);

    private HpaManifest() {
    }

    static String render(PlatformConfig config, String namespace) {
        Scaling scaling = config.scaling();
        AutoScaling rules = config.autoScaling();
        var up = rules.scaleUp();
        var down = rules.scaleDown();
        Duration upWindow = Stream.of(up.cpu().duration(), up.memory().duration(), up.responseTime().duration())
                .min(Duration::compareTo).orElseThrow();
        Duration downWindow = Stream.of(down.cpu().duration(), down.memory().duration())
                .max(Duration::compareTo).orElseThrow();
        int increment = Math.max(Math.max(up.cpu().increment(), up.memory().increment()), up.responseTime().increment());
        int decrement = Math.min(down.cpu().decrement(), down.memory().decrement());
        Duration latency = up.responseTime().threshold();
        String latencyQuantity = latency.toMillis() + "m";
        Duration rateWindow = config.monitoring().application().responseTime().window();

        Map<String, Object> root = map(
                "apiVersion", "autoscaling/v2",
                "kind", "HorizontalPodAutoscaler",
                "metadata", metadata(namespace),
                "spec", map(
                        "scaleTargetRef", map("apiVersion", "apps/v1", "kind", "Deployment", "name", KubernetesManifests.NAME),
                        "minReplicas", scaling.minInstances(),
                        "maxReplicas", scaling.maxInstances(),
                        "metrics", List.of(
                                map("type", "Resource", "resource", map("name", "cpu",
                                        "target", map("type", "Utilization",
                                                "averageUtilization", up.cpu().threshold()))),
                                map("type", "Resource", "resource", map("name", "memory",
                                        "target", map("type", "Utilization",
                                                "averageUtilization", up.memory().threshold()))),
                                map("type", "Pods", "pods", map(
                                        "metric", map("name", KubernetesManifests.LATENCY_METRIC),
                                        "target", map("type", "AverageValue", "averageValue", latencyQuantity)))),
                        "behavior", map(
                                "scaleUp", map(
                                        "stabilizationWindowSeconds", seconds(upWindow),
                                        "selectPolicy", "Max",
                                        "policies", List.of(map("type", "Pods", "value", increment,
                                                "periodSeconds", seconds(POLICY_PERIOD)))),
                                "scaleDown", map(
                                        "stabilizationWindowSeconds", seconds(downWindow),
                                        "selectPolicy", "Max",
                                        "policies", List.of(map("type", "Pods", "value", decrement,
                                                "periodSeconds", seconds(POLICY_PERIOD)))))));
        return document(root,
                "HorizontalPodAutoscaler " + KubernetesManifests.NAME + ": the autoScaling rules, as far as an HPA (autoscaling/v2) can"
                        + " express them.",
                "Replicas from scaling.minInstances (" + scaling.minInstances() + ") to scaling.maxInstances ("
                        + scaling.maxInstances() + "). Targets: cpu " + up.cpu().threshold() + "%, memory "
                        + up.memory().threshold() + "% (autoScaling.scaleUp thresholds),",
                "p99 response time " + latency.toMillis() + "ms (autoScaling.scaleUp.responseTime.threshold,"
                        + " as the quantity " + latencyQuantity + " seconds).",
                "",
                "Where the HPA differs from the rules:",
                "- Proposals, not increments. For each metric the HPA proposes ceil(replicas × current / target)"
                        + " pods and takes the",
                "  largest proposal; the rules add a fixed increment per rule (cpu " + up.cpu().increment()
                        + ", memory " + up.memory().increment() + ", responseTime " + up.responseTime().increment()
                        + "). Only the largest increment",
                "  survives, as a cap: at most " + increment + " pods per " + seconds(POLICY_PERIOD)
                        + "s (behavior.scaleUp; the period is ours, the rules have none).",
                "- No scale-down thresholds. The rules remove an instance only while every down condition holds (cpu"
                        + " below " + down.cpu().threshold() + "%,",
                "  memory below " + down.memory().threshold() + "%). The HPA has no such band: it scales down as soon"
                        + " as every metric proposes fewer pods than now, that is when",
                "  each utilisation is more than the tolerance below its target (cpu below about "
                        + Math.round(up.cpu().threshold() * 0.9) + "%), and then to the",
                "  count that brings it back to the target, at most " + decrement + " pod(s) per "
                        + seconds(POLICY_PERIOD) + "s (the smaller decrement, as every condition must hold).",
                "- Tolerance. The HPA ignores ratios within 10% of 1 (the controller's"
                        + " --horizontal-pod-autoscaler-tolerance, cluster-wide;",
                "  per-HPA tolerance is alpha since Kubernetes 1.33). The rules compare with the threshold exactly.",
                "- Durations are stabilization windows. The rules act when a condition has held for its duration;"
                        + " the HPA scales up to",
                "  the lowest of its recommendations over the last " + seconds(upWindow) + "s and down to the"
                        + " highest over the last " + seconds(downWindow) + "s. One window",
                "  per direction: the shortest scale-up duration and the longest scale-down duration.",
                "- Averaging. The HPA reads the current usage from metrics-server (its scrape window, often 15s to"
                        + " 1m), not averages over",
                "  scaling.triggers' windows (cpu " + seconds(scaling.triggers().cpu().window()) + "s, memory "
                        + seconds(scaling.triggers().memory().window()) + "s); the stabilization windows stand in"
                        + " for them. scaling.triggers' targets",
                "  are not used: the targets are the autoScaling.scaleUp thresholds.",
                "- Utilisation is relative to the pods' requests (deployment.yaml), averaged over the pods; pods not"
                        + " ready yet count as",
                "  0% CPU when scaling up.",
                "- Memory: a JVM's memory is its committed heap plus metaspace, threads and direct buffers, and it"
                        + " rarely gives heap back.",
                "  Memory utilisation follows how much heap the JVM once committed, not load: after a peak it can"
                        + " hold replicas up,",
                "  since the HPA scales down only when every metric proposes fewer pods.",
                "- Response time needs an adapter. " + KubernetesManifests.LATENCY_METRIC + " must come from the custom metrics API, e.g."
                        + " prometheus-adapter with",
                "    seriesQuery: 'http_server_requests_seconds_bucket{namespace!=\"\",pod!=\"\"}'",
                "    name: { as: \"" + KubernetesManifests.LATENCY_METRIC + "\" }",
                "    metricsQuery: 'histogram_quantile(0.99, sum by (le, <<.GroupBy>>)"
                        + " (rate(http_server_requests_seconds_bucket{<<.LabelMatchers>>}[" + seconds(rateWindow)
                        + "s])))'",
                "  (the window is monitoring.application.responseTime.window). The API's histogram has buckets at the"
                        + " alert thresholds",
                "  (monitoring.application.responseTime and monitoring.database.queryTime), so whether the p99 is"
                        + " above such a threshold is",
                "  exact, how far above is interpolated. The HPA averages the pods' p99s, which is not the p99 of all"
                        + " requests, and latency",
                "  does not fall in proportion to pods added. Without the adapter this metric is unavailable: the HPA"
                        + " still scales up on",
                "  cpu and memory but never scales down (it does not scale down while any metric is missing).",
                "- One Deployment across zones: the HPA scales the total; the topology spread in deployment.yaml"
                        + " spreads it over",
                "  scaling.regions. No region scales by itself.");
    }
}
