package com.nextleveltraders.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.nextleveltraders.cli.local.LocalAutoscaler;
import com.nextleveltraders.config.ConfigException;
import com.nextleveltraders.config.ConfigLoader;
import com.nextleveltraders.config.PlatformConfig;
import com.nextleveltraders.monitor.PrometheusExport;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "monitoring", description = "The platform's alert rules for a Prometheus of your own.",
        subcommands = {MonitoringCommand.Export.class})
final class MonitoringCommand {

    @Command(name = "export", description = {
        "Writes into DIR the alert rules `nlt up` evaluates, as Prometheus rules (rules.yml), a promtool unit test"
                + " per rule (rules.test.yml), a Prometheus configuration scraping the gateway and the instances"
                + " (prometheus.yml) and a Grafana dashboard (grafana-dashboard.json).",
        "Targets are those of the platform running on --data-dir, or with --k8s the pods of `nlt k8s export`."})
    static final class Export implements Callable<Integer> {

        private static final ObjectMapper JSON = new ObjectMapper();

        @Parameters(paramLabel = "DIR", description = "where to write the files (created if missing)")
        Path out;

        @Option(names = "--config", paramLabel = "FILE", description = "your configuration file (nlt-defaults.yaml"
                + " values apply where it says nothing)")
        Path configFile;

        @Option(names = "--data-dir", paramLabel = "DIR", defaultValue = ".nlt-data",
                description = "the data dir of a running `nlt up`, whose gateway and instances are scraped"
                        + " (default: ${DEFAULT-VALUE})")
        Path dataDir;

        @Option(names = "--k8s", description = "discover the API pods (and a gateway pod) in Kubernetes instead")
        boolean kubernetes;

        @Option(names = "--namespace", paramLabel = "NAME", defaultValue = "nlt",
                description = "the pods' namespace with --k8s (default: ${DEFAULT-VALUE})")
        String namespace;

        @Option(names = {"-h", "--help"}, usageHelp = true, description = "show this help and exit")
        boolean help;

        @Override
        public Integer call() throws IOException {
            PlatformConfig config;
            try {
                config = ConfigLoader.load(configFile == null ? List.of() : List.of(configFile));
            } catch (ConfigException e) {
                System.err.println("invalid configuration in " + configFile + ":");
                e.problems().forEach(problem -> System.err.println("  " + problem));
                return Nlt.USAGE;
            }
            Path run = dataDir.toAbsolutePath().normalize().resolve("run");
            String gateway = "127.0.0.1:" + config.platform().gateway().adminPort();
            List<PrometheusExport.Instance> instances = new ArrayList<>();
            Path ports = run.resolve("gateway.ports");
            Path scale = run.resolve(LocalAutoscaler.STATUS_FILE);
            if (!kubernetes && Files.isRegularFile(ports) && Files.isRegularFile(scale)) {
                gateway = "127.0.0.1:" + Files.readString(ports).strip().split(" ")[1];
                for (JsonNode i : JSON.readTree(scale.toFile()).path("instances")) {
                    instances.add(new PrometheusExport.Instance(i.path("id").asText(), i.path("region").asText(),
                            "127.0.0.1:" + i.path("port").asInt()));
                }
            } else if (!kubernetes) {
                System.err.println("no platform runs on " + dataDir + ": prometheus.yml names the gateway's"
                        + " configured admin port and no instance; export again while `nlt up` runs, or use --k8s");
            }
            List<Path> written = PrometheusExport.write(out, config.monitoring(),
                    new PrometheusExport.Targets(gateway, instances, kubernetes, namespace));
            written.forEach(file -> System.out.println("wrote " + file));
            System.out.println("check them with: promtool check rules " + out.resolve(PrometheusExport.RULES)
                    + " && promtool test rules " + out.resolve(PrometheusExport.RULES_TEST));
            return 0;
        }
    }
}
