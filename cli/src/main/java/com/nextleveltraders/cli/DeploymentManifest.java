package com.nextleveltraders.cli;

import static com.nextleveltraders.cli.KubernetesManifests.document;
import static com.nextleveltraders.cli.KubernetesManifests.labels;
import static com.nextleveltraders.cli.KubernetesManifests.map;
import static com.nextleveltraders.cli.KubernetesManifests.metadata;
import static com.nextleveltraders.cli.KubernetesManifests.seconds;

import com.nextleveltraders.config.DbPool;
import com.nextleveltraders.config.HealthCheck;
import com.nextleveltraders.config.KubernetesPod;
import com.nextleveltraders.config.PerUser;
import com.nextleveltraders.config.PlatformConfig;
import com.nextleveltraders.config.Scaling;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * The Deployment of the API pods ({@code deployment.yaml}): probes from {@code loadBalancer.healthCheck}, the
 * pod's size from {@code platform.kubernetes}, a shutdown that drains in-flight requests, a spread over the
 * zones of {@code scaling.regions}; its header comments explain each choice. Its length is the text of those
 * comments.
 */
final class DeploymentManifest {

    // How long a starting JVM may take to open its port before liveness applies.
    private static final Duration STARTUP_BUDGET = Duration.ofMinutes(2);
    // Added to the preStop sleep and the request drain, for the JVM's own shutdown.
    private static final Duration SHUTDOWN_MARGIN = Duration.ofSeconds(5);

    private DeploymentManifest() {
    }

