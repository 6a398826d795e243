package com.nextleveltraders.cli.browser;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The web app as a browser gets it from a real `nlt up`: the files with the headers the strategy asks for,
 * the page working under its Content-Security-Policy, and a trader signing up, logging in and watching the
 * quotes in Chromium, with no serious accessibility fault. Screenshots go to cli/target/screenshots.
 */
@Tag("platform")
@Tag("browser")
class WebAppBrowserTest {

    @RegisterExtension
    static final BrowserPlatform PLATFORM = new BrowserPlatform();

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String PASSWORD = "correct horse battery";

    private final HttpClient http = HttpClient.newHttpClient();

    @Test
    void eachHashedAssetIsImmutableAndServedAsItsBrotliFile() throws Exception {
        JsonNode files = JSON.readTree(BrowserPlatform.built("manifest.json")).path("files");
        List<String> assets = new ArrayList<>();
        files.fieldNames().forEachRemaining(name -> {
            if (name.startsWith("assets/")) {
                assets.add(name);
            }
        });
        assertThat(assets).as("hashed assets in the manifest").isNotEmpty();
        for (String asset : assets) {
            HttpResponse<byte[]> plain = get("/" + asset, null);
            assertThat(plain.statusCode()).as(asset).isEqualTo(200);
            assertThat(plain.headers().firstValue("Cache-Control")).as(asset)
                    .hasValueSatisfying(v -> assertThat(v).contains("public", "max-age=31536000", "immutable"));
            assertThat(plain.body()).as(asset).isEqualTo(BrowserPlatform.built(asset));
            if (Files.isRegularFile(BrowserPlatform.WEB_DIST.resolve(asset + ".br"))) {
                HttpResponse<byte[]> brotli = get("/" + asset, "br");
                assertThat(brotli.headers().firstValue("Content-Encoding")).as(asset).hasValue("br");
                assertThat(brotli.headers().firstValue("Vary")).as(asset)
                        .hasValueSatisfying(v -> assertThat(v).isEqualToIgnoringCase("Accept-Encoding"));
                assertThat(brotli.body()).as(asset + " with br").isEqualTo(BrowserPlatform.built(asset + ".br"));
            }
        }
    }

    @Test
    void theHtmlIsRevalidatedAndCarriesAStrictContentSecurityPolicy() throws Exception {
        HttpResponse<byte[]> index = get("/", "br, gzip");
        assertThat(index.statusCode()).isEqualTo(200);
        assertThat(index.headers().firstValue("Cache-Control")).hasValue("no-cache");
        assertThat(index.headers().firstValue("ETag")).isPresent();
        assertThat(index.headers().firstValue("Content-Security-Policy")).hasValueSatisfying(csp -> assertThat(csp)
                .contains("default-src 'self'", "frame-ancestors 'none'")
                .doesNotContain("unsafe-inline", "unsafe-eval"));
        assertThat(index.headers().firstValue("X-Content-Type-Options")).hasValue("nosniff");
        assertThat(index.headers().firstValue("Referrer-Policy")).isPresent();
    }

    @Test
    void thePageWorksUnderItsPolicyWithNoConsoleErrors() {
        Browser browser = PLATFORM.browser();
        TraderPage page = TraderPage.open(browser, PLATFORM.publicUrl());
        // Quotes on the board: the app's scripts, styles and API calls all ran under the policy.
        assertThat(page.quotedSymbols()).isNotEmpty();
        page.awaitPriceChart();
        assertThat(browser.consoleErrors()).isEmpty();

        // The policy is enforced and its refusals reach the console: an inline script does not run.
        browser.driver().executeScript("""
                const s = document.createElement('script');
                s.textContent = 'window.inlineRan = true';
                document.head.appendChild(s);""");
        assertThat(browser.driver().executeScript("return window.inlineRan === true")).isEqualTo(false);
        assertThat(browser.consoleErrors()).singleElement().asString().contains("Content Security Policy");
    }

