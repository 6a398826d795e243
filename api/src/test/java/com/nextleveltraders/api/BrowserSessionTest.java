package com.nextleveltraders.api;

import static com.nextleveltraders.api.TradingApiContractTest.assertProblem;
import static org.assertj.core.api.Assertions.assertThat;

import com.nextleveltraders.api.ApiClient.Response;
import com.nextleveltraders.api.ApiClient.Trader;
import com.nextleveltraders.config.PlatformConfig;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Sessions as a browser holds them: an HttpOnly cookie instead of a bearer token, and writes
 * refused unless they come from the site's own origin. Against real PostgreSQL and Redis.
 */
class BrowserSessionTest {

    private static final String BUY = "{\"symbol\":\"KO\",\"side\":\"BUY\",\"type\":\"MARKET\",\"quantity\":\"1\"}";

    static TestPlatform platform;
    static ApiClient api;
    static String ownOrigin;

    @BeforeAll
    static void start() {
        platform = TestPlatform.get();
        api = platform.client;
        ownOrigin = "http://127.0.0.1:" + platform.api.port();
    }

    /** A trader's cookie session: the Set-Cookie header of a cookie login. */
    record Browser(Trader trader, String setCookie, String cookie) {
    }

    private static Browser cookieLogin() {
        Trader trader = api.newTrader();
        Response login = api.post("/api/sessions", null, "{\"email\":\"" + trader.email() + "\",\"password\":\""
                + ApiClient.PASSWORD + "\",\"cookie\":true}");
        assertThat(login.status()).as(login.text()).isEqualTo(201);
        String setCookie = login.header("set-cookie");
        assertThat(setCookie).isNotNull();
        return new Browser(trader, setCookie, setCookie.substring(0, setCookie.indexOf(';')));
    }

    private static Response withCookie(String method, String path, String cookie, String json, String... headers) {
        List<String> all = new ArrayList<>(List.of("Cookie", cookie));
        all.addAll(List.of(headers));
        return api.send(method, path, null, json == null ? null : "application/json",
                json == null ? null : json.getBytes(StandardCharsets.UTF_8), all.toArray(String[]::new));
    }

    private static int orderCount(Trader trader) {
        return api.get("/api/orders", trader.token()).json().get("items").size();
    }

    @Test
    void aCookieLoginSetsTheCookieAndKeepsTheTokenOutOfTheBody() {
        Browser browser = cookieLogin();
        long ttl = platform.config.caching().redis().session().toSeconds();
        assertThat(browser.setCookie()).matches("nlt_session=[0-9a-f]{32}\\.[A-Za-z0-9_-]{43}; Path=/api; Max-Age="
                + ttl + "; HttpOnly; Secure; SameSite=Strict");
        Response login = api.post("/api/sessions", null, "{\"email\":\"" + browser.trader().email()
                + "\",\"password\":\"" + ApiClient.PASSWORD + "\",\"cookie\":true}");
        assertThat(login.json().size()).isEqualTo(1);
        assertThat(login.json().get("expiresAt").asText()).isNotEmpty();
        assertThat(login.text()).doesNotContain(login.header("set-cookie").substring("nlt_session=".length(), 60));
        assertThat(login.header("cache-control")).isEqualTo("no-store");

        // Without the flag (or with it false) an API client gets its bearer token as before, and no cookie.
        for (String flag : List.of("", ",\"cookie\":false", ",\"cookie\":null")) {
            Response bearer = api.post("/api/sessions", null, "{\"email\":\"" + browser.trader().email()
                    + "\",\"password\":\"" + ApiClient.PASSWORD + "\"" + flag + "}");
            assertThat(bearer.status()).isEqualTo(201);
            assertThat(bearer.json().get("token").asText()).isNotEmpty();
            assertThat(bearer.header("set-cookie")).isNull();
        }
    }

    @Test
    void aCookieFlagThatIsNotABooleanIsRefusedNamingTheField() {
        Trader trader = api.newTrader();
        for (String flag : List.of("\"true\"", "1", "\"yes\"", "{}", "[true]")) {
            Response refused = api.post("/api/sessions", null, "{\"email\":\"" + trader.email() + "\",\"password\":\""
                    + ApiClient.PASSWORD + "\",\"cookie\":" + flag + "}");
            assertProblem(refused, 400, "cookie");
            assertThat(refused.header("set-cookie")).isNull();
        }
    }

    @Test
    void theCookieAuthenticatesReads() {
        Browser browser = cookieLogin();
        Response portfolio = withCookie("GET", "/api/portfolio", browser.cookie(), null);
        assertThat(portfolio.status()).as(portfolio.text()).isEqualTo(200);
        assertThat(portfolio.json().get("cash").asText()).isNotEmpty();
        Response orders = withCookie("GET", "/api/orders", browser.cookie(), null);
        assertThat(orders.status()).isEqualTo(200);
        assertThat(orders.json().get("items").size()).isZero();
        // Among other cookies, in a second Cookie header, as HTTP/2 clients send them.
        assertThat(api.send("GET", "/api/portfolio", null, null, null, "Cookie", "theme=dark; lang=en",
                "Cookie", " " + browser.cookie() + " ").status()).isEqualTo(200);
    }