    static String render(PlatformConfig config, String image, String namespace) {
        Scaling scaling = config.scaling();
        HealthCheck check = config.loadBalancer().healthCheck();
        DbPool pool = config.database().pool();
        long period = seconds(check.interval());
        long timeout = seconds(check.timeout());
        long preStop = seconds(check.interval());
        // The API refuses new requests on SIGTERM and gives in-flight ones up to their timeout: a connection wait
        // and one statement.
        long drain = seconds(pool.requestTimeout());
        long grace = preStop + drain + seconds(SHUTDOWN_MARGIN);
        long startupFailures = Math.max(1, Math.ceilDiv(seconds(STARTUP_BUDGET), period));
        KubernetesPod pod = config.platform().kubernetes();
        long cpuRequestMillis = pod.cpuRequestMillis();
        long cpuLimitMillis = pod.cpuLimitMillis();
        long memoryMib = pod.memory().mebibytes();
        PerUser perUser = config.capacity().perUser();
        long usersByCpu = perUser.cpu() <= 0 ? 0 : (long) Math.floor(cpuRequestMillis / 1000.0 / perUser.cpu());
        long usersByMemory = perUser.memory().bytes() == 0 ? 0 : pod.memory().bytes() / perUser.memory().bytes();
        long usersPerPod = Math.min(usersByCpu, usersByMemory);

        Map<String, Object> http = map("name", "http", "containerPort", config.platform().api().port(),
                "protocol", "TCP");
        Map<String, Object> container = map(
                "name", "api",
                "image", image,
                "ports", List.of(http),
                "env", List.of(map("name", "JAVA_TOOL_OPTIONS", "value", "-XX:MaxRAMPercentage=" + pod.heapPercent())),
                "resources", map(
                        "requests", map("cpu", cpuRequestMillis + "m", "memory", memoryMib + "Mi"),
                        "limits", map("cpu", cpuLimitMillis + "m", "memory", memoryMib + "Mi")),
                "startupProbe", map(
                        "tcpSocket", map("port", "http"),
                        "periodSeconds", period,
                        "timeoutSeconds", timeout,
                        "failureThreshold", startupFailures,
                        "successThreshold", 1),
                "readinessProbe", map(
                        "httpGet", map("path", check.path(), "port", "http"),
                        "periodSeconds", period,
                        "timeoutSeconds", timeout,
                        "failureThreshold", check.unhealthyThreshold(),
                        "successThreshold", check.healthyThreshold()),
                "livenessProbe", map(
                        "tcpSocket", map("port", "http"),
                        "periodSeconds", period,
                        "timeoutSeconds", timeout,
                        "failureThreshold", check.unhealthyThreshold(),
                        "successThreshold", 1),
                "lifecycle", map("preStop", map("sleep", map("seconds", preStop))));
        Map<String, Object> inRegions = map("key", KubernetesManifests.ZONE_LABEL, "operator", "In", "values", scaling.regions());
        Map<String, Object> nodeAffinity = map("requiredDuringSchedulingIgnoredDuringExecution",
                map("nodeSelectorTerms", List.of(map("matchExpressions", List.of(inRegions)))));
        Map<String, Object> podSpec = map(
                "terminationGracePeriodSeconds", grace,
                "affinity", map("nodeAffinity", nodeAffinity),
                "topologySpreadConstraints", List.of(map(
                        "maxSkew", 1,
                        "topologyKey", KubernetesManifests.ZONE_LABEL,
                        "whenUnsatisfiable", "DoNotSchedule",
                        "labelSelector", map("matchLabels", labels()),
                        "matchLabelKeys", List.of("pod-template-hash"))),
                "containers", List.of(container));
        Map<String, Object> root = map(
                "apiVersion", "apps/v1",
                "kind", "Deployment",
                "metadata", metadata(namespace),
                "spec", map(
                        "selector", map("matchLabels", labels()),
                        "strategy", map("type", "RollingUpdate",
                                "rollingUpdate", map("maxSurge", "25%", "maxUnavailable", 0)),
                        "template", map("metadata", map("labels", labels()), "spec", podSpec)));
        return document(root,
                "Deployment " + KubernetesManifests.NAME + ": the API instances.",
                "",
                "No spec.replicas: the HorizontalPodAutoscaler (hpa.yaml) owns the count, from scaling.minInstances ("
                        + scaling.minInstances() + ") to scaling.maxInstances (" + scaling.maxInstances() + ").",
                "  With replicas here, every `kubectl apply` would set a scaled-out Deployment back to that number",
                "  and end pods under load; the HPA raises a new Deployment to minReplicas at once.",
                "",
                "Probes follow loadBalancer.healthCheck: every " + period + "s with a " + timeout + "s timeout; "
                        + check.unhealthyThreshold() + " failures (unhealthyThreshold) take a pod",
                "  out of the Service, " + check.healthyThreshold() + " successes (healthyThreshold) bring it back."
                        + " Kubernetes requires successThreshold 1 for liveness and",
                "  startup probes, so only readiness carries " + check.healthyThreshold() + ".",
                "- readiness: GET " + check.path() + ", which answers 503 while PostgreSQL or Redis is unreachable.",
                "- liveness: the port accepts connections, with the same period, timeout and failures. Not "
                        + check.path() + ":",
                "  during a database outage it would restart every pod, which heals nothing and adds cold starts.",
                "- startup: the port opens within " + seconds(STARTUP_BUDGET) + "s (" + startupFailures + " × "
                        + period + "s) before liveness applies to a starting JVM.",
                "",
                "Resources: capacity.perUser (" + perUser.cpu() + " core, " + perUser.memory() + " per active user)"
                        + " is per user, not per pod, so it does not size a pod: platform.kubernetes does.",
                "  At the requests below a pod holds about " + usersPerPod + " active users by those figures (" + usersByCpu
                        + " by CPU, " + usersByMemory + " by memory), " + scaling.maxInstances() + " pods about "
                        + usersPerPod * scaling.maxInstances() + ".",
                "- cpu: request " + cpuRequestMillis + "m. The HPA's CPU utilisation is relative to the request, not"
                        + " the limit: a target of " + config.autoScaling().scaleUp().cpu().threshold() + "% means",
                "  " + cpuRequestMillis * config.autoScaling().scaleUp().cpu().threshold() / 100
                        + "m per pod on average. Changing the request changes when the HPA scales.",
                "  Limit " + cpuLimitMillis + "m: bursts (GC, JIT, start-up) above the request are allowed, and the JVM"
                        + " sizes its GC and virtual-thread carrier pools",
                "  to " + Math.ceilDiv(cpuLimitMillis, 1000) + " processors (from the limit) instead of the node's core count.",
                "- memory: request = limit = " + memoryMib + "Mi, so a pod is not killed for using what it was"
                        + " promised. The heap may take " + pod.heapPercent() + "% of it",
                "  (JAVA_TOOL_OPTIONS); the rest is metaspace, threads, code cache and Netty's direct buffers. With a full"
                        + " heap a pod",
                "  typically sits near two thirds of the request, below the HPA's memory target of " + config.autoScaling().scaleUp().memory()
                        .threshold() + "%: a JVM keeps the heap it once committed, so memory",
                "  utilisation says little about load (see hpa.yaml).",
                "",
                "Shutdown: when a pod is deleted, its endpoint is removed while preStop sleeps " + preStop
                        + "s (one health-check interval), so kube-proxy,",
                "  ingresses and balancers stop sending to it before the JVM gets SIGTERM. The API then refuses new"
                        + " requests and gives",
                "  in-flight ones up to " + drain + "s (database.pool.connectionTimeout + statementTimeout)."
                        + " terminationGracePeriodSeconds = " + preStop + " + " + drain + " + "
                        + seconds(SHUTDOWN_MARGIN) + " = " + grace + ".",
                "  The preStop sleep action needs Kubernetes 1.30 or later (no shell needed in the image).",
                "",
                "Zones: pods run only on nodes whose " + KubernetesManifests.ZONE_LABEL + " is one of scaling.regions ("
                        + String.join(", ", scaling.regions()) + ")",
                "  and spread evenly over them (maxSkew 1; DoNotSchedule: a pod waits rather than piling into one"
                        + " zone). The regions",
                "  must be the values of that label on the nodes. matchLabelKeys keeps the spread per revision"
                        + " during a rollout.",
                "",
                "The image runs the API with the platform's configuration; there platform.api.host must be 0.0.0.0"
                        + " (the default,",
                "  127.0.0.1, is reachable neither by the probes nor by the Service) and platform.api.port "
                        + config.platform().api().port() + ".");
    }
}
