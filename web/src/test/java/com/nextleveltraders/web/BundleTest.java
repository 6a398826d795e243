package com.nextleveltraders.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The strategy's {@code assets.bundling} row, checked on what {@code npm run build} wrote to web/dist:
 * content-hashed names, one entry chunk per page, the vendors in chunks of their own, minified and
 * tree-shaken code, and pages that run under {@code default-src 'self'}.
 */
final class BundleTest {

    /** Vite's names: the chunk's name, a dash, eight characters of the content's hash. */
    private static final Pattern HASHED = Pattern.compile("assets/[a-z0-9_.-]+-[A-Za-z0-9_-]{8}\\.(js|css|svg|png|woff2)");
    private static final Pattern ENTRY = Pattern.compile("<script type=\"module\"[^>]*\\bsrc=\"/(assets/[^\"]+)\"");
    /** A line comment as written in source: {@code //} then a blank, after the start of a line, a blank or a brace. */
    private static final Pattern LINE_COMMENT = Pattern.compile("(?m)(^|[\\s;{}])//[ \\t]");
    private static final Pattern BLOCK_COMMENT = Pattern.compile("/\\*[\\s*!]");

    @BeforeAll
    static void built() {
        Dist.requireBuilt();
    }

    @Test
    void bothPagesAreBuilt() {
        assertThat(Dist.pages()).containsExactly("index.html", "ops.html");
    }

    @Test
    void eachPageReferencesOnlyContentHashedAssetsOfItsOwnOrigin() {
        for (String page : Dist.pages()) {
            List<String> references = Dist.htmlReferences(page);
            assertThat(references).as("%s's references", page).isNotEmpty();
            for (String reference : references) {
                assertThat(reference).as("%s in %s: served by the platform from /assets/", reference, page).startsWith("/assets/");
                assertThat(Dist.resolve(page, reference)).as("%s in %s", reference, page).matches(HASHED);
                assertThat(Dist.ROOT.resolve(reference.substring(1))).isRegularFile();
            }
            assertThat(Dist.read(page)).as("%s names no other origin", page).doesNotContain("http://", "https://", "src=\"//", "href=\"//");
        }
        assertThat(Dist.originals()).as("every file but the pages and the manifest is hashed")
                .allMatch(f -> Dist.pages().contains(f) || f.equals(Dist.MANIFEST) || HASHED.matcher(f).matches());
    }

    @Test
    void thePagesHaveNoInlineScriptStyleOrHandler() {
        for (String page : Dist.pages()) {
            String html = Dist.read(page);
            Matcher script = Pattern.compile("<script\\b([^>]*)>").matcher(html);
            while (script.find()) {
                assertThat(script.group(1)).as("a script in %s has a src (CSP forbids inline ones)", page).contains(" src=");
            }
            assertThat(html).as(page).doesNotContainPattern("<script\\b[^>]*>[^<]+</script>")
                    .doesNotContainPattern("<style\\b").doesNotContainPattern("\\sstyle=")
                    .doesNotContainPattern("\\son[a-z]+=").doesNotContain("javascript:").doesNotContain("data:");
        }
    }

    @Test
    void eachPageHasItsOwnEntryChunk() {
        String app = entryOf("index.html");
        String ops = entryOf("ops.html");
        assertThat(app).matches("assets/app-[A-Za-z0-9_-]{8}\\.js");
        assertThat(ops).matches("assets/ops-[A-Za-z0-9_-]{8}\\.js");
        assertThat(Dist.firstLoad("ops.html")).as("the ops page does not load the trader app").doesNotContain(app);
        assertThat(Dist.firstLoad("index.html")).as("the trader app does not load the ops page").doesNotContain(ops);
    }

    @Test
    void theVendorsAreChunksOfTheirOwn() {
        String preact = only("assets/preact-");
        String uplot = only("assets/uplot-");
        // Strings only each library has, to find where its code ended up.
        assertThat(containing("http://www.w3.org/1998/Math/MathML")).as("Preact's code").containsExactly(preact);
        assertThat(containing("u-legend")).as("uPlot's code").containsExactly(uplot);
        assertThat(Dist.firstLoad("index.html")).contains(preact, uplot);
        assertThat(Dist.firstLoad("ops.html")).as("the ops page draws the fleet's charts").contains(preact, uplot);
    }

    @Test
    void scriptsAndStyleSheetsAreMinified() {
        for (String file : Dist.originals()) {
            if (!file.endsWith(".js") && !file.endsWith(".css")) {
                continue;
            }
            String text = Dist.read(file);
            List<String> lines = text.lines().toList();
            double average = (double) text.length() / lines.size();
            // A line break survives only inside a template literal: lines are long, or there is one.
            assertThat(lines.size() == 1 || average > 400).as("%s: %d lines of %.0f characters on average", file,
                    lines.size(), average).isTrue();
            assertThat(lines).as("%s has no blank or indented lines", file)
                    .noneMatch(String::isBlank).noneMatch(l -> l.startsWith("  ") || l.startsWith("\t"));
            assertThat(LINE_COMMENT.matcher(text).find()).as("%s has a // comment", file).isFalse();
            assertThat(BLOCK_COMMENT.matcher(text).find()).as("%s has a /* comment", file).isFalse();
        }
        // The checks find what they look for: the sources have such comments.
        assertThat(LINE_COMMENT.matcher(source("src/shared/shaking.ts")).find()).isTrue();
        assertThat(BLOCK_COMMENT.matcher(source("src/shared/shaking.ts")).find()).isTrue();
        // Local names are shortened: the sources' own names are gone.
        assertThat(containing("usePolling")).isEmpty();
        assertThat(containing("PASSWORD_MIN")).isEmpty();
    }

    /** src/shared/shaking.ts exports two markers; the app imports one. The other must not be shipped. */
    @Test
    void anExportNoPageImportsIsShakenOut() {
        String module = source("src/shared/shaking.ts");
        assertThat(module).as("the marker module is still there").contains("nlt-tree-shaking-kept", "nlt-tree-shaking-dropped");
        assertThat(containing("nlt-tree-shaking-kept")).as("the used export is in the bundle").hasSize(1);
        assertThat(containing("nlt-tree-shaking-dropped")).as("the unused export is not").isEmpty();
    }

    private static String entryOf(String page) {
        Matcher m = ENTRY.matcher(Dist.read(page));
        assertThat(m.find()).as("%s's module script", page).isTrue();
        String entry = m.group(1);
        assertThat(m.find()).as("%s has one entry script", page).isFalse();
        return entry;
    }

    private static String only(String prefix) {
        List<String> chunks = Dist.scripts().stream().filter(f -> f.startsWith(prefix)).toList();
        assertThat(chunks).as("chunks named %s*", prefix).hasSize(1);
        return chunks.getFirst();
    }

    private static List<String> containing(String text) {
        return Dist.scripts().stream().filter(f -> Dist.read(f).contains(text)).toList();
    }

    private static String source(String file) {
        try {
            return Files.readString(Path.of(file));
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