    @Test
    void aTraderSignsUpLogsInAndSeesTheQuotes() throws Exception {
        Browser browser = PLATFORM.browser();
        String email = "browser-" + UUID.randomUUID() + "@example.com";
        TraderPage page = TraderPage.open(browser, PLATFORM.publicUrl());
        assertThat(Axe.seriousOrCritical(browser)).as("the sign-in form").isEmpty();

        page.signUp(email, "Browser Trader", PASSWORD).signOut().logIn(email, PASSWORD);
        assertThat(page.quotedSymbols()).contains("AAPL");
        page.awaitPriceChart();
        assertThat(Axe.seriousOrCritical(browser)).as("the quotes board, signed in").isEmpty();
        browser.screenshot("trader-quotes");
        browser.atWidth(360);
        browser.screenshot("trader-quotes-360");
        assertThat(browser.consoleErrors()).isEmpty();
    }

    @Test
    void aTraderBuysCancelsPagesThroughTheHistoryAndReadsTheApisRefusal() throws Exception {
        Browser browser = PLATFORM.browser();
        String email = "trader-" + UUID.randomUUID() + "@example.com";
        TraderPage page = TraderPage.open(browser, PLATFORM.publicUrl()).signUp(email, "Trading Trader", PASSWORD);

        // Buy 3: the trade is in the history and the position in the portfolio.
        assertThat(page.placeOrder("AAPL", "BUY", "3", null)).isNotBlank();
        assertThat(page.positions()).hasEntrySatisfying("AAPL", row -> assertThat(row).contains("3"));
        page.awaitEquityChart();
        assertThat(Axe.seriousOrCritical(browser)).as("the portfolio").isEmpty();
        browser.screenshot("trader-portfolio");
        assertThat(page.allTrades(10)).singleElement().asString().contains("AAPL", "BUY");

        // A LIMIT far below the market stays open until it is cancelled.
        page.placeOrder("MSFT", "BUY", "2", "1.00");
        List<String> open = page.openOrders(1);
        assertThat(open).hasSize(1);
        browser.screenshot("trader-open-orders");
        page.cancel(open.get(0));

        // 25 more trades (placed through the API with a bearer session of the same user, for speed): the
        // history pages through all 26, 10 at a time, each exactly once.
        String token = bearerLogin(email);
        // Quantities 1 to 25, so that each trade's row differs from the others even within one second.
        for (int i = 1; i <= 25; i++) {
            HttpResponse<String> order = post("/api/orders", token,
                    "{\"symbol\":\"KO\",\"side\":\"BUY\",\"type\":\"MARKET\",\"quantity\":" + i + "}");
            assertThat(order.statusCode()).as(order.body()).isEqualTo(201);
        }
        List<String> trades = page.allTrades(10);
        assertThat(trades).hasSize(26).doesNotHaveDuplicates();
        assertThat(trades.stream().filter(row -> row.contains("KO"))).hasSize(25);
        assertThat(Axe.seriousOrCritical(browser)).as("the history").isEmpty();
        browser.screenshot("trader-history");

        // An order the client's checks let through and the platform refuses: the API's own words, by the field.
        HttpResponse<String> refusal = post("/api/orders", token,
                "{\"symbol\":\"AAPL\",\"side\":\"BUY\",\"type\":\"MARKET\",\"quantity\":1000000}");
        assertThat(refusal.statusCode()).isEqualTo(422);
        String apiMessage = JSON.readTree(refusal.body()).path("errors").get(0).path("message").asText();
        assertThat(apiMessage).startsWith("order needs").contains("USD available");
        String shown = page.refusedOrder("AAPL", "BUY", "1000000", "quantity");
        assertThat(shown).startsWith("Order needs").contains("USD available");
        assertThat(Axe.seriousOrCritical(browser)).as("the order ticket").isEmpty();
        browser.screenshot("trader-order-ticket");
        browser.atWidth(360);
        browser.screenshot("trader-order-ticket-360");
        assertThat(page.positions()).containsKeys("AAPL", "KO");
        browser.screenshot("trader-portfolio-360");
        assertThat(browser.consoleErrors()).isEmpty();
    }

    private String bearerLogin(String email) throws Exception {
        HttpResponse<String> session = post("/api/sessions", null,
                "{\"email\":\"" + email + "\",\"password\":\"" + PASSWORD + "\"}");
        assertThat(session.statusCode()).as(session.body()).isEqualTo(201);
        return JSON.readTree(session.body()).path("token").asText();
    }

    private HttpResponse<String> post(String path, String token, String json) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(PLATFORM.publicUrl() + path))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json));
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<byte[]> get(String path, String acceptEncoding) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(PLATFORM.publicUrl() + path));
        if (acceptEncoding != null) {
            request.header("Accept-Encoding", acceptEncoding);
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
    }
}
