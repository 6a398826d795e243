package com.nextleveltraders.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The build's output, {@code web/dist}, as a browser meets it: the pages, what each makes the browser
 * fetch, and the files on disk. It reads the files itself rather than trusting the manifest, so that
 * the tests can hold the manifest to what is there.
 */
final class Dist {

    static final Path ROOT = Path.of("dist").toAbsolutePath().normalize();
    static final String MANIFEST = "manifest.json";
    /** The text assets the build compresses; images and fonts are compressed already. */
    private static final Pattern TEXT = Pattern.compile(".*\\.(js|mjs|css|html|svg|json|txt|xml|webmanifest)$");
    private static final Pattern COMPRESSED = Pattern.compile(".*\\.(br|gz)$");
    private static final Pattern HTML_REFERENCE = Pattern.compile("<(?:script|link)\\b[^>]*?\\b(?:src|href)=\"([^\"]+)\"");
    private static final Pattern STATIC_IMPORT = Pattern.compile("(?:\\bfrom|\\bimport)\\s*\"(\\.{1,2}/[^\"]+)\"");
    private static final Pattern CSS_URL = Pattern.compile("url\\(\\s*[\"']?([^\"')]+)[\"']?\\s*\\)");

    private Dist() {
    }

    /** Fails, saying why, when there is no build to check: the module's generate-resources makes it. */
    static void requireBuilt() {
        assertThat(ROOT.resolve(MANIFEST))
                .as("web/dist/manifest.json: `npm run build` (the module's generate-resources) writes it")
                .isRegularFile();
    }

    /** The pages: the HTML files at the root of dist. */
    static List<String> pages() {
        return originals().stream().filter(f -> !f.contains("/") && f.endsWith(".html")).toList();
    }

    /** Every file the build wrote except the .br/.gz twins, as paths relative to dist with '/'. */
    static List<String> originals() {
        try (Stream<Path> files = Files.walk(ROOT)) {
            return files.filter(Files::isRegularFile)
                    .map(f -> ROOT.relativize(f).toString().replace('\\', '/'))
                    .filter(f -> !COMPRESSED.matcher(f).matches())
                    .sorted()
                    .toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static List<String> textAssets() {
        return originals().stream().filter(Dist::isText).toList();
    }

    static boolean isText(String file) {
        return TEXT.matcher(file).matches();
    }

    static List<String> scripts() {
        return originals().stream().filter(f -> f.endsWith(".js")).toList();
    }

    /** What a file makes the browser fetch: a page's scripts, style sheets, preloads and icons as written. */
    static List<String> htmlReferences(String page) {
        return all(HTML_REFERENCE, read(page));
    }

    /**
     * What the browser fetches on loading the page: the page, what it references, each module's static
     * imports and each style sheet's url()s, transitively. A dynamic import() is not a first load.
     */
    static Set<String> firstLoad(String page) {
        Set<String> seen = new TreeSet<>();
        Deque<String> queue = new ArrayDeque<>(List.of(page));
        while (!queue.isEmpty()) {
            String file = queue.poll();
            if (!seen.add(file)) {
                continue;
            }
            assertThat(ROOT.resolve(file)).as("%s, loaded by %s", file, page).isRegularFile();
            List<String> references = file.endsWith(".html") ? htmlReferences(file)
                    : file.endsWith(".js") ? all(STATIC_IMPORT, read(file))
                    : file.endsWith(".css") ? all(CSS_URL, read(file)).stream().filter(u -> !u.startsWith("data:")).toList()
                    : List.of();
            references.forEach(reference -> queue.add(resolve(file, reference)));
        }
        return seen;
    }

    /** A reference as a path relative to dist: absolute ones from the root, others from the referring file. */
    static String resolve(String from, String reference) {
        if (reference.startsWith("/")) {
            return reference.substring(1);
        }
        Path base = Path.of(from).getParent();
        Path resolved = (base == null ? Path.of(reference) : base.resolve(reference)).normalize();
        return resolved.toString().replace('\\', '/');
    }

    static String read(String file) {
        return new String(bytes(file), StandardCharsets.UTF_8);
    }

    static byte[] bytes(String file) {
        try {
            return Files.readAllBytes(ROOT.resolve(file));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static long size(String file) {
        try {
            return Files.size(ROOT.resolve(file));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static List<String> all(Pattern pattern, String text) {
        List<String> found = new ArrayList<>();
        Matcher m = pattern.matcher(text);
        while (m.find()) {
            found.add(m.group(1));
        }
        return found;
    }
}
