package com.nextleveltraders.web;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.zip.GZIPInputStream;
import org.brotli.dec.BrotliInputStream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The precompressed twins the gateway serves and the manifest that states their sizes, and the
 * strategy's budget: the trader app's first load, brotli-compressed, is at most 150 KiB.
 */
final class CompressionTest {

    private static final long BUDGET = 150 * 1024;
    private static final ObjectMapper JSON = new ObjectMapper();

    @BeforeAll
    static void built() {
        Dist.requireBuilt();
    }

    @Test
    void everyTextAssetHasBrotliAndGzipTwinsOfTheSameBytes() throws IOException {
        List<String> text = Dist.textAssets();
        assertThat(text).contains("index.html", "ops.html", Dist.MANIFEST);
        for (String file : text) {
            byte[] original = Dist.bytes(file);
            try (InputStream br = new BrotliInputStream(new ByteArrayInputStream(Dist.bytes(file + ".br")));
                    InputStream gz = new GZIPInputStream(new ByteArrayInputStream(Dist.bytes(file + ".gz")))) {
                assertThat(br.readAllBytes()).as("%s.br decoded", file).isEqualTo(original);
                assertThat(gz.readAllBytes()).as("%s.gz decoded", file).isEqualTo(original);
            }
        }
    }

    @Test
    void theManifestStatesEachFilesSizesAndPages() throws IOException {
        JsonNode manifest = manifest();
        List<String> listed = new ArrayList<>();
        manifest.get("files").fieldNames().forEachRemaining(listed::add);
        List<String> expected = Dist.originals().stream().filter(f -> !f.equals(Dist.MANIFEST)).toList();
        assertThat(listed).containsExactlyInAnyOrderElementsOf(expected);
        for (String file : expected) {
            JsonNode entry = manifest.get("files").get(file);
            assertThat(entry.get("raw").asLong()).as("%s raw", file).isEqualTo(Dist.size(file));
            if (Dist.isText(file)) {
                assertThat(entry.get("gzip").asLong()).as("%s gzip", file).isEqualTo(Dist.size(file + ".gz"));
                assertThat(entry.get("brotli").asLong()).as("%s brotli", file).isEqualTo(Dist.size(file + ".br"));
            }
            Set<String> loadedBy = new TreeSet<>();
            Dist.pages().stream().filter(page -> Dist.firstLoad(page).contains(file)).forEach(loadedBy::add);
            List<String> pages = new ArrayList<>();
            entry.get("pages").forEach(p -> pages.add(p.asText()));
            assertThat(pages).as("the pages that load %s", file).containsExactlyInAnyOrderElementsOf(loadedBy);
        }
        for (String page : Dist.pages()) {
            JsonNode load = manifest.get("pages").get(page);
            List<String> files = new ArrayList<>();
            load.get("files").forEach(f -> files.add(f.asText()));
            assertThat(files).as("%s's first load", page).containsExactlyInAnyOrderElementsOf(Dist.firstLoad(page));
            assertThat(load.get("raw").asLong()).isEqualTo(total(page, ""));
            assertThat(load.get("gzip").asLong()).isEqualTo(total(page, ".gz"));
            assertThat(load.get("brotli").asLong()).isEqualTo(total(page, ".br"));
        }
    }

    @Test
    void theTraderAppsFirstLoadFitsTheBudget() {
        long brotli = total("index.html", ".br");
        for (String file : Dist.firstLoad("index.html")) {
            System.out.printf("%-36s %7d raw %7d gzip %7d brotli%n", file, Dist.size(file),
                    sizeAs(file, ".gz"), sizeAs(file, ".br"));
        }
        System.out.printf("the trader app's first load: %d bytes raw, %d gzip, %d brotli (%.1f KiB of the %d KiB budget)%n",
                total("index.html", ""), total("index.html", ".gz"), brotli, brotli / 1024.0, BUDGET / 1024);
        assertThat(brotli).as("the trader app's first load as brotli, bytes").isLessThanOrEqualTo(BUDGET);
    }

    /** The bytes the page's first load costs when each file is sent as `suffix` ("" for raw). */
    private static long total(String page, String suffix) {
        return Dist.firstLoad(page).stream().mapToLong(f -> sizeAs(f, suffix)).sum();
    }

    /** A file's size as sent: its twin when it has one, else as it is (an image is compressed already). */
    private static long sizeAs(String file, String suffix) {
        return suffix.isEmpty() || !Dist.isText(file) ? Dist.size(file) : Dist.size(file + suffix);
    }

    private static JsonNode manifest() throws IOException {
        return JSON.readTree(Dist.bytes(Dist.MANIFEST));
    }
}
