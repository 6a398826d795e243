package com.nextleveltraders.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.nextleveltraders.cli.local.GatewayAdmin;
import com.nextleveltraders.cli.local.LocalAutoscaler;
import com.nextleveltraders.config.Secrets;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "scale", description = "The API instances of a running platform and the autoscaler's decisions.",
        subcommands = {ScaleCommand.Status.class})
final class ScaleCommand {

    @Command(name = "status", description = {
        "The instances behind the gateway of the platform `nlt up --data-dir DIR` runs: id, pid, region, port,"
                + " health at the gateway, requests in flight, CPU, memory and response time p99 at the last"
                + " autoscaling round; then the target and the last decisions with their reasons.",
        "Exits 2 when no platform runs on DIR."})
    static final class Status implements Callable<Integer> {

        private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
        private static final int DECISIONS_SHOWN = 10;

        @Option(names = "--data-dir", paramLabel = "DIR", defaultValue = ".nlt-data",
                description = "the data dir of the running `nlt up` (default: ${DEFAULT-VALUE})")
        Path dataDir;

        @Option(names = "--json", description = "print one JSON object instead of a table")
        boolean json;

        @Option(names = {"-h", "--help"}, usageHelp = true, description = "show this help and exit")
        boolean help;

        @Override
        public Integer call() throws IOException, InterruptedException {
            Path dir = dataDir.toAbsolutePath().normalize();
            Optional<ObjectNode> read = RunningPlatform.status(dataDir, LocalAutoscaler.STATUS_FILE);
            if (read.isEmpty()) {
                return Nlt.USAGE;
            }
            ObjectNode status = read.get();
            Map<String, GatewayAdmin.Backend> live = liveBackends(dir);
            for (JsonNode instance : status.path("instances")) {
                GatewayAdmin.Backend backend = live.get(instance.path("id").asText());
                ObjectNode node = (ObjectNode) instance;
                node.put("health", backend == null ? "UNKNOWN" : backend.draining() ? "DRAINING" : backend.state());
                if (backend != null) {
                    node.put("inFlight", backend.inFlight());
                }
            }
            if (json) {
                System.out.println(JSON.writeValueAsString(status));
                return 0;
            }
            System.out.printf("%-8s %8s %-6s %6s %-9s %8s %6s %6s %9s%n", "ID", "PID", "REGION", "PORT", "HEALTH",
                    "INFLIGHT", "CPU%", "MEM%", "P99");
            for (JsonNode i : status.path("instances")) {
                System.out.printf("%-8s %8d %-6s %6d %-9s %8s %6s %6s %9s%n", i.path("id").asText(), i.path("pid").asLong(),
                        i.path("region").asText(), i.path("port").asInt(), i.path("health").asText(),
                        i.has("inFlight") ? i.path("inFlight").asText() : "?", figure(i, "cpuPercent"),
                        figure(i, "memoryPercent"), i.has("p99Millis") ? figure(i, "p99Millis") + " ms" : "?");
            }
            System.out.println("target " + status.path("target").asInt() + " instances (between "
                    + status.path("minInstances").asInt() + " and " + status.path("maxInstances").asInt()
                    + "), as of " + status.path("updatedAt").asText());
            JsonNode decisions = status.path("decisions");
            int from = Math.max(0, decisions.size() - DECISIONS_SHOWN);
            System.out.println("last decisions:");
            for (int k = from; k < decisions.size(); k++) {
                JsonNode d = decisions.get(k);
                System.out.println("  " + d.path("at").asText() + " " + d.path("kind").asText() + " "
                        + d.path("from").asInt() + " -> " + d.path("to").asInt() + ": " + d.path("reason").asText());
            }
            return 0;
        }

        private static String figure(JsonNode node, String field) {
            return node.has(field) ? String.format(Locale.ROOT, "%.1f", node.path(field).asDouble()) : "?";
        }

        /** Health and in-flight requests right now, from the gateway; empty when it does not answer. */
        private static Map<String, GatewayAdmin.Backend> liveBackends(Path dir) throws InterruptedException {
            Map<String, GatewayAdmin.Backend> backends = new HashMap<>();
            try {
                String[] ports = Files.readString(dir.resolve("run").resolve("gateway.ports")).strip().split(" ");
                String token = Secrets.read(dir.resolve("secrets").resolve("gateway-admin-token"));
                try (GatewayAdmin admin = new GatewayAdmin(Integer.parseInt(ports[1]), token, Duration.ofSeconds(1))) {
                    admin.backends().forEach(b -> backends.put(b.id(), b));
                }
            } catch (IOException | RuntimeException e) {
                System.err.println("the gateway did not answer (" + e.getMessage() + "); health is UNKNOWN");
            }
            return backends;
        }
    }
}
