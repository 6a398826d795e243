package com.nextleveltraders.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.nextleveltraders.cli.local.LocalMonitor;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "alerts", description = {
    "The alert rules of the platform `nlt up --data-dir DIR` runs, as its monitor evaluated them last: each"
            + " rule's current value per region, server, pool or operation, its state (OK, PENDING, FIRING) and"
            + " since when; then the last notifications and what became of them at each webhook.",
    "Exits 2 when no platform runs on DIR."})
final class AlertsCommand implements Callable<Integer> {

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    private static final int NOTIFICATIONS_SHOWN = 10;

    @Option(names = "--data-dir", paramLabel = "DIR", defaultValue = ".nlt-data",
            description = "the data dir of the running `nlt up` (default: ${DEFAULT-VALUE})")
    Path dataDir;

    @Option(names = "--json", description = "print the monitor's state as one JSON object instead of a table")
    boolean json;

    @Option(names = {"-h", "--help"}, usageHelp = true, description = "show this help and exit")
    boolean help;

    @Override
    public Integer call() throws IOException {
        Optional<ObjectNode> read = RunningPlatform.status(dataDir, LocalMonitor.STATUS_FILE);
        if (read.isEmpty()) {
            return Nlt.USAGE;
        }
        JsonNode status = read.get();
        if (json) {
            System.out.println(JSON.writeValueAsString(status));
            return 0;
        }
        String format = "%-24s %-8s %12s %12s %5s  %-20s %s%n";
        System.out.printf(format, "ALERT", "STATE", "VALUE", "THRESHOLD", "FOR", "SINCE", "LABELS");
        for (JsonNode rule : status.path("rules")) {
            String unit = rule.path("unit").asText();
            String threshold = figure(rule.path("threshold"), unit) + (rule.path("action").asText().equals("alert")
                    ? "" : "*");
            JsonNode readings = rule.path("readings");
            if (readings.isEmpty()) {
                System.out.printf(format, rule.path("name").asText(), "NO DATA", "-", threshold,
                        rule.path("for").asText(), "", labels(rule.path("labels")));
            }
            for (JsonNode r : readings) {
                System.out.printf(format, rule.path("name").asText(), r.path("state").asText(),
                        figure(r.path("value"), unit), threshold, rule.path("for").asText(),
                        r.path("since").asText(""), (labels(r.path("labels")) + " " + labels(rule.path("labels"))).strip());
            }
        }
        System.out.println("* action scale_up: the autoscaler acts on it; shown, never notified."
                + " Evaluated every " + status.path("interval").asText() + ", last at "
                + status.path("evaluatedAt").asText() + ".");
        JsonNode notifications = status.path("notifications");
        System.out.println(notifications.isEmpty() ? "no notifications yet" : "last notifications:");
        for (int i = Math.max(0, notifications.size() - NOTIFICATIONS_SHOWN); i < notifications.size(); i++) {
            JsonNode n = notifications.get(i);
            List<String> deliveries = new ArrayList<>();
            for (JsonNode d : n.path("deliveries")) {
                deliveries.add(d.path("url").asText() + ": " + d.path("result").asText() + " after "
                        + d.path("attempts").asInt() + " attempt(s)"
                        + (d.has("error") ? " (" + d.path("error").asText() + ")" : ""));
            }
            System.out.println("  " + n.path("at").asText() + " " + n.path("groupKey").asText() + " "
                    + n.path("status").asText() + " (" + n.path("reason").asText() + ", " + n.path("alerts").asInt()
                    + " alert(s)): " + (deliveries.isEmpty() ? "logged; no webhooks configured"
                    : String.join("; ", deliveries)));
        }
        for (JsonNode t : status.path("targets")) {
            if (!t.path("up").asBoolean()) {
                System.out.println("target " + t.path("id").asText() + " is down: " + t.path("error").asText());
            }
        }
        return 0;
    }

    private static String figure(JsonNode value, String unit) {
        if (value.isNull() || value.isMissingNode()) {
            return "-";
        }
        double v = value.asDouble();
        return String.format(Locale.ROOT, v >= 100 || v == Math.rint(v) ? "%.0f %s" : "%.2f %s", v, unit);
    }

    private static String labels(JsonNode labels) {
        List<String> parts = new ArrayList<>();
        labels.fields().forEachRemaining(e -> {
            if (!e.getKey().equals("severity")) {
                parts.add(e.getKey() + "=" + e.getValue().asText());
            }
        });
        return String.join(" ", parts);
    }
}
