package com.nextleveltraders.cli;

import com.nextleveltraders.config.PlatformConfig;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "k8s", description = "Kubernetes manifests for the platform's API instances.",
        subcommands = {K8sCommand.Export.class})
final class K8sCommand {

    @Command(name = "export", description = {
        "Write Kubernetes manifests for the API instances to DIR, from the effective configuration (the defaults"
                + " with FILE applied): a Deployment, its Service, a PodDisruptionBudget and a HorizontalPodAutoscaler"
                + " with the autoScaling rules, and a kustomization, so that `kubectl apply -k DIR` applies them.",
        "DIR is created; an earlier export in it is replaced. Exits 2, writing nothing, when DIR is a file or a"
                + " directory holding anything else, or when the configuration is invalid or cannot be expressed"
                + " in Kubernetes."})
    static final class Export implements Callable<Integer> {

        @Parameters(paramLabel = "DIR", description = "where to write the manifests")
        Path dir;

        @Option(names = "--config", paramLabel = "FILE", description = "a YAML file overriding the defaults")
        Path configFile;

        @Option(names = "--image", paramLabel = "IMAGE",
                description = "the API's container image (default: " + KubernetesManifests.IMAGE_REPOSITORY
                        + ":<the project's version>)")
        String image;

        @Option(names = "--namespace", paramLabel = "NS", defaultValue = KubernetesManifests.DEFAULT_NAMESPACE,
                description = "the namespace of every object (default: ${DEFAULT-VALUE})")
        String namespace;

        @Option(names = {"-h", "--help"}, usageHelp = true, description = "show this help and exit")
        boolean help;

        @Override
        public Integer call() {
            String chosenImage = image != null ? image : KubernetesManifests.defaultImage();
            List<String> optionProblems = KubernetesManifests.optionProblems(namespace, chosenImage);
            if (!optionProblems.isEmpty()) {
                optionProblems.forEach(System.err::println);
                return Nlt.USAGE;
            }
            PlatformConfig config = ConfigCommand.load(configFile);
            if (config == null) {
                return Nlt.USAGE;
            }
            List<String> problems = KubernetesManifests.problems(config);
            if (!problems.isEmpty()) {
                System.err.println("the configuration" + (configFile == null ? "" : " in " + configFile)
                        + " cannot be expressed in Kubernetes:");
                problems.forEach(problem -> System.err.println("  " + problem));
                return Nlt.USAGE;
            }
            Map<String, String> files = KubernetesManifests.render(config, chosenImage, namespace);
            Path target = dir.toAbsolutePath().normalize();
            Optional<String> refusal = refusal(target);
            if (refusal.isPresent()) {
                System.err.println(refusal.get());
                return Nlt.USAGE;
            }
            try {
                Files.createDirectories(target);
                for (Map.Entry<String, String> file : files.entrySet()) {
                    write(target, file.getKey(), file.getValue());
                }
            } catch (IOException e) {
                System.err.println("cannot write to " + target + ": " + e);
                return 1;
            }
            System.out.println("wrote " + String.join(", ", files.keySet()) + " to " + target);
            System.out.println("apply with: kubectl apply -k " + dir);
            return 0;
        }
    }

    /** Why the manifests may not be written to {@code dir}, if they may not. */
    static Optional<String> refusal(Path dir) {
        if (!Files.exists(dir, LinkOption.NOFOLLOW_LINKS)) {
            return Optional.empty();
        }
        if (!Files.isDirectory(dir)) {
            return Optional.of(dir + " exists and is not a directory: give a new or empty directory");
        }
        Set<String> allowed = new TreeSet<>();
        for (String name : names()) {
            allowed.add(name);
            allowed.add(temporary(name));
        }
        List<String> foreign = new ArrayList<>();
        try (Stream<Path> entries = Files.list(dir)) {
            entries.forEach(entry -> {
                String name = entry.getFileName().toString();
                if (!allowed.contains(name) || !Files.isRegularFile(entry, LinkOption.NOFOLLOW_LINKS)) {
                    foreign.add(name);
                }
            });
        } catch (IOException e) {
            return Optional.of("cannot read " + dir + ": " + e);
        }
        if (!foreign.isEmpty()) {
            List<String> shown = foreign.stream().sorted().limit(5).toList();
            return Optional.of(dir + " holds files that are not an earlier `nlt k8s export` (" + String.join(", ", shown)
                    + (foreign.size() > shown.size() ? ", ..." : "") + "): give a new or empty directory");
        }
        Path kustomization = dir.resolve(KubernetesManifests.KUSTOMIZATION);
        boolean empty = names().stream().noneMatch(name -> Files.exists(dir.resolve(name), LinkOption.NOFOLLOW_LINKS)
                || Files.exists(dir.resolve(temporary(name)), LinkOption.NOFOLLOW_LINKS));
        if (empty) {
            return Optional.empty();
        }
        try {
            if (Files.isRegularFile(kustomization, LinkOption.NOFOLLOW_LINKS)
                    && firstLine(kustomization).equals(KubernetesManifests.MARKER)) {
                return Optional.empty();
            }
        } catch (IOException e) {
            return Optional.of("cannot read " + kustomization + ": " + e);
        }
        return Optional.of(dir + " holds manifests that `nlt k8s export` did not write (" + kustomization.getFileName()
                + " is missing or not ours): give a new or empty directory");
    }

    private static List<String> names() {
        List<String> names = new ArrayList<>(KubernetesManifests.RESOURCES);
        names.add(KubernetesManifests.KUSTOMIZATION);
        return names;
    }

    private static String temporary(String name) {
        return "." + name + ".tmp";
    }

    private static String firstLine(Path file) throws IOException {
        try (var reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            String line = reader.readLine();
            return line == null ? "" : line;
        }
    }

    /** Writes beside the target, then renames over it: a reader sees the old file or the new one, never a part. */
    private static void write(Path dir, String name, String content) throws IOException {
        Path temporary = dir.resolve(temporary(name));
        try {
            try (OutputStream out = Files.newOutputStream(temporary, StandardOpenOption.CREATE,
                    StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE, LinkOption.NOFOLLOW_LINKS)) {
                out.write(content.getBytes(StandardCharsets.UTF_8));
            }
            Files.move(temporary, dir.resolve(name), StandardCopyOption.REPLACE_EXISTING,
                    StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(temporary);
        }
    }

    private K8sCommand() {
    }
}
