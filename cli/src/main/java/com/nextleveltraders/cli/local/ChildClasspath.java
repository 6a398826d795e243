package com.nextleveltraders.cli.local;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The class path of a child JVM: of the launcher's own class path, only the entries of the child's
 * module and of its runtime dependencies. Each child module's build lists those dependencies
 * ({@code META-INF/nlt/<artifactId>.dependencies}, written by {@code dependency:list}), so that the
 * gateway's JVM carries no JDBC driver, pool or migration library, as its module graph says.
 *
 * <p>Entries are matched by artifact id and classifier, not version: the launcher's class path holds
 * the versions Maven chose for the whole application, which are the ones the child must run with.
 */
final class ChildClasspath {

    private static final String GROUP = "com.nextleveltraders";
    private static final String MODULE_PREFIX = "nlt-";

    private ChildClasspath() {
    }

    /** The class path for the module {@code artifactId} (e.g. {@code nlt-gateway}) out of this JVM's own. */
    static String of(String artifactId) {
        List<String> entries = Arrays.asList(System.getProperty("java.class.path").split(File.pathSeparator));
        return String.join(File.pathSeparator, select(entries, dependencies(artifactId), artifactId));
    }

    /**
     * @param entries      the launcher's class path
     * @param dependencies the lines of the module's dependency list
     * @throws IllegalStateException when a dependency is not on the launcher's class path
     */
    static List<String> select(List<String> entries, List<String> dependencies, String artifactId) {
        Set<Artifact> wanted = new LinkedHashSet<>();
        wanted.add(new Artifact(GROUP, artifactId, null));
        for (String line : dependencies) {
            String[] parts = line.strip().split("\\s+")[0].split(":");
            // groupId:artifactId:type[:classifier]:version:scope
            if (parts.length == 5 || parts.length == 6) {
                wanted.add(new Artifact(parts[0], parts[1], parts.length == 6 ? parts[3] : null));
            }
        }
        List<String> selected = new ArrayList<>();
        Set<Artifact> missing = new LinkedHashSet<>(wanted);
        for (String entry : entries) {
            for (Artifact artifact : wanted) {
                if (artifact.isAt(Path.of(entry))) {
                    selected.add(entry);
                    missing.remove(artifact);
                    break;
                }
            }
        }
        if (!missing.isEmpty()) {
            throw new IllegalStateException(artifactId + " needs " + missing + ", which the launcher's class path lacks");
        }
        return selected;
    }

    private static List<String> dependencies(String artifactId) {
        String resource = "/META-INF/nlt/" + artifactId + ".dependencies";
        try (InputStream in = ChildClasspath.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException(resource + " is missing from the class path: rebuild with ./nlt");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8).lines().toList();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + resource, e);
        }
    }

    private record Artifact(String groupId, String artifactId, String classifier) {

        /**
         * A jar {@code artifactId-<version>[-classifier].jar} (without a classifier wanted, any of the
         * artifact's jars), or one of our modules' {@code target/classes}.
         */
        boolean isAt(Path entry) {
            String name = entry.getFileName() == null ? "" : entry.getFileName().toString();
            if (groupId.equals(GROUP) && artifactId.startsWith(MODULE_PREFIX) && name.equals("classes")
                    && entry.getParent() != null && entry.getParent().getParent() != null
                    && entry.getParent().getFileName().toString().equals("target")) {
                Path module = entry.getParent().getParent().getFileName();
                return module != null && module.toString().equals(artifactId.substring(MODULE_PREFIX.length()));
            }
            String suffix = classifier == null ? ".jar" : "-" + classifier + ".jar";
            return name.startsWith(artifactId + "-") && name.endsWith(suffix)
                    && name.length() > artifactId.length() + suffix.length()
                    && Character.isDigit(name.charAt(artifactId.length() + 1));
        }
    }
}
