package com.nextleveltraders.cli.browser;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Deque's axe-core, the accessibility rules engine, run inside the page as it is now. It comes from npm
 * (web's devDependencies), so the version is locked in web/package-lock.json like every other web tool.
 * It is injected through the driver, which the page's Content-Security-Policy does not govern.
 */
public final class Axe {

    static final Path SCRIPT = BrowserPlatform.REPOSITORY.resolve("web/node_modules/axe-core/axe.min.js");
    private static final Set<String> BLOCKING = Set.of("serious", "critical");
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String RUN = """
            const done = arguments[arguments.length - 1];
            axe.run(document, { resultTypes: ['violations'] })
              .then((result) => done(JSON.stringify(result.violations)))
              .catch((error) => done(JSON.stringify({ error: String(error) })));
            """;

    private Axe() {
    }

    /** One rule the page breaks, with the elements that break it (CSS selectors). */
    public record Violation(String rule, String impact, String help, List<String> elements) {

        @Override
        public String toString() {
            return impact + " " + rule + " (" + help + ") at " + elements;
        }
    }

    /** The page's serious and critical violations; empty when it has none. */
    public static List<Violation> seriousOrCritical(Browser browser) throws IOException {
        if (!Files.isRegularFile(SCRIPT)) {
            throw new AssertionError(SCRIPT + " is missing: run `npm ci` in web/ (the web module's build does)");
        }
        if (!Boolean.TRUE.equals(browser.driver().executeScript("return typeof window.axe === 'object'"))) {
            browser.driver().executeScript(Files.readString(SCRIPT));
        }
        JsonNode answer = JSON.readTree((String) browser.driver().executeAsyncScript(RUN));
        if (answer.has("error")) {
            throw new AssertionError("axe-core failed: " + answer.path("error").asText());
        }
        List<Violation> found = new ArrayList<>();
        for (JsonNode v : answer) {
            if (!BLOCKING.contains(v.path("impact").asText())) {
                continue;
            }
            List<String> elements = new ArrayList<>();
            for (JsonNode node : v.path("nodes")) {
                elements.add(node.path("target").toString());
            }
            found.add(new Violation(v.path("id").asText(), v.path("impact").asText(), v.path("help").asText(),
                    List.copyOf(elements)));
        }
        return List.copyOf(found);
    }
}
