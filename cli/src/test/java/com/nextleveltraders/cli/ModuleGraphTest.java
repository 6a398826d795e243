package com.nextleveltraders.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The module graph is part of the design, so the build checks it: the graph the README states (between
 * its {@code module-graph} markers) is exactly what each pom declares, each pom declares exactly the
 * modules its main code uses, tests use only what their pom declares, and the graph follows the
 * reactor's order, so that no module imports one built after it. Maven alone would compile an import
 * of a module that is only there transitively; this test makes that a failed build.
 */
final class ModuleGraphTest {

    private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
    private static final Pattern MODULE = Pattern.compile("<module>([a-z]+)</module>");
    private static final Pattern DEPENDENCY = Pattern.compile("<dependency>(.*?)</dependency>", Pattern.DOTALL);
    private static final Pattern OUR_ARTIFACT = Pattern.compile("<artifactId>nlt-([a-z]+)</artifactId>");
    private static final Pattern TEST_SCOPE = Pattern.compile("<scope>test</scope>");
    private static final Pattern USE = Pattern.compile("\\bcom\\.nextleveltraders\\.([a-z]+)\\b");
    private static final Pattern STRING_OR_COMMENT = Pattern.compile(
            "\"(?:\\\\.|[^\"\\\\])*\"|//[^\\n]*|/\\*.*?\\*/", Pattern.DOTALL);
    private static final Pattern GRAPH_LINE = Pattern.compile(
            "^- `([a-z]+)`(?: → ((?:`[a-z]+`(?:, )?)+))?(?: \\(.*\\))?$");
    private static final Pattern NAME = Pattern.compile("`([a-z]+)`");

    @Test
    void theReadmesGraphIsWhatThePomsDeclare() {
        assertThat(declared(false)).isEqualTo(readmeGraph());
    }

    @Test
    void eachPomDeclaresExactlyTheModulesItsMainCodeUses() {
        assertThat(used("main")).isEqualTo(declared(false));
    }

    @Test
    void testsUseOnlyModulesTheirPomDeclares() {
        Map<String, Set<String>> available = new TreeMap<>();
        declared(false).forEach((module, deps) -> available.put(module, new TreeSet<>(deps)));
        declared(true).forEach((module, deps) -> available.get(module).addAll(deps));
        used("test").forEach((module, uses) ->
                assertThat(available.get(module)).as("modules %s's tests use", module).containsAll(uses));
    }

    @Test
    void aModuleDependsOnlyOnModulesBuiltBeforeIt() {
        List<String> order = modules();
        declared(false).forEach((module, deps) -> deps.forEach(dep ->
                assertThat(order.indexOf(dep)).as("%s -> %s", module, dep).isLessThan(order.indexOf(module))));
    }

    /** The reactor's modules, in build order. */
    private static List<String> modules() {
        List<String> modules = new ArrayList<>();
        Matcher m = MODULE.matcher(read(ROOT.resolve("pom.xml")));
        while (m.find()) {
            modules.add(m.group(1));
        }
        return modules;
    }

    /** Each module's own-module dependencies from its pom: compile scope, or test scope only. */
    private static Map<String, Set<String>> declared(boolean testScope) {
        Map<String, Set<String>> graph = new TreeMap<>();
        for (String module : modules()) {
            Set<String> deps = new TreeSet<>();
            Matcher dependency = DEPENDENCY.matcher(read(ROOT.resolve(module).resolve("pom.xml")));
            while (dependency.find()) {
                Matcher artifact = OUR_ARTIFACT.matcher(dependency.group(1));
                if (artifact.find() && TEST_SCOPE.matcher(dependency.group(1)).find() == testScope) {
                    deps.add(artifact.group(1));
                }
            }
            graph.put(module, deps);
        }
        return graph;
    }

    /** Each module's uses of other modules' packages in {@code src/<set>}, outside strings and comments. */
    private static Map<String, Set<String>> used(String sourceSet) {
        Map<String, Set<String>> graph = new TreeMap<>();
        for (String module : modules()) {
            Set<String> uses = new TreeSet<>();
            Path sources = ROOT.resolve(module).resolve("src").resolve(sourceSet).resolve("java");
            if (Files.isDirectory(sources)) {
                try (Stream<Path> files = Files.walk(sources)) {
                    files.filter(file -> file.toString().endsWith(".java")).forEach(file -> {
                        Matcher use = USE.matcher(STRING_OR_COMMENT.matcher(read(file)).replaceAll(""));
                        while (use.find()) {
                            uses.add(use.group(1));
                        }
                    });
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }
            uses.remove(module);
            graph.put(module, uses);
        }
        return graph;
    }

    /** The README's list: {@code - `module` → `dep`, `dep` (what it holds)}, one line per module, between the markers. */
    private static Map<String, Set<String>> readmeGraph() {
        String readme = read(ROOT.resolve("README.md"));
        int start = readme.indexOf("<!-- module-graph -->");
        int end = readme.indexOf("<!-- /module-graph -->");
        assertThat(start).as("the README's module-graph markers").isNotNegative().isLessThan(end);
        Map<String, Set<String>> graph = new TreeMap<>();
        for (String line : readme.substring(start, end).lines().toList()) {
            Matcher entry = GRAPH_LINE.matcher(line.strip());
            if (entry.matches()) {
                Set<String> deps = new TreeSet<>();
                if (entry.group(2) != null) {
                    Matcher name = NAME.matcher(entry.group(2));
                    while (name.find()) {
                        deps.add(name.group(1));
                    }
                }
                graph.put(entry.group(1), deps);
            }
        }
        return graph;
    }

    private static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
