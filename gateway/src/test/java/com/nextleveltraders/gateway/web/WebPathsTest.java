package com.nextleveltraders.gateway.web;

import static org.assertj.core.api.Assertions.assertThat;

import com.nextleveltraders.gateway.web.WebPaths.Kind;
import com.nextleveltraders.gateway.web.WebPaths.Target;
import java.util.List;
import org.junit.jupiter.api.Test;

class WebPathsTest {

    @Test
    void everyHostilePathIsRefused() {
        for (String path : HostilePaths.ALL) {
            assertThat(WebPaths.classify(path)).as(path).isEqualTo(new Target(Kind.REFUSED, null));
        }
    }

    @Test
    void theInstancesKeepEverySpellingOfTheirPaths() {
        for (String path : List.of("/api", "/api/orders", "/API/orders", "/%61pi/orders", "/%2561pi/orders",
                "/assets/../api/orders", "/admin", "/admin/faults", "/Admin/x", "/metrics", "/api;x/orders",
                "//api/orders", "/api\\orders")) {
            assertThat(WebPaths.classify(path).kind()).as(path).isEqualTo(Kind.PASS_ON);
        }
    }

    @Test
    void anyOtherPathWithoutAnExtensionIsAPageOfTheApp() {
        for (String path : List.of("/", "/portfolio", "/orders/42", "/history/", "/metrics/x", "/apis",
                "/search/caf%C3%A9", "/assetsx")) {
            assertThat(WebPaths.classify(path).kind()).as(path).isEqualTo(Kind.PAGE);
        }
    }

    @Test
    void assetsAndTopLevelFilesAreNamedAsTheBundleHoldsThem() {
        assertThat(WebPaths.classify("/assets/index-3fa2b1c9.js"))
                .isEqualTo(new Target(Kind.ASSET, "assets/index-3fa2b1c9.js"));
        assertThat(WebPaths.classify("/assets/fonts/inter-1a2b.woff2"))
                .isEqualTo(new Target(Kind.ASSET, "assets/fonts/inter-1a2b.woff2"));
        assertThat(WebPaths.classify("/favicon.ico")).isEqualTo(new Target(Kind.TOP_FILE, "favicon.ico"));
        assertThat(WebPaths.classify("/index.html")).isEqualTo(new Target(Kind.TOP_FILE, "index.html"));
        assertThat(WebPaths.classify("/nested/file.css").kind()).as("only the top level outside assets/")
                .isEqualTo(Kind.REFUSED);
    }

    @Test
    void theAdminPortHasTheDashboardsPageAndTheAssetsAndPassesOnEverythingElse() {
        assertThat(WebPaths.classifyAdmin("/ops")).isEqualTo(new Target(Kind.PAGE, "ops.html"));
        assertThat(WebPaths.classifyAdmin("/ops/")).isEqualTo(new Target(Kind.PAGE, "ops.html"));
        assertThat(WebPaths.classify("/ops")).as("the public port: a route of the trader app")
                .isEqualTo(new Target(Kind.PAGE, "index.html"));
        assertThat(WebPaths.classifyAdmin("/assets/ops-3fa2b1c9.js"))
                .isEqualTo(new Target(Kind.ASSET, "assets/ops-3fa2b1c9.js"));
        for (String path : List.of("/assets", "/assets/", "/assets/../ops.html", "/assets/%2e%2e/manifest.json",
                "/assets/../admin/backends", "/assets/.hidden.js")) {
            assertThat(WebPaths.classifyAdmin(path)).as(path).isEqualTo(new Target(Kind.REFUSED, null));
        }
        for (String path : List.of("/admin/backends", "/admin/session", "/metrics", "/health", "/", "/index.html",
                "/ops.html", "/ops/x", "/manifest.json")) {
            assertThat(WebPaths.classifyAdmin(path).kind()).as(path).isEqualTo(Kind.PASS_ON);
        }
    }
}