    @Test
    void aCookieWriteNeedsTheSitesOwnOrigin() {
        Browser browser = cookieLogin();
        assertProblem(withCookie("POST", "/api/orders", browser.cookie(), BUY), 403, null);
        for (String wrong : List.of("http://127.0.0.1:1", "http://evil.example:" + platform.api.port(),
                "https://127.0.0.1:" + platform.api.port(), "null", ownOrigin + "/", "")) {
            Response refused = withCookie("POST", "/api/orders", browser.cookie(), BUY, "Origin", wrong);
            assertProblem(refused, 403, null);
            assertThat(refused.json().get("type").asText()).endsWith("/origin-mismatch");
            assertThat(refused.json().get("detail").asText()).contains("Origin");
        }
        // A cancel and a logout are writes too.
        assertProblem(withCookie("DELETE", "/api/orders/" + UUID.randomUUID(), browser.cookie(), null,
                "Origin", "http://evil.example"), 403, null);
        assertProblem(withCookie("DELETE", "/api/sessions", browser.cookie(), null), 403, null);
        assertThat(orderCount(browser.trader())).as("nothing written").isZero();

        Response placed = withCookie("POST", "/api/orders", browser.cookie(), BUY, "Origin", ownOrigin);
        assertThat(placed.status()).as(placed.text()).isEqualTo(201);
        assertThat(orderCount(browser.trader())).isEqualTo(1);
    }

    @Test
    void behindTheGatewayTheOriginIsTheOneTheClientAddressed() {
        Browser browser = cookieLogin();
        String[] forwarded = {"X-Forwarded-Proto", "https", "X-Forwarded-Host", "trade.example:8443"};
        assertProblem(withCookie("POST", "/api/orders", browser.cookie(), BUY, concat(forwarded, "Origin", ownOrigin)),
                403, null);
        assertProblem(withCookie("POST", "/api/orders", browser.cookie(), BUY,
                concat(forwarded, "Origin", "http://trade.example:8443")), 403, null);
        assertThat(withCookie("POST", "/api/orders", browser.cookie(), BUY,
                concat(forwarded, "Origin", "https://TRADE.example:8443")).status()).isEqualTo(201);
        String[] defaultPort = {"X-Forwarded-Proto", "https", "X-Forwarded-Host", "trade.example"};
        assertThat(withCookie("POST", "/api/orders", browser.cookie(), BUY,
                concat(defaultPort, "Origin", "https://trade.example:443")).status()).isEqualTo(201);
    }

    private static String[] concat(String[] first, String... more) {
        List<String> all = new ArrayList<>(List.of(first));
        all.addAll(List.of(more));
        return all.toArray(String[]::new);
    }

    @Test
    void bearerRequestsAreNeverOriginChecked() {
        Trader trader = api.newTrader();
        Response placed = api.send("POST", "/api/orders", trader.token(), "application/json",
                BUY.getBytes(StandardCharsets.UTF_8), "Origin", "http://evil.example");
        assertThat(placed.status()).as(placed.text()).isEqualTo(201);
        // The bearer token wins over a cookie: the request is the API client's, not checked.
        Browser browser = cookieLogin();
        Response both = api.send("POST", "/api/orders", trader.token(), "application/json",
                BUY.getBytes(StandardCharsets.UTF_8), "Cookie", browser.cookie(), "Origin", "null");
        assertThat(both.status()).isEqualTo(201);
        assertThat(orderCount(trader)).isEqualTo(2);
        assertThat(orderCount(browser.trader())).isZero();
        // With neither, a write is refused for want of a session, as before.
        assertProblem(api.send("POST", "/api/orders", null, "application/json", BUY.getBytes(StandardCharsets.UTF_8)),
                401, null);
    }

