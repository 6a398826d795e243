package com.nextleveltraders.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Every configuration key the README and the pages under {@code docs/} name (a dotted path in backticks
 * that starts with a top-level section, such as {@code loadBalancer.rateLimit.burst}) exists in
 * {@code nlt-defaults.yaml}: a setting renamed or removed must not live on in the documentation. The
 * strategy itself ({@code docs/scaling-strategy.md}) is the seed, in its own names, and is not checked.
 */
final class DocumentedKeysTest {

    private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
    private static final Pattern CODE = Pattern.compile("`([^`\\n]+)`");
    private static final String SEED = "scaling-strategy.md";
    private static final Pattern DOTTED = Pattern.compile("[a-z][A-Za-z0-9]*(\\.[a-z][A-Za-z0-9]*)+");

    @Test
    void everyKeyTheDocumentationNamesExistsInTheDefaults() throws IOException {
        YamlNode.Mapping defaults = defaults();
        Set<String> named = new TreeSet<>();
        Set<String> missing = new TreeSet<>();
        for (Path page : pages()) {
            Matcher code = CODE.matcher(Files.readString(page));
            while (code.find()) {
                String key = code.group(1).strip();
                if (DOTTED.matcher(key).matches() && defaults.entries().containsKey(key.substring(0, key.indexOf('.')))) {
                    named.add(key);
                    if (!exists(defaults, key)) {
                        missing.add(ROOT.relativize(page) + ": " + key);
                    }
                }
            }
        }
        assertThat(named).as("keys the documentation names").hasSizeGreaterThan(20);
        assertThat(missing).as("keys named in the documentation but absent from nlt-defaults.yaml").isEmpty();
    }

    private static boolean exists(YamlNode.Mapping defaults, String key) {
        YamlNode node = defaults;
        for (String part : key.split("\\.")) {
            if (!(node instanceof YamlNode.Mapping mapping) || !mapping.entries().containsKey(part)) {
                return false;
            }
            node = mapping.entries().get(part);
        }
        return true;
    }

    private static List<Path> pages() throws IOException {
        List<Path> pages = new ArrayList<>(List.of(ROOT.resolve("README.md")));
        Path docs = ROOT.resolve("docs");
        if (Files.isDirectory(docs)) {
            try (Stream<Path> files = Files.list(docs)) {
                files.filter(file -> file.toString().endsWith(".md"))
                        .filter(file -> !file.getFileName().toString().equals(SEED))
                        .sorted().forEach(pages::add);
            }
        }
        return pages;
    }

    private static YamlNode.Mapping defaults() throws IOException {
        try (InputStream in = ConfigLoader.class.getResourceAsStream("/nlt-defaults.yaml")) {
            ConfigProblems problems = new ConfigProblems();
            YamlNode.Mapping tree = YamlReader.read(new String(in.readAllBytes(), StandardCharsets.UTF_8),
                    "nlt-defaults.yaml", problems);
            problems.throwIfAny();
            return tree;
        }
    }
}