    @Test
    void hostileCookieHeadersAreAnswered401() {
        Browser browser = cookieLogin();
        String token = browser.cookie().substring("nlt_session=".length());
        List<List<String>> hostile = List.of(
                List.of("nlt_session=" + "A".repeat(4000)),
                List.of("nlt_session="),
                List.of("nlt_session"),
                List.of(";;;=;=="),
                List.of("nlt_session=%00%ff\\\"\\"),
                List.of("nlt_session=" + token + "x"),
                List.of("nlt_session=" + token.toUpperCase(java.util.Locale.ROOT)),
                List.of("nlt_session=" + token + "; nlt_session=" + UUID.randomUUID()),
                List.of("nlt_session=" + UUID.randomUUID(), "nlt_session=" + token),
                List.of("x=" + "y;".repeat(2000)),
                List.of("nlt_session=00000000000000000000000000000000.AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"));
        for (List<String> cookies : hostile) {
            List<String> headers = new ArrayList<>();
            cookies.forEach(cookie -> headers.addAll(List.of("Cookie", cookie)));
            String label = cookies.toString().substring(0, Math.min(60, cookies.toString().length()));
            Response read = api.send("GET", "/api/portfolio", null, null, null, headers.toArray(String[]::new));
            assertProblem(read, 401, null);
            assertThat(read.status()).as(label).isEqualTo(401);
            headers.addAll(List.of("Origin", ownOrigin));
            Response write = api.send("POST", "/api/orders", null, "application/json",
                    BUY.getBytes(StandardCharsets.UTF_8), headers.toArray(String[]::new));
            assertThat(write.status()).as(label).isEqualTo(401);
        }
        assertThat(orderCount(browser.trader())).isZero();
        assertThat(withCookie("GET", "/api/portfolio", browser.cookie(), null).status()).isEqualTo(200);
    }

    @Test
    void aCookieSessionSpendsItsUsersBudgetAsABearerTokenDoes() {
        // Three requests an hour: nothing refills while the test runs.
        PlatformConfig config = platform.instanceConfig("cookie-rl",
                "loadBalancer:\n  rateLimit: { requests: 3, period: 1h, burst: 3 }\n");
        Browser browser = cookieLogin();
        Browser bystander = cookieLogin();
        try (ApiInstance instance = ApiInstance.start(config, Clock.systemUTC(), false)) {
            ApiClient limited = new ApiClient("http://127.0.0.1:" + instance.port());
            Response first = limited.send("GET", "/api/portfolio", null, null, null, "Cookie", browser.cookie());
            assertThat(first.status()).isEqualTo(200);
            assertThat(first.header("ratelimit")).startsWith("\"burst\";r=2;");
            // The same user by bearer token: the same budget.
            assertThat(limited.get("/api/portfolio", browser.trader().token()).header("ratelimit"))
                    .startsWith("\"burst\";r=1;");
            assertThat(limited.send("GET", "/api/users/me", null, null, null, "Cookie", browser.cookie()).status())
                    .isEqualTo(200);
            assertProblem(limited.send("GET", "/api/portfolio", null, null, null, "Cookie", browser.cookie()), 429, null);
            // Another user from the same address has a budget of its own.
            Response other = limited.send("GET", "/api/portfolio", null, null, null, "Cookie", bystander.cookie());
            assertThat(other.status()).isEqualTo(200);
            assertThat(other.header("ratelimit")).startsWith("\"burst\";r=2;");
        }
    }

    @Test
    void logoutByCookieEndsTheSessionAndClearsTheCookie() {
        Browser browser = cookieLogin();
        Response out = withCookie("DELETE", "/api/sessions", browser.cookie(), null, "Origin", ownOrigin);
        assertThat(out.status()).isEqualTo(204);
        assertThat(out.header("set-cookie"))
                .isEqualTo("nlt_session=; Path=/api; Max-Age=0; HttpOnly; Secure; SameSite=Strict");
        assertProblem(withCookie("GET", "/api/portfolio", browser.cookie(), null), 401, null);
        assertProblem(withCookie("GET", "/api/users/me", browser.cookie(), null), 401, null);
        // A stale cookie is cleared too, so that the browser stops sending it.
        Response again = withCookie("DELETE", "/api/sessions", browser.cookie(), null, "Origin", ownOrigin);
        assertProblem(again, 401, null);
        assertThat(again.header("set-cookie")).startsWith("nlt_session=; Path=/api; Max-Age=0;");
    }

    @Test
    void meIsTheCallerAndOnlyTheCaller() {
        Browser browser = cookieLogin();
        Trader other = api.newTrader();
        Response me = withCookie("GET", "/api/users/me", browser.cookie(), null);
        assertThat(me.status()).isEqualTo(200);
        assertThat(me.json().get("id").asText()).isEqualTo(browser.trader().id().toString());
        assertThat(me.json().get("email").asText()).isEqualTo(browser.trader().email());
        assertThat(me.json().get("displayName").asText()).isEqualTo("Test Trader");
        assertThat(me.json().get("createdAt").asText()).isNotEmpty();
        assertThat(me.json().size()).isEqualTo(4);
        assertThat(me.text()).doesNotContain(other.email()).doesNotContain("password");
        assertThat(me.header("cache-control")).isEqualTo("private, no-cache");

        Response byBearer = api.get("/api/users/me", other.token());
        assertThat(byBearer.json().get("id").asText()).isEqualTo(other.id().toString());
        assertProblem(api.get("/api/users/me", null), 401, null);
        assertProblem(api.get("/api/users/me", "forged-token"), 401, null);
    }
}
